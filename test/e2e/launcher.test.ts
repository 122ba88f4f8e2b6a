// bin/run.js on a Node older than 22 re-runs the CLI under the pinned Node 24: what a
// supervisor does to the launcher (SIGTERM, SIGINT) must happen to the real process, and the
// launcher must report the child's own exit status (128+N when signal N ended it).
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync, spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {BIN, REPO_ROOT} from '../helpers/cli.js';
import {e2eEnv, needsTestServer, type E2EEnv} from '../helpers/cluster.js';

/** A node older than 22 on PATH (the system one here), so the launcher re-executes. */
function oldNode(): string | undefined {
  const candidates = ['/usr/bin/node', ...(() => {
    try {
      return execFileSync('which', ['-a', 'node'], {encoding: 'utf8'}).split('\n').filter(Boolean);
    } catch {
      return [];
    }
  })()];
  for (const node of candidates) {
    if (!existsSync(node)) continue;
    const major = Number(execFileSync(node, ['-p', 'process.versions.node.split(".")[0]'], {encoding: 'utf8'}).trim());
    if (major < 22) return node;
  }
  return undefined;
}

const OLD_NODE = oldNode();
/** Everything a test started, killed after the file whatever the outcome: a leftover keeps the runner waiting. */
const launched: (ChildProcess | number)[] = [];
after(() => {
  for (const p of launched) {
    try {
      if (typeof p === 'number') process.kill(p, 'SIGKILL');
      else p.kill('SIGKILL');
    } catch {}
  }
});
const PINNED = join(REPO_ROOT, 'node_modules', 'node', 'bin', 'node');

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function alive(pid: number): boolean {
  try {
    // A zombie still answers kill(0): count it as gone only when /proc says so too.
    process.kill(pid, 0);
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

async function waitFor<T>(what: string, fn: () => T | undefined | false, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

interface Launched {
  launcher: ChildProcess;
  child: number;
  stderr(): string;
  exited: Promise<{code: number | null; signal: NodeJS.Signals | null}>;
}

/** Starts bin/run.js under the old Node and waits for the pinned Node it spawns. */
async function launch(args: string[], env: Record<string, string> = {}, ready?: (stderr: string) => boolean): Promise<Launched> {
  const launcher = spawn(OLD_NODE!, [BIN, ...args], {env: {...process.env, NO_COLOR: '1', DEBUG: '', ...env}, stdio: ['pipe', 'pipe', 'pipe']});
  let err = '';
  launcher.stderr!.on('data', (d) => (err += d));
  launcher.stdout!.resume();
  const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>((r) => launcher.on('exit', (code, signal) => r({code, signal})));
  launched.push(launcher);
  // Between fork and exec the child still shows the launcher's own command line.
  const cmdline = (pid: number) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0];
    } catch {
      return undefined;
    }
  };
  const child = await waitFor('the launcher to re-run itself under the pinned Node', () => childrenOf(launcher.pid!).find((pid) => cmdline(pid) === PINNED));
  launched.push(child);
  if (ready) await waitFor('the command to start', () => ready(err));
  return {launcher, child, stderr: () => err, exited};
}

const SKIP = OLD_NODE === undefined || !existsSync(PINNED) ? 'needs a system Node older than 22 and the pinned Node from npm ci' : false;
const CERT = join(REPO_ROOT, 'test', 'fixtures', 'crypto', 'x25519-public.pem');

for (const [signal, status] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
  test(`${signal} to the launcher reaches the command it re-ran; the launcher exits ${status} as the command did`, {skip: SKIP}, async () => {
    // seal reading a stdin that never ends: a command that only stops when signalled.
    const run = await launch(['seal', '--cert', CERT]);
    // Let it get past Node's start-up and block on stdin (a signal earlier ends it the same way).
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(alive(run.child));
    run.launcher.kill(signal);
    const exit = await run.exited;
    assert.deepEqual(exit, {code: status, signal: null}, run.stderr());
    await waitFor('the child to be gone', () => !alive(run.child), 5000);
  });
}

test('the launcher passes the command\'s own exit status through', {skip: SKIP}, async () => {
  const bad = spawn(OLD_NODE!, [BIN, 'seal', '--cert', '/nonexistent/cert.pem'], {stdio: ['pipe', 'pipe', 'pipe']});
  bad.stdin!.end('apiVersion: v1\nkind: Secret\nmetadata: {name: a}\nstringData: {k: v}\n');
  let err = '';
  bad.stderr!.on('data', (d) => (err += d));
  const code = await new Promise((r) => bad.on('exit', r));
  assert.equal(code, 2, err);
  assert.match(err, /^error: /);
});

