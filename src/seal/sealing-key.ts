// A public key to seal with, for either scheme, and where it comes from: --cert (a file or
// URL), or the cluster (our public-key ConfigMap, or the Bitnami controller's cert endpoint).
import {readFileSync} from 'node:fs';
import {InputError} from '../errors.js';
import {CryptoError} from '../crypto/errors.js';
import {detectKeyKind, naclKeyId, naclPublicKeyToPem, naclSeal, parseNaclPublicKey, parseSealingCert, sealedSecretsSeal} from '../crypto/index.js';
import type {KeyObject} from 'node:crypto';
import type {Scheme} from './sealed-object.js';
import {fileError} from '../io/file-error.js';

export type SealingKey =
  | {scheme: 'sealed-secrets'; publicKey: KeyObject; fingerprint: string; notAfter: Date; pem: string; source: string}
  | {scheme: 'nacl'; publicKey: Uint8Array; keyId: string; pem: string; source: string};

export function sealValue(key: SealingKey, value: Uint8Array, label: string): string {
  return key.scheme === 'nacl' ? naclSeal(value, label, key.publicKey) : sealedSecretsSeal(value, label, key.publicKey);
}

/** Parses a certificate or public key; the key's type decides the scheme unless one is forced. */
export function sealingKeyFromText(text: string, source: string, scheme?: Scheme, now = new Date()): SealingKey {
  try {
    return parseSealingKey(text, source, scheme, now);
  } catch (error) {
    if (!(error instanceof CryptoError) || error.reason !== 'bad-key') throw error;
    throw new InputError(`${source}: ${whatItIs(text, error.message)}`, CERT_EXPECTED);
  }
}

const CERT_EXPECTED = 'expected a Sealed Secrets certificate (kubectl secret cert --scheme sealed-secrets) or a nacl public key (kubectl secret keys export)';

/** What a --cert file holds instead of a certificate or public key, in words. */
function whatItIs(text: string, reason: string): string {
  if (text.trim() === '') return 'the file is empty';
  const types = [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----/g)].map((m) => m[1]!);
  if (types.length === 0) return 'not PEM (no -----BEGIN block) and not the base64 of a 32-byte key';
  // A certificate or public key block that did not parse, or of another algorithm: say which.
  if (types.includes('CERTIFICATE') || types.includes('PUBLIC KEY')) return reason;
  return `neither an RSA certificate nor an X25519 public key (it holds ${[...new Set(types)].map((t) => `"${t}"`).join(', ')})`;
}

function parseSealingKey(text: string, source: string, scheme: Scheme | undefined, now: Date): SealingKey {
  if (text.trim() === '') throw new InputError(`${source}: the file is empty`, CERT_EXPECTED);
  const kind = detectKeyKind(text);
  const inferred: Scheme = kind === 'rsa-cert' ? 'sealed-secrets' : 'nacl';
  if (scheme && scheme !== inferred) {
    throw new InputError(`${source} is ${kind === 'rsa-cert' ? 'an RSA certificate (sealed-secrets scheme)' : 'an X25519 public key (nacl scheme)'}, but --scheme ${scheme} was given`, `drop --scheme, or pass a ${scheme === 'nacl' ? 'nacl public key (kubectl secret keys export)' : 'Sealed Secrets certificate (kubectl secret cert --scheme sealed-secrets)'}`);
  }
  if (inferred === 'sealed-secrets') {
    const cert = parseSealingCert(text, now);
    return {scheme: 'sealed-secrets', publicKey: cert.publicKey, fingerprint: cert.fingerprint, notAfter: cert.notAfter, pem: text, source};
  }
  const pk = parseNaclPublicKey(text);
  return {scheme: 'nacl', publicKey: pk, keyId: naclKeyId(pk), pem: naclPublicKeyToPem(pk), source};
}

/** --cert FILE|URL, as kubeseal accepts. */
export async function readCertArgument(arg: string, timeoutMs = 30_000): Promise<string> {
  if (/^https?:\/\//i.test(arg)) {
    let res: Response;
    try {
      res = await fetch(arg, {signal: AbortSignal.timeout(timeoutMs)});
    } catch (error) {
      throw new InputError(`cannot fetch the certificate from ${arg}: ${(error as {cause?: {code?: string}}).cause?.code ?? (error as Error).message}`, 'check the URL, or download the certificate and pass the file to --cert');
    }
    if (!res.ok) throw new InputError(`cannot fetch the certificate from ${arg}: HTTP ${res.status}`, 'check the URL, or pass a local file to --cert');
    return res.text();
  }
  try {
    return readFileSync(arg, 'utf8');
  } catch (error) {
    throw fileError(error, arg, '--cert');
  }
}
