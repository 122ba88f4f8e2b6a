// Byte-compatible with Bitnami Sealed Secrets' HybridEncrypt/HybridDecrypt
// (github.com/bitnami-labs/sealed-secrets, pkg/crypto/crypto.go), so the SealedSecret
// controller opens what we write and kubeseal's values open here. A value is
//   base64( uint16be(L) || RSA-OAEP-SHA256(sessionKey, label)[L] || AES-GCM(value) || tag[16] )
// with a fresh 32-byte session key, used once, so upstream's all-zero GCM nonce is safe.
// docs/formats.md has the byte layout.
import {constants, createCipheriv, createDecipheriv, createHash, privateDecrypt, publicEncrypt, randomBytes, type KeyObject} from 'node:crypto';
import {decodeBase64Strict} from './base64.js';
import {CryptoError} from './errors.js';
import {describeLabel, scopeOfLabel} from './scope.js';

const SESSION_KEY_BYTES = 32;
const TAG_BYTES = 16;
const ZERO_NONCE = Buffer.alloc(12);

export function sealedSecretsSeal(value: Uint8Array, label: string, publicKey: KeyObject): string {
  if (publicKey.asymmetricKeyType !== 'rsa') {
    throw new CryptoError('not-rsa', `sealed-secrets needs an RSA public key, this one is ${publicKey.asymmetricKeyType ?? publicKey.type}`);
  }
  const sessionKey = randomBytes(SESSION_KEY_BYTES);
  try {
    const rsa = publicEncrypt(
      {key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: Buffer.from(label, 'utf8')},
      sessionKey,
    );
    const cipher = createCipheriv('aes-256-gcm', sessionKey, ZERO_NONCE);
    const body = Buffer.concat([cipher.update(value), cipher.final(), cipher.getAuthTag()]);
    const len = Buffer.alloc(2);
    len.writeUInt16BE(rsa.length);
    return Buffer.concat([len, rsa, body]).toString('base64');
  } finally {
    sessionKey.fill(0);
  }
}

/**
 * Tries every key, like upstream HybridDecrypt does with the controller's key map. A wrong key
 * and a wrong label look the same to RSA-OAEP; when no key opens the value we look inside the
 * padding (see diagnose) to tell the user which of the two it was.
 */
/** The size of the value inside a sealed value, from its length alone: 2 + RSA part + value + GCM tag. */
export function sealedSecretsValueLength(sealed: string): number {
  const bytes = decodeBase64Strict(sealed, 'the sealed value');
  if (bytes.length < 2) throw new CryptoError('malformed', `the sealed value is ${bytes.length} byte(s): it is truncated`);
  return Math.max(0, bytes.length - 2 - bytes.readUInt16BE(0) - TAG_BYTES);
}

export function sealedSecretsOpen(sealed: string, label: string, privateKeys: KeyObject[]): Buffer {
  const bytes = decodeBase64Strict(sealed, 'the sealed value');
  if (bytes.length < 2) throw new CryptoError('malformed', `the sealed value is ${bytes.length} byte(s): it is truncated`);
  const rsaLen = bytes.readUInt16BE(0);
  if (bytes.length < 2 + rsaLen + TAG_BYTES) {
    throw new CryptoError('malformed', `the sealed value is ${bytes.length} bytes, too short for its ${rsaLen}-byte RSA part and the AES-GCM tag: it is truncated`);
  }
  const rsaPart = bytes.subarray(2, 2 + rsaLen);
  const aesPart = bytes.subarray(2 + rsaLen);
  const oaepLabel = Buffer.from(label, 'utf8');
  const rsaKeys = privateKeys.filter((k) => k.type === 'private' && k.asymmetricKeyType === 'rsa');
  if (rsaKeys.length === 0) throw new CryptoError('bad-key', 'no RSA private key was given to unseal with');

  for (const key of rsaKeys) {
    let sessionKey: Buffer;
    try {
      sessionKey = privateDecrypt({key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel}, rsaPart);
    } catch {
      continue;
    }
    try {
      // Go's aes.NewCipher takes 16, 24 or 32 bytes; kubeseal writes 32, but accept what upstream accepts.
      if (![16, 24, 32].includes(sessionKey.length)) {
        throw new CryptoError('malformed', `the sealed value carries a ${sessionKey.length}-byte session key; AES needs 16, 24 or 32`);
      }
      const decipher = createDecipheriv(`aes-${sessionKey.length * 8}-gcm` as 'aes-256-gcm', sessionKey, ZERO_NONCE);
      decipher.setAuthTag(aesPart.subarray(aesPart.length - TAG_BYTES));
      const head = decipher.update(aesPart.subarray(0, aesPart.length - TAG_BYTES));
      let tail: Buffer;
      try {
        tail = decipher.final();
      } catch {
        head.fill(0);
        throw new CryptoError('tampered', `the value's session key opened for ${describeLabel(label)}, but its AES-GCM data failed authentication: it was modified or corrupted`);
      }
      return Buffer.concat([head, tail]);
    } finally {
      sessionKey.fill(0);
    }
  }
  throw diagnose(rsaPart, label, rsaKeys);
}