let env: E2EEnv | undefined;
before(async () => {
  if (!SKIP) env = await e2eEnv();
});
after(async () => env?.close());

test('a supervisor\'s SIGTERM to the launcher stops `controller run` cleanly (exit 0), leaving no orphan', {skip: SKIP}, async (t) => {
  if (!needsTestServer(t, env!)) return;
  const run = await launch(['controller', 'run', '--kubeconfig', env!.kubeconfig, '--listen', '127.0.0.1:0', '--identity', 'launcher-test',
    '--lease-duration', '2s', '--renew-deadline', '1500ms', '--retry-period', '250ms', '--lease-namespace', 'default'], {},
  (stderr) => /serving \/healthz/.test(stderr));
  run.launcher.kill('SIGTERM');
  const exit = await run.exited;
  assert.deepEqual(exit, {code: 0, signal: null}, run.stderr());
  await waitFor('the controller to be gone', () => !alive(run.child), 5000);
});

test('kubectl_complete-secret runs on the plugin\'s Node when an old node is first on PATH: no warning, answers with the real topic descriptions', {skip: SKIP}, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ks-complete-'));
  t.after(() => rmSync(dir, {recursive: true, force: true}));
  // kubectl as the completer calls it for Secret names: it records which Node binary called it.
  const kubectl = join(dir, 'kubectl');
  const caller = join(dir, 'caller');
  writeFileSync(kubectl, `#!/bin/sh\nreadlink /proc/$PPID/exe > ${caller}\necho db-credentials api-key\n`, {mode: 0o755});
  const completer = join(REPO_ROOT, 'bin', 'kubectl_complete-secret');
  // As kubectl runs it: the executable itself, its `#!/usr/bin/env node` finding the old Node first.
  const env = {...process.env, PATH: `${dirname(OLD_NODE!)}:${process.env.PATH}`, KUBECTL_SECRET_KUBECTL: kubectl, NODE_OPTIONS: ''};
  const names = spawnSync(completer, ['who-can', 'db'], {env, encoding: 'utf8'});
  assert.equal(names.stderr, '');
  assert.equal(names.stdout, 'db-credentials\n:4\n');
  assert.equal(readFileSync(caller, 'utf8').trim(), realpathSync(PINNED), 'the completer ran on the pinned Node');

  const top = spawnSync(completer, [''], {env, encoding: 'utf8'});
  assert.equal(top.stderr, '');
  const byName = new Map(top.stdout.trim().split('\n').slice(0, -1).map((l) => l.split('\t') as [string, string]));
  const topics = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).oclif.topics as Record<string, {description: string}>;
  for (const [topic, {description}] of Object.entries(topics)) assert.equal(byName.get(topic), description, topic);
  assert.equal(byName.get('seal'), 'Encrypt Secrets with the cluster\'s public key, safe to commit.');
  assert.match(top.stdout, /\n:4\n$/);
});

// V8's compile cache is executable code (Node runs what it finds there for a matching source):
// it is written only where no other user can write, and refused anywhere else (bin/compile-cache.js).
const COMPILE_CACHE_COMPLETER = join(REPO_ROOT, 'bin', 'kubectl_complete-secret');

function cacheRun(xdg: string, tmp: string, script = BIN, args = ['--version']): {status: number | null; stdout: string} {
  const r = spawnSync(process.execPath, [script, ...args], {encoding: 'utf8', env: {...process.env, XDG_CACHE_HOME: xdg, TMPDIR: tmp, NODE_COMPILE_CACHE: '', DEBUG: ''}});
  return {status: r.status, stdout: r.stdout};
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, {recursive: true, withFileTypes: true}).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

test('the compile cache is written under $XDG_CACHE_HOME/kubectl-secret, private to the user, never into the shared temporary directory', () => {
  const root = mkdtempSync(join(tmpdir(), 'ks-cc-'));
  try {
    const [xdg, tmp] = [join(root, 'xdg'), join(root, 'tmp')];
    mkdirSync(tmp);
    for (const [script, args] of [[BIN, ['--version']], [COMPILE_CACHE_COMPLETER, ['restart', '--']]] as const) {
      const r = cacheRun(xdg, tmp, script, [...args]);
      assert.equal(r.status, 0);
    }
    const dir = join(xdg, 'kubectl-secret', 'compile-cache');
    assert.ok(filesUnder(dir).length > 0, 'no compile cache written');
    for (const d of [join(xdg, 'kubectl-secret'), dir]) assert.equal(statSync(d).mode & 0o777, 0o700, d);
    assert.deepEqual(filesUnder(tmp), [], 'a cache in $TMPDIR, which every user shares');
  } finally {
    rmSync(root, {recursive: true, force: true});
  }
});

