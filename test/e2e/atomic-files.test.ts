// A process killed (SIGKILL) in the middle of writing leaves the previous file intact. The
// test-only pause in src/io/atomic-write.ts holds the CLI with its temporary file complete and
// the target not yet replaced; we kill it there, then check the target, and that the next write
// to the same path clears the dead process's temporary file (it may hold plaintext).
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import {chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, statSync, symlinkSync, unlinkSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {stringify} from 'yaml';
import {e2eEnv, type E2EEnv} from '../helpers/cluster.js';
import {BIN, runCli} from '../helpers/cli.js';

const FIX = new URL('../../../test/fixtures/crypto/', import.meta.url).pathname;
const RSA_CERT = join(FIX, 'golden-cert.pem');
const NACL_PUB = join(FIX, 'x25519-public.pem');
const NACL_PRIV = join(FIX, 'x25519-private.pem');
const PAUSE = {KUBECTL_SECRET_TEST_PAUSE_BEFORE_RENAME_MS: '30000'};

let env: E2EEnv;
let dirN = 0;
before(async () => {
  env = await e2eEnv({testServerOnly: true});
});
after(() => env?.close());

const secretYaml = (values: Record<string, string>, name = 'db', ns = 'team') => stringify({apiVersion: 'v1', kind: 'Secret', metadata: {name, namespace: ns}, stringData: values});
const temporaries = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.tmp'));

function folder(): string {
  return mkdtempSync(join(env.dir, `atomic-${++dirN}-`));
}

/** Runs the CLI paused before its rename, kills it once the temporary file is there. */
async function killMidWrite(args: string[], dir: string, input?: string): Promise<string[]> {
  const child = spawn(process.execPath, [BIN, ...args], {cwd: dir, env: {...process.env, NO_COLOR: '1', HOME: env.dir, KUBECONFIG: env.kubeconfig, ...PAUSE}, stdio: ['pipe', 'ignore', 'pipe']});
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.end(input ?? '');
  const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>((r) => child.on('close', (code, signal) => r({code, signal})));
  let done = false;
  void exited.then(() => (done = true));
  const end = Date.now() + 60_000;
  let tmps: string[] = [];
  while ((tmps = temporaries(dir)).length === 0) {
    if (done) assert.fail(`${args.join(' ')} exited before writing: ${stderr}`);
    if (Date.now() > end) {
      child.kill('SIGKILL');
      assert.fail(`no temporary file appeared for ${args.join(' ')}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill('SIGKILL');
  const {signal} = await exited;
  assert.equal(signal, 'SIGKILL');
  return tmps;
}

interface Case {
  name: string;
  /** Writes the previous file(s); returns the target path and the CLI arguments. */
  setup: (dir: string) => {target: string; args: string[]; input?: string} | Promise<{target: string; args: string[]; input?: string}>;
  /** Mode the target must keep. */
  mode?: number;
}

const CASES: Case[] = [
  {name: 'seal -w', setup: (dir) => {
    const target = join(dir, 'sealed.yaml');
    writeFileSync(target, 'previous sealed file\n');
    return {target, args: ['seal', '--cert', RSA_CERT, '-w', target], input: secretYaml({k: 'v'})};
  }},
  {name: 'seal --in-place', setup: (dir) => {
    const target = join(dir, 'secret.yaml');
    writeFileSync(target, secretYaml({password: 'CANARY-inplace'}));
    return {target, args: ['seal', target, '--in-place', '--cert', RSA_CERT]};
  }},
  {name: 'seal --merge-into', setup: async (dir) => {
    const target = join(dir, 'sealed.yaml');
    const first = await runCli(['seal', '--cert', NACL_PUB, '-w', target], {input: secretYaml({a: '1'})});
    assert.equal(first.code, 0, first.stderr);
    return {target, args: ['seal', '--cert', NACL_PUB, '--name', 'db', '-n', 'team', '--from-literal', 'b=2', '--merge-into', target]};
  }},
  {name: 'rotate --sealed', setup: async (dir) => {
    const target = join(dir, 'sealed.yaml');
    const first = await runCli(['seal', '--cert', RSA_CERT, '-w', target], {input: secretYaml({a: '1'})});
    assert.equal(first.code, 0, first.stderr);
    return {target, args: ['rotate', '--sealed', target, '--generate', 'a', '--cert', RSA_CERT, '--yes']};
  }},
  {name: 'reencrypt', setup: async (dir) => {
    if (!env.server?.list('v1', 'Secret', 'kube-system').some((s) => s.metadata.name.startsWith('kubectl-secret-key-'))) {
      assert.equal((await env.cli(['keys', 'init'])).code, 0);
      assert.equal((await env.cli(['keys', 'rotate'])).code, 0);
    }
    const target = join(dir, 'sealed.yaml');
    const first = await env.cli(['seal', '--scheme', 'nacl', '-w', target], {input: secretYaml({a: '1'})});
    assert.equal(first.code, 0, first.stderr);
    // Sealed to an older key, so reencrypt has something to do.
    assert.equal((await env.cli(['keys', 'rotate'])).code, 0);
    return {target, args: ['reencrypt', target]};
  }},
  {name: 'seal --in-place through a symbolic link', setup: (dir) => {
    const target = join(dir, 'real.yaml');
    writeFileSync(target, secretYaml({password: 'CANARY-inplace-link'}));
    symlinkSync('real.yaml', join(dir, 'link.yaml'));
    return {target, args: ['seal', join(dir, 'link.yaml'), '--in-place', '--cert', RSA_CERT]};
  }},
  {name: 'unseal -w over a 0644 file', mode: 0o600, setup: unsealOver('CANARY-unseal-644', 'previous file\n', 0o644)},
  {name: 'unseal -w', mode: 0o600, setup: unsealOver('CANARY-unseal', 'previous plaintext\n', 0o600)},
];

/** Seals `password` to a file, and sets up `unseal -w` over an existing plain file of `mode`. */
function unsealOver(password: string, previous: string, mode: number) {
  return async (dir: string) => {
    const sealed = join(dir, 'sealed.yaml');
    const first = await runCli(['seal', '--cert', NACL_PUB, '-w', sealed], {input: secretYaml({password})});
    assert.equal(first.code, 0, first.stderr);
    const target = join(dir, 'plain.yaml');
    writeFileSync(target, previous, {mode});
    return {target, args: ['unseal', sealed, '--key', NACL_PRIV, '-w', target]};
  };
}

for (const c of CASES) {
  test(`${c.name}: killed mid-write, the previous file is intact; the next write clears the dead temporary`, async () => {
    const dir = folder();
    const {target, args, input} = await c.setup(dir);
    const before = readFileSync(target);
    const tmps = await killMidWrite(args, dir, input);
    assert.deepEqual(readFileSync(target), before, 'the previous file is intact');
    assert.equal(tmps.length, 1);
    // The temporary is private to its owner, never wider than the target.
    assert.ok((statSync(join(dir, tmps[0])).mode & 0o077) <= (statSync(target).mode & 0o077));
    // Nothing is readable by others while being written, whatever the target's mode.
    assert.equal(statSync(join(dir, tmps[0])).mode & 0o077, 0);
    const again = args[0] === 'unseal' || args[0] === 'reencrypt' ? await env.cli(args, {cwd: dir}) : await runCli(args, {cwd: dir, input});
    assert.equal(again.code, 0, again.stderr);
    assert.notDeepEqual(readFileSync(target), before, 'the uninterrupted run replaced the file');
    assert.deepEqual(temporaries(dir), [], 'no temporary file left, the dead one included');
    if (c.mode !== undefined) assert.equal(statSync(target).mode & 0o777, c.mode);
    if (existsSync(join(dir, 'link.yaml'))) assert.ok(lstatSync(join(dir, 'link.yaml')).isSymbolicLink(), 'the link is still a link');
  });
}

// ---- Files that hold plaintext: modes, links, read-only targets, missing directories, git ----

const sealedWith = async (dir: string, values: Record<string, string>, cert = NACL_PUB) => {
  const sealed = join(dir, 'sealed.yaml');
  const r = await runCli(['seal', '--cert', cert, '-w', sealed], {input: secretYaml(values)});
  assert.equal(r.code, 0, r.stderr);
  return sealed;
};

test('unseal -w leaves the file at mode 0600 whatever mode the existing target had', async () => {
  const dir = folder();
  const sealed = await sealedWith(dir, {password: 'CANARY-mode'});
  for (const before of [0o644, 0o666, 0o640, 0o700]) {
    const target = join(dir, `plain-${before.toString(8)}.yaml`);
    writeFileSync(target, 'old\n');
    chmodSync(target, before);
    const r = await runCli(['unseal', sealed, '--key', NACL_PRIV, '-w', target]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(statSync(target).mode & 0o777, 0o600, `was ${before.toString(8)}`);
    assert.ok(readFileSync(target, 'utf8').includes(Buffer.from('CANARY-mode').toString('base64')));
  }
});

test('unseal -w onto a symbolic link refuses with exit 2 and touches neither the link nor its file', async () => {
  const dir = folder();
  const sealed = await sealedWith(dir, {password: 'CANARY-link'});
  const real = join(dir, 'real.yaml');
  writeFileSync(real, 'real file\n', {mode: 0o644});
  for (const link of [join(dir, 'link.yaml'), join(dir, 'dangling.yaml')]) {
    symlinkSync(link.endsWith('dangling.yaml') ? join(dir, 'missing.yaml') : real, link);
    const r = await runCli(['unseal', sealed, '--key', NACL_PRIV, '-w', link, '--force']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^error: .*symbolic link/m);
    assert.ok(lstatSync(link).isSymbolicLink());
  }
  assert.equal(readFileSync(real, 'utf8'), 'real file\n');
  assert.ok(!existsSync(join(dir, 'missing.yaml')));
  assert.deepEqual(temporaries(dir), []);
});

interface LinkCase {
  name: string;
  /** Writes the real file; returns the CLI run that edits it through `link`. */
  setup: (dir: string, real: string) => Promise<{args: string[]; cluster?: boolean; plaintext?: string}>;
}

const LINK_CASES: LinkCase[] = [
  {name: 'seal --in-place', setup: async (_dir, real) => {
    writeFileSync(real, secretYaml({password: 'CANARY-inplace-link'}));
    return {args: ['seal', 'LINK', '--in-place', '--cert', RSA_CERT], plaintext: 'CANARY-inplace-link'};
  }},
  {name: 'seal --merge-into', setup: async (_dir, real) => {
    const first = await runCli(['seal', '--cert', NACL_PUB, '-w', real], {input: secretYaml({a: '1'})});
    assert.equal(first.code, 0, first.stderr);
    return {args: ['seal', '--cert', NACL_PUB, '--name', 'db', '-n', 'team', '--from-literal', 'b=2', '--merge-into', 'LINK']};
  }},
  {name: 'rotate --sealed', setup: async (_dir, real) => {
    const first = await runCli(['seal', '--cert', RSA_CERT, '-w', real], {input: secretYaml({a: '1'})});
    assert.equal(first.code, 0, first.stderr);
    return {args: ['rotate', '--sealed', 'LINK', '--generate', 'a', '--cert', RSA_CERT, '--yes']};
  }},
  {name: 'scan --fix', setup: async (_dir, real) => {
    writeFileSync(real, secretYaml({password: 'CANARY-scanfix-link'}));
    return {args: ['scan', 'LINK', '--fix', '--yes', '--cert', RSA_CERT], plaintext: 'CANARY-scanfix-link'};
  }},
  {name: 'reencrypt', setup: async (_dir, real) => {
    if (!env.server?.list('v1', 'Secret', 'kube-system').some((s) => s.metadata.name.startsWith('kubectl-secret-key-'))) {
      assert.equal((await env.cli(['keys', 'init'])).code, 0);
    }
    const first = await env.cli(['seal', '--scheme', 'nacl', '-w', real], {input: secretYaml({a: '1'})});
    assert.equal(first.code, 0, first.stderr);
    assert.equal((await env.cli(['keys', 'rotate'])).code, 0);
    return {args: ['reencrypt', 'LINK'], cluster: true};
  }},
];

for (const c of LINK_CASES) {
  test(`${c.name} through a symbolic link edits the file it points to and keeps the link`, async () => {
    const dir = folder();
    mkdirSync(join(dir, 'real'));
    const real = join(dir, 'real', 'secret.yaml');
    const {args, cluster, plaintext} = await c.setup(dir, real);
    const before = readFileSync(real, 'utf8');
    const link = join(dir, 'link.yaml');
    symlinkSync(join('real', 'secret.yaml'), link);
    const argv = args.map((a) => (a === 'LINK' ? link : a));
    const r = cluster ? await env.cli(argv, {cwd: dir}) : await runCli(argv, {cwd: dir});
    assert.ok(r.code === 0 || (c.name === 'scan --fix' && r.code === 1), `exit ${r.code}: ${r.stderr}`);
    assert.ok(lstatSync(link).isSymbolicLink(), 'the link is still a link');
    assert.equal(readlinkSync(link), join('real', 'secret.yaml'), 'pointing where it pointed');
    const after = readFileSync(real, 'utf8');
    assert.notEqual(after, before, 'the real file was rewritten');
    assert.match(after, /kind: SealedSecret/);
    if (plaintext) {
      assert.ok(!after.includes(plaintext), 'no plaintext left in the real file');
      assert.ok(!after.includes(Buffer.from(plaintext).toString('base64')));
    }
    assert.deepEqual(temporaries(dir), []);
    assert.deepEqual(temporaries(join(dir, 'real')), []);
  });
}

test('a read-only target is refused with exit 2 unless --force, and keeps its content', async () => {
  const dir = folder();
  const sealed = await sealedWith(dir, {password: 'CANARY-ro'});
  const ro = join(dir, 'ro.yaml');
  const runs: Array<{args: string[]; force: boolean}> = [
    {args: ['seal', '--cert', RSA_CERT, '-w', ro], force: true},
    {args: ['unseal', sealed, '--key', NACL_PRIV, '-w', ro], force: true},
    {args: ['seal', '--cert', NACL_PUB, '--name', 'db', '-n', 'team', '--from-literal', 'b=2', '--merge-into', sealed], force: true},
    {args: ['rotate', '--sealed', sealed, '--generate', 'password', '--cert', NACL_PUB, '--yes'], force: false},
  ];
  for (const run of runs) {
    const target = run.args.includes('-w') ? ro : sealed;
    const content = target === ro ? 'read-only\n' : readFileSync(sealed, 'utf8');
    writeFileSync(target, content);
    chmodSync(target, 0o444);
    const r = await runCli(run.args, {input: secretYaml({k: 'v'})});
    assert.equal(r.code, 2, `${run.args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^error: refusing to replace .* it is read-only/m);
    assert.doesNotMatch(r.stderr, /internal error/);
    assert.equal(readFileSync(target, 'utf8'), content);
    assert.equal(statSync(target).mode & 0o777, 0o444);
    if (run.force) {
      const forced = await runCli([...run.args, '--force'], {input: secretYaml({k: 'v'})});
      assert.equal(forced.code, 0, forced.stderr);
      assert.notEqual(readFileSync(target, 'utf8'), content);
    }
    chmodSync(target, 0o644);
  }
});

test('a missing directory is an input error (exit 2) naming the directory, for every writer', async () => {
  const dir = folder();
  const sealed = await sealedWith(dir, {password: 'CANARY-nodir'});
  const missing = join(dir, 'no', 'such', 'dir');
  for (const args of [
    ['seal', '--cert', RSA_CERT, '-w', join(missing, 'out.yaml')],
    ['unseal', sealed, '--key', NACL_PRIV, '-w', join(missing, 'plain.yaml')],
  ]) {
    const r = await runCli(args, {input: secretYaml({k: 'v'})});
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`^error: .*the directory ${missing.replace(/[/.]/g, '\\$&')} does not exist`, 'm'));
    assert.doesNotMatch(r.stderr, /internal error/);
  }
});

