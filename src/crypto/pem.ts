// Key and certificate formats. nacl keys travel as standard PEM (X25519 SPKI / PKCS#8, RFC
// 8410) so openssl and other tools read them; Node's crypto does the ASN.1 and JWK gives us
// the raw 32 bytes tweetnacl wants. sealed-secrets keys are what the Bitnami controller
// publishes (a self-signed RSA certificate at /v1/cert.pem) and stores (a kubernetes.io/tls
// Secret whose tls.key is the RSA private key), as kubeseal --cert / --recovery-private-key.
import {X509Certificate, createHash, createPrivateKey, createPublicKey, type KeyObject} from 'node:crypto';
import nacl from 'tweetnacl';
import {parseManifests} from '../manifests/parse.js';
import {decodeBase64Strict} from './base64.js';
import {CryptoError} from './errors.js';
import type {NaclKeyPair} from './nacl.js';

const b64url = (b: Uint8Array): string => Buffer.from(b).toString('base64url');
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

function pemBlocks(text: string): {type: string; pem: string}[] {
  return [...text.matchAll(PEM_BLOCK)].map((m) => ({type: m[1]!, pem: m[0]}));
}

/** SubjectPublicKeyInfo of an X25519 key (RFC 8410) up to the key's 32 bytes. */
const SPKI_X25519 = Buffer.from('302a300506032b656e032100', 'hex');

/**
 * The SPKI PEM OpenSSL writes for the key, built from its bytes: the 44-byte DER is 60 base64
 * characters, one line. Every `seal` fills a SealingKey's PEM, and OpenSSL's encoder cost ~1 ms
 * of its start-up (test/unit/crypto/pem.test.ts compares both on random keys).
 */
export function naclPublicKeyToPem(pk: Uint8Array): string {
  if (pk.length !== 32) throw new CryptoError('bad-key', `an X25519 public key is 32 bytes, this one is ${pk.length}`);
  return `-----BEGIN PUBLIC KEY-----\n${Buffer.concat([SPKI_X25519, pk]).toString('base64')}\n-----END PUBLIC KEY-----\n`;
}

export function naclPrivateKeyToPem(sk: Uint8Array): string {
  if (sk.length !== 32) throw new CryptoError('bad-key', `an X25519 private key is 32 bytes, this one is ${sk.length}`);
  const pk = nacl.scalarMult.base(sk);
  return createPrivateKey({key: {kty: 'OKP', crv: 'X25519', x: b64url(pk), d: b64url(sk)}, format: 'jwk'}).export({type: 'pkcs8', format: 'pem'}) as string;
}

function rawX25519(key: KeyObject, part: 'x' | 'd'): Uint8Array {
  const jwk = key.export({format: 'jwk'});
  return new Uint8Array(Buffer.from(jwk[part]!, 'base64url'));
}

function keyTypeName(key: KeyObject): string {
  return key.asymmetricKeyType?.toUpperCase() ?? 'unknown';
}

export function parseNaclPublicKey(text: string): Uint8Array {
  const blocks = pemBlocks(text);
  if (blocks.length === 0) {
    let raw: Buffer;
    try {
      raw = decodeBase64Strict(text.trim(), 'the public key');
    } catch {
      throw new CryptoError('bad-key', 'the public key is neither a PEM "PUBLIC KEY" nor the base64 of 32 raw bytes');
    }
    if (raw.length !== 32) throw new CryptoError('bad-key', `a raw X25519 public key is 32 bytes, this base64 holds ${raw.length}`);
    return new Uint8Array(raw);
  }
  const block = blocks.find((b) => b.type === 'PUBLIC KEY');
  if (!block) {
    throw new CryptoError('bad-key', `expected a PEM "PUBLIC KEY" (X25519), found ${blocks.map((b) => `"${b.type}"`).join(', ')}`,
      blocks.some((b) => b.type === 'CERTIFICATE') ? 'a certificate is for the sealed-secrets scheme (--scheme sealed-secrets)' : undefined);
  }
  return rawX25519(x25519Key(block.pem, 'public'), 'x');
}

export function parseNaclPrivateKey(text: string): NaclKeyPair {
  const block = pemBlocks(text).find((b) => b.type === 'PRIVATE KEY');
  if (!block) throw new CryptoError('bad-key', 'expected a PEM "PRIVATE KEY" (X25519, PKCS#8)');
  const key = x25519Key(block.pem, 'private');
  return {publicKey: rawX25519(key, 'x'), secretKey: rawX25519(key, 'd')};
}

/** The key of a PEM "PUBLIC KEY" or "PRIVATE KEY" block, which must be X25519. */
function x25519Key(pem: string, which: 'public' | 'private'): KeyObject {
  let key: KeyObject;
  try {
    key = which === 'public' ? createPublicKey(pem) : createPrivateKey(pem);
  } catch {
    throw new CryptoError('bad-key', `the PEM "${which.toUpperCase()} KEY" could not be parsed`);
  }
  if (key.asymmetricKeyType !== 'x25519') throw new CryptoError('bad-key', `the ${which} key is ${keyTypeName(key)}, the nacl scheme needs X25519`);
  return key;
}

export interface ParsedCert {
  publicKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  /** SHA-256 of the certificate's DER, lowercase hex. */
  fingerprint: string;
  subject: string;
}