function diagnose(rsaPart: Buffer, label: string, keys: KeyObject[]): CryptoError {
  const candidates = candidateLabels(label);
  let otherLabel = false;
  for (const key of keys) {
    const lHash = oaepLabelHash(rsaPart, key);
    if (!lHash) continue;
    const found = candidates.find((c) => createHash('sha256').update(c, 'utf8').digest().equals(lHash));
    if (found !== undefined) {
      return new CryptoError('wrong-label', `no key could decrypt it for ${describeLabel(label)}: it was sealed ${describeLabel(found)}`,
        'unseal it with the scope it was sealed for, or re-seal it');
    }
    otherLabel = true;
  }
  if (otherLabel) {
    return new CryptoError('wrong-label', `no key could decrypt it for ${describeLabel(label)}: a key matches, but it was sealed for another name or namespace`,
      'unseal it under the name and namespace it was sealed for, or re-seal it');
  }
  return new CryptoError('unknown-key', `no key could decrypt it for ${describeLabel(label)}: it was sealed with a key not among the ${keys.length} given, or its RSA part was modified`,
    'pass the controller\'s older keys too (--recovery-private-key, repeatable), or re-seal it');
}

// The labels a value for `label` is plausibly sealed with instead: the wider scopes of the
// same object. Anything else (another name, another namespace) cannot be guessed.
function candidateLabels(label: string): string[] {
  const s = scopeOfLabel(label);
  if (s.scope === 'strict') return ['', s.namespace!];
  if (s.scope === 'namespace-wide') return [''];
  return [];
}

/**
 * Undoes RSA and the OAEP masks (RFC 8017 section 7.1.2) by hand and returns the label hash
 * the value was padded with, or undefined if this key does not produce valid OAEP padding.
 * Only used for the error message after OpenSSL's own OAEP check has failed for every key;
 * this tool answers one local user, so the padding oracle this would be on a server is moot.
 */
function oaepLabelHash(rsaPart: Buffer, key: KeyObject): Buffer | undefined {
  const k = Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
  const hLen = 32;
  if (rsaPart.length !== k || k < 2 * hLen + 2) return undefined;
  let em: Buffer;
  try {
    em = privateDecrypt({key, padding: constants.RSA_NO_PADDING}, rsaPart);
  } catch {
    return undefined;
  }
  if (em.length !== k || em[0] !== 0) return undefined;
  const maskedSeed = em.subarray(1, 1 + hLen);
  const maskedDb = em.subarray(1 + hLen);
  const seed = xor(maskedSeed, mgf1(maskedDb, hLen));
  const db = xor(maskedDb, mgf1(seed, maskedDb.length));
  em.fill(0);
  let i = hLen;
  while (i < db.length && db[i] === 0) i++;
  const ok = i < db.length && db[i] === 1;
  const lHash = Buffer.from(db.subarray(0, hLen));
  db.fill(0);
  seed.fill(0);
  return ok ? lHash : undefined;
}

function mgf1(seed: Buffer, len: number): Buffer {
  const out: Buffer[] = [];
  const counter = Buffer.alloc(4);
  for (let c = 0, n = 0; n < len; c++, n += 32) {
    counter.writeUInt32BE(c);
    out.push(createHash('sha256').update(seed).update(counter).digest());
  }
  return Buffer.concat(out).subarray(0, len);
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}
