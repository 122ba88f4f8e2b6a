// A public key to seal with, for either scheme, and where it comes from: --cert (a file or
// URL), or the cluster (our public-key ConfigMap, or the Bitnami controller's cert endpoint).
import {readFileSync} from 'node:fs';
import {InputError} from '../errors.js';
import {detectKeyKind, naclKeyId, naclPublicKeyToPem, naclSeal, parseNaclPublicKey, parseSealingCert, sealedSecretsSeal} from '../crypto/index.js';
import type {KeyObject} from 'node:crypto';
import type {Scheme} from './sealed-object.js';

export type SealingKey =
  | {scheme: 'sealed-secrets'; publicKey: KeyObject; fingerprint: string; notAfter: Date; pem: string; source: string}
  | {scheme: 'nacl'; publicKey: Uint8Array; keyId: string; pem: string; source: string};

export function sealValue(key: SealingKey, value: Uint8Array, label: string): string {
  return key.scheme === 'nacl' ? naclSeal(value, label, key.publicKey) : sealedSecretsSeal(value, label, key.publicKey);
}

/** Parses a certificate or public key; the key's type decides the scheme unless one is forced. */
export function sealingKeyFromText(text: string, source: string, scheme?: Scheme, now = new Date()): SealingKey {
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
    throw new InputError(`cannot read --cert ${arg}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`, 'pass the path of a PEM certificate or public key');
  }
}
