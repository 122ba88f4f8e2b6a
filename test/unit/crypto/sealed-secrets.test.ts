import {test} from 'node:test';
import assert from 'node:assert/strict';
import {constants, createDecipheriv, createPrivateKey, generateKeyPairSync, privateDecrypt, type KeyObject} from 'node:crypto';
import {sealedSecretsOpen, sealedSecretsSeal} from '../../../src/crypto/sealed-secrets.js';
import {parseRsaPrivateKeys, parseSealingCert} from '../../../src/crypto/pem.js';
import {CANARY, assertCryptoError, fixture, flipByte, havePython, runPython} from './helpers.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const LABELS = ['prod/db-credentials', 'prod', ''];
const VALUES: Uint8Array[] = [new Uint8Array(0), enc(CANARY), enc('pässwörd ✓'), Uint8Array.from({length: 256}, (_, i) => i), new Uint8Array(5000).fill(0x41)];

const golden = createPrivateKey(fixture('golden-rsa-key.pem'));
const goldenCert = parseSealingCert(fixture('golden-cert.pem'));
const {privateKey: other} = generateKeyPairSync('rsa', {modulusLength: 2048});

/** Decrypts per upstream HybridDecrypt, written from pkg/crypto/crypto.go without our code. */
function independentOpen(sealed: string, label: string, key: KeyObject): Buffer {
  const raw = Buffer.from(sealed, 'base64');
  const n = raw.readUInt16BE(0);
  const sessionKey = privateDecrypt({key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: Buffer.from(label)}, raw.subarray(2, 2 + n));
  assert.equal(sessionKey.length, 32, 'session key is 32 bytes (sessionKeyBytes upstream)');
  const aes = raw.subarray(2 + n);
  const d = createDecipheriv('aes-256-gcm', sessionKey, Buffer.alloc(12));
  d.setAuthTag(aes.subarray(aes.length - 16));
  return Buffer.concat([d.update(aes.subarray(0, aes.length - 16)), d.final()]);
}

test('seal then open round-trips; layout is uint16 L || RSA (L bytes) || AES-GCM || 16-byte tag', () => {
  for (const label of LABELS) {
    for (const value of VALUES) {
      const sealed = sealedSecretsSeal(value, label, goldenCert.publicKey);
      const raw = Buffer.from(sealed, 'base64');
      assert.equal(raw.toString('base64'), sealed, 'standard padded base64');
      assert.equal(raw.readUInt16BE(0), 256, '2048-bit key: 256-byte RSA part');
      assert.equal(raw.length, 2 + 256 + value.length + 16);
      assert.deepEqual(sealedSecretsOpen(sealed, label, [golden]), Buffer.from(value));
    }
  }
});

test('sealing twice gives different values (fresh session key)', () => {
  assert.notEqual(sealedSecretsSeal(enc('x'), 'a/b', goldenCert.publicKey), sealedSecretsSeal(enc('x'), 'a/b', goldenCert.publicKey));
});

test('an independent OpenSSL decryption (node:crypto, written in this test) opens our values', () => {
  for (const label of LABELS) {
    for (const value of VALUES) {
      assert.deepEqual(independentOpen(sealedSecretsSeal(value, label, goldenCert.publicKey), label, golden), Buffer.from(value));
    }
  }
});

const PY_OPEN = `
import base64, json, struct, sys
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
req = json.load(sys.stdin)
key = serialization.load_pem_private_key(req['key'].encode(), password=None)
out = []
for c in req['cases']:
    raw = base64.b64decode(c['sealed'], validate=True)
    (n,) = struct.unpack('>H', raw[:2])
    session_key = key.decrypt(raw[2:2 + n], padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=c['label'].encode()))
    assert len(session_key) == 32
    out.append(base64.b64encode(AESGCM(session_key).decrypt(b'\\0' * 12, raw[2 + n:], None)).decode())
print(json.dumps(out))
`;

