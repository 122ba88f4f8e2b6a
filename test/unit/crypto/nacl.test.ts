import {test} from 'node:test';
import assert from 'node:assert/strict';
import {createHash} from 'node:crypto';
import sodium from 'libsodium-wrappers';
import {generateNaclKeyPair, naclKeyId, naclKeyIdOf, naclOpen, naclSeal, type NaclKeyPair} from '../../../src/crypto/nacl.js';
import {CANARY, assertCryptoError, fixture, flipByte, havePython, runPython} from './helpers.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const LABELS = ['prod/db-credentials', 'prod', ''];
const VALUES: Uint8Array[] = [new Uint8Array(0), enc(CANARY), enc('pässwörd ✓'), Uint8Array.from({length: 256}, (_, i) => i), new Uint8Array(5000).fill(0x41)];

// Layout offsets (docs/formats.md): version, key id, ephemeral public key, box (MAC first).
const KEY_ID_AT = 1;
const EPK_AT = 9;
const BOX_AT = 41;

test('key id is the first 8 bytes of SHA-256 of the raw public key, in hex', () => {
  const kp = generateNaclKeyPair();
  assert.equal(naclKeyId(kp.publicKey), createHash('sha256').update(kp.publicKey).digest('hex').slice(0, 16));
  const fx = JSON.parse(fixture('x25519.json'));
  assert.equal(naclKeyId(Buffer.from(fx.publicKey, 'hex')), fx.keyId);
});

test('seal then open round-trips every label and value; the header is 0x01 || KEY_ID', () => {
  const kp = generateNaclKeyPair();
  for (const label of LABELS) {
    for (const value of VALUES) {
      const sealed = naclSeal(value, label, kp.publicKey);
      const bytes = Buffer.from(sealed, 'base64');
      assert.equal(bytes.toString('base64'), sealed, 'standard padded base64');
      assert.equal(bytes[0], 0x01);
      assert.equal(bytes.subarray(1, 9).toString('hex'), naclKeyId(kp.publicKey));
      assert.equal(bytes.length, 1 + 8 + 32 + 16 + Buffer.byteLength(label) + 1 + value.length);
      assert.equal(naclKeyIdOf(sealed), naclKeyId(kp.publicKey));
      const opened = naclOpen(sealed, [kp], label);
      assert.deepEqual(opened, {value: Buffer.from(value), label, keyId: naclKeyId(kp.publicKey)});
    }
  }
});

test('sealing twice gives different values (fresh ephemeral key)', () => {
  const kp = generateNaclKeyPair();
  assert.notEqual(naclSeal(enc('x'), 'a/b', kp.publicKey), naclSeal(enc('x'), 'a/b', kp.publicKey));
});

test('open without an expected label returns the label it was sealed for; picks the key by id', () => {
  const [a, b, c] = [generateNaclKeyPair(), generateNaclKeyPair(), generateNaclKeyPair()];
  const opened = naclOpen(naclSeal(enc('v'), 'team', b.publicKey), [a, b, c]);
  assert.equal(opened.label, 'team');
  assert.equal(opened.keyId, naclKeyId(b.publicKey));
});

test('libsodium crypto_box_seal_open opens our values (after the 9-byte header)', async () => {
  await sodium.ready;
  const kp = sodium.crypto_box_keypair();
  for (const label of LABELS) {
    for (const value of VALUES) {
      const bytes = Buffer.from(naclSeal(value, label, kp.publicKey), 'base64');
      const payload = sodium.crypto_box_seal_open(bytes.subarray(9), kp.publicKey, kp.privateKey);
      assert.deepEqual(Buffer.from(payload), Buffer.concat([Buffer.from(label), Buffer.from([0]), Buffer.from(value)]));
    }
  }
});

test('we open values sealed by libsodium crypto_box_seal with our header prepended', async () => {
  await sodium.ready;
  const kp = sodium.crypto_box_keypair();
  const keys: NaclKeyPair[] = [{publicKey: kp.publicKey, secretKey: kp.privateKey}];
  for (const label of LABELS) {
    for (const value of VALUES) {
      const box = sodium.crypto_box_seal(Buffer.concat([Buffer.from(label), Buffer.from([0]), Buffer.from(value)]), kp.publicKey);
      const sealed = Buffer.concat([Buffer.from([1]), Buffer.from(naclKeyId(kp.publicKey), 'hex'), Buffer.from(box)]).toString('base64');
      assert.deepEqual(naclOpen(sealed, keys, label).value, Buffer.from(value));
    }
  }
});

const PY_OPEN = `
import base64, json, sys
from nacl.public import PrivateKey, SealedBox
req = json.load(sys.stdin)
box = SealedBox(PrivateKey(bytes.fromhex(req['secretKey'])))
out = []
for s in req['sealed']:
    raw = base64.b64decode(s, validate=True)
    assert raw[0] == 1
    label, _, value = box.decrypt(raw[9:]).partition(b'\\0')
    out.append({'keyId': raw[1:9].hex(), 'label': label.decode(), 'value': base64.b64encode(value).decode()})
print(json.dumps(out))
`;

