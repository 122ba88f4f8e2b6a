// Our own scheme for clusters without the Bitnami controller. A value is
//   base64( 0x01 || KEY_ID[8] || crypto_box_seal(label || 0x00 || value, PK) )
// crypto_box_seal is libsodium's sealed box (libsodium src/libsodium/crypto_box/
// crypto_box_seal.c): an ephemeral X25519 key pair, nonce = BLAKE2b-192(epk || PK), output
// epk || crypto_box(...). It is built here from tweetnacl's box and our BLAKE2b so that
// libsodium and PyNaCl open our values unchanged. The label lives inside the authenticated
// payload, so a value moved to another name or namespace is detected after decryption and
// the error can say where it was sealed for. docs/formats.md has the byte layout.
import {createHash} from 'node:crypto';
import nacl from 'tweetnacl';
import {blake2b} from './blake2b.js';
import {decodeBase64Strict} from './base64.js';
import {CryptoError} from './errors.js';
import {describeLabel} from './scope.js';

export interface NaclKeyPair {
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

const VERSION = 0x01;
const KEY_ID_BYTES = 8;
const HEADER = 1 + KEY_ID_BYTES;
const EPK_BYTES = nacl.box.publicKeyLength; // 32
const MIN_LENGTH = HEADER + EPK_BYTES + nacl.box.overheadLength; // 57: empty payload

export function generateNaclKeyPair(): NaclKeyPair {
  const kp = nacl.box.keyPair();
  return {publicKey: kp.publicKey, secretKey: kp.secretKey};
}

/** First 8 bytes of SHA-256 of the raw 32-byte public key, as 16 hex characters. */
export function naclKeyId(publicKey: Uint8Array): string {
  checkPublicKey(publicKey);
  return createHash('sha256').update(publicKey).digest().subarray(0, KEY_ID_BYTES).toString('hex');
}

function checkPublicKey(publicKey: Uint8Array): void {
  if (publicKey.length !== nacl.box.publicKeyLength) {
    throw new CryptoError('bad-key', `an X25519 public key is 32 bytes, this one is ${publicKey.length}`);
  }
}

function sealNonce(epk: Uint8Array, pk: Uint8Array): Uint8Array {
  const input = new Uint8Array(64);
  input.set(epk, 0);
  input.set(pk, 32);
  return blake2b(input, nacl.box.nonceLength);
}

export function naclSeal(value: Uint8Array, label: string, publicKey: Uint8Array): string {
  checkPublicKey(publicKey);
  const labelBytes = Buffer.from(label, 'utf8');
  if (labelBytes.includes(0)) throw new CryptoError('malformed', 'a seal label cannot contain a NUL character');
  const payload = new Uint8Array(labelBytes.length + 1 + value.length);
  payload.set(labelBytes, 0);
  payload.set(value, labelBytes.length + 1);

  const eph = nacl.box.keyPair();
  const boxed = nacl.box(payload, sealNonce(eph.publicKey, publicKey), publicKey, eph.secretKey);
  // libsodium wipes the ephemeral secret key and the payload copy too.
  eph.secretKey.fill(0);
  payload.fill(0);

  const out = Buffer.alloc(HEADER + EPK_BYTES + boxed.length);
  out[0] = VERSION;
  Buffer.from(naclKeyId(publicKey), 'hex').copy(out, 1);
  out.set(eph.publicKey, HEADER);
  out.set(boxed, HEADER + EPK_BYTES);
  return out.toString('base64');
}

function parseHeader(sealed: string): {bytes: Buffer; keyId: string} {
  const bytes = decodeBase64Strict(sealed, 'the sealed value');
  if (bytes[0] !== VERSION) {
    throw new CryptoError('unsupported-version', `the sealed value has format version ${bytes[0]}, this tool reads version ${VERSION}`,
      'it was sealed by another tool or a newer version of kubectl-secret');
  }
  if (bytes.length < MIN_LENGTH) {
    throw new CryptoError('malformed', `the sealed value is ${bytes.length} bytes, shorter than the ${MIN_LENGTH}-byte minimum: it is truncated`);
  }
  return {bytes, keyId: bytes.subarray(1, HEADER).toString('hex')};
}

export function naclKeyIdOf(sealed: string): string {
  return parseHeader(sealed).keyId;
}

export function naclOpen(sealed: string, keys: NaclKeyPair[], expectedLabel?: string): {value: Buffer; label: string; keyId: string} {
  const {bytes, keyId} = parseHeader(sealed);
  const key = keys.find((k) => k.publicKey.length === 32 && naclKeyId(k.publicKey) === keyId);
  if (!key) {
    const known = keys.map((k) => naclKeyId(k.publicKey));
    throw new CryptoError('unknown-key', `the value was sealed with key ${keyId}, which is not among the ${known.length} available key(s)${known.length ? ` (${known.join(', ')})` : ''}`,
      'unseal with the private key of that id (--key FILE), or re-seal with the current public key');
  }
  const epk = bytes.subarray(HEADER, HEADER + EPK_BYTES);
  const payload = nacl.box.open(bytes.subarray(HEADER + EPK_BYTES), sealNonce(epk, key.publicKey), epk, key.secretKey);
  if (!payload) {
    throw new CryptoError('tampered', `the value sealed with key ${keyId} failed authentication: it was modified or corrupted`);
  }
  const sep = payload.indexOf(0);
  let label: string | undefined;
  if (sep >= 0) {
    try {
      label = new TextDecoder('utf-8', {fatal: true}).decode(payload.subarray(0, sep));
    } catch {}
  }
  if (label === undefined) {
    payload.fill(0);
    throw new CryptoError('malformed', `the value sealed with key ${keyId} authenticates but has no valid label: it was not written by kubectl-secret`);
  }
  if (expectedLabel !== undefined && label !== expectedLabel) {
    payload.fill(0);
    throw new CryptoError('wrong-label', `the value was sealed ${describeLabel(label)}, not ${describeLabel(expectedLabel)}`,
      'unseal it under the name and namespace it was sealed for, or re-seal it for this one');
  }
  const value = Buffer.from(payload.subarray(sep + 1));
  payload.fill(0);
  return {value, label, keyId};
}
