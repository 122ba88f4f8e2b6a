// Distribution: the krew manifest, the archives `npm run package` builds, and the single
// executable run as users run it — through kubectl's plugin discovery, with no Node on PATH.
// Building takes about a minute, so it happens once here (or not at all when `npm run package`
// already built build/ from this compiled code); on CI a machine that cannot build fails.
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync, spawn} from 'node:child_process';
import {createHash} from 'node:crypto';
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {parse} from 'yaml';
import {REPO_ROOT, runCli} from '../helpers/cli.js';
import {LOAD_LOG} from '../helpers/load-log.js';
import {e2eEnv, type E2EEnv} from '../helpers/cluster.js';
import {startTestServer} from '../server/index.js';

const VERSION: string = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version;
const PLATFORMS = ['linux/amd64', 'linux/arm64', 'darwin/amd64', 'darwin/arm64', 'windows/amd64'];
const archiveName = (key: string) => `kubectl-secret_v${VERSION}_${key.replace('/', '_')}.tar.gz`;
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

interface Platform {
  selector: {matchLabels: {os: string; arch: string}};
  uri: string;
  sha256: string;
  bin: string;
}

const keyOf = (p: Platform) => `${p.selector.matchLabels.os}/${p.selector.matchLabels.arch}`;
const manifestAt = (file: string) => parse(readFileSync(file, 'utf8'));

function which(name: string, path: string): string | undefined {
  for (const dir of path.split(':')) if (dir && existsSync(join(dir, name))) return join(dir, name);
  return undefined;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], env: Record<string, string>, input = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {env, stdio: ['pipe', 'pipe', 'pipe']});
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({code: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString()});
    });
    child.stdin.end(input);
  });
}

test('krew-manifest.yaml is a krew plugin manifest; every platform it lists has a real sha256, none a placeholder', () => {
  const m = manifestAt(join(REPO_ROOT, 'krew-manifest.yaml'));
  assert.equal(m.apiVersion, 'krew.googlecontainertools.github.com/v1alpha2');
  assert.equal(m.kind, 'Plugin');
  assert.equal(m.metadata.name, 'secret');
  assert.equal(m.spec.version, `v${VERSION}`);
  assert.match(m.spec.homepage, /^https:\/\//);
  for (const field of ['shortDescription', 'description', 'caveats']) assert.ok(String(m.spec[field] ?? '').trim(), `spec.${field} is empty`);
  const platforms: Platform[] = m.spec.platforms;
  const keys = platforms.map(keyOf);
  assert.ok(keys.includes('linux/amd64'), 'linux/amd64, built and tested here, is listed');
  assert.equal(new Set(keys).size, keys.length, 'no platform twice');
  for (const key of keys) assert.ok(PLATFORMS.includes(key), `${key} is not a platform we build`);
  for (const p of platforms) {
    const key = keyOf(p);
    assert.deepEqual(Object.keys(p.selector.matchLabels).sort(), ['arch', 'os'], key);
    assert.match(p.uri, /^https:\/\/\S+$/, key);
    assert.ok(p.uri.endsWith(`/v${VERSION}/${archiveName(key)}`), `${key}: ${p.uri}`);
    assert.match(p.sha256, /^[0-9a-f]{64}$/, key);
    assert.doesNotMatch(p.sha256, /^0+$/, `${key}: a placeholder digest, which krew rejects at install`);
    assert.equal(p.bin, key.startsWith('windows/') ? 'kubectl-secret.exe' : 'kubectl-secret', key);
  }
});

test('plugins/secret.yaml, the custom index entry, is krew-manifest.yaml as generated', () => {
  const manifest = readFileSync(join(REPO_ROOT, 'krew-manifest.yaml'), 'utf8');
  const index = readFileSync(join(REPO_ROOT, 'plugins', 'secret.yaml'), 'utf8');
  assert.ok(index.endsWith(manifest), 'plugins/secret.yaml differs from krew-manifest.yaml: run npm run package');
  assert.deepEqual(parse(index), parse(manifest));
});

test('bare kubectl-secret prints the short overview; --help still prints every command', async () => {
  const overview = await runCli([]);
  assert.equal(overview.code, 0, overview.stderr);
  for (const id of ['seal', 'scan', 'list', 'who-can', 'restart']) assert.match(overview.stdout, new RegExp(`^  ${id} +\\S`, 'm'), id);
  assert.match(overview.stdout, /^Examples:\n {2}kubectl secret seal /m);
  assert.ok(overview.stdout.split('\n').length < 20, 'the overview is short');
  const help = await runCli(['--help']);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /^COMMANDS$/m);
  assert.match(help.stdout, /^ {2}consumers /m);
  assert.doesNotMatch(help.stdout, /Common commands:/);
});

