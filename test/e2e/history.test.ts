// `kubectl secret scan --history [RANGE]` and `--check-live`, run as a user runs them: in
// throwaway git repositories, against the test API server. Canary values are planted in history
// and in the cluster, and looked for in every output and every file the runs could write.
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {randomBytes} from 'node:crypto';
import {copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {e2eEnv, needsTestServer, type E2EEnv} from '../helpers/cluster.js';
import {runCli, type CliResult} from '../helpers/cli.js';
import {canary, findCanaries, inspect, snapshot} from '../helpers/leaks.js';
import {GIT_ENV, tempRepo, type TempRepo} from '../helpers/git-repo.js';

const SHARED = new URL('../../../../shared/fixtures/', import.meta.url).pathname;

let env: E2EEnv;
const canaries: string[] = [];
const outputs: CliResult[] = [];
before(async () => {
  env = await e2eEnv();
});
after(async () => {
  // Nothing any run printed carries a planted value, raw, base64 or hex.
  for (const r of outputs) assert.deepEqual(findCanaries(r.stdout + r.stderr, canaries), [], 'a leaked value was printed');
  await env?.close();
});

function plant(): string {
  const c = canary();
  canaries.push(c);
  return c;
}

type Repo = TempRepo;
const repo = (t: {after: (fn: () => void) => void}) => tempRepo(t, 'ks-history-');

async function history(r: Repo, args: string[], o: {cluster?: boolean} = {}): Promise<CliResult> {
  const res = o.cluster ? await env.cli(['scan', '--history', ...args], {cwd: r.dir, env: GIT_ENV}) : await runCli(['scan', '--history', ...args], {cwd: r.dir, env: GIT_ENV});
  outputs.push(res);
  return res;
}

const secretYaml = (name: string, ns: string | undefined, key: string, value: string) =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n${ns ? `  namespace: ${ns}\n` : ''}stringData:\n  ${key}: ${value}\n`;
const b64 = (s: string) => Buffer.from(s).toString('base64');

test('a Secret committed and deleted in the next commit is found, with the commit that introduced it', async (t) => {
  const r = repo(t);
  r.write('README.md', '# app\n');
  r.commit('start');
  r.write('deploy/db.yaml', secretYaml('db', 'payments', 'password', plant()));
  const introduced = r.commit('add db secret');
  r.git('rm', '-q', 'deploy/db.yaml');
  r.commit('oops, remove it');

  // Today's tree is clean: only history holds the leak.
  assert.equal((await runCli(['scan', '.'], {cwd: r.dir, env: GIT_ENV})).code, 0);
  const res = await history(r, []);
  assert.equal(res.code, 1, res.stderr);
  assert.match(res.stdout, /^deploy\/db\.yaml:7:3: plaintext-secret: Secret payments\/db has a plaintext value in stringData\.password$/m);
  assert.match(res.stdout, new RegExp(`introduced in ${introduced.slice(0, 12)} \\(\\d{4}-\\d\\d-\\d\\dT[^)]+\\) at deploy/db\\.yaml; no longer at HEAD`));
  assert.match(res.stderr, /1 leak in history \(0 still at HEAD\) \(3 commits/);

  const json = JSON.parse((await history(r, ['--format', 'json'])).stdout);
  assert.equal(json.findings.length, 1);
  assert.deepEqual({commit: json.findings[0].commit, path: json.findings[0].path, atHead: json.findings[0].atHead}, {commit: introduced, path: 'deploy/db.yaml', atHead: false});
  assert.match(json.findings[0].date, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
});

test('--fail-on: as for a plain scan, only leaks at or above it decide the exit status; all are reported', async (t) => {
  const r = repo(t);
  // A public-looking key is a low finding; a password is a high one.
  r.write('deploy/ca.yaml', secretYaml('ca', 'payments', 'ca.crt', plant()));
  r.commit('add ca bundle');
  r.git('rm', '-q', 'deploy/ca.yaml');
  r.commit('remove it');
  const low = await history(r, ['--fail-on', 'high', '--format', 'json']);
  assert.equal(low.code, 0, low.stderr);
  assert.equal(JSON.parse(low.stdout).findings.length, 1, 'a finding below --fail-on is still reported');
  assert.equal((await history(r, [])).code, 1, 'the default --fail-on low fails on it');

  r.write('deploy/db.yaml', secretYaml('db', 'payments', 'password', plant()));
  r.commit('add db secret');
  assert.equal((await history(r, ['--fail-on', 'high'])).code, 1);
});

test('one leak is one finding however many commits carry it; a changed value is a new leak; HEAD presence is per value', async (t) => {
  const r = repo(t);
  const [old, current] = [plant(), plant()];
  r.write('s.yaml', secretYaml('api', 'web', 'token', old));
  const first = r.commit('1');
  for (let i = 0; i < 5; i++) {
    r.write('s.yaml', secretYaml('api', 'web', 'token', old) + `# edit ${i}\n`);
    r.commit(`edit ${i}`);
  }
  r.git('mv', 's.yaml', 'moved.yaml');
  r.commit('rename');
  r.write('moved.yaml', secretYaml('api', 'web', 'token', current));
  const second = r.commit('new value');

  const json = JSON.parse((await history(r, ['--format', 'json'])).stdout);
  assert.equal(json.findings.length, 2, JSON.stringify(json.findings));
  const [a, b] = json.findings;
  assert.deepEqual([a.commit, a.path, a.atHead], [first, 's.yaml', false]);
  assert.deepEqual([b.commit, b.path, b.atHead], [second, 'moved.yaml', true]);
  assert.equal(json.commits, 8);
});

