// `scan --staged` (what the hook runs) and `scan PATH` fail closed: a staged file that may hold a
// plaintext Secret is a finding (exit 1) whatever its size, encoding, name or syntax, and the
// oracle for "may hold a Secret" is the real kubectl reading the same bytes.
import {test, after, before} from 'node:test';
import assert from 'node:assert/strict';
import {execFile, execFileSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {REPO_ROOT, runCli, type CliResult} from '../helpers/cli.js';
import {e2eEnv, type E2EEnv} from '../helpers/cluster.js';
import {GIT_ENV, tempRepo} from '../helpers/git-repo.js';

const CANARY = `CANARY-${Math.random().toString(36).slice(2, 12).padEnd(10, '0')}`;
const outputs: string[] = [];
const SECRET = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: ${CANARY}\n`;

const repo = (t: {after: (fn: () => void) => void}) => tempRepo(t, 'ks-failclosed-');

async function scan(dir: string, args: string[]): Promise<CliResult> {
  const r = await runCli(['scan', ...args], {cwd: dir, env: GIT_ENV, timeoutMs: 120_000});
  outputs.push(r.stdout, r.stderr);
  return r;
}

const findings = (r: CliResult) => JSON.parse(r.stdout).findings as {rule: string; file: string; line: number; message: string}[];

let env: E2EEnv;
before(async () => {
  env = await e2eEnv({testServerOnly: true});
});
after(async () => env?.close());

/**
 * What kubectl makes of FILE: the object's kind, or undefined when it cannot decode it. Run
 * asynchronously: the test server answering kubectl's discovery lives in this process.
 */
function kubectlKind(file: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('kubectl', ['create', '--dry-run=client', '-o', 'json', '-f', file], {env: {...process.env, KUBECONFIG: env.kubeconfig}}, (err, stdout) => resolve(err ? undefined : JSON.parse(stdout).kind));
  });
}

const utf32 = (s: string, le: boolean) => {
  const b = Buffer.alloc([...s].length * 4);
  [...s].forEach((c, i) => (le ? b.writeUInt32LE(c.codePointAt(0)!, i * 4) : b.writeUInt32BE(c.codePointAt(0)!, i * 4)));
  return b;
};
const ENCODINGS: Record<string, Buffer> = {
  'utf-8 BOM': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(SECRET)]),
  'utf-16le BOM': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(SECRET, 'utf16le')]),
  'utf-16be BOM': Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(SECRET, 'utf16le').swap16()]),
  'utf-16le': Buffer.from(SECRET, 'utf16le'),
  'utf-16be': Buffer.from(SECRET, 'utf16le').swap16(),
  'utf-32le BOM': Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), utf32(SECRET, true)]),
  'utf-32be BOM': Buffer.concat([Buffer.from([0, 0, 0xfe, 0xff]), utf32(SECRET, false)]),
  'utf-32le': utf32(SECRET, true),
  'utf-32be': utf32(SECRET, false),
};

test('every encoding kubectl decodes (UTF-8/16 with BOM), and UTF-16/32 it does not, is read: the Secret is found', async (t) => {
  const r = repo(t);
  const names = Object.keys(ENCODINGS).map((e) => `${e.replace(/ /g, '-')}.yaml`);
  Object.values(ENCODINGS).forEach((b, i) => r.write(names[i], b));
  // The oracle: kubectl applies these as a Secret, so passing them would be a leak.
  for (const n of ['utf-8-BOM.yaml', 'utf-16le-BOM.yaml', 'utf-16be-BOM.yaml']) assert.equal(await kubectlKind(join(r.dir, n)), 'Secret', n);
  r.git('add', '.');
  const res = await scan(r.dir, ['--staged', '--format', 'json']);
  assert.equal(res.code, 1, res.stderr);
  const got = findings(res);
  for (const n of names) {
    assert.ok(got.some((f) => f.file === n && f.rule === 'plaintext-secret' && f.line === 6), `${n}: ${JSON.stringify(got)}`);
  }
  // The working tree is read the same way.
  assert.equal((await scan(r.dir, ['utf-16be.yaml', 'utf-32le-BOM.yaml'])).code, 1);
  // --fix does not rewrite a UTF-16 file as UTF-8 behind the user's back: it says what to do.
  const pub = new URL('../../../test/fixtures/crypto/x25519-public.pem', import.meta.url).pathname;
  const fix = await scan(r.dir, ['--staged', '--fix', '--yes', '--cert', pub, '-n', 'team', 'utf-16le-BOM.yaml']);
  assert.equal(fix.code, 1, fix.stderr);
  assert.match(fix.stderr, /not sealing utf-16le-BOM\.yaml: it is UTF-16LE, not UTF-8: convert it/);
  assert.deepEqual(readFileSync(join(r.dir, 'utf-16le-BOM.yaml')), ENCODINGS['utf-16le BOM']);
});

test('a file is read by its content, whatever its name (.txt, .tpl, .j2, .tmpl, no extension)', async (t) => {
  const r = repo(t);
  const names = ['secret.txt', 'secret.tpl', 'secret.j2', 'secret.tmpl', 'deploy/secret', 'Secretfile', 'secret.yaml.bak', 'values.conf'];
  for (const n of names) r.write(n, SECRET);
  assert.equal(await kubectlKind(join(r.dir, 'secret.txt')), 'Secret', 'kubectl applies a .txt named explicitly');
  assert.equal(await kubectlKind(join(r.dir, 'deploy/secret')), 'Secret');
  r.git('add', '.');
  const res = await scan(r.dir, ['--staged', '--format', 'json']);
  assert.equal(res.code, 1, res.stderr);
  assert.deepEqual(findings(res).map((f) => f.file).sort(), [...names].sort());
  // Source code and prose that quote a manifest are not manifests.
  const r2 = repo(t);
  r2.write('main.go', `package main\n\nconst doc = \`\n${SECRET}\`\n`);
  r2.write('README.md', `# Example\n\n\`\`\`\n${SECRET.replace(CANARY, '<password>')}\`\`\`\nDo not do { this: }\n`);
  r2.git('add', '.');
  assert.equal((await scan(r2.dir, ['--staged'])).code, 0);
});