// Start-up: what an offline command loads decides how fast it starts (docs/performance.md).
const HEAVY = ['@kubernetes/client-node', 'inquirer', '@inquirer', 'simple-git', 'undici', '@oclif/core'];
const packageOf = (path: string) => path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1];

/** The packages whose code a run loaded: from node_modules, or bundled in the dist/fast chunks it loaded (esbuild's metafile). */
async function packagesLoaded(args: string[], input = '', cwd = REPO_ROOT, o: {env?: NodeJS.ProcessEnv; code?: number} = {}): Promise<Set<string>> {
  const dir = mkdtempSync(join(tmpdir(), 'ks-loads-'));
  try {
    const hook = join(dir, 'hook.mjs');
    const log = join(dir, 'loaded.txt');
    writeFileSync(hook, LOAD_LOG);
    writeFileSync(log, '');
    const r = await new Promise<Run>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', hook, join(REPO_ROOT, 'bin', 'run.js'), ...args], {cwd, env: {...process.env, ...o.env, KS_LOAD_LOG: log, NO_COLOR: '1', DEBUG: ''}});
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.stdout.resume();
      child.on('error', reject);
      child.on('close', (code) => resolve({code: code ?? -1, stdout: '', stderr}));
      child.stdin.end(input);
    });
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    if (o.code !== undefined) assert.equal(r.code, o.code, r.stderr);
    const meta: {outputs: Record<string, {inputs: Record<string, unknown>}>} = JSON.parse(readFileSync(join(REPO_ROOT, 'dist', 'fast-meta.json'), 'utf8'));
    const names = new Set<string>();
    for (const url of readFileSync(log, 'utf8').split('\n').filter(Boolean)) {
      const direct = packageOf(url);
      if (direct) names.add(direct);
      const m = url.match(/\/(dist\/fast\/.+\.js)$/);
      for (const input of Object.keys(meta.outputs[m?.[1] ?? '']?.inputs ?? {})) {
        const name = packageOf(input);
        if (name) names.add(name);
      }
    }
    return new Set([...names].map((n) => (n.startsWith('@inquirer/') ? '@inquirer' : n)));
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}

test('offline commands and the hook load neither oclif, the Kubernetes client, prompts, simple-git nor HTTP', async () => {
  const secret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: default\nstringData:\n  k: v\n';
  const version = await packagesLoaded(['--version']);
  for (const heavy of [...HEAVY, 'yaml', 'tweetnacl']) assert.ok(!version.has(heavy), `--version loads ${heavy}`);
  const overview = await packagesLoaded([]);
  for (const heavy of [...HEAVY, 'yaml', 'tweetnacl']) assert.ok(!overview.has(heavy), `the overview loads ${heavy}`);
  const seal = await packagesLoaded(['seal', '--cert', join(REPO_ROOT, 'test', 'fixtures', 'crypto', 'x25519-public.pem')], secret);
  assert.ok(seal.has('tweetnacl'), `the hook saw no bundled package (${[...seal].join(', ')}): is dist/fast-meta.json current?`);
  // A plain Secret is read and its SealedSecret written by our own reader and writer.
  for (const heavy of [...HEAVY, 'yaml', 'js-yaml']) assert.ok(!seal.has(heavy), `seal --cert loads ${heavy}`);
  const scanned = await packagesLoaded(['scan', join(REPO_ROOT, 'test', 'fixtures', 'crypto', 'x25519-public.pem')]);
  for (const heavy of [...HEAVY, 'tweetnacl']) assert.ok(!scanned.has(heavy), `scan loads ${heavy}`);
  const repo = mkdtempSync(join(tmpdir(), 'ks-loads-repo-'));
  try {
    // A plain Secret file is read by scan's own block reader: neither YAML library is loaded
    // (outside a repository whose .kubectl-secret.yaml is read with `yaml`).
    writeFileSync(join(repo, 'a.yaml'), secret);
    const plain = await packagesLoaded(['scan', 'a.yaml'], '', repo);
    for (const lib of ['yaml', 'js-yaml']) assert.ok(!plain.has(lib), `scan of a plain Secret loads ${lib}`);
    execFileSync('git', ['init', '-q'], {cwd: repo});
    writeFileSync(join(repo, 'a.yaml'), secret);
    execFileSync('git', ['add', 'a.yaml'], {cwd: repo});
    const staged = await packagesLoaded(['scan', '--staged'], '', repo);
    // The hook's two git processes are plain child processes: simple-git costs ~10 ms of CPU there (docs/performance.md).
    for (const heavy of HEAVY) assert.ok(!staged.has(heavy), `scan --staged loads ${heavy}`);
  } finally {
    rmSync(repo, {recursive: true, force: true});
  }
});