test('a revision range limits the walk; options in its place are refused; a bad revision is one line, exit 2', async (t) => {
  const r = repo(t);
  r.write('a.yaml', secretYaml('a', 'ns', 'k', plant()));
  r.commit('a');
  r.git('tag', 'v1');
  r.write('b.yaml', secretYaml('b', 'ns', 'k', plant()));
  r.commit('b');

  const ranged = JSON.parse((await history(r, ['v1..HEAD', '--format', 'json'])).stdout);
  assert.deepEqual(ranged.findings.map((f: any) => f.path), ['b.yaml']);
  assert.equal(ranged.commits, 1);
  // HEAD still holds a.yaml: a range that ends at HEAD does not hide it, it only is not attributed.
  const all = JSON.parse((await history(r, ['--format', 'json'])).stdout);
  assert.deepEqual(all.findings.map((f: any) => [f.path, f.atHead]), [['a.yaml', true], ['b.yaml', true]]);

  const bad = await history(r, ['no-such-branch']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^error: --history no-such-branch: no-such-branch is not a commit in this repository$/m);
  assert.doesNotMatch(bad.stderr, /\n\s+at /);
  const injected = await history(r, ['--', '--output=/tmp/x']);
  assert.equal(injected.code, 2, injected.stderr);
  assert.match(injected.stderr, /takes revisions, not options/);
});

test('every branch is scanned by default, and a blob only a merge wrote is found', async (t) => {
  const r = repo(t);
  r.write('base.txt', 'x\n');
  r.commit('base');
  r.git('checkout', '-q', '-b', 'feature');
  r.write('feature.yaml', secretYaml('f', 'ns', 'k', plant()));
  r.commit('on a branch never merged');
  r.git('checkout', '-q', 'main');
  r.git('checkout', '-q', '-b', 'side');
  r.write('side.txt', 'side\n');
  r.commit('side');
  r.git('checkout', '-q', 'main');
  r.write('main.txt', 'main\n');
  r.commit('main');
  // An "evil" merge: the Secret exists in neither parent, only in the merge commit.
  r.git('merge', '-q', '--no-commit', 'side');
  r.write('merged.yaml', secretYaml('m', 'ns', 'k', plant()));
  r.git('add', '-A');
  r.git('commit', '-q', '-m', 'merge side');

  const json = JSON.parse((await history(r, ['--format', 'json'])).stdout);
  assert.deepEqual(json.findings.map((f: any) => f.path).sort(), ['feature.yaml', 'merged.yaml']);
  const mainOnly = JSON.parse((await history(r, ['main', '--format', 'json'])).stdout);
  assert.deepEqual(mainOnly.findings.map((f: any) => f.path), ['merged.yaml']);
});

