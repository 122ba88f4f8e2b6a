// One error path, as a user meets it: every failure, oclif's own parse errors included, is
// `error: …` plus one hint line with the documented exit code; no Node codes, no usage dump,
// no Node warnings, and nothing the user typed as a value is echoed back.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {randomBytes} from 'node:crypto';
import {existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {spawnSync} from 'node:child_process';
import {BIN, REPO_ROOT, runCli, type CliResult} from '../helpers/cli.js';
import {fileE2EEnv} from '../helpers/cluster.js';

const FIX = join(REPO_ROOT, 'test', 'fixtures', 'crypto');
const NACL_PUB = join(FIX, 'x25519-public.pem');
const dir = mkdtempSync(join(tmpdir(), 'ks-cli-errors-'));
const offline = (args: string[], env: Record<string, string> = {}) => runCli(args, {env: {KUBECONFIG: '/nonexistent/kubeconfig', ...env}});
const canary = () => `CANARY${randomBytes(6).toString('hex')}`;

/** kubectl's shape: exactly two lines on stderr, the first `error: `, and nothing of oclif's. */
function assertKubectlShape(r: CliResult, code: number, what: string): [string, string] {
  assert.equal(r.code, code, `${what}: exit ${r.code}\n${r.stderr}`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 2, `${what}: one error line and one hint line, got:\n${r.stderr}`);
  assert.match(lines[0]!, /^error: /, what);
  assert.doesNotMatch(r.stderr, /›|USAGE|Error:|See more help|internal error/, what);
  return [lines[0]!, lines[1]!];
}

const secretYaml = (name: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  namespace: payments\nstringData:\n  password: hunter2-${name}\n`;

test('an unknown command: error line, then did you mean, exit 2', async () => {
  const cases: Array<[string[], string, string]> = [
    [['sael'], 'error: unknown command "sael" for "kubectl secret"', `did you mean "seal"? See 'kubectl secret --help' for the commands`],
    [['key', 'init'], 'error: unknown command "key init" for "kubectl secret"', `did you mean "keys init"? See 'kubectl secret --help' for the commands`],
    [['keys', 'int'], 'error: unknown command "keys int" for "kubectl secret"', `did you mean "keys init"? See 'kubectl secret keys --help' for its commands`],
    [['whocan', 'db'], 'error: unknown command "whocan" for "kubectl secret"', `did you mean "who-can"? See 'kubectl secret --help' for the commands`],
    [['frobnicate'], 'error: unknown command "frobnicate" for "kubectl secret"', `See 'kubectl secret --help' for the commands`],
    [['keys', 'frobnicate'], 'error: unknown command "keys frobnicate" for "kubectl secret"', `See 'kubectl secret keys --help' for its commands: export, init, list, rotate`],
    [['help', 'sael'], 'error: unknown command "sael" for "kubectl secret"', `did you mean "seal"? See 'kubectl secret --help' for the commands`],
  ];
  for (const [args, error, hint] of cases) {
    const r = await offline(args);
    assert.deepEqual(assertKubectlShape(r, 2, args.join(' ')), [error, hint]);
    assert.equal(r.stdout, '');
  }
});

test('an unknown flag: did you mean, and where to see the usage, not the usage itself', async () => {
  const cases: Array<[string[], string, string]> = [
    [['seal', '--namespce', 'x'], 'error: unknown flag: --namespce', `did you mean --namespace? See 'kubectl secret seal --help' for usage`],
    [['keys', 'list', '--key-namespac', 'x'], 'error: unknown flag: --key-namespac', `did you mean --key-namespace? See 'kubectl secret keys list --help' for usage`],
    [['list', '--all-namespace'], 'error: unknown flag: --all-namespace', `did you mean --all-namespaces? See 'kubectl secret list --help' for usage`],
    [['scan', '--zzzzzzzz'], 'error: unknown flag: --zzzzzzzz', `See 'kubectl secret scan --help' for usage`],
  ];
  for (const [args, error, hint] of cases) assert.deepEqual(assertKubectlShape(await offline(args), 2, args.join(' ')), [error, hint]);
});

test('other parse errors are kubectl-shaped too: bad option value, bad integer, missing argument, flag without value', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['list', '-o', 'foo'], /^error: invalid value "foo" for --output$/],
    [['rotate', 'db', '--length', 'abc'], /^error: --length: expected an integer$/],
    [['consumers'], /^error: missing required argument: NAME$/],
    [['seal', '--cert'], /^error: flag --cert expects a value$/],
  ];
  for (const [args, want] of cases) assert.match(assertKubectlShape(await offline(args), 2, args.join(' '))[0], want);
});

test('flag combinations that cannot go together are refused by their declaration, before anything runs', async () => {
  const input = join(dir, 'modes.yaml');
  writeFileSync(input, secretYaml('db'));
  const out = join(dir, 'modes-out.yaml');
  const cases: Array<[string[], string]> = [
    [['seal', input, '--cert', NACL_PUB, '-w', out, '--in-place'], 'error: --in-place and --output-file cannot be used together'],
    [['seal', '--raw', '--name', 'db', '-n', 'payments', '--from-literal', 'k=v', '--merge-into', out, '--cert', NACL_PUB], 'error: --merge-into and --raw cannot be used together'],
    [['seal', '--raw', '--name', 'db', '-n', 'payments', '--prompt', 'k', '--cert', NACL_PUB], 'error: --prompt and --raw cannot be used together'],
    [['scan', input, '--yes'], 'error: --yes only applies with --fix'],
    [['scan', input, '--cert', NACL_PUB], 'error: --cert only applies with --fix'],
    [['scan', '--staged', '--since', 'HEAD'], 'error: --since and --staged cannot be used together'],
  ];
  for (const [args, error] of cases) {
    const [line] = assertKubectlShape(await offline(args), 2, args.join(' '));
    const [a, b] = /--([\w-]+) and --([\w-]+)/.exec(error)?.slice(1) ?? [];
    // oclif names the pair in either order; the words are what matters.
    assert.ok(line === error || (a && line === error.replace(`--${a} and --${b}`, `--${b} and --${a}`)), `${args.join(' ')}: ${line}`);
  }
  assert.ok(!existsSync(out), 'nothing written');
  // The refusal names the flags, never their values (a path may hold anything, spaces included).
  const value = canary();
  const r = await offline(['seal', '--raw', '--name', 'db', '-n', 'payments', '--merge-into', `my ${value}=x.yaml`, '--cert', NACL_PUB]);
  assert.equal(assertKubectlShape(r, 2, 'value with a space')[0], 'error: --merge-into and --raw cannot be used together');
  assert.ok(!r.stderr.includes(value));
});

test('a misplaced positional argument is reported by position, never echoed', async () => {
  const value = canary();
  const cases: Array<[string[], string]> = [
    [['list', `password=${value}`], 'error: unexpected argument at position 1 (not shown: it may hold a value)'],
    [['consumers', 'db', `password=${value}`], 'error: unexpected argument at position 2 (not shown: it may hold a value)'],
    [['who-can', 'db', '--direct-only', `token=${value}`, 'x'], 'error: unexpected argument at positions 2-3 (not shown: it may hold a value)'],
  ];
  for (const [args, error] of cases) {
    const r = await offline(args);
    assert.equal(assertKubectlShape(r, 2, args.join(' '))[0], error);
    assert.ok(!r.stderr.includes(value) && !r.stdout.includes(value), `${args[0]}: the value is not echoed`);
  }
  // A value given where a file was expected is not echoed as a file name either.
  const r = await offline(['unseal', `password=${value}`]);
  assertKubectlShape(r, 2, 'unseal KEY=VALUE');
  assert.ok(!r.stderr.includes(value), r.stderr);
  const typo = await offline(['seal', `--from-literl=password=${value}`]);
  assert.equal(assertKubectlShape(typo, 2, '--from-literl')[0], 'error: unknown flag: --from-literl');
  assert.ok(!typo.stderr.includes(value), typo.stderr);
});

test('DEBUG=* (oclif\'s own debug output) prints no flag values', async () => {
  const value = canary();
  const r = await offline(['seal', '--name', 'db', '-n', 'payments', '--from-literal', `password=${value}`, '--cert', NACL_PUB], {DEBUG: '*'});
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!r.stderr.includes(value), 'no flag value on stderr');
  assert.ok(!r.stdout.includes(value), 'no flag value on stdout');
});

test('kubectl secret help CMD works, and topic commands are spelled with spaces everywhere', async () => {
  const seal = await offline(['help', 'seal']);
  assert.equal(seal.code, 0, seal.stderr);
  assert.match(seal.stdout, /USAGE\n {2}\$ kubectl secret seal \[FILE\]/);
  const init = await offline(['help', 'keys', 'init']);
  assert.equal(init.code, 0, init.stderr);
  assert.match(init.stdout, /\$ kubectl secret keys init/);
  const topic = await offline(['help', 'keys']);
  assert.match(topic.stdout, /keys init +Create the nacl sealing key pair/);
  for (const args of [['--help'], ['help'], ['keys', '--help'], ['hook', '--help'], ['controller', '--help'], ['keys', 'init', '--help'], ['audit', '--help'], ['seal', '--help']]) {
    const r = await offline(args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.doesNotMatch(r.stdout, /\b(keys|hook|controller):[a-z]/, `${args.join(' ')}: no colon-spelled topic command`);
    assert.doesNotMatch(r.stdout, /\$ kubectl-secret /, `${args.join(' ')}: commands are shown as kubectl secret …`);
  }
});

test('a flag that is not global, or nothing after the flags, before the command is a clear error', async () => {
  assert.deepEqual(assertKubectlShape(await offline(['--namespac', 'x', 'list']), 2, '--namespac first'), [
    'error: unknown flag before the command: --namespac',
    "did you mean --namespace? Only --namespace, --context, --kubeconfig, --request-timeout and --debug may come first; see 'kubectl secret --help'",
  ]);
  assert.equal(assertKubectlShape(await offline(['-n', 'payments']), 2, 'no command')[0], 'error: no command given');
});

test('file errors in plain words: no ENOENT, EISDIR or other Node codes, for every flag or argument that names a file', async () => {
  const missing = join(dir, 'missing.pem');
  const folder = join(dir, 'folder');
  mkdirSync(folder, {recursive: true});
  const sealed = join(dir, 'in.yaml');
  writeFileSync(sealed, secretYaml('db'));
  const sealedOut = join(dir, 'in-sealed.yaml');
  assert.equal((await offline(['seal', sealed, '--cert', NACL_PUB, '-w', sealedOut])).code, 0);
  const cases: Array<[string[], string]> = [];
  for (const [path, words] of [[missing, `no such file: ${missing}`], [folder, `${folder} is a directory, not a file`]] as const) {
    cases.push(
      [['seal', path, '--cert', NACL_PUB], words],
      [['seal', sealed, '--cert', path], words],
      ...(path === missing ? [[['seal', '--name', 'db', '--from-file', `k=${path}`, '--cert', NACL_PUB], words] as [string[], string]] : []),
      [['seal', '--name', 'db', '--from-env-file', path, '--cert', NACL_PUB], words],
      [['seal', '--name', 'db', '--from-literal', 'k=v', '--merge-into', path, '--cert', NACL_PUB], words],
      [['unseal', path], words],
      [['unseal', sealedOut, '--key', path], words],
      [['verify', path, '--offline'], words],
      [['rotate', '--sealed', path, '--generate', 'k', '--yes', '--cert', NACL_PUB], words],
      [['apply', path], words],
    );
  }
  for (const [args, words] of cases) {
    const r = await offline(args);
    const [error] = assertKubectlShape(r, 2, args.join(' '));
    assert.ok(error.includes(words), `${args.join(' ')}: "${words}" in\n${error}`);
    assert.doesNotMatch(r.stderr, /\bE[A-Z]{3,}\b/, `${args.join(' ')}: no Node error code`);
  }
});

test('a bad --cert names the file and says what was expected', async () => {
  const empty = join(dir, 'empty.pem');
  writeFileSync(empty, '');
  const text = join(dir, 'notes.txt');
  writeFileSync(text, 'this is not a key\n');
  const priv = join(FIX, 'x25519-private.pem');
  const input = join(dir, 'db.yaml');
  writeFileSync(input, secretYaml('db'));
  const expected = 'expected a Sealed Secrets certificate (kubectl secret cert --scheme sealed-secrets) or a nacl public key (kubectl secret keys export)';
  const cases: Array<[string, string]> = [
    [empty, `error: --cert ${empty}: the file is empty`],
    [text, `error: --cert ${text}: not PEM (no -----BEGIN block) and not the base64 of a 32-byte key`],
    [priv, `error: --cert ${priv}: neither an RSA certificate nor an X25519 public key (it holds "PRIVATE KEY")`],
  ];
  for (const [file, error] of cases) {
    assert.deepEqual(assertKubectlShape(await offline(['seal', input, '--cert', file]), 2, file), [error, expected]);
  }
});

test('diff NAME without such a file hints at --against-namespace/--against-context, before any cluster is needed', async () => {
  const [error, hint] = assertKubectlShape(await offline(['diff', 'db-credentials']), 2, 'diff NAME');
  assert.equal(error, 'error: no such file: db-credentials');
  assert.match(hint, /--against-namespace NS or --against-context CONTEXT/);
});

test('a closed pipe ends quietly: no EPIPE, no exit 13, no unsettled top-level await warning', () => {
  const many = join(dir, 'many.yaml');
  writeFileSync(many, Array.from({length: 1500}, (_, i) => secretYaml(`s${i}`)).join('---\n'));
  const node = process.execPath;
  for (const cmd of [`"${node}" "${BIN}" --help`, `"${node}" "${BIN}" seal "${many}" --cert "${NACL_PUB}"`, `"${node}" "${BIN}" seal --help`]) {
    const r = spawnSync('bash', ['-c', `${cmd} 2>"${dir}/stderr" | head -c 10 >/dev/null; echo "\${PIPESTATUS[0]}"; cat "${dir}/stderr"`], {encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}});
    const [status, ...rest] = r.stdout.split('\n');
    assert.equal(status, '0', `${cmd}: exit ${status}\n${rest.join('\n')}`);
    // seal's notes (scheme, how to apply) are stderr's own content; nothing else may be there.
    assert.equal(rest.filter((l) => !l.startsWith('note: ')).join('\n').trim(), '', `${cmd}: nothing on stderr`);
  }
});

// The fast path writes with write(2) (src/io/stdio.ts). A pipe someone left non-blocking answers
// EAGAIN once full: what is left goes on through Node's stream, and nothing is lost or reordered.
test('output to a full non-blocking pipe arrives whole and in order', () => {
  const many = join(dir, 'many-nonblocking.yaml');
  writeFileSync(many, Array.from({length: 1500}, (_, i) => secretYaml(`s${i}`)).join('---\n'));
  const node = process.execPath;
  // The reader starts late, so the 64 KB pipe fills while the command writes.
  const nonBlocking = `python3 -c 'import os, sys; os.set_blocking(1, False); os.execv(sys.argv[1], sys.argv[1:])' "${node}" "${BIN}" seal "${many}" --cert "${NACL_PUB}"`;
  const r = spawnSync('bash', ['-c', `${nonBlocking} 2>/dev/null | (sleep 1; cat) > "${dir}/nb.out"; echo "\${PIPESTATUS[0]}"`], {encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}});
  assert.equal(r.stdout.trim(), '0', r.stderr);
  const text = readFileSync(join(dir, 'nb.out'), 'utf8');
  assert.ok(text.length > 200_000, `only ${text.length} bytes arrived`);
  const names = [...text.matchAll(/^ {2}name: (s\d+)$/gm)].map((m) => m[1]);
  assert.deepEqual(names, Array.from({length: 1500}, (_, i) => `s${i}`));
});

const env = fileE2EEnv();

test('flags are accepted before the command, as kubectl accepts them: kubectl secret -n NS list', async () => {
  const ns = await env.kube.namespace('payments');
  await env.kube.apply({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'db-credentials', namespace: ns}, data: {password: Buffer.from('x').toString('base64')}});
  for (const args of [['-n', ns, 'list'], [`--namespace=${ns}`, 'list'], ['--debug', '-n', ns, 'list'], [`-n${ns}`, 'list']]) {
    const r = await env.cli(args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stdout, /db-credentials/, args.join(' '));
  }
  const r = await env.cli(['--kubeconfig', env.kubeconfig, '--request-timeout', '20s', 'keys', 'list', '--key-namespace', ns]);
  assert.equal(r.code, 0, r.stderr);
  // -n before a keys command is read like one after it: refused, the keys' namespace is --key-namespace.
  const n = await env.cli(['--kubeconfig', env.kubeconfig, '-n', ns, 'keys', 'list', '--key-namespace', ns]);
  assert.equal(n.code, 2, n.stderr);
  assert.match(n.stderr, /^error: keys list does not take -n\/--namespace/);
});