test('python3-cryptography (OAEP SHA-256 + AESGCM) decrypts our values', (t) => {
  if (!havePython(t, 'cryptography', 'python3-cryptography')) return;
  const cases = LABELS.flatMap((label) => VALUES.map((value) => ({label, value, sealed: sealedSecretsSeal(value, label, goldenCert.publicKey)})));
  const out: string[] = runPython(PY_OPEN, {key: fixture('golden-rsa-key.pem'), cases: cases.map(({label, sealed}) => ({label, sealed}))});
  assert.deepEqual(out, cases.map((c) => Buffer.from(c.value).toString('base64')));
});

const PY_SEAL = `
import base64, json, os, struct, sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
req = json.load(sys.stdin)
pub = x509.load_pem_x509_certificate(req['cert'].encode()).public_key()
out = []
for c in req['cases']:
    k = os.urandom(32)
    rsa_ct = pub.encrypt(k, padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=c['label'].encode()))
    out.append(base64.b64encode(struct.pack('>H', len(rsa_ct)) + rsa_ct + AESGCM(k).encrypt(b'\\0' * 12, base64.b64decode(c['value']), None)).decode())
print(json.dumps(out))
`;

test('we open values sealed by python3-cryptography', (t) => {
  if (!havePython(t, 'cryptography', 'python3-cryptography')) return;
  const cases = LABELS.flatMap((label) => VALUES.map((value) => ({label, value: Buffer.from(value).toString('base64')})));
  const sealed: string[] = runPython(PY_SEAL, {cert: fixture('golden-cert.pem'), cases});
  sealed.forEach((s, i) => assert.equal(sealedSecretsOpen(s, cases[i]!.label, [golden]).toString('base64'), cases[i]!.value));
});

test('the committed golden vectors (made by python3-cryptography) open, with the key from PEM or from the controller Secret', () => {
  const vectors: {label: string; value: string; sealed: string}[] = JSON.parse(fixture('golden-vectors.json'));
  assert.equal(vectors.length, 15);
  const fromSecret = parseRsaPrivateKeys(fixture('controller-key-secret.json'));
  const fromPem = parseRsaPrivateKeys(fixture('golden-rsa-key.pem'));
  for (const v of vectors) {
    assert.equal(sealedSecretsOpen(v.sealed, v.label, fromPem).toString('base64'), v.value);
    assert.equal(sealedSecretsOpen(v.sealed, v.label, fromSecret).toString('base64'), v.value);
    assert.equal(independentOpen(v.sealed, v.label, golden).toString('base64'), v.value);
  }
});

test('every key is tried, as upstream HybridDecrypt does with the controller\'s keys', () => {
  const second = createPrivateKey(fixture('second-rsa-key.pem'));
  const sealed = sealedSecretsSeal(enc(CANARY), 'prod/db', goldenCert.publicKey);
  assert.equal(sealedSecretsOpen(sealed, 'prod/db', [other, second, golden]).toString(), CANARY);
  assert.equal(sealedSecretsOpen(sealed, 'prod/db', parseRsaPrivateKeys(fixture('controller-keys-list.json'))).toString(), CANARY);
});

test('tampering with each region is detected', () => {
  const sealed = sealedSecretsSeal(enc(CANARY), 'prod/db', goldenCert.publicKey);
  // length prefix: the RSA part no longer has the key's size (or overruns the value)
  assertCryptoError(() => sealedSecretsOpen(flipByte(sealed, 0), 'prod/db', [golden]), 'unknown-key');
  const overrun = Buffer.from(sealed, 'base64');
  overrun.writeUInt16BE(0xffff, 0);
  assertCryptoError(() => sealedSecretsOpen(overrun.toString('base64'), 'prod/db', [golden]), 'malformed', /truncated/);
  assertCryptoError(() => sealedSecretsOpen(flipByte(sealed, 1), 'prod/db', [golden]), 'unknown-key');
  // RSA part: OAEP fails for every key, which is indistinguishable from a foreign key
  assertCryptoError(() => sealedSecretsOpen(flipByte(sealed, 2), 'prod/db', [golden]), 'unknown-key', /or its RSA part was modified/);
  assertCryptoError(() => sealedSecretsOpen(flipByte(sealed, 257), 'prod/db', [golden]), 'unknown-key');
  // AES-GCM ciphertext and tag: the session key opened, so this is certainly tampering
  assertCryptoError(() => sealedSecretsOpen(flipByte(sealed, 258), 'prod/db', [golden]), 'tampered', /failed authentication/);
  assertCryptoError(() => sealedSecretsOpen(flipByte(sealed, -1), 'prod/db', [golden]), 'tampered');
  assertCryptoError(() => sealedSecretsOpen(flipByte(sealed, -16), 'prod/db', [golden]), 'tampered');
});