test('same rules and suppressions as scan: kustomize literals, env files a generator reads, private keys, allow comments and .kubectl-secret.yaml', async (t) => {
  const r = repo(t);
  r.write('.kubectl-secret.yaml', 'scan:\n  allow: ["fixtures/**"]\n');
  r.write('k/kustomization.yaml', `secretGenerator:\n- name: gen\n  literals:\n  - password=${plant()}\n  envs:\n  - creds.env\n`);
  r.write('k/creds.env', `TOKEN=${plant()}\n`);
  r.write('keys/id', `-----BEGIN OPENSSH PRIVATE KEY-----\n${randomBytes(600).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END OPENSSH PRIVATE KEY-----\n`);
  r.write('allowed.yaml', secretYaml('ok', 'ns', 'k', plant()).replace('kind: Secret', 'kind: Secret # kubectl-secret:allow'));
  r.write('fixtures/x.yaml', secretYaml('fx', 'ns', 'k', plant()));
  r.commit('everything');
  r.git('rm', '-q', '-r', 'k', 'keys');
  r.commit('cleanup');

  const json = JSON.parse((await history(r, ['--format', 'json'])).stdout);
  assert.deepEqual(json.findings.map((f: any) => `${f.rule} ${f.path}:${f.line}`).sort(), [
    'kustomize-secret-literal k/creds.env:1',
    'kustomize-secret-literal k/kustomization.yaml:4',
    'private-key keys/id:1',
  ]);
  assert.equal(json.suppressed, 2);
});

test("a builtin SecretGenerator under a kustomization's generators: the env file it read is a leak in history", async (t) => {
  const r = repo(t);
  r.write('app/kustomization.yaml', 'generators:\n- gen.yaml\n');
  r.write('app/gen.yaml', 'apiVersion: builtin\nkind: SecretGenerator\nmetadata:\n  name: db\nenvs:\n- db.env\n');
  r.write('app/db.env', `password=${plant()}\n`);
  r.commit('generated secret');
  r.git('rm', '-q', '-r', 'app');
  r.commit('gone');
  const json = JSON.parse((await history(r, ['--format', 'json'])).stdout);
  assert.deepEqual(json.findings.map((f: any) => `${f.rule} ${f.path}:${f.line}`), ['kustomize-secret-literal app/db.env:1']);
});

test('SARIF names the introducing commit in each location, and carries no credential from the remote URL', async (t) => {
  const r = repo(t);
  r.write('s.yaml', secretYaml('s', 'ns', 'k', plant()));
  const c = r.commit('leak');
  r.git('remote', 'add', 'origin', 'https://user:ghp_TOKENVALUE123@example.com/org/app.git');
  const res = await history(r, ['--format', 'sarif']);
  assert.equal(res.code, 1);
  assert.doesNotMatch(res.stdout, /ghp_TOKENVALUE123|user:/);
  const run = JSON.parse(res.stdout).runs[0];
  const result = run.results[0];
  const base = result.locations[0].physicalLocation.artifactLocation.uriBaseId;
  assert.equal(result.locations[0].physicalLocation.artifactLocation.uri, 's.yaml');
  assert.deepEqual(run.versionControlProvenance.find((v: any) => v.mappedTo?.uriBaseId === base), {repositoryUri: 'https://example.com/org/app.git', revisionId: c, mappedTo: {uriBaseId: base}});
  assert.equal(result.partialFingerprints.commitSha, c);
  assert.equal(result.properties.atHead, true);
});

