// Property-based bad input for every parser: random and mutated manifests, base64, PEM keys,
// sealed values, kubeconfigs and scanned text. Each one either succeeds or throws a KsError
// (the typed errors that carry a documented exit code); anything else is a crash.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import fc from 'fast-check';
import {KsError} from '../../../src/errors.js';
import {parseManifests} from '../../../src/manifests/parse.js';
import {decodeBase64Strict as decodeDataBase64, secretFromObject} from '../../../src/manifests/secret.js';
import {decodeBase64Strict} from '../../../src/crypto/base64.js';
import {detectKeyKind, naclOpen, naclSeal, parseNaclPrivateKey, parseNaclPublicKey, parseRsaPrivateKeys, parseSealingCert, sealedSecretsOpen, sealedSecretsSeal, sealLabel} from '../../../src/crypto/index.js';
import {sealingKeyFromText} from '../../../src/seal/sealing-key.js';
import {mergeIntoSealedText, sealText, splitYamlDocuments} from '../../../src/seal/seal.js';
import {unsealObject} from '../../../src/seal/unseal.js';
import {scanText} from '../../../src/scan/scan.js';
import {loadKubeConfig} from '../../../src/kube/config.js';
import {Cluster} from '../../../src/kube/cluster.js';

const FIX = new URL('../../../../test/fixtures/crypto/', import.meta.url).pathname;
const read = (f: string) => readFileSync(join(FIX, f), 'utf8');
const RSA_CERT = read('golden-cert.pem');
const RSA_KEY = read('golden-rsa-key.pem');
const NACL_PUB = read('x25519-public.pem');
const NACL_PRIV = read('x25519-private.pem');
const RUNS = {numRuns: 300};

/** Succeeds or throws a typed error; returns what it threw for further checks. */
function typed(fn: () => unknown): KsError | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    if (error instanceof KsError) {
      assert.ok([1, 2, 3].includes(error.exitCode), `exit code ${error.exitCode}`);
      assert.ok(error.message.length > 0 && !error.message.includes('\n    at '), 'a message, not a stack');
      return error;
    }
    throw new Error(`untyped ${(error as Error)?.name}: ${(error as Error)?.message}`, {cause: error});
  }
}

async function typedAsync(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof KsError) return;
    throw new Error(`untyped ${(error as Error)?.name}: ${(error as Error)?.message}`, {cause: error});
  }
}

/** Text derived from a valid sample: characters deleted, inserted, replaced, lines duplicated or cut. */
function mutated(sample: string): fc.Arbitrary<string> {
  const edit = fc.oneof(
    fc.record({op: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({min: 1, max: 20})}),
    fc.record({op: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.string({maxLength: 8}), fc.constantFrom(':', '- ', '\n', '  ', '---\n', '"', "'", '{', '[', '&a ', '*a', '!!binary ', '\t', '\u0000', '#', '?', '|', '>', '%YAML 1.2\n'))}),
    fc.record({op: fc.constant('dup' as const), at: fc.nat(), len: fc.integer({min: 1, max: 200})}),
    fc.record({op: fc.constant('truncate' as const), at: fc.nat()}),
  );
  return fc.array(edit, {minLength: 1, maxLength: 6}).map((edits) => {
    let s = sample;
    for (const e of edits) {
      const at = s.length === 0 ? 0 : e.at % (s.length + 1);
      if (e.op === 'delete') s = s.slice(0, at) + s.slice(at + e.len);
      else if (e.op === 'insert') s = s.slice(0, at) + e.text + s.slice(at);
      else if (e.op === 'dup') s = s.slice(0, at) + s.slice(at, at + e.len) + s.slice(at);
      else s = s.slice(0, at);
    }
    return s;
  });
}

