// Every YAML writer reads back identically through YAML 1.1 readers we did not write: PyYAML
// (Debian's python3-yaml) and the real kubectl (go-yaml v2), against the test server. The inputs
// carry every string a YAML 1.1 reader could take for a boolean, null, number, timestamp, merge
// or value key, as label keys and values, annotation values, Secret keys and object names.
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {Document, Scalar, visit} from 'yaml';
import {e2eEnv, type E2EEnv} from '../helpers/cluster.js';
import {runCli} from '../helpers/cli.js';
import {KEY_LOOKALIKES, kubectlLoad, kubectlMissing, pyyamlLoad, pyyamlMissing, YAML11_LOOKALIKES, YAML11_ODD_CHARS, yaml12Load} from '../helpers/yaml11.js';

const FIX = new URL('../../../test/fixtures/crypto/', import.meta.url).pathname;
const RSA_CERT = join(FIX, 'golden-cert.pem');
const NACL_PUB = join(FIX, 'x25519-public.pem');
const NACL_PRIV = join(FIX, 'x25519-private.pem');

let env: E2EEnv;
let dir: string;
let n = 0;
before(async () => {
  env = await e2eEnv({testServerOnly: true});
  dir = mkdtempSync(join(env.dir, 'yaml11-'));
  for (const [group, kind] of [['bitnami.com', 'SealedSecret'], ['kubectl-secret.dev', 'SealedSecret']]) {
    await env.kube.registerCRD({group, version: 'v1alpha1', kind, plural: 'sealedsecrets'});
  }
});
after(() => env?.close());

const labels = Object.fromEntries([
  ...YAML11_LOOKALIKES.map((v, i) => [`l${i}`, v] as const).filter(([, v]) => /^[a-zA-Z0-9]([-._a-zA-Z0-9]*[a-zA-Z0-9])?$/.test(v)),
  ...KEY_LOOKALIKES.map((k) => [k, 'v'] as const),
  ['backup', 'yes'],
]);
const annotations = Object.fromEntries([...YAML11_LOOKALIKES, ...YAML11_ODD_CHARS].map((v, i) => [`example.com/a${i}`, v]));
const values = Object.fromEntries(KEY_LOOKALIKES.map((k, i) => [k, i % 2 ? 'yes' : `v${i}`]));

const secret = {apiVersion: 'v1', kind: 'Secret', metadata: {name: 'db', namespace: 'team', labels, annotations}, type: 'Opaque', stringData: values};

/** YAML with every string double-quoted, so that every reader (ours included) reads the input alike. */
function quotedYaml(o: unknown): string {
  const doc = new Document(o);
  visit(doc, {Scalar(_k, s) {
    if (typeof s.value === 'string') s.type = Scalar.QUOTE_DOUBLE;
  }});
  return doc.toString({lineWidth: 0});
}

/** The three readings agree, and kubectl's too when the text is a manifest file. */
async function assertReadsBackIdentically(t: import('node:test').TestContext, text: string, what: string, manifests = true): Promise<unknown[]> {
  const docs = yaml12Load(text);
  const py = pyyamlMissing();
  if (py) t.diagnostic(`PyYAML check skipped: ${py}`);
  else assert.deepEqual(pyyamlLoad(text), docs, `${what}: PyYAML (YAML 1.1) reads what YAML 1.2 reads`);
  const k = kubectlMissing();
  if (k) t.diagnostic(`kubectl check skipped: ${k}`);
  else if (manifests) {
    const file = join(dir, `out-${++n}.yaml`);
    writeFileSync(file, text);
    assert.deepEqual(await kubectlLoad(env.kubeconfig, file, env.dir), docs, `${what}: kubectl reads what YAML 1.2 reads`);
  }
  return docs;
}

function assertMetadata(o: any, what: string, opts: {annotations?: boolean} = {}) {
  assert.deepEqual(o.metadata.labels, labels, `${what}: labels`);
  if (opts.annotations !== false) for (const [k, v] of Object.entries(annotations)) assert.equal(o.metadata.annotations[k], v, `${what}: annotation ${k}`);
}