test('an empty repository and a clean history exit 0; outside a repository is exit 2', async (t) => {
  const r = repo(t);
  const empty = await history(r, []);
  assert.equal(empty.code, 0, empty.stderr);
  r.write('c.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n');
  r.commit('clean');
  assert.equal((await history(r, [])).code, 0);
  const outside = mkdtempSync(join(tmpdir(), 'ks-nogit-'));
  t.after(() => rmSync(outside, {recursive: true, force: true}));
  const res = await runCli(['scan', '--history'], {cwd: outside, env: {...GIT_ENV, GIT_CEILING_DIRECTORIES: dirname(outside)}});
  assert.equal(res.code, 2);
  assert.match(res.stderr, /^error: --history needs a git repository/m);
});

test('--check-live: still live, rotated since, secret gone and cannot read, per key; values never printed or written', async (t) => {
  const server = needsTestServer(t, env);
  const ns = await env.kube.namespace('history-live');
  const [live, leakedOld, rotatedNow, gone, hidden, sameKeyOtherSecret] = [plant(), plant(), plant(), plant(), plant(), plant()];
  const r = repo(t);
  r.write('app/db.yaml', secretYaml('db', ns, 'password', live));
  r.write('app/api.yaml', secretYaml('api', ns, 'token', leakedOld));
  r.write('app/old.yaml', secretYaml('old', ns, 'key', gone));
  r.write('app/vault.yaml', secretYaml('vault', 'locked', 'root', hidden));
  r.write('app/other.yaml', secretYaml('other', ns, 'password', sameKeyOtherSecret));
  r.commit('leak them all');
  r.git('rm', '-q', '-r', 'app');
  r.commit('remove');

  const secret = (name: string, namespace: string, data: Record<string, string>, annotations?: Record<string, string>) =>
    env.kube.apply({apiVersion: 'v1', kind: 'Secret', metadata: {name, namespace, ...(annotations ? {annotations} : {})}, data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)]))});
  await secret('db', ns, {password: live});
  await secret('api', ns, {token: rotatedNow}, {'kubectl-secret.dev/rotated-at': '2026-11-30T10:00:00Z'});
  // The same value under another Secret's key is not "this key still live".
  await secret('other', ns, {password: live});
  await env.kube.ensureNamespace('locked');
  await secret('vault', 'locked', {root: hidden});
  const undo = server!.deny({verb: 'get', resource: 'secrets', namespace: 'locked'});
  t.after(undo);

  const before = snapshot([r.dir, env.dir]);
  const res = await history(r, ['--check-live'], {cluster: true});
  assert.equal(res.code, 1, res.stderr);
  assert.match(res.stdout, new RegExp(`live ${ns}/db password: still live; rotate now: kubectl secret rotate db -n ${ns} --generate password`));
  assert.match(res.stdout, new RegExp(`live ${ns}/api token: rotated since \\(rotated-at 2026-11-30T10:00:00Z\\)`));
  assert.match(res.stdout, new RegExp(`live ${ns}/old key: secret gone`));
  assert.match(res.stdout, /live locked\/vault root: cannot read/);
  assert.match(res.stdout, new RegExp(`live ${ns}/other password: rotated since`));
  assert.match(res.stderr, /live: 1 still live, 2 rotated since, 1 secret gone, 1 cannot read/);
  const leak = inspect({stdout: res.stdout, stderr: res.stderr, roots: [r.dir, env.dir], before, canaries});
  assert.deepEqual(leak.leaks, []);

  const json = JSON.parse((await history(r, ['--check-live', '--format', 'json'], {cluster: true})).stdout);
  const statuses = json.findings.flatMap((f: any) => f.live.map((l: any) => `${l.name}/${l.key}=${l.status}`)).sort();
  assert.deepEqual(statuses, ['api/token=rotated since', 'db/password=still live', 'old/key=secret gone', 'other/password=rotated since', 'vault/root=cannot read']);
  assert.deepEqual(json.live, {'still live': 1, 'rotated since': 2, 'secret gone': 1, 'cannot read': 1});

  // Once the live value is rotated, nothing is still live: the remaining 403 makes it exit 3.
  await secret('db', ns, {password: plant()});
  const after = await history(r, ['--check-live'], {cluster: true});
  assert.equal(after.code, 3, after.stderr);
  assert.match(after.stderr, /could not read 1 of the leaked Secrets/);
  undo();
  await secret('vault', 'locked', {root: plant()});
  const clean = await history(r, ['--check-live'], {cluster: true});
  assert.equal(clean.code, 0, clean.stdout + clean.stderr);
});