test('a compile cache directory another user could write to, or that is not ours, is not used; the command still runs', () => {
  const root = mkdtempSync(join(tmpdir(), 'ks-cc-'));
  const isRoot = process.getuid?.() === 0;
  const cases: {name: string; make(xdg: string): void}[] = [
    {name: 'compile-cache writable by everyone', make: (xdg) => { mkdirSync(join(xdg, 'kubectl-secret', 'compile-cache'), {recursive: true, mode: 0o700}); chmodSync(join(xdg, 'kubectl-secret', 'compile-cache'), 0o777); }},
    {name: 'kubectl-secret writable by its group', make: (xdg) => { mkdirSync(join(xdg, 'kubectl-secret', 'compile-cache'), {recursive: true, mode: 0o700}); chmodSync(join(xdg, 'kubectl-secret'), 0o770); }},
    {name: 'compile-cache a symbolic link', make: (xdg) => { mkdirSync(join(xdg, 'kubectl-secret'), {recursive: true, mode: 0o700}); mkdirSync(join(xdg, 'elsewhere'), {mode: 0o700}); symlinkSync(join(xdg, 'elsewhere'), join(xdg, 'kubectl-secret', 'compile-cache')); }},
    {name: 'compile-cache a file', make: (xdg) => { mkdirSync(join(xdg, 'kubectl-secret'), {recursive: true, mode: 0o700}); writeFileSync(join(xdg, 'kubectl-secret', 'compile-cache'), ''); }},
    // Root may hand a directory to another user; anyone else cannot make one that is not theirs.
    ...(isRoot ? [{name: 'compile-cache owned by nobody', make: (xdg: string) => { mkdirSync(join(xdg, 'kubectl-secret', 'compile-cache'), {recursive: true, mode: 0o700}); chownSync(join(xdg, 'kubectl-secret', 'compile-cache'), 65534, 65534); }}] : []),
  ];
  try {
    for (const c of cases) {
      const xdg = join(root, c.name.replace(/\W+/g, '-'));
      const tmp = join(xdg, '..', `${c.name.replace(/\W+/g, '-')}-tmp`);
      mkdirSync(tmp, {recursive: true});
      c.make(xdg);
      const r = cacheRun(xdg, tmp);
      assert.equal(r.status, 0, c.name);
      assert.match(r.stdout, /^kubectl-secret\//, c.name);
      assert.deepEqual([...filesUnder(join(xdg, 'kubectl-secret')), ...filesUnder(join(xdg, 'elsewhere')), ...filesUnder(tmp)].filter((f) => !f.endsWith('compile-cache')), [], `${c.name}: a cache was written`);
    }
  } finally {
    rmSync(root, {recursive: true, force: true});
  }
});

// The fast path's own code cache (bin/fast-loader.js): V8 code for each chunk of dist/fast,
// written after a run with what that run compiled, and used by the next.
function codeCacheRun(xdg: string, args: string[], input = ''): {status: number | null; stdout: string; stderr: string; cache: Map<string, string>} {
  const r = spawnSync(process.execPath, [BIN, ...args], {input, encoding: 'utf8', env: {...process.env, XDG_CACHE_HOME: xdg, KUBECTL_SECRET_DEBUG_CODE_CACHE: '1', NO_COLOR: '1', DEBUG: ''}});
  const cache = new Map<string, string>();
  const rest: string[] = [];
  for (const line of r.stderr.split('\n')) {
    const m = line.match(/^code cache: (dist\/fast\/\S+) (used|none|rejected)/);
    if (m) cache.set(m[1], m[2]);
    else rest.push(line);
  }
  return {status: r.status, stdout: r.stdout, stderr: rest.join('\n'), cache};
}

const BUILD_ID = (): string => JSON.parse(readFileSync(join(REPO_ROOT, 'dist', 'fast', 'package.json'), 'utf8')).buildId;

test('the fast path writes a private code cache after its first run and the next run uses it, with the same output', () => {
  const xdg = mkdtempSync(join(tmpdir(), 'ks-code-cache-'));
  try {
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: code-cache-canary-value\n';
    writeFileSync(join(xdg, 's.yaml'), secret);
    const first = codeCacheRun(xdg, ['scan', join(xdg, 's.yaml')]);
    assert.equal(first.status, 1, first.stderr);
    assert.ok(first.cache.get('dist/fast/main.js') === 'none', 'the first run found a cache');
    assert.ok([...first.cache.keys()].some((f) => /^dist\/fast\/chunks\/scan-/.test(f)), `scan's chunk was not loaded through the loader: ${[...first.cache.keys()].join(', ')}`);
    // scan runs under its own V8 flags (no TurboFan, bin/fast-loader.js v8Flavor), so its caches have their own directory.
    const dir = join(xdg, 'kubectl-secret', 'compile-cache', `fast-${BUILD_ID()}-${process.version}-${process.arch}-no-turbofan`);
    const written = readdirSync(dir);
    assert.equal(written.length, first.cache.size, 'one cache file per chunk the run loaded');
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    for (const f of written) {
      assert.equal(statSync(join(dir, f)).mode & 0o777, 0o600, f);
      assert.ok(!readFileSync(join(dir, f)).includes('code-cache-canary-value'), `${f} holds the scanned value`);
    }
    const second = codeCacheRun(xdg, ['scan', join(xdg, 's.yaml')]);
    assert.deepEqual([...second.cache.values()].filter((v) => v !== 'used'), [], 'the second run compiled a chunk again');
    assert.deepEqual({status: second.status, stdout: second.stdout, stderr: second.stderr}, {status: first.status, stdout: first.stdout, stderr: first.stderr});
    // A cache V8 rejects (damaged, or another build's that slipped in) costs a compile, never the command; it is written again.
    const main = join(dir, 'main.js.cache');
    writeFileSync(main, Buffer.alloc(statSync(main).size, 0x5a));
    const damaged = codeCacheRun(xdg, ['scan', join(xdg, 's.yaml')]);
    assert.equal(damaged.cache.get('dist/fast/main.js'), 'rejected');
    assert.deepEqual({status: damaged.status, stdout: damaged.stdout, stderr: damaged.stderr}, {status: first.status, stdout: first.stdout, stderr: first.stderr});
    assert.equal(codeCacheRun(xdg, ['scan', join(xdg, 's.yaml')]).cache.get('dist/fast/main.js'), 'used', 'the rejected cache was not written again');
    // Another command's flags differ: it never gets a cache made under scan's (V8 would reject it, and the
    // two would rewrite each other's on every run), and scan's stays as it was.
    assert.equal(codeCacheRun(xdg, ['--version']).cache.get('dist/fast/main.js'), 'none');
    assert.equal(codeCacheRun(xdg, ['--version']).cache.get('dist/fast/main.js'), 'used');
    assert.equal(codeCacheRun(xdg, ['scan', join(xdg, 's.yaml')]).cache.get('dist/fast/main.js'), 'used');
    assert.deepEqual(readdirSync(join(xdg, 'kubectl-secret', 'compile-cache')).sort(), [`fast-${BUILD_ID()}-${process.version}-${process.arch}`, `fast-${BUILD_ID()}-${process.version}-${process.arch}-no-turbofan`]);
  } finally {
    rmSync(xdg, {recursive: true, force: true});
  }
});

test('a new build gets its own code cache directory; only the caches of the last few builds are kept', () => {
  const xdg = mkdtempSync(join(tmpdir(), 'ks-code-cache-'));
  try {
    const base = join(xdg, 'kubectl-secret', 'compile-cache');
    mkdirSync(base, {recursive: true, mode: 0o700});
    chmodSync(join(xdg, 'kubectl-secret'), 0o700);
    // Caches of six earlier builds, the oldest first; a build's cache is never offered to another.
    const old = Array.from({length: 6}, (_, i) => `fast-00000000000000${i}0-${process.version}-${process.arch}`);
    old.forEach((d, i) => {
      mkdirSync(join(base, d), {mode: 0o700});
      writeFileSync(join(base, d, 'main.js.cache'), 'x');
      const t = new Date(Date.now() - (10 - i) * 60_000);
      utimesSync(join(base, d), t, t);
    });
    const r = codeCacheRun(xdg, ['--version']);
    assert.equal(r.status, 0);
    assert.equal(r.cache.get('dist/fast/main.js'), 'none', 'a cache of another build was offered');
    const left = readdirSync(base).filter((e) => e.startsWith('fast-')).sort();
    assert.deepEqual(left, [...old.slice(3), `fast-${BUILD_ID()}-${process.version}-${process.arch}`].sort());
  } finally {
    rmSync(xdg, {recursive: true, force: true});
  }
});