export function parseSealingCert(pem: string, now: Date = new Date()): ParsedCert {
  const block = pemBlocks(pem).find((b) => b.type === 'CERTIFICATE');
  if (!block) throw new CryptoError('bad-key', 'expected a PEM "CERTIFICATE" (the sealed-secrets controller\'s certificate)');
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(block.pem);
  } catch {
    throw new CryptoError('bad-key', 'the PEM "CERTIFICATE" could not be parsed');
  }
  const publicKey = cert.publicKey;
  if (publicKey.asymmetricKeyType !== 'rsa') {
    throw new CryptoError('not-rsa', `the certificate's key is ${keyTypeName(publicKey)}; sealed-secrets needs an RSA certificate`);
  }
  const notBefore = certTime(cert.validFromDate, cert.validFrom);
  const notAfter = certTime(cert.validToDate, cert.validTo);
  if (now.getTime() > notAfter.getTime()) {
    throw new CryptoError('expired', `the sealing certificate expired on ${notAfter.toISOString()}`,
      'fetch the controller\'s current certificate (kubectl secret cert) and seal again');
  }
  if (now.getTime() < notBefore.getTime()) {
    throw new CryptoError('expired', `the sealing certificate is not valid until ${notBefore.toISOString()}`, 'check the system clock');
  }
  return {
    publicKey,
    notBefore,
    notAfter,
    fingerprint: createHash('sha256').update(cert.raw).digest('hex'),
    subject: cert.subject,
  };
}

/**
 * A validity time as a Date. A time OpenSSL cannot read gives an Invalid Date (or none, on a
 * Node without validToDate), which no comparison is true of: such a certificate would pass as
 * valid, so it is refused. Node 24 does not always give an Invalid Date then: the Date can be
 * built from memory OpenSSL never wrote (year 189324: 4 of 12 runs of the test on one
 * build), so the text OpenSSL prints for the same time ("Bad time value") must say the same date.
 */
function certTime(date: Date | undefined, text: string): Date {
  if (!(date instanceof Date) || Number.isNaN(date.getTime()) || Date.parse(text) !== date.getTime()) {
    throw new CryptoError('bad-key', 'the certificate\'s validity dates could not be read', 'fetch the controller\'s current certificate (kubectl secret cert)');
  }
  return date;
}

function rsaPrivateKey(pem: string, where: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new CryptoError('bad-key', `${where}: the private key could not be parsed (encrypted keys are not supported)`);
  }
  if (key.asymmetricKeyType !== 'rsa') throw new CryptoError('bad-key', `${where}: the private key is ${keyTypeName(key)}, sealed-secrets needs RSA`);
  return key;
}

export function parseRsaPrivateKeys(text: string): KeyObject[] {
  const blocks = pemBlocks(text).filter((b) => b.type === 'PRIVATE KEY' || b.type === 'RSA PRIVATE KEY');
  if (blocks.length > 0) return blocks.map((b, i) => rsaPrivateKey(b.pem, `private key ${i + 1}`));
  if (/-----BEGIN /.test(text)) throw new CryptoError('bad-key', 'expected a PEM "RSA PRIVATE KEY" or "PRIVATE KEY"');

  let objects;
  try {
    objects = parseManifests(text, 'private key file');
  } catch {
    throw new CryptoError('bad-key', 'the private key file is neither PEM nor the controller\'s key Secret as YAML or JSON');
  }
  const keys: KeyObject[] = [];
  for (const {object} of objects) {
    if (object.kind !== 'Secret') continue;
    const where = `Secret ${object.metadata?.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata?.name ?? '(unnamed)'}`;
    const tlsKey = object.data?.['tls.key'];
    if (typeof tlsKey !== 'string') continue;
    let pem: string;
    try {
      pem = decodeBase64Strict(tlsKey, `${where} tls.key`).toString('utf8');
    } catch {
      throw new CryptoError('bad-key', `${where}: data."tls.key" is not valid base64`);
    }
    keys.push(rsaPrivateKey(pem, where));
  }
  if (keys.length === 0) throw new CryptoError('bad-key', 'no private key found: expected a PEM RSA key, or Secrets with data."tls.key"');
  return keys;
}

export type CertKind = 'rsa-cert' | 'nacl-public-key';

export function detectKeyKind(text: string): CertKind {
  const blocks = pemBlocks(text);
  if (blocks.length === 0) {
    parseNaclPublicKey(text);
    return 'nacl-public-key';
  }
  if (blocks.some((b) => b.type === 'CERTIFICATE')) {
    const block = blocks.find((b) => b.type === 'CERTIFICATE')!;
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(block.pem);
    } catch {
      throw new CryptoError('bad-key', 'the PEM "CERTIFICATE" could not be parsed');
    }
    if (cert.publicKey.asymmetricKeyType === 'rsa') return 'rsa-cert';
    throw new CryptoError('not-rsa', `the certificate's key is ${keyTypeName(cert.publicKey)}; sealed-secrets needs an RSA certificate`);
  }
  const pub = blocks.find((b) => b.type === 'PUBLIC KEY');
  if (pub) {
    let key: KeyObject;
    try {
      key = createPublicKey(pub.pem);
    } catch {
      throw new CryptoError('bad-key', 'the PEM "PUBLIC KEY" could not be parsed');
    }
    if (key.asymmetricKeyType === 'x25519') return 'nacl-public-key';
    if (key.asymmetricKeyType === 'rsa') {
      throw new CryptoError('bad-key', 'this is a bare RSA public key; sealed-secrets needs the controller\'s certificate', 'fetch it with kubectl secret cert');
    }
    throw new CryptoError('bad-key', `the public key is ${keyTypeName(key)}; use an RSA certificate (sealed-secrets) or an X25519 key (nacl)`);
  }
  throw new CryptoError('bad-key', `expected a PEM "CERTIFICATE" or "PUBLIC KEY", found ${blocks.map((b) => `"${b.type}"`).join(', ')}`);
}
