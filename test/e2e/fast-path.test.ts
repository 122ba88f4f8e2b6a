// The fast path (src/cli/fast.ts: the bundled commands without oclif) must be invisible: every
// argv gives the same stdout, stderr and exit status as oclif gives it
// (KUBECTL_SECRET_FULL_OCLIF=1 turns the fast path off), and the argvs it does not answer
// itself reach oclif. Each case also says which path must have answered, so a fast path that
// silently handed everything to oclif, or answered what it should not, fails here.
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync, spawn} from 'node:child_process';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {BIN, REPO_ROOT} from '../helpers/cli.js';
import {LOAD_LOG} from '../helpers/load-log.js';
import {e2eEnv, type E2EEnv} from '../helpers/cluster.js';
import {GIT_ENV} from '../helpers/git-repo.js';

const CERT = join(REPO_ROOT, 'test', 'fixtures', 'crypto', 'x25519-public.pem');
const PRIVATE = join(REPO_ROOT, 'test', 'fixtures', 'crypto', 'x25519-private.pem');
const COMPLETER = join(REPO_ROOT, 'bin', 'kubectl_complete-secret');
const SECRET = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: payments\nstringData:\n  password: fast-path-not-a-real-password\n';

let dir: string;
let env: E2EEnv;
let hook: string;

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  oclif: boolean;
  /** The URLs of the modules the run loaded. */
  loaded: string[];
}