test('a staged file over --max-file-size is not passed unscanned: Secret material in it is a finding', async (t) => {
  const r = repo(t);
  const pad = `# ${'padding '.repeat(16)}\n`.repeat(40); // ~5.5 KB
  r.write('big-secret.yaml', pad + SECRET);
  r.write('big-utf16.yaml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(pad + SECRET, 'utf16le')]));
  r.write('big-clean.yaml', pad + 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n');
  r.git('add', '.');
  const res = await scan(r.dir, ['--staged', '--format', 'json', '--max-file-size', '1k']);
  assert.equal(res.code, 1, res.stderr);
  const got = findings(res);
  assert.deepEqual(got.map((f) => [f.file, f.rule, f.line]).sort(), [
    ['big-secret.yaml', 'unparseable-secret', 42],
    ['big-utf16.yaml', 'unparseable-secret', 42],
  ]);
  assert.match(got[0].message, /over --max-file-size \(1024\)/);
  assert.equal(JSON.parse(res.stdout).skipped, 3, 'all three are counted as skipped; the clean one passes');
  // The same from the working tree, and with the default 1 MiB limit on a 2 MB file, which is streamed.
  assert.equal((await scan(r.dir, ['big-secret.yaml', '--max-file-size', '1k'])).code, 1);
  r.write('huge.yaml', `# ${'x'.repeat(1000)}\n`.repeat(2100) + SECRET);
  r.git('add', 'huge.yaml');
  const huge = await scan(r.dir, ['--staged', 'huge.yaml', '--format', 'json']);
  assert.equal(huge.code, 1, huge.stderr);
  assert.deepEqual(findings(huge).map((f) => [f.rule, f.line]), [['unparseable-secret', 2102]]);
});

test('a Secret that cannot be parsed is a finding, unparseable-secret, with its line and the reason', async (t) => {
  const r = repo(t);
  r.write('flow.yaml', `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData: {password: ${CANARY}\n`);
  r.write('tabs.yaml', `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n\tpassword: ${CANARY}\n`);
  r.write('nul.yaml', Buffer.concat([Buffer.from(SECRET), Buffer.from([0]), Buffer.from('\n')]));
  r.write('generator.yaml', `secretGenerator:\n- name: db\n  literals: [password=${CANARY}\n`);
  r.write('broken-configmap.yaml', 'apiVersion: v1\nkind: ConfigMap\ndata: {a: b\n');
  r.git('add', '.');
  const res = await scan(r.dir, ['--staged', '--format', 'json']);
  assert.equal(res.code, 1, res.stderr);
  const by = Object.fromEntries(findings(res).map((f) => [f.file, f]));
  assert.deepEqual(Object.keys(by).sort(), ['flow.yaml', 'generator.yaml', 'nul.yaml', 'tabs.yaml']);
  for (const f of Object.values(by)) assert.equal(f.rule, 'unparseable-secret');
  assert.equal(by['tabs.yaml'].line, 6);
  assert.match(by['tabs.yaml'].message, /not valid YAML \(.*[Tt]ab/);
  assert.equal(by['nul.yaml'].line, 7);
  assert.match(by['nul.yaml'].message, /NUL byte on line 7/);
  assert.match(by['generator.yaml'].message, /secretGenerator/);
  // Text output: file:line:column: rule: message, exit 1.
  const text = await scan(r.dir, ['--staged', 'tabs.yaml']);
  assert.equal(text.code, 1);
  assert.match(text.stdout, /^tabs\.yaml:6:1: unparseable-secret: a Secret with data that is not valid YAML/m);
});

test('duplicate keys are read as kubectl reads them (the later one wins), and every value is checked', async (t) => {
  const r = repo(t);
  r.write('dup-kind.yaml', `apiVersion: v1\nkind: ConfigMap\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: ${CANARY}\n`);
  r.write('dup-api.json', `{"apiVersion": "apps/v1", "apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"}, "stringData": {"password": "${CANARY}"}}\n`);
  r.write('dup-data.yaml', `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: ${CANARY}\nstringData:\n  user: admin\n`);
  for (const f of ['dup-kind.yaml', 'dup-api.json']) assert.equal(await kubectlKind(join(r.dir, f)), 'Secret', `kubectl reads ${f} as a Secret`);
  r.git('add', '.');
  const res = await scan(r.dir, ['--staged', '--format', 'json']);
  assert.equal(res.code, 1, res.stderr);
  const got = findings(res).map((f) => [f.file, f.line]).sort();
  // The first stringData is dropped by kubectl, but its value is in the commit all the same.
  assert.deepEqual(got, [['dup-api.json', 1], ['dup-data.yaml', 6], ['dup-data.yaml', 8], ['dup-kind.yaml', 7]]);
});

test('# kubectl-secret:allow counts only as a YAML comment, never inside a value', async (t) => {
  const r = repo(t);
  const s = (value: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: ${value}\n`;
  r.write('double.yaml', s(`"${CANARY} # kubectl-secret:allow"`));
  r.write('single.yaml', s(`'${CANARY} # kubectl-secret:allow'`));
  r.write('plain.yaml', s(`${CANARY}#kubectl-secret:allow`));
  r.write('block.yaml', `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  key.pem: |\n    ${CANARY} # kubectl-secret:allow\n`);
  r.write('kind-in-value.yaml', `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  annotations: {note: "kind: Secret # kubectl-secret:allow"}\nstringData:\n  password: ${CANARY}\n`);
  r.write('comment.yaml', s(`${CANARY} # kubectl-secret:allow`));
  r.git('add', '.');
  const res = await scan(r.dir, ['--staged', '--format', 'json']);
  assert.equal(res.code, 1, res.stderr);
  assert.deepEqual(findings(res).map((f) => f.file).sort(), ['block.yaml', 'double.yaml', 'kind-in-value.yaml', 'plain.yaml', 'single.yaml']);
  assert.equal(JSON.parse(res.stdout).suppressed, 1, 'the real comment still allows');
});

test("kustomize's builtin SecretGenerator plugin configuration is flagged like a secretGenerator literal", async (t) => {
  const r = repo(t);
  r.write('gen.yaml', `apiVersion: builtin\nkind: SecretGenerator\nmetadata:\n  name: db\nliterals:\n- password=${CANARY}\n- user=\n`);
  r.git('add', '.');
  const res = await scan(r.dir, ['--staged', '--format', 'json']);
  assert.equal(res.code, 1, res.stderr);
  assert.deepEqual(findings(res).map((f) => [f.rule, f.line]), [['kustomize-secret-literal', 6]]);
  assert.match(findings(res)[0].message, /secretGenerator db has a literal value for password/);
});

test("the env files and files a builtin SecretGenerator reads, listed under a kustomization's generators, are scanned as its values", async (t) => {
  const r = repo(t);
  r.write('app/kustomization.yaml', 'resources:\n- deploy.yaml\ngenerators:\n- gen/secret-gen.yaml\n');
  // kustomize resolves the generator's envs and files against the kustomization's folder.
  r.write('app/gen/secret-gen.yaml', 'apiVersion: builtin\nkind: SecretGenerator\nmetadata:\n  name: db\nenvs:\n- db.env\nfiles:\n- tls.key=certs/server.key\n');
  r.write('app/db.env', `# database\nuser=app\npassword=${CANARY}\n`);
  r.write('app/certs/server.key', `${CANARY}\n`);
  r.write('app/deploy.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n');
  r.write('app/gen/db.env', `password=${CANARY}\n`);
  for (const args of [['.'], ['app/db.env', 'app/certs/server.key', 'app/gen/db.env']]) {
    const res = await scan(r.dir, [...args, '--format', 'json']);
    assert.equal(res.code, 1, res.stderr);
    const got = findings(res).map((f) => `${f.file}:${f.line}:${f.rule}`).sort();
    assert.deepEqual(got, ['app/certs/server.key:1:kustomize-secret-literal', 'app/db.env:2:kustomize-secret-literal', 'app/db.env:3:kustomize-secret-literal'], args.join(' '));
  }
  r.git('add', '.');
  const staged = await scan(r.dir, ['--staged', '--format', 'json']);
  assert.deepEqual(findings(staged).map((f) => f.file).sort(), ['app/certs/server.key', 'app/db.env', 'app/db.env']);
});

test('directories, FIFOs and devices named like the files scan reads never abort or hang it', async (t) => {
  const r = repo(t);
  r.write('app/s.yaml', SECRET);
  for (const d of ['app/Kustomization', 'app/kustomization.yaml', '.kubectl-secret.yaml', 'kustomization.yml']) mkdirSync(join(r.dir, d), {recursive: true});
  writeFileSync(join(r.dir, 'app/Kustomization/x.yaml'), 'a: b\n');
  execFileSync('mkfifo', [join(r.dir, 'fifo')]);
  symlinkSync(join(r.dir, 'fifo'), join(r.dir, 'app/kustomization.yml'));
  symlinkSync('/dev/zero', join(r.dir, 'app/kustomization.yaml/../../kustomization.yaml'));
  mkdirSync(join(r.dir, 'other'));
  symlinkSync('/dev/zero', join(r.dir, 'other/Kustomization'));
  symlinkSync(join(r.dir, 'fifo'), join(r.dir, 'other/.kubectl-secret.yaml'));
  r.write('other/s.yaml', SECRET);
  const res = await scan(r.dir, ['.', '--format', 'json']);
  assert.equal(res.code, 1, res.stderr);
  assert.deepEqual(findings(res).map((f) => f.file).sort(), ['app/s.yaml', 'other/s.yaml']);
  // Named explicitly, a FIFO or a device is skipped and counted, not read.
  const named = await scan(r.dir, ['fifo', 'other/Kustomization', 'app/s.yaml', '--format', 'json']);
  assert.equal(named.code, 1, named.stderr);
  assert.equal(JSON.parse(named.stdout).skipped, 2);
  // Staged, with the same directories and links beside the file.
  r.git('add', 'app/s.yaml');
  const staged = await scan(r.dir, ['--staged', '--format', 'json']);
  assert.equal(staged.code, 1, staged.stderr);
  // A config file that is a link out of the repository is not read.
  const r2 = repo(t);
  const outside = mkdtempSync(join(tmpdir(), 'ks-outside-'));
  t.after(() => rmSync(outside, {recursive: true, force: true}));
  writeFileSync(join(outside, 'cfg.yaml'), 'scan:\n  allow: ["**"]\n');
  symlinkSync(join(outside, 'cfg.yaml'), join(r2.dir, '.kubectl-secret.yaml'));
  r2.write('s.yaml', SECRET);
  assert.equal((await scan(r2.dir, ['.'])).code, 1, 'the allow-everything config outside the repository is ignored');
});

test('kustomize JSON 6902 patches that write values into a Secret are findings: inline, in the file a patch names, and as kubectl kustomize renders them', async (t) => {
  const r = repo(t);
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  r.write('app/base.yaml', `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata: {old: ""}\nstringData: {}\n`);
  r.write('app/kustomization.yaml', `resources:
- base.yaml
patches:
- target:
    kind: Secret
    name: db
  patch: |-
    - op: add
      path: /data/password
      value: ${b64(CANARY + '-1')}
    - op: remove
      path: /data/old
- target: {version: v1, kind: Secret, name: db}
  path: ops.yaml
- target: {kind: ConfigMap, name: cm}
  patch: |-
    - op: add
      path: /data/color
      value: blue
- target: {name: db}
  patch: '[{"op": "add", "path": "/stringData/token", "value": "${CANARY}-2"}]'
patchesJson6902:
- target: {version: v1, kind: Secret, name: db}
  patch: |-
    - {op: replace, path: /stringData, value: {api~1key: ${CANARY}-3, empty: "", later: "\${API_KEY}"}}
`);
  r.write('app/ops.yaml', `# values for production\n- op: add\n  path: /data/tls.key\n  value: ${b64(CANARY + '-4')}\n- op: add\n  path: /data/note\n  value: ${b64('<your-key-here>')}\n`);
  // What kustomize really builds: every planted value ends up in the Secret.
  const built = execFileSync('kubectl', ['kustomize', join(r.dir, 'app')], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']});
  // (`-2` is written too, then replaced by the later `replace` of all of stringData: it is in git all the same.)
  for (const v of [b64(CANARY + '-1'), `${CANARY}-3`, b64(CANARY + '-4')]) assert.ok(built.includes(v), `kustomize writes ${v}`);
  const expected = ['app/kustomization.yaml:10:kustomize-secret-literal', 'app/kustomization.yaml:21:kustomize-secret-literal', 'app/kustomization.yaml:25:kustomize-secret-literal', 'app/ops.yaml:4:kustomize-secret-literal'];
  for (const args of [['.'], ['app/ops.yaml', 'app/kustomization.yaml']]) {
    const res = await scan(r.dir, [...args, '--format', 'json']);
    assert.equal(res.code, 1, res.stderr);
    const got = findings(res).map((f) => `${f.file}:${f.line}:${f.rule}`).sort();
    assert.deepEqual(got, expected, args.join(' '));
    assert.match(findings(res).find((f) => f.file === 'app/ops.yaml')!.message, /patch in app\/kustomization\.yaml writes .*Secret db.*\/data\/tls\.key/);
  }
  r.git('add', '.');
  const staged = await scan(r.dir, ['--staged', '--format', 'json']);
  assert.deepEqual(findings(staged).map((f) => `${f.file}:${f.line}:${f.rule}`).sort(), expected);
});

test('--fix leaves a manifest written as a string alone and says so: sealing the document around it would break it', async (t) => {
  const r = repo(t);
  const text = `resources:\n- base.yaml\npatches:\n- patch: |-\n    apiVersion: v1\n    kind: Secret\n    metadata:\n      name: db\n      namespace: x\n    stringData:\n      password: ${CANARY}\n`;
  r.write('kustomization.yaml', text);
  const cert = join(REPO_ROOT, 'test', 'fixtures', 'crypto', 'x25519-public.pem');
  const res = await scan(r.dir, ['--fix', '--yes', '--cert', cert, 'kustomization.yaml']);
  assert.equal(res.code, 1, res.stderr);
  assert.match(res.stderr, /not sealing kustomization\.yaml: .*a manifest written as a string/);
  assert.equal(readFileSync(join(r.dir, 'kustomization.yaml'), 'utf8'), text);
});

// Last, so that it sees the output of every test above.
test('the canary value never appears in any output', () => {
  assert.ok(outputs.length > 10);
  for (const o of outputs) assert.ok(!o.includes(CANARY), o);
});