const SECRET = `apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: team
  annotations:
    kubectl-secret.dev/scope: strict
type: Opaque
stringData:
  user: app
data:
  password: ${Buffer.from('CANARY-fuzz').toString('base64')}
---
apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Secret, metadata: {name: b, namespace: team}, data: {k: dg==}}
`;
const SECRET_JSON = JSON.stringify({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'db', namespace: 'team'}, data: {k: 'dg=='}});
const manifestText = fc.oneof(fc.string({maxLength: 400}), fc.string({unit: 'binary', maxLength: 200}), mutated(SECRET), mutated(SECRET_JSON));
const jsonish = fc.jsonValue({maxDepth: 4});
const naclKey = sealingKeyFromText(NACL_PUB, 'x25519-public.pem');
const rsaKey = sealingKeyFromText(RSA_CERT, 'golden-cert.pem');

test('parseManifests: any text parses or is a typed input error', () => {
  fc.assert(fc.property(manifestText, (text) => {
    typed(() => parseManifests(text, 'fuzz.yaml'));
  }), RUNS);
});

test('secretFromObject: any parsed object or JSON value is a Secret model or a typed error', () => {
  fc.assert(fc.property(fc.oneof(manifestText, fc.object({maxDepth: 3})), (input) => {
    let objects: unknown[] = [];
    if (typeof input === 'string') {
      try {
        objects = parseManifests(input, 'f.yaml').map((d) => d.object);
      } catch {
        return;
      }
    } else objects = [input, {apiVersion: 'v1', kind: 'Secret', metadata: {name: 'x'}, data: input, stringData: input}];
    for (const o of objects) typed(() => secretFromObject(o as never, {file: 'f.yaml', line: 1}));
  }), RUNS);
});

test('base64: any string decodes or is a typed error; every encoding of bytes decodes to them', () => {
  fc.assert(fc.property(fc.oneof(fc.string({maxLength: 64}), fc.base64String({maxLength: 64}), fc.uint8Array({maxLength: 48}).map((b) => Buffer.from(b).toString('base64'))), (s) => {
    // Like Go's base64.StdEncoding (what the API server uses), non-zero padding bits are accepted.
    typed(() => decodeBase64Strict(s, 'value'));
    decodeDataBase64(s);
  }), RUNS);
  fc.assert(fc.property(fc.uint8Array({minLength: 1, maxLength: 64}), (bytes) => {
    const b64 = Buffer.from(bytes).toString('base64');
    assert.deepEqual(decodeBase64Strict(b64, 'value'), Buffer.from(bytes));
    assert.deepEqual(decodeDataBase64(b64), Buffer.from(bytes));
  }), RUNS);
});

test('PEM keys and certificates: mutated ones are typed errors, never a crash', () => {
  for (const [sample, parse] of [
    [NACL_PUB, (t: string) => parseNaclPublicKey(t)],
    [NACL_PRIV, (t: string) => parseNaclPrivateKey(t)],
    [RSA_CERT, (t: string) => parseSealingCert(t)],
    [RSA_KEY, (t: string) => parseRsaPrivateKeys(t)],
    [RSA_CERT, (t: string) => detectKeyKind(t)],
    [NACL_PUB, (t: string) => sealingKeyFromText(t, 'k.pem')],
  ] as const) {
    fc.assert(fc.property(fc.oneof(mutated(sample), fc.string({maxLength: 200})), (text) => {
      typed(() => parse(text));
    }), {numRuns: 150});
  }
});

function sameBytes(value: string, good: string): boolean {
  try {
    return decodeBase64Strict(value, 'v').equals(decodeBase64Strict(good, 'v'));
  } catch {
    return false;
  }
}