test('PyNaCl (python3-nacl) SealedBox opens our values', (t) => {
  if (!havePython(t, 'nacl', 'python3-nacl')) return;
  const kp = generateNaclKeyPair();
  const cases = LABELS.flatMap((label) => VALUES.map((value) => ({label, value})));
  const sealed = cases.map((c) => naclSeal(c.value, c.label, kp.publicKey));
  const out = runPython(PY_OPEN, {secretKey: Buffer.from(kp.secretKey).toString('hex'), sealed});
  assert.deepEqual(out, cases.map((c) => ({keyId: naclKeyId(kp.publicKey), label: c.label, value: Buffer.from(c.value).toString('base64')})));
});

const PY_SEAL = `
import base64, hashlib, json, sys
from nacl.public import PublicKey, SealedBox
req = json.load(sys.stdin)
pk = bytes.fromhex(req['publicKey'])
box = SealedBox(PublicKey(pk))
print(json.dumps([base64.b64encode(b'\\x01' + hashlib.sha256(pk).digest()[:8] + box.encrypt(c['label'].encode() + b'\\0' + base64.b64decode(c['value']))).decode() for c in req['cases']]))
`;

test('we open values sealed by PyNaCl (python3-nacl) SealedBox', (t) => {
  if (!havePython(t, 'nacl', 'python3-nacl')) return;
  const kp = generateNaclKeyPair();
  const cases = LABELS.flatMap((label) => VALUES.map((value) => ({label, value: Buffer.from(value).toString('base64')})));
  const sealed: string[] = runPython(PY_SEAL, {publicKey: Buffer.from(kp.publicKey).toString('hex'), cases});
  sealed.forEach((s, i) => assert.equal(naclOpen(s, [kp], cases[i]!.label).value.toString('base64'), cases[i]!.value));
});

test('committed vectors sealed by PyNaCl (test/fixtures/crypto/x25519.json) open', () => {
  const fx = JSON.parse(fixture('x25519.json'));
  const keys = [{publicKey: Buffer.from(fx.publicKey, 'hex'), secretKey: Buffer.from(fx.secretKey, 'hex')}];
  assert.equal(fx.vectors.length, 15);
  for (const v of fx.vectors) {
    const opened = naclOpen(v.sealed, keys, v.label);
    assert.equal(opened.value.toString('base64'), v.value);
    assert.equal(opened.keyId, fx.keyId);
  }
});

test('tampering with each region is detected', () => {
  const kp = generateNaclKeyPair();
  const label = 'prod/db';
  const sealed = naclSeal(enc(CANARY), label, kp.publicKey);
  assertCryptoError(() => naclOpen(flipByte(sealed, 0), [kp], label), 'unsupported-version', /version 0/);
  assertCryptoError(() => naclOpen(flipByte(sealed, KEY_ID_AT), [kp], label), 'unknown-key');
  assertCryptoError(() => naclOpen(flipByte(sealed, KEY_ID_AT + 7), [kp], label), 'unknown-key');
  assertCryptoError(() => naclOpen(flipByte(sealed, EPK_AT), [kp], label), 'tampered', /failed authentication/);
  assertCryptoError(() => naclOpen(flipByte(sealed, EPK_AT + 31), [kp], label), 'tampered');
  assertCryptoError(() => naclOpen(flipByte(sealed, BOX_AT), [kp], label), 'tampered'); // MAC
  assertCryptoError(() => naclOpen(flipByte(sealed, BOX_AT + 16), [kp], label), 'tampered'); // label inside the box
  assertCryptoError(() => naclOpen(flipByte(sealed, -1), [kp], label), 'tampered'); // value inside the box
});

test('a value opened for another label says which label it was sealed for', () => {
  const kp = generateNaclKeyPair();
  const strict = naclSeal(enc(CANARY), 'prod/db', kp.publicKey);
  assertCryptoError(() => naclOpen(strict, [kp], 'staging/db'), 'wrong-label',
    /sealed strict for Secret "db" in namespace "prod".*not strict for Secret "db" in namespace "staging"/);
  assertCryptoError(() => naclOpen(strict, [kp], 'prod'), 'wrong-label', /not namespace-wide for namespace "prod"/);
  assertCryptoError(() => naclOpen(naclSeal(enc(CANARY), '', kp.publicKey), [kp], 'prod/db'), 'wrong-label', /sealed cluster-wide/);
  assertCryptoError(() => naclOpen(naclSeal(enc(CANARY), 'prod', kp.publicKey), [kp], ''), 'wrong-label', /sealed namespace-wide for namespace "prod"/);
});

