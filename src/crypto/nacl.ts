// Our own scheme for clusters without the Bitnami controller. A value is
//   base64( 0x01 || KEY_ID[8] || crypto_box_seal(label || 0x00 || value, PK) )
// crypto_box_seal is libsodium's sealed box (libsodium src/libsodium/crypto_box/
// crypto_box_seal.c): an ephemeral X25519 key pair, nonce = BLAKE2b-192(epk || PK), output
// epk || crypto_box(...). It is built here from tweetnacl's box and our BLAKE2b so that
// libsodium and PyNaCl open our values unchanged. The label lives inside the authenticated
// payload, so a value moved to another name or namespace is detected after decryption and
// the error can say where it was sealed for. docs/formats.md has the byte layout.
import {createHash, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject} from 'node:crypto';
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

// The controller opens every value with the same few keys, and finding the key hashed each
// candidate again per value. Keyed by the key's bytes (not the array), so a reused array is safe.
const keyIds = new Map<string, string>();

/** First 8 bytes of SHA-256 of the raw 32-byte public key, as 16 hex characters. */
export function naclKeyId(publicKey: Uint8Array): string {
  checkPublicKey(publicKey);
  const raw = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString('hex');
  let id = keyIds.get(raw);
  if (id === undefined) {
    id = createHash('sha256').update(publicKey).digest().subarray(0, KEY_ID_BYTES).toString('hex');
    // A long-running process sees a handful of key pairs; a bound keeps a key-churning one flat.
    if (keyIds.size >= 256) keyIds.clear();
    keyIds.set(raw, id);
  }
  return id;
}

function checkPublicKey(publicKey: Uint8Array): void {
  if (publicKey.length !== nacl.box.publicKeyLength) {
    throw new CryptoError('bad-key', `an X25519 public key is 32 bytes, this one is ${publicKey.length}`);
  }
}

// X25519 through OpenSSL: tweetnacl's pure-JS scalar multiplication was 90% of the time to
// seal a value (about 1.3 ms). The box itself stays tweetnacl's: crypto_box is
// XSalsa20-Poly1305 keyed with HSalsa20(X25519(sk, pk)), and only X25519 moves here.
const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SIGMA = Buffer.from('expand 32-byte k', 'latin1');
// tweetnacl exports its core functions at run time without typing them.
const lowlevel = (nacl as unknown as {lowlevel: {crypto_core_hsalsa20(out: Uint8Array, inp: Uint8Array, k: Uint8Array, c: Uint8Array): number}}).lowlevel;

function privateKeyObject(sk: Uint8Array) {
  return createPrivateKey({key: Buffer.concat([PKCS8_X25519, sk]), format: 'der', type: 'pkcs8'});
}

// Keys go into OpenSSL as JWK where they can: OpenSSL 3 decodes DER through its generic
// decoders, several times dearer than a raw key (~1 ms of a seal's start-up for three keys).
const publicKeyObject = (pk: Uint8Array): KeyObject => createPublicKey({key: {kty: 'OKP', crv: 'X25519', x: Buffer.from(pk.buffer, pk.byteOffset, pk.byteLength).toString('base64url')}, format: 'jwk'});

// An opening key is used for every value a controller unseals: parsing it into OpenSSL's form
// each time was a tenth of a cold sync's CPU. Held only as long as the key pair itself.
const openingKeys = new WeakMap<Uint8Array, ReturnType<typeof createPrivateKey>>();
function openingKeyObject(sk: Uint8Array) {
  let k = openingKeys.get(sk);
  if (!k) openingKeys.set(sk, (k = privateKeyObject(sk)));
  return k;
}

/** crypto_box_beforenm: HSalsa20 of the X25519 shared secret. Undefined for a low-order public key. */
function boxKey(sk: Uint8Array | KeyObject, pk: Uint8Array, longLived = false): Uint8Array | undefined {
  let shared: Buffer;
  try {
    const privateKey = sk instanceof Uint8Array ? (longLived ? openingKeyObject(sk) : privateKeyObject(sk)) : sk;
    shared = diffieHellman({privateKey, publicKey: publicKeyObject(pk)});
  } catch {
    return undefined; // OpenSSL refuses an all-zero shared secret, as libsodium does
  }
  const k = new Uint8Array(32);
  lowlevel.crypto_core_hsalsa20(k, new Uint8Array(16), shared, SIGMA);
  shared.fill(0);
  return k;
}

/**
 * The sealed box's one-time key pair, made by OpenSSL from its CSPRNG (as randomBytes is) and
 * kept inside it: the secret never is a JavaScript buffer (so nothing to wipe here; libsodium
 * wipes its copy), and the public half comes out raw, with no DER decoding or encoding.
 */
function ephemeralKeyPair(): {publicKey: Uint8Array; privateKey: KeyObject} {
  const {publicKey, privateKey} = generateKeyPairSync('x25519');
  return {publicKey: new Uint8Array(Buffer.from(publicKey.export({format: 'jwk'}).x!, 'base64url')), privateKey};
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

  const eph = ephemeralKeyPair();
  const k = boxKey(eph.privateKey, publicKey);
  if (!k) throw new CryptoError('bad-key', 'the public key is not usable for X25519 (a low-order point)');
  const boxed = nacl.box.after(payload, sealNonce(eph.publicKey, publicKey), k);
  k.fill(0);
  // libsodium wipes the payload copy too.
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

/** The size of the value inside a sealed value, from its length alone (no key needed). */
export function naclValueLength(sealed: string, label: string): number {
  return Math.max(0, parseHeader(sealed).bytes.length - MIN_LENGTH - Buffer.byteLength(label, 'utf8') - 1);
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
  const k = boxKey(key.secretKey, epk, true);
  const payload = k ? nacl.box.open.after(bytes.subarray(HEADER + EPK_BYTES), sealNonce(epk, key.publicKey), k) : null;
  k?.fill(0);
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
