// seal / unseal / verify --offline through the CLI, with keys given as files: no cluster.
// Every value sealed here is checked by an implementation we did not write (libsodium for
// nacl, OpenSSL through node:crypto for sealed-secrets), and canaries are looked for in
// every output.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {randomBytes} from 'node:crypto';
import {mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {spawnSync} from 'node:child_process';
import {parse, parseAllDocuments} from 'yaml';
import {runCli} from '../helpers/cli.js';
import {libsodiumOpen, opensslOpen} from '../helpers/interop.js';

const FIX = new URL('../../../test/fixtures/crypto/', import.meta.url).pathname;
const NACL_PUB = join(FIX, 'x25519-public.pem');
const NACL_PRIV = join(FIX, 'x25519-private.pem');
const RSA_CERT = join(FIX, 'golden-cert.pem');
const RSA_KEY = join(FIX, 'golden-rsa-key.pem');
const EXPIRED = join(FIX, 'expired-cert.pem');

const canary = () => `CANARY-${randomBytes(6).toString('hex')}`;

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'ks-seal-'));
}

function secretYaml(name: string, ns: string | undefined, values: Record<string, string>, extra = ''): string {
  const lines = ['apiVersion: v1', 'kind: Secret', 'metadata:', `  name: ${name}`];
  if (ns) lines.push(`  namespace: ${ns}`);
  lines.push(extra ? extra : '  labels: {app: demo}');
  lines.push('stringData:');
  for (const [k, v] of Object.entries(values)) lines.push(`  ${k}: "${v}"`);
  return lines.join('\n') + '\n';
}

function assertNoCanary(c: string, ...texts: string[]) {
  for (const t of texts) {
    assert.ok(!t.includes(c), 'canary leaked in output');
    assert.ok(!t.includes(Buffer.from(c).toString('base64')), 'canary leaked (base64) in output');
  }
}



test('nacl: seal with --cert, every value opens with libsodium under the strict label, and no canary is printed', async () => {
  const dir = tmp();
  const [a, b] = [canary(), canary()];
  const file = join(dir, 's.yaml');
  writeFileSync(file, secretYaml('db', 'payments', {password: a, user: b}));
  const r = await runCli(['seal', '--cert', NACL_PUB, file]);
  assert.equal(r.code, 0, r.stderr);
  assertNoCanary(a, r.stdout, r.stderr);
  const o = parse(r.stdout);
  assert.equal(o.apiVersion, 'kubectl-secret.dev/v1alpha1');
  assert.equal(o.kind, 'SealedSecret');
  assert.equal(o.metadata.annotations['kubectl-secret.dev/scope'], 'strict');
  assert.equal(o.spec.template.metadata.labels.app, 'demo');
  assert.deepEqual(await libsodiumOpen(o.spec.encryptedData.password), ['payments/db', a]);
  assert.deepEqual(await libsodiumOpen(o.spec.encryptedData.user), ['payments/db', b]);
});