function run(cmd: string[], o: {input?: string; cwd?: string; full?: boolean; env?: Record<string, string>} = {}): Promise<Outcome> {
  const log = join(dir, `loads-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(log, '');
  const childEnv: Record<string, string> = {...process.env as Record<string, string>, NO_COLOR: '1', DEBUG: '', HOME: dir, KUBECONFIG: env.kubeconfig, KS_LOAD_LOG: log, ...o.env};
  if (o.full) childEnv.KUBECTL_SECRET_FULL_OCLIF = '1';
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', hook, ...cmd], {cwd: o.cwd ?? dir, env: childEnv, stdio: ['pipe', 'pipe', 'pipe']});
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      const loaded = readFileSync(log, 'utf8').split('\n').filter(Boolean);
      const oclif = loaded.some((url) => url.includes('/node_modules/@oclif/core/'));
      resolve({code: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), oclif, loaded});
    });
    child.stdin.on('error', () => {});
    child.stdin.end(o.input ?? '');
  });
}

/** Ciphertexts and ages differ from run to run; everything else must not. */
const stable = (s: string) => s
  .replace(/[A-Za-z0-9+/]{40,}={0,2}/g, '<sealed>')
  .replace(/\b\d+(s|m|h|d)\b/g, '<age>')
  .replaceAll(dir, '<dir>');

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ks-fast-'));
  hook = join(dir, 'hook.mjs');
  writeFileSync(hook, LOAD_LOG);
  writeFileSync(join(dir, 'secret.yaml'), SECRET);
  writeFileSync(join(dir, 'clean.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n');
  writeFileSync(join(dir, 'broken.yaml'), 'apiVersion: v1\nkind: Secret\n  metadata: [\n');
  const git = (...a: string[]) => execFileSync('git', a, {cwd: join(dir, 'repo'), env: {...process.env, ...GIT_ENV}});
  mkdirSync(join(dir, 'repo'));
  git('init', '-q', '-b', 'main');
  writeFileSync(join(dir, 'repo', 'db.yaml'), SECRET);
  writeFileSync(join(dir, 'repo', 'ok.yaml'), 'kind: ConfigMap\n');
  git('add', 'db.yaml', 'ok.yaml');
  env = await e2eEnv();
  if (env.server) {
    env.server.create({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'fast-db', namespace: 'default', labels: {app: 'api'}}, data: {token: 'c2VjcmV0'}});
    env.server.create({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'api', namespace: 'default'}, spec: {selector: {matchLabels: {app: 'api'}}, template: {metadata: {labels: {app: 'api'}}, spec: {containers: [{name: 'c', image: 'i', envFrom: [{secretRef: {name: 'fast-db'}}]}]}}}});
  }
});

after(async () => {
  await env?.close();
  rmSync(dir, {recursive: true, force: true});
});

interface Case {
  args: string[];
  input?: string;
  cwd?: string;
  /** true: answered without loading oclif; false: handed to oclif. */
  fast: boolean;
  cluster?: boolean;
}

const cases = (): Case[] => [
  {args: [], fast: true},
  {args: ['--version'], fast: true},
  {args: ['scan', 'secret.yaml'], fast: true},
  {args: ['scan', 'clean.yaml', 'secret.yaml', '--format', 'json'], fast: true},
  {args: ['scan', '--format=sarif', 'secret.yaml'], fast: true},
  {args: ['scan', 'broken.yaml'], fast: true},
  {args: ['scan', '--max-file-size', '10', 'secret.yaml'], fast: true},
  {args: ['scan', '--staged'], cwd: 'repo', fast: true},
  // --yes depends on --fix: a parse error, which oclif prints.
  {args: ['scan', '--yes', 'secret.yaml'], fast: false},
  {args: ['scan', '--history', '-o', 'json'], cwd: 'repo', fast: true},
  {args: ['scan', 'does-not-exist.yaml'], fast: true},
  // -n on keys commands is refused (the keys live in --key-namespace), the same on both paths.
  {args: ['keys', 'list', '-n', 'payments'], fast: true},
  // Global flags before the command, as kubectl users type them: oclif finds no command in
  // `-n NS CMD` and its command_not_found hook (commands/_not-found.ts) moves the flags behind
  // the command; the fast path does the same, and leaves every error of that hook to oclif.
  {args: ['-n', 'payments', 'keys', 'rotate'], fast: true},
  {args: ['-n', 'payments', 'seal', '--cert', CERT], input: SECRET, fast: true},
  {args: ['--namespace=payments', 'seal', '--cert', CERT, '-o', 'json'], input: SECRET, fast: true},
  {args: ['-npayments', 'keys', 'export', '-w', 'k.pem'], fast: false}, // -nVALUE is for oclif's parser
  {args: ['--debug', 'scan', 'secret.yaml'], fast: true},
  {args: ['-n'], fast: false},
  {args: ['-n', 'payments'], fast: false},
  {args: ['-n', 'payments', '--'], fast: false},
  {args: ['--bogus', 'scan', 'secret.yaml'], fast: false},
  {args: ['-n', 'payments', 'sael'], fast: false},
  {args: ['-n', 'payments', 'keys'], fast: false},
  {args: ['-n', 'payments', 'help', 'seal'], fast: false},
  {args: ['-n', 'payments', 'seal', '--help'], fast: false},
  {args: ['-n', 'payments', 'autocomplete', 'script', 'bash'], fast: false},
  {args: ['keys', 'export', '--namespace=payments', '-w', 'k.pem'], fast: true},
  {args: ['seal', '--cert', CERT], input: SECRET, fast: true},
  {args: ['seal', '--cert', CERT, '-o', 'json', '--scope', 'namespace-wide'], input: SECRET, fast: true},
  {args: ['seal', '--cert', CERT, 'secret.yaml'], fast: true},
  {args: ['seal', '--cert', '/nonexistent/cert.pem'], input: SECRET, fast: true},
  {args: ['seal', '--cert', CERT], input: 'not: [yaml', fast: true},
  {args: ['seal', '--cert', CERT, '--name', 'x', '--from-literal', 'a=b', '--from-literal', 'c=d', '-n', 'ns'], fast: true},
  {args: ['cert', '--help'], fast: false},
  {args: ['--help'], fast: false},
  {args: ['keys'], fast: false},
  {args: ['nonsense'], fast: false},
  {args: ['scan', '--bogus'], fast: false},
  {args: ['scan', '--format', 'xml', 'secret.yaml'], fast: false},
  {args: ['scan', '--staged', '--since', 'main'], cwd: 'repo', fast: false},
  {args: ['seal', '--cert'], fast: false},
  {args: ['seal', '--cert', CERT, '--', 'secret.yaml'], fast: false},
  {args: ['seal', '--cert', CERT, '-o', 'yaml', '-o', 'json'], input: SECRET, fast: false},
  {args: ['unseal'], fast: false},
  {args: ['unseal', '--key', PRIVATE, 'secret.yaml'], fast: false}, // greedy --key takes secret.yaml too: FILE missing
  {args: ['unseal', 'secret.yaml', '--key', PRIVATE, '--key', CERT], fast: true},
  {args: ['unseal', 'secret.yaml', '--key', PRIVATE, '--force', CERT], fast: true},
  {args: ['scan', '--since', 'main'], cwd: 'repo', fast: true},
  {args: ['controller', 'manifests'], fast: true},
  {args: ['hook', 'status'], cwd: 'repo', fast: true},
  {args: ['list'], cluster: true, fast: true},
  {args: ['list', '-A', '-o', 'json', '-l', 'app=api'], cluster: true, fast: true},
  {args: ['list', '--context', 'no-such-context'], cluster: true, fast: true},
  {args: ['consumers', 'fast-db', '-n', 'default'], cluster: true, fast: true},
  {args: ['who-can', 'fast-db', '-n', 'default'], cluster: true, fast: true},
  {args: ['keys', 'list'], cluster: true, fast: true},
  {args: ['restart', 'fast-db', '--dry-run', '--no-wait'], cluster: true, fast: true},
  {args: ['list', '--request-timeout', 'soon'], cluster: true, fast: true},
  {args: ['-n', 'default', 'list'], cluster: true, fast: true},
  {args: ['--namespace', 'default', '--request-timeout', '5s', 'consumers', 'fast-db'], cluster: true, fast: true},
  {args: ['-n', 'default', 'who-can', 'fast-db'], cluster: true, fast: true},
  {args: ['--context', 'no-such-context', 'list', '-A'], cluster: true, fast: true},
  // A context name holds colons (EKS: arn:aws:eks:…:cluster/x); oclif's hook once split it as a command id.
  {args: ['--context=arn:aws:eks:eu-west-1:1:cluster/x', 'list'], cluster: true, fast: true},
  {args: ['--kubeconfig', '/nonexistent/kubeconfig', 'list'], cluster: true, fast: true},
];

// About 80 whole CLI runs: minutes on a loaded 2-core machine, hence its own time limit.
test('every argv gives oclif\'s own stdout, stderr and exit status, and the path that answered is the expected one', {timeout: 600_000}, async () => {
  for (const c of cases()) {
    if (c.cluster && !env.server) continue; // their objects are made on the test server
    const o = {input: c.input, cwd: c.cwd ? join(dir, c.cwd) : dir};
    const [fast, full] = await Promise.all([run([BIN, ...c.args], o), run([BIN, ...c.args], {...o, full: true})]);
    const name = `kubectl-secret ${c.args.join(' ')}`;
    assert.ok(full.oclif, `${name}: KUBECTL_SECRET_FULL_OCLIF=1 still ran without oclif`);
    assert.equal(fast.oclif, !c.fast, `${name}: ${c.fast ? 'loaded oclif' : 'did not hand over to oclif'}`);
    assert.deepEqual({code: fast.code, stdout: stable(fast.stdout), stderr: stable(fast.stderr)}, {code: full.code, stdout: stable(full.stdout), stderr: stable(full.stderr)}, name);
  }
});

/** The command classes (commands/, but not its _-prefixed shared modules) in the dist/fast chunks a run loaded (esbuild's metafile). */
function commandModules(loaded: string[]): string[] {
  const meta: {outputs: Record<string, {inputs: Record<string, unknown>}>} = JSON.parse(readFileSync(join(REPO_ROOT, 'dist', 'fast-meta.json'), 'utf8'));
  return loaded.flatMap((url) => Object.keys(meta.outputs[url.match(/\/(dist\/fast\/.+\.js)$/)?.[1] ?? '']?.inputs ?? {})).filter((i) => i.startsWith('dist/commands/') && !/\/_[^/]+\.js$/.test(i));
}

// Every TAB press, --version and the overview pay for what they load: evaluating the command classes
// was about half of their start-up (docs/performance.md).
test('--version and the overview evaluate no command class; a command evaluates only its own', async () => {
  for (const args of [['--version'], []]) {
    const r = await run([BIN, ...args]);
    assert.equal(r.code, 0);
    assert.deepEqual(commandModules(r.loaded), [], `kubectl-secret ${args.join(' ')}`);
  }
  const scan = await run([BIN, 'scan', 'secret.yaml']);
  assert.deepEqual(commandModules(scan.loaded), ['dist/commands/scan.js'], 'scan: is dist/fast-meta.json current?');
});

test('kubectl_complete-secret answers as the command classes oclif loads describe themselves', async () => {
  // The reference: the completion core over the registry as tsc compiled it (real oclif flags).
  const reference = join(dir, 'reference-completer.mjs');
  // The completer answers from a spec computed when the bundle was built; this one is computed now.
  writeFileSync(reference, `const [{COMMANDS}, {runCompletion}, {specFromCommands}] = await Promise.all([
  import(${JSON.stringify(join(REPO_ROOT, 'dist', 'commands', 'index.js'))}),
  import(${JSON.stringify(join(REPO_ROOT, 'dist', 'src', 'completion', 'main.js'))}),
  import(${JSON.stringify(join(REPO_ROOT, 'dist', 'src', 'completion', 'complete.js'))})]);
process.exitCode = await runCompletion(async () => specFromCommands(COMMANDS), process.argv.slice(2), ${JSON.stringify(JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).oclif.topics)});
`);
  const words = [[''], ['se'], ['keys', ''], ['restart', '--'], ['seal', '--scope', ''], ['seal', '--scope='], ['scan', '--format', 's'], ['list', '-o', ''], ['rotate', '--no'], ['controller', 'run', '--'], ['diff', '-']];
  for (const w of words) {
    const [fast, ref] = await Promise.all([run([COMPLETER, ...w]), run([reference, ...w])]);
    assert.ok(!fast.oclif, `completion of ${w.join(' ')} loaded oclif`);
    assert.deepEqual(commandModules(fast.loaded), [], `completion of ${w.join(' ')} evaluated command classes`);
    assert.deepEqual({code: fast.code, stdout: fast.stdout}, {code: ref.code, stdout: ref.stdout}, w.join(' '));
    assert.match(fast.stdout, /:\d+\n$/);
  }
});