test('--check-live follows kustomize generators to their hashed names, and a Secret without a namespace to the current one', async (t) => {
  needsTestServer(t, env);
  const ns = await env.kube.namespace('history-kustomize');
  const [lit, plainNs] = [plant(), plant()];
  const r = repo(t);
  r.write('kustomization.yaml', `namespace: ${ns}\nsecretGenerator:\n- name: app-config\n  literals:\n  - api-key=${lit}\n`);
  r.write('nons.yaml', secretYaml('nons', undefined, 'pw', plainNs));
  r.commit('gen');
  await env.kube.apply({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'app-config-5tm7c7ht2g', namespace: ns}, data: {'api-key': b64(lit)}});
  await env.kube.apply({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'nons', namespace: ns}, data: {pw: b64(plainNs)}});
  const res = await history(r, ['--check-live', '-n', ns], {cluster: true});
  assert.equal(res.code, 1, res.stderr);
  assert.match(res.stdout, new RegExp(`live ${ns}/app-config-5tm7c7ht2g api-key: still live; rotate now: kubectl secret rotate app-config-5tm7c7ht2g -n ${ns} --generate api-key`));
  assert.match(res.stdout, new RegExp(`live ${ns}/nons pw: still live`));
});

test('--check-live needs --history; --history cannot be combined with --staged or --fix', async (t) => {
  const r = repo(t);
  for (const args of [['scan', '--check-live'], ['scan', '--history', '--staged'], ['scan', '--history', '--fix']]) {
    const res = await runCli(args, {cwd: r.dir, env: GIT_ENV});
    outputs.push(res);
    assert.equal(res.code, 2, `${args.join(' ')}: ${res.stderr}`);
  }
});

test('the shared real-world fixtures committed across several commits: every scan-positive file is found in history, no scan-negative one', async (t) => {
  const r = repo(t);
  const pos = readdirSync(join(SHARED, 'scan-positive')).filter((f) => !f.startsWith('.')).sort();
  const neg = readdirSync(join(SHARED, 'scan-negative')).filter((f) => !f.startsWith('.')).sort();
  // Positives arrive in three commits and are all deleted again; negatives stay.
  for (let i = 0; i < 3; i++) {
    for (const f of pos.filter((_, j) => j % 3 === i)) {
      mkdirSync(join(r.dir, 'pos'), {recursive: true});
      copyFileSync(join(SHARED, 'scan-positive', f), join(r.dir, 'pos', f));
    }
    r.commit(`positives ${i}`);
  }
  mkdirSync(join(r.dir, 'neg'), {recursive: true});
  for (const f of neg) copyFileSync(join(SHARED, 'scan-negative', f), join(r.dir, 'neg', f));
  r.commit('negatives');
  r.git('rm', '-q', '-r', 'pos');
  r.commit('remove positives');

  const now = await runCli(['scan', '.', '--format', 'json'], {cwd: r.dir, env: GIT_ENV});
  const json = JSON.parse((await history(r, ['--format', 'json'])).stdout);
  const flagged = new Set(json.findings.map((f: any) => f.path));
  for (const f of pos) assert.ok(flagged.has(`pos/${f}`), `history missed scan-positive/${f}`);
  // Whatever `scan` says of the negatives today, history says the same (same rules).
  const negNow = new Set(JSON.parse(now.stdout).findings.map((f: any) => f.file));
  assert.deepEqual([...flagged].filter((p: any) => p.startsWith('neg/')).sort(), [...negNow].sort());
});
