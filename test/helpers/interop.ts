// Opening sealed values with implementations we did not write, for end-to-end tests:
// libsodium's sealed box for the nacl scheme, and Bitnami's HybridDecrypt re-written here with
// OpenSSL (node:crypto) for the sealed-secrets scheme. Keys are the committed test fixtures.
import assert from 'node:assert/strict';
import {constants, createDecipheriv, createHash, createPrivateKey, privateDecrypt} from 'node:crypto';
import {readFileSync} from 'node:fs';
import sodium from 'libsodium-wrappers';

export const CRYPTO_FIXTURES = new URL('../../../test/fixtures/crypto/', import.meta.url).pathname;

/** Returns [label, value] of a nacl value sealed to the x25519 fixture key. */
export async function libsodiumOpen(sealedB64: string): Promise<[string, string]> {
  await sodium.ready;
  const raw = Buffer.from(sealedB64, 'base64');
  assert.equal(raw[0], 1, 'version byte');
  const keys = JSON.parse(readFileSync(`${CRYPTO_FIXTURES}x25519.json`, 'utf8'));
  const pk = Buffer.from(keys.publicKey, 'hex');
  assert.equal(raw.subarray(1, 9).toString('hex'), createHash('sha256').update(pk).digest().subarray(0, 8).toString('hex'), 'KEY_ID');
  const payload = Buffer.from(sodium.crypto_box_seal_open(raw.subarray(9), pk, Buffer.from(keys.secretKey, 'hex')));
  const z = payload.indexOf(0);
  return [payload.subarray(0, z).toString('utf8'), payload.subarray(z + 1).toString('utf8')];
}

/** Returns [label, value bytes] of a nacl value sealed to the x25519 fixture key. */
export async function libsodiumOpenBytes(sealedB64: string): Promise<[string, Buffer]> {
  await sodium.ready;
  const raw = Buffer.from(sealedB64, 'base64');
  assert.equal(raw[0], 1, 'version byte');
  const keys = JSON.parse(readFileSync(`${CRYPTO_FIXTURES}x25519.json`, 'utf8'));
  const payload = Buffer.from(sodium.crypto_box_seal_open(raw.subarray(9), Buffer.from(keys.publicKey, 'hex'), Buffer.from(keys.secretKey, 'hex')));
  const z = payload.indexOf(0);
  return [payload.subarray(0, z).toString('utf8'), payload.subarray(z + 1)];
}

/** Bitnami's HybridDecrypt with the golden RSA fixture key (or another PEM). */
export function opensslOpen(sealedB64: string, label: string, keyPem = readFileSync(`${CRYPTO_FIXTURES}golden-rsa-key.pem`)): string {
  const raw = Buffer.from(sealedB64, 'base64');
  const len = raw.readUInt16BE(0);
  const key = privateDecrypt({key: createPrivateKey(keyPem), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: Buffer.from(label)}, raw.subarray(2, 2 + len));
  const body = raw.subarray(2 + len);
  const d = createDecipheriv('aes-256-gcm', key, Buffer.alloc(12));
  d.setAuthTag(body.subarray(body.length - 16));
  return Buffer.concat([d.update(body.subarray(0, body.length - 16)), d.final()]).toString('utf8');
}