// The git check of unseal -w fails closed: git that cannot answer is not "not a repository".
test('unseal -w inside a repository where git cannot answer refuses unless --force', async (t) => {
  const dir = folder();
  const sealed = await sealedWith(dir, {password: 'CANARY-git'});
  const repo = join(dir, 'repo');
  mkdirSync(repo);
  assert.equal(spawnSync('git', ['init', '-q', repo]).status, 0);
  const target = join(repo, 'plain.yaml');
  const noGit = mkdtempSync(join(dir, 'empty-path-'));
  const cases: Array<{name: string; env?: Record<string, string>; prepare?: () => void; restore?: () => void}> = [
    {name: 'git is not installed', env: {PATH: noGit}},
    {name: 'the .git is broken', prepare: () => {
      renameSync(join(repo, '.git'), join(dir, 'git-dir-aside'));
      writeFileSync(join(repo, '.git'), 'gitdir: /nonexistent/worktree\n');
    }, restore: () => {
      unlinkSync(join(repo, '.git'));
      renameSync(join(dir, 'git-dir-aside'), join(repo, '.git'));
    }},
  ];
  if (process.getuid?.() === 0) {
    // git refuses a repository owned by someone else ("dubious ownership").
    cases.push({name: 'git refuses the repository for its owner', env: {HOME: dir, GIT_CONFIG_NOSYSTEM: '1'}, prepare: () => chownSync(repo, 4242, 4242), restore: () => chownSync(repo, 0, 0)});
  } else t.diagnostic('not root: the ownership case needs chown and is skipped');
  for (const c of cases) {
    c.prepare?.();
    try {
      const r = await runCli(['unseal', sealed, '--key', NACL_PRIV, '-w', target], {env: c.env});
      assert.equal(r.code, 2, `${c.name}: ${r.stderr}`);
      assert.match(r.stderr, /^error: refusing to write plaintext to .*git cannot say/m, c.name);
      assert.ok(!existsSync(target), `${c.name}: nothing written`);
      const forced = await runCli(['unseal', sealed, '--key', NACL_PRIV, '-w', target, '--force'], {env: c.env});
      assert.equal(forced.code, 0, `${c.name} --force: ${forced.stderr}`);
      assert.ok(existsSync(target));
      unlinkSync(target);
    } finally {
      c.restore?.();
    }
  }
  // And where git answers: not ignored is refused, ignored is written.
  const r = await runCli(['unseal', sealed, '--key', NACL_PRIV, '-w', target]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /not ignored by git/);
  writeFileSync(join(repo, '.gitignore'), 'plain.yaml\n');
  const ok = await runCli(['unseal', sealed, '--key', NACL_PRIV, '-w', target]);
  assert.equal(ok.code, 0, ok.stderr);
});
