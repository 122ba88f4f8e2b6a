// Pure comparison of two Secrets, key by key and field by field. The direction is kubectl
// diff's: `from` is what is there now (the live object), `to` is what it would become (the
// file, or the other cluster/namespace); `added` means present only in `to`. Values are
// compared byte for byte and kept only so that --show-values can print them; no digest of a
// value is ever computed, since a short password's hash is as good as the password.
import type {SecretModel} from '../manifests/secret.js';

export type KeyState = 'added' | 'removed' | 'changed' | 'same' | 'resealed';

export interface KeyDiff {
  key: string;
  state: KeyState;
  /** The value on each side; only ever printed with --show-values. */
  from?: Buffer;
  to?: Buffer;
}

export type MetaField = 'type' | 'immutable' | 'label' | 'annotation';

export interface MetaDiff {
  field: MetaField;
  /** The label or annotation key; absent for type and immutable. */
  name?: string;
  state: Exclude<KeyState, 'same' | 'resealed'>;
  from?: string;
  to?: string;
  /** kubectl-secret's own bookkeeping (rotate's annotations): shown as a note, never drift. */
  bookkeeping?: true;
}

/**
 * Annotations that are not part of what a user declares, or that carry plaintext: kubectl's
 * last-applied copy holds the whole Secret, values included, so it is neither compared nor printed.
 */
export const IGNORED_ANNOTATIONS = new Set(['kubectl.kubernetes.io/last-applied-configuration']);

const OWN_PREFIX = 'kubectl-secret.dev/';
/** The scope a value was sealed for is part of what the file declares, not bookkeeping. */
const DECLARED_OWN = new Set([`${OWN_PREFIX}scope`]);

/**
 * Annotations kubectl-secret writes on live objects for itself (rotate's rotated-at and
 * rotated-keys, the controller's managed marker): a file in git never carries them, so a
 * difference in them is a note, not drift.
 */
export function isBookkeeping(annotation: string): boolean {
  return annotation.startsWith(OWN_PREFIX) && !DECLARED_OWN.has(annotation);
}

/** The API server defaults an empty type to Opaque (pkg/apis/core/v1/defaults.go SetDefaults_Secret). */
export function effectiveType(type: string | undefined): string {
  return type || 'Opaque';
}

export function compareValues(from: Map<string, Buffer> | undefined, to: Map<string, Buffer> | undefined): KeyDiff[] {
  const keys = new Set([...(from?.keys() ?? []), ...(to?.keys() ?? [])]);
  return [...keys].sort().map((key): KeyDiff => {
    const a = from?.get(key);
    const b = to?.get(key);
    if (a === undefined) return {key, state: 'added', to: b};
    if (b === undefined) return {key, state: 'removed', from: a};
    return {key, state: a.equals(b) ? 'same' : 'changed', from: a, to: b};
  });
}

/** `compareSecrets(local, live)`: what applying `local` over `live` would change, per key. */
export function compareSecrets(local: SecretModel | undefined, live: SecretModel | undefined): KeyDiff[] {
  return compareValues(live?.values, local?.values);
}

function compareMap(field: 'label' | 'annotation', from: Record<string, string>, to: Record<string, string>): MetaDiff[] {
  const out: MetaDiff[] = [];
  const names = new Set([...Object.keys(from), ...Object.keys(to)]);
  for (const name of [...names].sort()) {
    if (field === 'annotation' && IGNORED_ANNOTATIONS.has(name)) continue;
    const a = from[name];
    const b = to[name];
    if (a === b) continue;
    out.push({field, name, state: a === undefined ? 'added' : b === undefined ? 'removed' : 'changed', from: a, to: b, ...(field === 'annotation' && isBookkeeping(name) ? {bookkeeping: true as const} : {})});
  }
  return out;
}

/** Differences in type, immutability, labels and annotations (not values). */
export function compareMetadata(local: SecretModel, live: SecretModel): MetaDiff[] {
  const out: MetaDiff[] = [];
  const [from, to] = [effectiveType(live.type), effectiveType(local.type)];
  if (from !== to) out.push({field: 'type', state: 'changed', from, to});
  if (Boolean(live.immutable) !== Boolean(local.immutable)) out.push({field: 'immutable', state: 'changed', from: String(Boolean(live.immutable)), to: String(Boolean(local.immutable))});
  out.push(...compareMap('label', live.labels, local.labels), ...compareMap('annotation', live.annotations, local.annotations));
  return out;
}

/**
 * Sealed values cannot be compared by content without the private key: a byte-identical
 * ciphertext is the same value, anything else is `resealed` (the value may or may not differ,
 * since sealing is randomized).
 */
export function compareCiphertexts(fileData: Record<string, string>, liveData: Record<string, string> | undefined): KeyDiff[] {
  const keys = new Set([...Object.keys(fileData), ...Object.keys(liveData ?? {})]);
  return [...keys].sort().map((key): KeyDiff => {
    const a = liveData?.[key];
    const b = fileData[key];
    if (a === undefined) return {key, state: 'added'};
    if (b === undefined) return {key, state: 'removed'};
    return {key, state: a === b ? 'same' : 'resealed'};
  });
}

export function hasDifferences(keys: KeyDiff[], meta: MetaDiff[] = []): boolean {
  return meta.some((m) => !m.bookkeeping) || keys.some((k) => k.state !== 'same');
}
