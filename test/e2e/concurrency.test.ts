// Two writers at once. Two `rotate` runs on one Secret: the first is held at its write until
// the second has read, so both write against the same resourceVersion; exactly one wins and the
// other changes nothing and exits 3. The pre-commit hook and `scan --fix` on a repository that
// is being committed to at the same time: git's index stays sound and no lock is left behind.
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {execFile, execFileSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {promisify} from 'node:util';
import {e2eEnv, needsTestServer, type E2EEnv} from '../helpers/cluster.js';
import {installCliInto, runCli, type CliResult} from '../helpers/cli.js';
import {GIT_ENV} from '../helpers/git-repo.js';

const FIX = new URL('../../../test/fixtures/crypto/', import.meta.url).pathname;
const RSA_CERT = join(FIX, 'golden-cert.pem');
const b64 = (s: string) => Buffer.from(s).toString('base64');
const unb64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

let env: E2EEnv;
before(async () => {
  env = await e2eEnv();
});
after(() => env?.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

test('two rotate runs at once on one Secret: exactly one wins, the other changes nothing and exits 3', async (t) => {
  const server = needsTestServer(t, env);
  if (!server) return;
  const ns = 'race';
  server.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: ns}});
  server.create({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'db', namespace: ns}, type: 'Opaque', data: {password: b64('old'), user: b64('app')}});
  const path = `/api/v1/namespaces/${ns}/secrets/db`;
  const reads = () => server.requests.filter((r) => r.method === 'GET' && r.path === path && r.status === 200).length;
  const startReads = reads();
  let held = 0;
  // Hold the first write until the second run has read the Secret (so it read the same version).
  const undo = server.beforeWrite(async (req) => {
    if (req.kind !== 'Secret' || req.namespace !== ns || req.name !== 'db' || req.method !== 'PUT') return;
    if (held++ === 0) await until(() => reads() - startReads >= 2, 30_000, 'the second run to read');
  });
  const rotate = (value: string) => env.cli(['rotate', 'db', '-n', ns, '--from-literal', `password=${value}`, '--yes', '--no-restart']);
  const first = rotate('from-A');
  await until(() => held === 1, 30_000, 'the first run to reach its write');
  const second = rotate('from-B');
  const [a, b] = await Promise.all([first, second]);
  undo();
  const results: Array<[string, CliResult]> = [['from-A', a], ['from-B', b]];
  const winners = results.filter(([, r]) => r.code === 0);
  const losers = results.filter(([, r]) => r.code !== 0);
  assert.equal(winners.length, 1, `exactly one wins: exits ${a.code} and ${b.code}\n${a.stderr}\n${b.stderr}`);
  assert.equal(losers[0][1].code, 3, losers[0][1].stderr);
  assert.match(losers[0][1].stderr, /^error: .*(changed|conflict|modified)/im);
  const live = server.get('v1', 'Secret', ns, 'db');
  assert.equal(unb64(live.data.password), winners[0][0], 'the winner\'s value, not the loser\'s');
  assert.equal(unb64(live.data.user), 'app');
  const writes = server.requests.filter((r) => r.method === 'PUT' && r.path === path);
  assert.equal(writes.filter((r) => r.status === 200).length, 1, 'one write applied');
  assert.equal(writes.filter((r) => r.status === 409).length, 1, 'the other was refused, not retried over the winner');
});

function kubectlSecretOnPath(dir: string): string {
  return `${installCliInto(join(dir, 'bin'))}:${process.env.PATH}`;
}