test('sealed values: random and mutated ciphertexts never open and never crash', () => {
  const label = sealLabel('strict', 'team', 'db');
  const naclKeys = [parseNaclPrivateKey(NACL_PRIV)];
  const rsaKeys = parseRsaPrivateKeys(RSA_KEY);
  const pk = parseNaclPublicKey(NACL_PUB);
  const goodNacl = naclSeal(Buffer.from('CANARY-n'), label, pk);
  const goodRsa = sealedSecretsSeal(Buffer.from('CANARY-r'), label, parseSealingCert(RSA_CERT).publicKey);
  const flip = (s: string) => fc.tuple(fc.nat(), fc.integer({min: 1, max: 255})).map(([i, x]) => {
    const b = Buffer.from(s, 'base64');
    b[i % b.length] ^= x;
    return b.toString('base64');
  });
  fc.assert(fc.property(fc.oneof(fc.string({maxLength: 120}), fc.base64String({maxLength: 400}), flip(goodNacl), flip(goodRsa), mutated(goodNacl), mutated(goodRsa)), (sealed) => {
    // A mutation can leave the ciphertext as it was: an empty insertion, a line break (Go's
    // decoder skips CR/LF), or other bits after the last character (Go ignores them, and so
    // does the controller). Only the unchanged ciphertext bytes may open.
    if (!typed(() => naclOpen(sealed, naclKeys, label))) assert.ok(sameBytes(sealed, goodNacl), `a changed nacl ciphertext opened: ${sealed}`);
    if (!typed(() => sealedSecretsOpen(sealed, label, rsaKeys))) assert.ok(sameBytes(sealed, goodRsa), `a changed Bitnami ciphertext opened: ${sealed}`);
  }), {numRuns: 200});
});

test('sealing and unsealing manifests: mutated inputs seal, or fail with a typed error', () => {
  const keys = {nacl: [parseNaclPrivateKey(NACL_PRIV)], rsa: parseRsaPrivateKeys(RSA_KEY)};
  const sealed = sealText(SECRET.split('---')[0], 's.yaml', {key: naclKey});
  const sealedText = JSON.stringify(sealed[0]);
  fc.assert(fc.property(manifestText, fc.boolean(), (text, nacl) => {
    typed(() => sealText(text, 'f.yaml', {key: nacl ? naclKey : rsaKey, namespace: 'team', skipOtherKinds: true}));
  }), {numRuns: 150});
  fc.assert(fc.property(fc.oneof(mutated(sealedText), jsonish), (input) => {
    let objects: unknown[];
    if (typeof input === 'string') {
      try {
        objects = parseManifests(input, 'f.json').map((d) => d.object);
      } catch {
        return;
      }
    } else objects = [{apiVersion: 'kubectl-secret.dev/v1alpha1', kind: 'SealedSecret', metadata: {name: 'db', namespace: 'team'}, spec: input}];
    for (const o of objects) typed(() => unsealObject(o as never, keys));
  }), {numRuns: 150});
  const secret = secretFromObject(parseManifests(SECRET, 's.yaml')[0].object);
  fc.assert(fc.property(mutated(sealedText), (existing) => {
    typed(() => mergeIntoSealedText(existing, 'sealed.yaml', secret, {key: naclKey}));
    splitYamlDocuments(existing);
  }), {numRuns: 100});
});

test('scan: any file content is scanned without throwing', () => {
  fc.assert(fc.property(fc.oneof(manifestText, mutated('kind: Kustomization\nsecretGenerator:\n- name: g\n  literals: [a=b]\n'), mutated('-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n')), fc.constantFrom('a.yaml', 'kustomization.yaml', 'x.json', 'key.pem', 'README'), (text, path) => {
    typed(() => scanText(path, text));
  }), RUNS);
});

test('kubeconfigs: mutated files load or give a typed input error (loadKubeConfig and Cluster.connect)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ks-fuzz-kc-'));
  try {
    const valid = `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}
users:
- name: u
  user: {token: abc}
contexts:
- name: ctx
  context: {cluster: c, user: u, namespace: team}
current-context: ctx
`;
    let n = 0;
    await fc.assert(fc.asyncProperty(fc.oneof(mutated(valid), fc.string({maxLength: 200})), fc.option(fc.constantFrom('ctx', 'nope', ''), {nil: undefined}), async (text, context) => {
      const file = join(dir, `kc-${n++}`);
      writeFileSync(file, text);
      await typedAsync(() => loadKubeConfig({kubeconfig: file, context}));
      await typedAsync(() => Cluster.connect({kubeconfig: file, context, requestTimeoutMs: 200}));
    }), {numRuns: 150});
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
});