test('sealed-secrets: seal with a certificate, values decrypt with an independent OpenSSL implementation for each scope label', async () => {
  const dir = tmp();
  const c = canary();
  const file = join(dir, 's.yaml');
  writeFileSync(file, secretYaml('api', 'shop', {token: c}));
  for (const [scope, label, annotation] of [
    ['strict', 'shop/api', undefined],
    ['namespace-wide', 'shop', 'sealedsecrets.bitnami.com/namespace-wide'],
    ['cluster-wide', '', 'sealedsecrets.bitnami.com/cluster-wide'],
  ] as const) {
    const r = await runCli(['seal', '--cert', RSA_CERT, '--scope', scope, file, '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assertNoCanary(c, r.stdout, r.stderr);
    const o = JSON.parse(r.stdout);
    assert.equal(o.apiVersion, 'bitnami.com/v1alpha1');
    assert.equal(opensslOpen(o.spec.encryptedData.token, label), c);
    if (annotation) {
      assert.equal(o.metadata.annotations[annotation], 'true');
      assert.equal(o.spec.template.metadata.annotations[annotation], 'true');
    }
  }
});

test('seal drops last-applied-configuration and server fields, keeps type and immutable, and seals data and stringData', async () => {
  const dir = tmp();
  const c = canary();
  const file = join(dir, 's.json');
  writeFileSync(file, JSON.stringify({
    apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/basic-auth', immutable: true,
    metadata: {name: 'x', namespace: 'n', uid: 'u-1', resourceVersion: '7', creationTimestamp: '2020-01-01T00:00:00Z', managedFields: [{manager: 'kubectl'}],
      annotations: {'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({stringData: {password: c}}), 'kubecfg.ksonnet.io/last-applied-configuration': JSON.stringify({stringData: {password: c}}), keep: 'me'}},
    data: {username: Buffer.from('admin').toString('base64')}, stringData: {password: c},
  }));
  const r = await runCli(['seal', '--cert', NACL_PUB, file]);
  assert.equal(r.code, 0, r.stderr);
  assertNoCanary(c, r.stdout, r.stderr);
  const o = parse(r.stdout);
  assert.deepEqual(Object.keys(o.spec.encryptedData).sort(), ['password', 'username']);
  assert.equal(o.spec.template.type, 'kubernetes.io/basic-auth');
  assert.equal(o.spec.template.immutable, true);
  assert.equal(o.metadata.annotations.keep, 'me');
  // Both carriers kubeseal strips (StripLastAppliedAnnotations), from the object and its template.
  for (const a of ['kubectl.kubernetes.io/last-applied-configuration', 'kubecfg.ksonnet.io/last-applied-configuration']) {
    assert.equal(o.metadata.annotations[a], undefined, a);
    assert.equal(o.spec.template.metadata.annotations?.[a], undefined, a);
  }
  for (const f of ['uid', 'resourceVersion', 'creationTimestamp', 'managedFields']) assert.equal(o.metadata[f], undefined, f);
});

test('a multi-document input is sealed document by document; a non-Secret is an error unless --skip-other-kinds', async () => {
  const dir = tmp();
  const file = join(dir, 'm.yaml');
  writeFileSync(file, secretYaml('a', 'n', {k: 'v1'}) + '---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, namespace: n}\ndata: {x: y}\n---\n' + secretYaml('b', 'n', {k: 'v2'}));
  const bad = await runCli(['seal', '--cert', NACL_PUB, file]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /m\.yaml:\d+: ConfigMap n\/cm is not a Secret/);
  const ok = await runCli(['seal', '--cert', NACL_PUB, file, '--skip-other-kinds']);
  assert.equal(ok.code, 0, ok.stderr);
  const docs = parseAllDocuments(ok.stdout).map((d) => d.toJS());
  assert.deepEqual(docs.map((d) => d.kind), ['SealedSecret', 'ConfigMap', 'SealedSecret']);
  assert.deepEqual(docs[1].data, {x: 'y'});
});

test('stdin, -w, and --in-place write the sealed result atomically; -n fills a missing namespace', async () => {
  const dir = tmp();
  const c = canary();
  const src = secretYaml('db', undefined, {password: c});
  const out = join(dir, 'sealed.yaml');
  const r = await runCli(['seal', '--cert', NACL_PUB, '-n', 'team', '-w', out], {input: src});
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
  const o = parse(readFileSync(out, 'utf8'));
  assert.equal(o.metadata.namespace, 'team');
  assert.deepEqual(await libsodiumOpen(o.spec.encryptedData.password), ['team/db', c]);
  const inPlace = join(dir, 'inplace.yaml');
  writeFileSync(inPlace, src);
  const r2 = await runCli(['seal', '--cert', NACL_PUB, '-n', 'team', '--in-place', inPlace]);
  assert.equal(r2.code, 0, r2.stderr);
  const text = readFileSync(inPlace, 'utf8');
  assertNoCanary(c, text, r2.stdout, r2.stderr);
  assert.equal(parse(text).kind, 'SealedSecret');
  assert.deepEqual(readdirSync(dir).sort(), ['inplace.yaml', 'sealed.yaml'], 'no temporary files left behind');
});

test('--merge-into re-seals only the given keys and leaves every other line byte-identical', async () => {
  const dir = tmp();
  const file = join(dir, 'sealed.yaml');
  writeFileSync(join(dir, 's.yaml'), secretYaml('db', 'payments', {user: 'app', password: 'old', host: 'db.local'}));
  assert.equal((await runCli(['seal', '--cert', NACL_PUB, join(dir, 's.yaml'), '-w', file])).code, 0);
  const before = readFileSync(file, 'utf8');
  const c = canary();
  const r = await runCli(['seal', '--cert', NACL_PUB, '--name', 'db', '-n', 'payments', '--from-literal', `password=${c}`, '--merge-into', file]);
  assert.equal(r.code, 0, r.stderr);
  const after = readFileSync(file, 'utf8');
  assertNoCanary(c, after, r.stdout, r.stderr);
  const changed = after.split('\n').filter((l, i) => l !== before.split('\n')[i]);
  assert.equal(changed.length, 1, `exactly one line changes, got: ${changed.length}`);
  assert.match(changed[0], /^\s+password: /);
  assert.deepEqual(await libsodiumOpen(parse(after).spec.encryptedData.password), ['payments/db', c]);
});

test('--raw prints only the sealed value, bound to the scope label', async () => {
  const c = canary();
  const r = await runCli(['seal', '--cert', RSA_CERT, '--raw', '--name', 'db', '-n', 'payments'], {input: c});
  assert.equal(r.code, 0, r.stderr);
  assertNoCanary(c, r.stdout, r.stderr);
  assert.equal(opensslOpen(r.stdout.trim(), 'payments/db'), c);
  const nsWide = await runCli(['seal', '--cert', RSA_CERT, '--raw', '--scope', 'namespace-wide', '-n', 'payments'], {input: c});
  assert.equal(opensslOpen(nsWide.stdout.trim(), 'payments'), c);
});

test('unseal opens both schemes with key files; a value moved to another namespace says what it was sealed for', async () => {
  const dir = tmp();
  const c = canary();
  writeFileSync(join(dir, 's.yaml'), secretYaml('db', 'payments', {password: c}));
  for (const [cert, keyFlag, key] of [[NACL_PUB, '--key', NACL_PRIV], [RSA_CERT, '--recovery-private-key', RSA_KEY]]) {
    const sealed = join(dir, 'sealed.yaml');
    assert.equal((await runCli(['seal', '--cert', cert, join(dir, 's.yaml'), '-w', sealed])).code, 0);
    const r = await runCli(['unseal', sealed, keyFlag, key]);
    assert.equal(r.code, 0, r.stderr);
    const secret = parse(r.stdout);
    assert.equal(secret.kind, 'Secret');
    assert.equal(Buffer.from(secret.data.password, 'base64').toString(), c);
    // Moving the object to another namespace must not let it open there.
    writeFileSync(sealed, readFileSync(sealed, 'utf8').replaceAll('namespace: payments', 'namespace: attacker'));
    const moved = await runCli(['unseal', sealed, keyFlag, key]);
    assert.equal(moved.code, 2, moved.stderr);
    assert.match(moved.stderr, /key "password"/);
    // nacl carries the label inside the ciphertext, so it can name it; RSA-OAEP only hashes it.
    assert.match(moved.stderr, keyFlag === '--key' ? /was sealed .*namespace "payments"/ : /sealed for another name or namespace/);
    assertNoCanary(c, moved.stdout, moved.stderr);
  }
});

test('unseal reports a tampered value by object and key, and refuses -w into a git work tree unless ignored or --force', async () => {
  const dir = tmp();
  const c = canary();
  writeFileSync(join(dir, 's.yaml'), secretYaml('db', 'payments', {password: c}));
  const sealed = join(dir, 'sealed.yaml');
  await runCli(['seal', '--cert', NACL_PUB, join(dir, 's.yaml'), '-w', sealed]);
  const o = parse(readFileSync(sealed, 'utf8'));
  const raw = Buffer.from(o.spec.encryptedData.password, 'base64');
  raw[raw.length - 3] ^= 1;
  const tampered = join(dir, 'tampered.yaml');
  writeFileSync(tampered, readFileSync(sealed, 'utf8').replace(o.spec.encryptedData.password, raw.toString('base64')));
  const r = await runCli(['unseal', tampered, '--key', NACL_PRIV]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /SealedSecret payments\/db key "password"/);
  assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace');

  const repo = tmp();
  spawnSync('git', ['init', '-q', repo]);
  const inRepo = join(repo, 'plain.yaml');
  const refused = await runCli(['unseal', sealed, '--key', NACL_PRIV, '-w', inRepo]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /inside a git work tree/);
  assert.ok(!existsSync(inRepo));
  writeFileSync(join(repo, '.gitignore'), 'plain.yaml\n');
  const allowed = await runCli(['unseal', sealed, '--key', NACL_PRIV, '-w', inRepo]);
  assert.equal(allowed.code, 0, allowed.stderr);
  assert.equal(statSync(inRepo).mode & 0o777, 0o600);
  assert.equal(allowed.stdout, '');
});

test('bad input: malformed YAML, bad base64, empty Secret, expired or wrong certificate: exit 2, one clear message, output file untouched', async () => {
  const dir = tmp();
  const out = join(dir, 'out.yaml');
  writeFileSync(out, 'previous content\n');
  const cases: Array<[string, string[], RegExp]> = [
    ['apiVersion: v1\nkind: Secret\nmetadata: {name: a, namespace: b\n', ['--cert', NACL_PUB], /malformed YAML/],
    ['apiVersion: v1\nkind: Secret\nmetadata: {name: a, namespace: b}\ndata: {k: "not base64!"}\n', ['--cert', NACL_PUB], /data\.k is not valid base64/],
    ['apiVersion: v1\nkind: Secret\nmetadata: {name: a, namespace: b}\n', ['--cert', NACL_PUB], /has no data/],
    [secretYaml('a', 'b', {k: 'v'}), ['--cert', EXPIRED], /expired/i],
    [secretYaml('a', 'b', {k: 'v'}), ['--cert', NACL_PRIV], /PRIVATE KEY/],
    [secretYaml('a', 'b', {k: 'v'}), ['--cert', NACL_PUB, '--scheme', 'sealed-secrets'], /--scheme sealed-secrets/],
  ];
  for (const [input, flags, message] of cases) {
    const r = await runCli(['seal', ...flags, '-w', out], {input});
    assert.equal(r.code, 2, `${message}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.match(r.stderr, /^error: /);
    assert.ok(r.stderr.trim().split('\n').length <= 2, `one or two lines: ${r.stderr}`);
    assert.equal(readFileSync(out, 'utf8'), 'previous content\n');
  }
  const empty = await runCli(['seal', '--cert', NACL_PUB, '--allow-empty-data', '-n', 'b'], {input: 'apiVersion: v1\nkind: Secret\nmetadata: {name: a}\n'});
  assert.equal(empty.code, 0, empty.stderr);
});

test('verify --offline: with the private key each value is really opened; a file moved to another namespace or renamed fails; without a key it says it could not check (exit 1)', async () => {
  const dir = tmp();
  writeFileSync(join(dir, 's.yaml'), secretYaml('db', 'payments', {k: 'v'}));
  const sealed = join(dir, 'sealed.yaml');
  await runCli(['seal', '--cert', NACL_PUB, join(dir, 's.yaml'), '-w', sealed]);
  const ok = await runCli(['verify', sealed, '--offline', '--key', NACL_PRIV]);
  assert.equal(ok.code, 0, ok.stderr + ok.stdout);
  assert.match(ok.stdout, /^ok {3}SealedSecret payments\/db: every value \(1\) opens with the given private key for payments\/db \(strict\)$/m);
  // Without a key nothing about the values is known: never "ok".
  const noKey = await runCli(['verify', '--offline', sealed]);
  assert.equal(noKey.code, 1, noKey.stdout);
  assert.match(noKey.stdout, /^FAIL SealedSecret payments\/db: not verified: the values cannot be opened offline without the private key \(pass --key FILE, or drop --offline\)/m);
  assert.doesNotMatch(noKey.stdout, /^ok/m);
  // Moved to another namespace, metadata and template alike: only opening the values can tell.
  const o = parse(readFileSync(sealed, 'utf8'));
  const moved = join(dir, 'moved.yaml');
  writeFileSync(moved, JSON.stringify({...o, metadata: {...o.metadata, namespace: 'staging'}, spec: {...o.spec, template: {...o.spec.template, metadata: {...o.spec.template.metadata, namespace: 'staging'}}}}));
  const wrongNs = await runCli(['verify', moved, '--offline', '--key', NACL_PRIV]);
  assert.equal(wrongNs.code, 1, wrongNs.stdout);
  assert.match(wrongNs.stdout, /^FAIL SealedSecret staging\/db: /m);
  // Renamed: caught from the metadata alone, with or without a key.
  o.metadata.name = 'db-renamed';
  writeFileSync(sealed, JSON.stringify(o));
  for (const args of [[], ['--key', NACL_PRIV]]) {
    const bad = await runCli(['verify', sealed, '--offline', ...args]);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /FAIL .*db-renamed.*differs/);
  }
  // Bitnami: opened with the controller's key, or not verified without it.
  const bitnami = join(dir, 'bitnami.yaml');
  await runCli(['seal', '--cert', RSA_CERT, join(dir, 's.yaml'), '-w', bitnami]);
  const rsa = await runCli(['verify', bitnami, '--offline', '--recovery-private-key', RSA_KEY]);
  assert.equal(rsa.code, 0, rsa.stdout + rsa.stderr);
  const rsaNoKey = await runCli(['verify', '--offline', bitnami]);
  assert.equal(rsaNoKey.code, 1);
  assert.match(rsaNoKey.stdout, /pass --recovery-private-key FILE/);
});

test('--cert also takes an http(s) URL, as kubeseal does; a failing URL says how to seal offline', async () => {
  const {createServer} = await import('node:http');
  const pem = readFileSync(RSA_CERT);
  const server = createServer((req, res) => {
    if (req.url === '/v1/cert.pem') res.writeHead(200, {'content-type': 'application/x-pem-file'}).end(pem);
    else res.writeHead(404).end('no');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as {port: number}).port;
  try {
    const c = canary();
    const r = await runCli(['seal', '--cert', `http://127.0.0.1:${port}/v1/cert.pem`, '--raw', '--name', 'db', '-n', 'payments'], {input: c});
    assert.equal(r.code, 0, r.stderr);
    assert.equal(opensslOpen(r.stdout.trim(), 'payments/db'), c);
    const missing = await runCli(['seal', '--cert', `http://127.0.0.1:${port}/nope.pem`, '--raw', '--name', 'db', '-n', 'payments'], {input: c});
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot fetch the certificate .*HTTP 404/);
  } finally {
    server.close();
  }
});

// Bitnami's controller opens a SealedSecret with the scope of its own metadata.annotations
// (SecretScope(s) in Unseal); the template's annotations only go onto the Secret it creates.
test('unseal takes the scope from the SealedSecret\'s own annotations, never from the template', async () => {
  const dir = tmp();
  const c = canary();
  for (const [scheme, cert, keyFlag, key, clusterWide] of [
    ['sealed-secrets', RSA_CERT, '--recovery-private-key', RSA_KEY, 'sealedsecrets.bitnami.com/cluster-wide'],
    ['nacl', NACL_PUB, '--key', NACL_PRIV, 'kubectl-secret.dev/scope'],
  ] as const) {
    const strict = await runCli(['seal', '--cert', cert, '-o', 'json'], {input: secretYaml('db', 'team', {password: c})});
    assert.equal(strict.code, 0, strict.stderr);
    // A template claiming cluster-wide does not change how the strict value opens.
    const o = JSON.parse(strict.stdout);
    o.spec.template.metadata.annotations = {...(o.spec.template.metadata.annotations ?? {}), [clusterWide]: scheme === 'nacl' ? 'cluster-wide' : 'true'};
    const f1 = join(dir, `${scheme}-template.json`);
    writeFileSync(f1, JSON.stringify(o));
    const r1 = await runCli(['unseal', f1, keyFlag, key, '-o', 'json']);
    assert.equal(r1.code, 0, `${scheme}: ${r1.stderr}`);
    assert.equal(Buffer.from(JSON.parse(r1.stdout).data.password, 'base64').toString(), c);

    // A cluster-wide value whose scope mark is on the object only (the template has none) opens.
    const wide = await runCli(['seal', '--cert', cert, '--scope', 'cluster-wide', '-o', 'json'], {input: secretYaml('db', 'team', {password: c})});
    assert.equal(wide.code, 0, wide.stderr);
    const w = JSON.parse(wide.stdout);
    delete w.spec.template.metadata.annotations;
    const f2 = join(dir, `${scheme}-metadata.json`);
    writeFileSync(f2, JSON.stringify(w));
    const r2 = await runCli(['unseal', f2, keyFlag, key, '-o', 'json']);
    assert.equal(r2.code, 0, `${scheme}: ${r2.stderr}`);
    // And the mark only on the template is not a scope: the value does not open as strict.
    const t = JSON.parse(wide.stdout);
    t.spec.template.metadata.annotations = t.metadata.annotations;
    delete t.metadata.annotations;
    const f3 = join(dir, `${scheme}-template-only.json`);
    writeFileSync(f3, JSON.stringify(t));
    const r3 = await runCli(['unseal', f3, keyFlag, key]);
    assert.equal(r3.code, 2, `${scheme}: ${r3.stderr}`);
    assertNoCanary(c, r3.stdout, r3.stderr);
  }
});

test('sealed values wrapped across lines (a YAML block scalar, `base64 -w 76`) open, as the controller opens them', async () => {
  const dir = tmp();
  const c = canary();
  const r = await runCli(['seal', '--cert', NACL_PUB, '-o', 'json'], {input: secretYaml('db', 'team', {password: c})});
  assert.equal(r.code, 0, r.stderr);
  const o = JSON.parse(r.stdout);
  const value: string = o.spec.encryptedData.password;
  const wrapped = value.replace(/.{76}/g, '$&\n');
  const yamlText = ['apiVersion: kubectl-secret.dev/v1alpha1', 'kind: SealedSecret', 'metadata:', '  name: db', '  namespace: team',
    '  annotations: {kubectl-secret.dev/scope: strict}', 'spec:', '  encryptedData:', '    password: |', ...wrapped.split('\n').map((l) => `      ${l}`), '  template:', '    metadata: {name: db, namespace: team}', ''].join('\n');
  const file = join(dir, 'wrapped.yaml');
  writeFileSync(file, yamlText);
  const u = await runCli(['unseal', file, '--key', NACL_PRIV, '-o', 'json']);
  assert.equal(u.code, 0, u.stderr);
  assert.equal(Buffer.from(JSON.parse(u.stdout).data.password, 'base64').toString(), c);
});