test('cluster commands with a static-credential kubeconfig (token, client certificate, exec plugin) load neither client-node nor undici', async () => {
  const server = await startTestServer();
  const dir = mkdtempSync(join(tmpdir(), 'ks-loads-cluster-'));
  try {
    server.create({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'db', namespace: 'default'}, data: {k: Buffer.from('v').toString('base64')}});
    const file = join(dir, 'db.yaml');
    writeFileSync(file, 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: default\ndata:\n  k: djI=\n');
    for (const auth of ['token', 'client-cert', 'exec'] as const) {
      const env = {KUBECONFIG: server.writeKubeconfig(join(dir, `${auth}.yaml`), {auth}), HOME: dir};
      // Exit codes say each command really read the cluster: 0 for the lists, 1 (drift) for diff.
      for (const [args, code] of [[['list', '-A'], 0], [['list', '-n', 'default'], 0], [['diff', file], 1]] as const) {
        const loaded = await packagesLoaded([...args], '', REPO_ROOT, {env, code});
        for (const heavy of ['@kubernetes/client-node', 'undici']) assert.ok(!loaded.has(heavy), `${args.join(' ')} with a ${auth} kubeconfig loads ${heavy}`);
      }
    }
  } finally {
    await server.close();
    rmSync(dir, {recursive: true, force: true});
  }
});

let out: string | undefined;
let work: string;
let whyNotBuilt = '';

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'ks-package-'));
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    whyNotBuilt = `the single executable is checked on linux/amd64, not ${process.platform}/${process.arch}`;
    return;
  }
  const built = join(REPO_ROOT, 'build');
  const archive = join(built, archiveName('linux/amd64'));
  const compiled = join(REPO_ROOT, 'dist', 'commands', 'index.js');
  if (existsSync(archive) && existsSync(join(built, 'krew-manifest.yaml')) && statSync(archive).mtimeMs > statSync(compiled).mtimeMs) {
    out = built; // `npm run package` ran on this compiled code already
    return;
  }
  try {
    execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'package.mjs'), '--platform', 'linux/amd64', '--out', join(work, 'build')], {
      cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'], timeout: 150_000,
    });
    out = join(work, 'build');
  } catch (err: any) {
    whyNotBuilt = `could not build the single executable: ${String(err.stderr ?? err.message).split('\n').filter((l) => !l.startsWith('warning:')).slice(-5).join(' ')}`;
  }
}, {timeout: 170_000});

after(() => rmSync(work, {recursive: true, force: true}));

function builtOrSkip(t: {skip(msg: string): void}): string | undefined {
  if (out) return out;
  if (process.env.CI === 'true') assert.fail(whyNotBuilt);
  t.skip(whyNotBuilt);
  return undefined;
}

test('every built archive matches its sha256 in the manifest and holds the bin it names', (t) => {
  const dir = builtOrSkip(t);
  if (!dir) return;
  const platforms: Platform[] = manifestAt(join(dir, 'krew-manifest.yaml')).spec.platforms;
  const built = platforms.filter((p) => existsSync(join(dir, archiveName(keyOf(p)))));
  assert.ok(built.some((p) => keyOf(p) === 'linux/amd64'), 'the linux/amd64 archive was not built');
  for (const p of built) {
    const archive = join(dir, archiveName(keyOf(p)));
    assert.equal(sha256(archive), p.sha256, `${keyOf(p)} sha256`);
    // GNU tar lists it: an independent reader of what our tar writer produced.
    const names = execFileSync('tar', ['-tzf', archive], {encoding: 'utf8'}).split('\n').filter(Boolean);
    assert.ok(names.includes(p.bin), `${keyOf(p)}: ${p.bin} not in ${names.join(', ')}`);
  }
});

