// Opening sealed objects back into Secrets, for `unseal`, `apply`, `verify`, `reencrypt` and
// `diff`. Errors say which key of which object failed and what it was sealed for; never a value.
import {InputError} from '../errors.js';
import {CryptoError, naclOpen, naclValueLength, sealLabel, sealedSecretsOpen, sealedSecretsValueLength, type NaclKeyPair} from '../crypto/index.js';
import {BITNAMI_CLUSTER_WIDE, BITNAMI_NAMESPACE_WIDE, KS_SCOPE, schemeOf, sealedIdentity, type Scheme} from './sealed-object.js';
import type {KeyObject} from 'node:crypto';
import type {KubeObject} from '../manifests/parse.js';
import type {SecretModel} from '../manifests/secret.js';

export interface OpeningKeys {
  nacl: NaclKeyPair[];
  rsa: KeyObject[];
}

const SCOPE_ANNOTATIONS = new Set([KS_SCOPE, BITNAMI_CLUSTER_WIDE, BITNAMI_NAMESPACE_WIDE]);

function describe(o: KubeObject): string {
  const id = sealedIdentity(o);
  return `SealedSecret ${id.namespace ? id.namespace + '/' : ''}${id.name ?? '(unnamed)'}`;
}

/** Opens every value of a sealed object and returns the Secret the controller would create. */
export function unsealObject(o: KubeObject, keys: OpeningKeys, where = ''): SecretModel {
  const scheme = schemeOf(o);
  if (!scheme) throw new InputError(`${where}${o.kind ?? 'object'} ${o.metadata?.name ?? ''} is not a SealedSecret of either scheme`, 'pass a file produced by `kubectl secret seal` or kubeseal');
  const id = sealedIdentity(o);
  if (!id.name) throw new InputError(`${where}the SealedSecret has no name`);
  if (id.scope !== 'cluster-wide' && !id.namespace) {
    throw new InputError(`${where}${describe(o)} has no namespace, which scope ${id.scope} needs`, 'set metadata.namespace to the namespace it was sealed for');
  }
  const label = sealLabel(id.scope, id.namespace, id.name);
  const values = new Map<string, Buffer>();
  for (const [k, v] of Object.entries<string>(o.spec?.encryptedData ?? {})) {
    try {
      values.set(k, scheme === 'nacl' ? openNacl(v, keys.nacl, label) : openBitnami(v, label, keys.rsa));
    } catch (error) {
      // Keep the reason: the controller reports it as the Synced condition's reason.
      if (error instanceof CryptoError) throw new CryptoError(error.reason, `${where}${describe(o)} key "${k}": ${error.message}`, hintFor(error.reason, scheme));
      throw error;
    }
  }
  const t = o.spec?.template ?? {};
  const annotations = Object.fromEntries(Object.entries<string>(t.metadata?.annotations ?? {}).filter(([a]) => !SCOPE_ANNOTATIONS.has(a)));
  // Bitnami lets a template carry extra plaintext `data` (non-secret config); keep it.
  for (const [k, v] of Object.entries<string>(t.data ?? {})) if (!values.has(k) && typeof v === 'string') values.set(k, Buffer.from(v, 'utf8'));
  return {name: id.name, namespace: id.namespace, labels: {...(t.metadata?.labels ?? {})}, annotations, type: t.type, immutable: t.immutable, values};
}

/**
 * The size of a sealed value's plaintext, from its length alone (no key). A value too damaged to
 * tell counts as empty: opening it reports the damage.
 */
export function sealedValueLength(scheme: Scheme, v: unknown, label: string): number {
  if (typeof v !== 'string') return 0;
  try {
    return scheme === 'nacl' ? naclValueLength(v, label) : sealedSecretsValueLength(v);
  } catch {
    return 0;
  }
}

/** The bytes of data the Secret of a sealed object will hold (its template's plain `data` included). */
export function sealedDataSize(o: KubeObject): number {
  const scheme = schemeOf(o);
  if (!scheme) return 0;
  const id = sealedIdentity(o);
  let label: string;
  try {
    label = sealLabel(id.scope, id.namespace, id.name);
  } catch {
    return 0;
  }
  const enc = o.spec?.encryptedData ?? {};
  let n = 0;
  for (const v of Object.values<unknown>(enc)) n += sealedValueLength(scheme, v, label);
  for (const [k, v] of Object.entries<unknown>(o.spec?.template?.data ?? {})) if (!(k in enc) && typeof v === 'string') n += Buffer.byteLength(v, 'utf8');
  return n;
}

function openNacl(v: string, keys: NaclKeyPair[], label: string): Buffer {
  if (keys.length === 0) throw new CryptoError('unknown-key', 'no nacl private key was given');
  return naclOpen(v, keys, label).value;
}

function openBitnami(v: string, label: string, rsa: KeyObject[]): Buffer {
  if (rsa.length === 0) throw new CryptoError('unknown-key', 'no Sealed Secrets private key was given (--recovery-private-key)');
  return sealedSecretsOpen(v, label, rsa);
}

function hintFor(reason: string, scheme: string): string {
  switch (reason) {
    case 'unknown-key':
      return scheme === 'nacl' ? 'pass the right --key FILE, or run where you may read the cluster\'s sealing keys' : 'pass the controller\'s private key with --recovery-private-key';
    case 'wrong-label':
      return 'seal it again for this name and namespace, or restore the name/namespace it was sealed for';
    case 'tampered':
      return 'the ciphertext was changed or corrupted: seal the value again';
    default:
      return 'seal the value again';
  }
}