for (const [scheme, cert] of [['sealed-secrets', RSA_CERT], ['nacl', NACL_PUB]] as const) {
  test(`${scheme}: seal, seal -w and unseal write YAML that PyYAML and kubectl read back identically`, async (t) => {
    const out = await runCli(['seal', '--cert', cert], {input: JSON.stringify(secret)});
    assert.equal(out.code, 0, out.stderr);
    const [sealed] = await assertReadsBackIdentically(t, out.stdout, 'seal') as any[];
    assertMetadata(sealed, 'seal');
    assertMetadata(sealed.spec.template, 'seal template');
    assert.deepEqual(Object.keys(sealed.spec.encryptedData), Object.keys(values));

    const file = join(dir, `${scheme}-sealed.yaml`);
    const w = await runCli(['seal', '--cert', cert, '-w', file], {input: quotedYaml(secret)});
    assert.equal(w.code, 0, w.stderr);
    assertMetadata((await assertReadsBackIdentically(t, readFileSync(file, 'utf8'), 'seal -w'))[0], 'seal -w');

    if (scheme === 'nacl') {
      const plain = await runCli(['unseal', file, '--key', NACL_PRIV]);
      assert.equal(plain.code, 0, plain.stderr);
      const [s] = await assertReadsBackIdentically(t, plain.stdout, 'unseal') as any[];
      assertMetadata(s, 'unseal');
      assert.deepEqual(Object.fromEntries(Object.entries<string>(s.data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()])), values);
    }
  });
}

test('--merge-into adds keys such as on, yes, y and 0777 that read back as the same strings', async (t) => {
  const file = join(dir, 'merge.yaml');
  const first = await runCli(['seal', '--cert', NACL_PUB, '-w', file], {input: JSON.stringify({...secret, stringData: {existing: 'x'}})});
  assert.equal(first.code, 0, first.stderr);
  const literals = KEY_LOOKALIKES.flatMap((k) => ['--from-literal', `${k}=value-of-${k}`]);
  const r = await runCli(['seal', '--cert', NACL_PUB, '--name', 'db', '-n', 'team', ...literals, '--merge-into', file]);
  assert.equal(r.code, 0, r.stderr);
  const [o] = await assertReadsBackIdentically(t, readFileSync(file, 'utf8'), '--merge-into') as any[];
  assert.deepEqual(Object.keys(o.spec.encryptedData).sort(), ['existing', ...KEY_LOOKALIKES].sort());
  // Merging again re-seals the same keys in place: no duplicate key appears.
  const again = await runCli(['seal', '--cert', NACL_PUB, '--name', 'db', '-n', 'team', ...literals, '--merge-into', file]);
  assert.equal(again.code, 0, again.stderr);
  const [o2] = await assertReadsBackIdentically(t, readFileSync(file, 'utf8'), '--merge-into twice') as any[];
  assert.deepEqual(Object.keys(o2.spec.encryptedData).sort(), ['existing', ...KEY_LOOKALIKES].sort());
  const plain = await runCli(['unseal', file, '--key', NACL_PRIV, '-o', 'json']);
  assert.equal(plain.code, 0, plain.stderr);
  for (const k of KEY_LOOKALIKES) assert.equal(Buffer.from(JSON.parse(plain.stdout).data[k], 'base64').toString(), `value-of-${k}`);
});

test('scan --fix seals a file in place as YAML that PyYAML and kubectl read back identically', async (t) => {
  const file = join(dir, 'fix.yaml');
  writeFileSync(file, quotedYaml(secret));
  const r = await runCli(['scan', file, '--fix', '--yes', '--cert', RSA_CERT]);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  const [o] = await assertReadsBackIdentically(t, readFileSync(file, 'utf8'), 'scan --fix') as any[];
  assert.equal(o.kind, 'SealedSecret');
  assertMetadata(o, 'scan --fix');
});

test('-o yaml of objects named yes, on, 0777, 1e3, 2001-12-14 reads back identically through PyYAML', async (t) => {
  const names = ['yes', 'on', 'off', 'no', 'y', 'n', 'true', 'null', '0777', '123', '1e3', '1.0', '2001-12-14', '01f'];
  await env.kube.ensureNamespace('yaml11');
  await env.kube.load(names.map((name) => ({apiVersion: 'v1', kind: 'Secret', metadata: {name, namespace: 'yaml11', labels: {backup: 'yes'}}, data: {k: Buffer.from('v').toString('base64')}})));
  const r = await env.cli(['list', '-n', 'yaml11', '-o', 'yaml']);
  assert.equal(r.code, 0, r.stderr);
  const [o] = await assertReadsBackIdentically(t, r.stdout, 'list -o yaml', false) as any[];
  assert.deepEqual((o.items ?? o.secrets).map((s: any) => s.metadata?.name ?? s.name).sort(), [...names].sort());
});