/** A PATH holding only kubectl and the plugin, from the linux archive: no node anywhere. */
function pluginPath(dir: string): {env: Record<string, string>; bin: string} | undefined {
  const kubectl = which('kubectl', process.env.PATH ?? '');
  if (!kubectl) return undefined;
  const pathDir = join(work, 'path');
  mkdirSync(pathDir, {recursive: true});
  if (!existsSync(join(pathDir, 'kubectl-secret'))) {
    execFileSync('tar', ['-xzf', join(dir, archiveName('linux/amd64')), '-C', work]);
    symlinkSync(join(work, 'kubectl-secret'), join(pathDir, 'kubectl-secret'));
    // kubectl's own directory may hold a node (here /usr/bin does): link kubectl alone.
    symlinkSync(realpathSync(kubectl), join(pathDir, 'kubectl'));
  }
  const home = join(work, 'home');
  mkdirSync(home, {recursive: true});
  return {env: {PATH: pathDir, HOME: home, NO_COLOR: '1'}, bin: join(pathDir, 'kubectl-secret')};
}

test('the linux binary answers `kubectl secret --version` through kubectl, with no node on PATH', async (t) => {
  const dir = builtOrSkip(t);
  if (!dir) return;
  const p = pluginPath(dir);
  if (!p) return t.skip('kubectl is not on PATH');
  assert.equal(which('node', p.env.PATH), undefined);
  const r = await run('kubectl', ['secret', '--version'], p.env);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^kubectl-secret/${VERSION.replace(/\./g, '\\.')} linux-x64 node-v24\\.`));
});

test('the binary runs offline commands, the overview and its own completer', async (t) => {
  const dir = builtOrSkip(t);
  if (!dir) return;
  const p = pluginPath(dir);
  if (!p) return t.skip('kubectl is not on PATH');
  const canary = `CANARY-${Math.random().toString(36).slice(2)}`;
  const secret = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: payments\nstringData:\n  password: ${canary}\n`;

  const sealed = await run(p.bin, ['seal', '--cert', join(REPO_ROOT, 'test', 'fixtures', 'crypto', 'x25519-public.pem')], p.env, secret);
  assert.equal(sealed.code, 0, sealed.stderr);
  assert.match(sealed.stdout, /kind: /);
  assert.ok(!sealed.stdout.includes(canary) && !sealed.stderr.includes(canary));

  const file = join(work, 'secret.yaml');
  writeFileSync(file, secret);
  const scan = await run(p.bin, ['scan', file], p.env);
  assert.equal(scan.code, 1, scan.stderr);
  assert.match(scan.stdout, /plaintext-secret/);
  assert.ok(!scan.stdout.includes(canary) && !scan.stderr.includes(canary));

  const overview = await run('kubectl', ['secret'], p.env);
  assert.equal(overview.code, 0, overview.stderr);
  assert.match(overview.stdout, /Common commands:/);

  const completion = await run(p.bin, ['__complete', 'se'], p.env);
  assert.equal(completion.stdout, 'seal\tEncrypt Secrets with the cluster\'s public key, safe to commit.\n:4\n');
});

test('the binary runs the fast path\'s own chunks, with a private code cache per chunk written by the first run and used by the next', async (t) => {
  const dir = builtOrSkip(t);
  if (!dir) return;
  const p = pluginPath(dir);
  if (!p) return t.skip('kubectl is not on PATH');
  const xdg = mkdtempSync(join(work, 'xdg-'));
  const env = {...p.env, XDG_CACHE_HOME: xdg, KUBECTL_SECRET_DEBUG_CODE_CACHE: '1'};
  const file = join(work, 'cache-secret.yaml');
  writeFileSync(file, 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: hunter2-x\n');
  const chunks = (stderr: string) => [...stderr.matchAll(/^code cache: (dist\/fast\/\S+) (\S+)/gm)].map((m) => ({chunk: m[1], state: m[2]}));
  const first = await run(p.bin, ['scan', file], env);
  assert.equal(first.code, 1, first.stderr);
  const loaded = chunks(first.stderr);
  // The scan loads its own chunks, not the whole CLI: a few dozen files, each without a cache yet.
  assert.ok(loaded.length > 5 && loaded.every((c) => c.state === 'none'), first.stderr);
  assert.ok(loaded.some((c) => c.chunk === 'dist/fast/main.js'));
  const cacheDirs = readdirSync(join(xdg, 'kubectl-secret', 'compile-cache'));
  assert.equal(cacheDirs.length, 1, cacheDirs.join(', '));
  const cacheDir = join(xdg, 'kubectl-secret', 'compile-cache', cacheDirs[0]);
  assert.equal(statSync(cacheDir).mode & 0o077, 0, 'the cache directory is private');
  for (const f of readdirSync(cacheDir)) assert.equal(statSync(join(cacheDir, f)).mode & 0o077, 0, `${f} is private`);
  const second = await run(p.bin, ['scan', file], env);
  assert.equal(second.code, 1, second.stderr);
  assert.equal(second.stdout, first.stdout);
  assert.deepEqual(chunks(second.stderr).map((c) => c.chunk), loaded.map((c) => c.chunk));
  assert.ok(chunks(second.stderr).every((c) => c.state === 'used'), second.stderr);
  // What the chunks do not answer (help) is the bundle's, through oclif, as before.
  const help = await run(p.bin, ['scan', '--help'], env);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /^USAGE/m);
});

