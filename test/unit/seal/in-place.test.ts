import {test} from 'node:test';
import assert from 'node:assert/strict';
import {copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {parseAllDocuments} from 'yaml';
import {sealFileInPlace, sealDefaultsFor} from '../../../src/seal/in-place.js';
import {naclOpen, parseNaclPrivateKey} from '../../../src/crypto/index.js';

const FIX = new URL('../../../../test/fixtures/crypto/', import.meta.url).pathname;
const PRIV = parseNaclPrivateKey(readFileSync(join(FIX, 'x25519-private.pem'), 'utf8'));

function repo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ks-inplace-'));
  mkdirSync(join(dir, '.git'));
  mkdirSync(join(dir, 'keys'));
  copyFileSync(join(FIX, 'x25519-public.pem'), join(dir, 'keys', 'pub.pem'));
  writeFileSync(join(dir, '.kubectl-secret.yaml'), 'seal:\n  cert: keys/pub.pem\n  scope: namespace-wide\n');
  mkdirSync(join(dir, 'k8s'));
  return dir;
}

test('the seal defaults come from .kubectl-secret.yaml at the repository root, paths relative to it', () => {
  const dir = repo();
  assert.deepEqual(sealDefaultsFor(join(dir, 'k8s', 'x.yaml')), {cert: join(dir, 'keys', 'pub.pem'), scheme: undefined, scope: 'namespace-wide', keyNamespace: undefined, controllerNamespace: undefined, controllerName: undefined});
});

test('sealing in place replaces only the Secret documents and keeps the others\' text, comments included', async () => {
  const dir = repo();
  const file = join(dir, 'k8s', 'app.yaml');
  const configMap = '# the app config, kept as written\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: team}   # flow style stays\ndata:\n  a: "1"\n';
  writeFileSync(file, configMap + '---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: team\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: \'{"stringData":{"p":"CANARY-9"}}\'\nstringData:\n  p: CANARY-9\n');
  await sealFileInPlace(file, {});
  const text = readFileSync(file, 'utf8');
  assert.ok(text.startsWith(configMap + '---\n'), 'the ConfigMap document is byte-identical');
  assert.ok(!text.includes('CANARY-9'));
  const docs = parseAllDocuments(text).map((d) => d.toJS());
  assert.equal(docs[1].kind, 'SealedSecret');
  assert.equal(docs[1].metadata.annotations['kubectl-secret.dev/scope'], 'namespace-wide');
  assert.equal(naclOpen(docs[1].spec.encryptedData.p, [PRIV], 'team').value.toString(), 'CANARY-9');
  assert.deepEqual(readdirSync(join(dir, 'k8s')), ['app.yaml']);
});

test('without a key anywhere it says how to give one, and leaves the file alone', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ks-inplace-'));
  mkdirSync(join(dir, '.git'));
  const file = join(dir, 's.yaml');
  const original = 'apiVersion: v1\nkind: Secret\nmetadata: {name: a, namespace: b}\nstringData: {k: v}\n';
  writeFileSync(file, original);
  await assert.rejects(sealFileInPlace(file, {}), (e: any) => /no key to seal/.test(e.message) && /--cert FILE/.test(e.hint));
  assert.equal(readFileSync(file, 'utf8'), original);
});

test('a file with no Secret (a last-applied annotation on a ConfigMap) is left untouched and reported as not sealed', async () => {
  const dir = repo();
  const file = join(dir, 'k8s', 'cm.yaml');
  const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: \'{"kind":"Secret","data":{"k":"Q0FOQVJZ"}}\'\n';
  writeFileSync(file, text);
  assert.equal(await sealFileInPlace(file, {}), false);
  assert.equal(readFileSync(file, 'utf8'), text);
  assert.deepEqual(readdirSync(join(dir, 'k8s')), ['cm.yaml']);
});