test('the pre-commit hook and scan --fix while commits land: the index stays sound, no lock is left', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ks-race-'));
  t.after(() => rmSync(dir, {recursive: true, force: true}));
  const repo = join(dir, 'repo');
  const PATH = kubectlSecretOnPath(dir);
  const gitEnv = {...process.env, ...GIT_ENV, PATH};
  const git = (...a: string[]) => execFileSync('git', a, {cwd: repo, env: gitEnv}).toString();
  const gitAsync = promisify(execFile);
  execFileSync('git', ['init', '-q', '-b', 'main', repo], {env: gitEnv});
  writeFileSync(join(repo, 'README'), 'x\n');
  git('add', 'README');
  git('commit', '-q', '-m', 'init');
  assert.equal((await runCli(['hook', 'install'], {cwd: repo, env: {...GIT_ENV, PATH}})).code, 0);
  const leaky = (n: number) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s${n}\n  namespace: team\nstringData:\n  password: CANARY-${n}\n`;
  for (let n = 0; n < 3; n++) writeFileSync(join(repo, `secret-${n}.yaml`), leaky(n));
  git('add', '.');

  // Commits of clean files only (`git commit -- PATH` uses a temporary index, and the hook scans it).
  const commits = (async () => {
    const outcomes: number[] = [];
    for (let n = 0; n < 6; n++) {
      writeFileSync(join(repo, `clean-${n}.yaml`), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${n}\n`);
      try {
        await gitAsync('git', ['add', `clean-${n}.yaml`], {cwd: repo, env: gitEnv});
        await gitAsync('git', ['commit', '-q', '-m', `c${n}`, '--', `clean-${n}.yaml`], {cwd: repo, env: gitEnv});
        outcomes.push(0);
      } catch (e) {
        // Losing the race for index.lock is git's own, clean refusal.
        assert.match(String((e as {stderr?: string}).stderr), /index\.lock|another git process|plaintext|Secret/i);
        outcomes.push(1);
      }
    }
    return outcomes;
  })();
  const fixes = Promise.all([0, 1, 2].map(() => runCli(['scan', '--staged', '--fix', '--yes', '--cert', RSA_CERT], {cwd: repo, env: {...GIT_ENV, PATH}})));
  const [outcomes, fixed] = await Promise.all([commits, fixes]);
  for (const r of fixed) {
    assert.ok([0, 1, 2].includes(r.code), `scan --fix exit ${r.code}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /internal error|^\s+at /m);
    assert.doesNotMatch(r.stdout + r.stderr, /CANARY-\d/);
  }
  // A --fix that could not get the index in time says so and what to run; do what it says.
  for (const r of fixed) {
    const m = /could not stage it.*\n.*`(git add [^`]+)`/.exec(r.stderr);
    if (m) git(...m[1].split(' ').slice(1));
  }
  assert.ok(outcomes.includes(0), 'some commits landed');
  assert.equal(existsSync(join(repo, '.git', 'index.lock')), false, 'no index.lock left behind');
  execFileSync('git', ['fsck', '--full', '--strict', '--no-dangling'], {cwd: repo, env: gitEnv});
  git('status', '--porcelain');
  // Whatever the interleaving, no working copy is left in plaintext. A commit that read the
  // index before a --fix staged its file can write the old entry back (git's own race), leaving
  // the sealed working copy unstaged: --fix refuses to touch such a file, and `git add` ends it.
  for (let n = 0; n < 3; n++) assert.doesNotMatch(readFileSync(join(repo, `secret-${n}.yaml`), 'utf8'), /CANARY/, 'the working copy is sealed');
  let last = await runCli(['scan', '--staged', '--fix', '--yes', '--cert', RSA_CERT], {cwd: repo, env: {...GIT_ENV, PATH}});
  if (last.code !== 0) {
    assert.match(last.stderr, /not sealing secret-\d\.yaml: it also has unstaged changes/);
    git('add', 'secret-0.yaml', 'secret-1.yaml', 'secret-2.yaml');
    last = await runCli(['scan', '--staged'], {cwd: repo, env: {...GIT_ENV, PATH}});
  }
  assert.equal(last.code, 0, [last.stdout, last.stderr, ...fixed.map((r) => r.stderr)].join('\n---\n'));
  for (let n = 0; n < 3; n++) {
    assert.doesNotMatch(git('show', `:secret-${n}.yaml`), /CANARY/, 'the staged copy is sealed');
    assert.doesNotMatch(readFileSync(join(repo, `secret-${n}.yaml`), 'utf8'), /CANARY/);
  }
  git('commit', '-q', '-m', 'sealed');
  execFileSync('git', ['fsck', '--full', '--strict', '--no-dangling'], {cwd: repo, env: gitEnv});
});