test('the binary lists Secrets from a cluster', async (t) => {
  const dir = builtOrSkip(t);
  if (!dir) return;
  const p = pluginPath(dir);
  if (!p) return t.skip('kubectl is not on PATH');
  let env: E2EEnv | undefined;
  try {
    env = await e2eEnv();
    const name = `pkg-${Math.random().toString(36).slice(2, 8)}`;
    if (env.server) env.server.create({apiVersion: 'v1', kind: 'Secret', metadata: {name, namespace: 'default'}, data: {token: 'c2VjcmV0'}});
    const r = await run('kubectl', ['secret', 'list', '-n', 'default', '-o', 'json'], {...p.env, KUBECONFIG: env.kubeconfig});
    assert.equal(r.code, 0, r.stderr);
    if (env.server) assert.ok(r.stdout.includes(name), r.stdout);
  } finally {
    await env?.close();
  }
});

// The single executable runs the fast path's chunks through its own loader (scripts/package/sea-loader.cjs)
// and, for what they hand over, its bundle with its own oclif set-up (sea-main.mjs): every
// command, the fast path's and oclif's (help, parse errors, a mistyped command, flags before the
// command, the plugin's commands), must answer as the npm CLI does.
test('the binary answers every argv as the npm CLI does: fast path, oclif\'s help and errors, flags before the command', async (t) => {
  const dir = builtOrSkip(t);
  if (!dir) return;
  const p = pluginPath(dir);
  if (!p) return t.skip('kubectl is not on PATH');
  const cert = join(REPO_ROOT, 'test', 'fixtures', 'crypto', 'x25519-public.pem');
  const secret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: payments\nstringData:\n  password: sea-not-a-real-password\n';
  const cwd = mkdtempSync(join(work, 'argv-'));
  writeFileSync(join(cwd, 'secret.yaml'), secret);
  const argvs: {args: string[]; input?: string}[] = [
    {args: []},
    {args: ['scan', 'secret.yaml']},
    {args: ['scan', 'secret.yaml', '-o', 'json']},
    {args: ['scan', '--format', 'xml', 'secret.yaml']},
    {args: ['seal', '--cert', cert, '-o', 'json', '--scope', 'namespace-wide'], input: secret},
    {args: ['-n', 'payments', 'keys', 'rotate']},
    {args: ['-n', 'payments', 'sael']},
    {args: ['sael']},
    {args: ['--bogus', 'list']},
    {args: ['seal', '--help']},
    {args: ['keys']},
    {args: ['help', 'scan']},
    {args: ['controller', 'manifests']},
    {args: ['autocomplete', 'script', 'bash']},
  ];
  // Ciphertexts differ per run; the Node version (in --help's VERSION) and the home directory by build.
  const stable = (s: string) => s.replace(/[A-Za-z0-9+/]{40,}={0,2}/g, '<sealed>').replace(/node-v[\d.]+/g, 'node-vX').replaceAll(p.env.HOME, '<home>');
  const inDir = (cmd: string, args: string[], env: Record<string, string>, input?: string) => new Promise<Run>((resolve, reject) => {
    const child = spawn(cmd, args, {env, cwd, stdio: ['pipe', 'pipe', 'pipe']});
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => resolve({code: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString()}));
    child.stdin.end(input ?? '');
  });
  for (const a of argvs) {
    const [sea, npm]: Run[] = await Promise.all([
      inDir(p.bin, a.args, {...p.env, KUBECONFIG: '/nonexistent/kubeconfig'}, a.input),
      inDir(process.execPath, [join(REPO_ROOT, 'bin', 'run.js'), ...a.args], {...p.env, PATH: process.env.PATH ?? '', KUBECONFIG: '/nonexistent/kubeconfig'}, a.input),
    ]);
    const name = `kubectl-secret ${a.args.join(' ')}`;
    assert.doesNotMatch(sea.stderr, /ERR_|built-in module|\n\s+at /, `${name}: ${sea.stderr}`);
    assert.deepEqual({code: sea.code, stdout: stable(sea.stdout), stderr: stable(sea.stderr)}, {code: npm.code, stdout: stable(npm.stdout), stderr: stable(npm.stderr)}, name);
  }
});