test('a wrong label is told apart from a wrong key, and names the scope it was sealed for when it can', () => {
  const strict = sealedSecretsSeal(enc(CANARY), 'prod/db', goldenCert.publicKey);
  const nsWide = sealedSecretsSeal(enc(CANARY), 'prod', goldenCert.publicKey);
  const cluster = sealedSecretsSeal(enc(CANARY), '', goldenCert.publicKey);
  assertCryptoError(() => sealedSecretsOpen(nsWide, 'prod/db', [golden]), 'wrong-label',
    /no key could decrypt it for strict for Secret "db" in namespace "prod".*sealed namespace-wide for namespace "prod"/);
  assertCryptoError(() => sealedSecretsOpen(cluster, 'prod/db', [other, golden]), 'wrong-label', /sealed cluster-wide/);
  assertCryptoError(() => sealedSecretsOpen(cluster, 'prod', [golden]), 'wrong-label', /sealed cluster-wide/);
  assertCryptoError(() => sealedSecretsOpen(strict, 'prod/other', [golden]), 'wrong-label', /sealed for another name or namespace/);
  assertCryptoError(() => sealedSecretsOpen(strict, '', [golden]), 'wrong-label', /for cluster-wide.*another name or namespace/);
  assertCryptoError(() => sealedSecretsOpen(strict, 'prod/db', [other]), 'unknown-key', /no key could decrypt it for strict .* not among the 1 given/);
});

test('malformed values and unusable keys are rejected', () => {
  const sealed = sealedSecretsSeal(enc(CANARY), 'a/b', goldenCert.publicKey);
  const raw = Buffer.from(sealed, 'base64');
  assertCryptoError(() => sealedSecretsOpen('', 'a/b', [golden]), 'malformed');
  assertCryptoError(() => sealedSecretsOpen('AA==', 'a/b', [golden]), 'malformed', /truncated/);
  assertCryptoError(() => sealedSecretsOpen(raw.subarray(0, 200).toString('base64'), 'a/b', [golden]), 'malformed', /truncated/);
  assertCryptoError(() => sealedSecretsOpen(raw.subarray(0, 2 + 256 + 15).toString('base64'), 'a/b', [golden]), 'malformed', /truncated/);
  assertCryptoError(() => sealedSecretsOpen(raw.subarray(0, raw.length - 1).toString('base64'), 'a/b', [golden]), 'tampered');
  assertCryptoError(() => sealedSecretsOpen(sealed.slice(1), 'a/b', [golden]), 'malformed', /base64/);
  assertCryptoError(() => sealedSecretsOpen(`${sealed.slice(0, 10)}!${sealed.slice(11)}`, 'a/b', [golden]), 'malformed', /base64/);
  assertCryptoError(() => sealedSecretsOpen(sealed, 'a/b', []), 'bad-key');
  assertCryptoError(() => sealedSecretsOpen(sealed, 'a/b', [goldenCert.publicKey]), 'bad-key');
  const {publicKey: ed} = generateKeyPairSync('ed25519');
  assertCryptoError(() => sealedSecretsSeal(enc(CANARY), 'a/b', ed), 'not-rsa', /needs an RSA public key/);
});