test('an unknown key id names the id and the keys we have', () => {
  const [a, b] = [generateNaclKeyPair(), generateNaclKeyPair()];
  const sealed = naclSeal(enc(CANARY), 'x', a.publicKey);
  const e = assertCryptoError(() => naclOpen(sealed, [b], 'x'), 'unknown-key');
  assert.ok(e.message.includes(naclKeyId(a.publicKey)) && e.message.includes(naclKeyId(b.publicKey)), e.message);
  assertCryptoError(() => naclOpen(sealed, [], 'x'), 'unknown-key', /among the 0 available/);
});

test('truncated, malformed and wrong-version values are rejected before decryption', () => {
  const kp = generateNaclKeyPair();
  const sealed = naclSeal(enc(CANARY), 'x', kp.publicKey);
  const bytes = Buffer.from(sealed, 'base64');
  const b64 = (b: Buffer): string => b.toString('base64');
  assertCryptoError(() => naclOpen(b64(bytes.subarray(0, 56)), [kp]), 'malformed', /truncated/);
  assertCryptoError(() => naclOpen(b64(bytes.subarray(0, 5)), [kp]), 'malformed');
  assertCryptoError(() => naclOpen(b64(bytes.subarray(0, bytes.length - 1)), [kp]), 'tampered');
  assertCryptoError(() => naclOpen('', [kp]), 'malformed');
  assertCryptoError(() => naclOpen(sealed.slice(0, -1), [kp]), 'malformed', /base64/);
  assertCryptoError(() => naclOpen(sealed.replace(/^./, '*'), [kp]), 'malformed', /base64/);
  const urlSafe = sealed.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  if (urlSafe !== sealed) assertCryptoError(() => naclOpen(urlSafe, [kp]), 'malformed', /base64/);
  const v2 = Buffer.from(bytes);
  v2[0] = 2;
  assertCryptoError(() => naclOpen(b64(v2), [kp]), 'unsupported-version', /version 2/);
  assertCryptoError(() => naclKeyIdOf(b64(v2)), 'unsupported-version');
  assertCryptoError(() => naclKeyIdOf('not base64!'), 'malformed');
  // Line breaks (as YAML block scalars leave them) are skipped; spaces are an error, as in Go's StdEncoding.
  assert.equal(naclOpen(`${sealed}\n`, [kp]).value.toString(), CANARY);
  assert.equal(naclOpen(`${sealed.slice(0, 10)}\r\n${sealed.slice(10)}\n`, [kp]).value.toString(), CANARY);
  assertCryptoError(() => naclOpen(`  ${sealed}`, [kp]), 'malformed', /base64/);
});

test('an authenticated payload without a label separator is malformed', async () => {
  await sodium.ready;
  const kp = sodium.crypto_box_keypair();
  const box = sodium.crypto_box_seal(Buffer.from(CANARY), kp.publicKey);
  const sealed = Buffer.concat([Buffer.from([1]), Buffer.from(naclKeyId(kp.publicKey), 'hex'), Buffer.from(box)]).toString('base64');
  assertCryptoError(() => naclOpen(sealed, [{publicKey: kp.publicKey, secretKey: kp.privateKey}]), 'malformed', /no valid label/);
});

test('sealing rejects a public key that is not 32 bytes and a label with NUL', () => {
  assertCryptoError(() => naclSeal(enc(CANARY), 'x', new Uint8Array(31)), 'bad-key', /32 bytes/);
  assertCryptoError(() => naclKeyId(new Uint8Array(33)), 'bad-key');
  assertCryptoError(() => naclSeal(enc(CANARY), 'a\0b', generateNaclKeyPair().publicKey), 'malformed');
});

// Low-order points of Curve25519 (libsodium's blacklist in crypto_scalarmult/curve25519/ref10):
// X25519 with any of them gives the all-zero shared secret, which OpenSSL refuses, as libsodium's
// crypto_box_seal does. Sealing to one must fail, and a sealed value carrying one as its
// ephemeral key must not open.
const LOW_ORDER = ['0000000000000000000000000000000000000000000000000000000000000000', '0100000000000000000000000000000000000000000000000000000000000000', 'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800', '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157', 'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'];

test('a low-order public key is refused when sealing, and a low-order ephemeral key never opens', () => {
  const kp = generateNaclKeyPair();
  const sealed = Buffer.from(naclSeal(enc(CANARY), 'prod/db', kp.publicKey), 'base64');
  for (const hexKey of LOW_ORDER) {
    const point = Uint8Array.from(Buffer.from(hexKey, 'hex'));
    assertCryptoError(() => naclSeal(enc(CANARY), 'prod/db', point), 'bad-key', /low-order/);
    const forged = Buffer.from(sealed);
    forged.set(point, EPK_AT);
    assertCryptoError(() => naclOpen(forged.toString('base64'), [kp], 'prod/db'), 'tampered');
  }
});
