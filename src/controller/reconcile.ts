// One SealedSecret, the opening keys and the Secret that exists now → what the controller does:
// create, update, replace or leave the Secret, or refuse with a reason. Pure, so every rule is
// tested offline. The rules follow Bitnami's controller (pkg/controller/controller.go:
// unseal, then create or update a Secret it controls, refuse one it does not), with our scope
// check done by src/seal/unseal.ts and our opt-in annotation on the SealedSecret.
import {CryptoError, naclOpen, sealLabel, type CryptoErrorReason, type NaclKeyPair} from '../crypto/index.js';
import {KS_API_VERSION, sealedIdentity, schemeOf} from '../seal/sealed-object.js';
import {unsealObject} from '../seal/unseal.js';
import type {KubeObject} from '../manifests/parse.js';

/** On a SealedSecret: it may take over a Secret of the same name that it does not own. */
export const MANAGED_ANNOTATION = 'kubectl-secret.dev/managed';

/**
 * The fieldManager of the controller's Secret writes. The API server records under it the
 * labels and annotations the controller set (metadata.managedFields), which is how it knows
 * which keys are its own to remove when the template drops them; keys a policy, a webhook or
 * another controller added are never its to touch.
 */
export const FIELD_MANAGER = 'kubectl-secret-controller';

/** Condition reasons (metav1.Condition's CamelCase), also the `reason` label of the failure metric. */
export type FailureReason =
  | 'UnknownKey'
  | 'Tampered'
  | 'WrongScope'
  | 'Malformed'
  | 'UnsupportedVersion'
  | 'DecryptFailed'
  | 'NotOwned'
  | 'WriteFailed';

export interface SyncFailure {
  reason: FailureReason;
  message: string;
}

export type ReconcileResult =
  | {ok: true; action: 'create' | 'update' | 'replace' | 'none'; secret: KubeObject}
  | {ok: false; failure: SyncFailure};

const REASONS: Partial<Record<CryptoErrorReason, FailureReason>> = {
  'unknown-key': 'UnknownKey',
  tampered: 'Tampered',
  'wrong-label': 'WrongScope',
  malformed: 'Malformed',
  'unsupported-version': 'UnsupportedVersion',
};

export function reconcile(sealed: KubeObject, keys: NaclKeyPair[], existing: KubeObject | undefined): ReconcileResult {
  let desired: KubeObject;
  try {
    desired = desiredSecret(sealed, keys);
  } catch (error) {
    return {ok: false, failure: {reason: failureReason(sealed, keys), message: (error as Error).message}};
  }
  if (!existing) return {ok: true, action: 'create', secret: desired};
  const uid = sealed.metadata?.uid;
  const ref = controllerRef(existing);
  const owned = ref !== undefined && uid !== undefined && ref.uid === uid;
  if (!owned) {
    const optedIn = sealed.metadata?.annotations?.[MANAGED_ANNOTATION] === 'true';
    if (!optedIn || (ref && !isOurKind(ref))) {
      const by = ref ? `it is controlled by ${ref.kind} ${ref.name}` : 'it was not created by this controller';
      return {ok: false, failure: {reason: 'NotOwned', message: `Secret ${existing.metadata?.name} already exists and ${by}; refusing to overwrite it${ref && !isOurKind(ref) ? '' : ` (annotate the SealedSecret ${MANAGED_ANNOTATION}: "true" to take it over)`}`}};
    }
  }
  // Only the keys the template sets, and those this controller set before, are managed here.
  const labels = mergeManaged(existing.metadata?.labels, desired.metadata?.labels, managedKeys(existing, 'labels'));
  const annotations = mergeManaged(existing.metadata?.annotations, desired.metadata?.annotations, managedKeys(existing, 'annotations'));
  if (owned && sameContent(existing, {...desired, metadata: {...desired.metadata, labels, annotations}})) return {ok: true, action: 'none', secret: existing};
  // Secret.type is immutable, and so is everything of an immutable Secret
  // (pkg/apis/core/validation ValidateSecretUpdate): such a change needs a new object.
  if (existing.immutable === true || typeOf(existing) !== typeOf(desired)) return {ok: true, action: 'replace', secret: desired};
  const next: KubeObject = {
    ...existing,
    metadata: {
      ...existing.metadata,
      labels,
      annotations,
      ownerReferences: [...(existing.metadata?.ownerReferences ?? []).filter((r: any) => !r.controller), ...desired.metadata!.ownerReferences],
    },
    data: desired.data,
  };
  for (const k of ['labels', 'annotations'] as const) if (next.metadata![k] === undefined) delete next.metadata![k];
  delete next.stringData;
  if (desired.immutable === undefined) delete next.immutable;
  else next.immutable = desired.immutable;
  return {ok: true, action: 'update', secret: next};
}

/** The Secret a SealedSecret stands for; throws (with a message naming keys, never values) when it cannot be opened. */
export function desiredSecret(sealed: KubeObject, keys: NaclKeyPair[]): KubeObject {
  const model = unsealObject(sealed, {nacl: keys, rsa: []});
  const data: Record<string, string> = {};
  for (const [k, v] of model.values) data[k] = v.toString('base64');
  const metadata: Record<string, any> = {name: model.name, namespace: sealed.metadata?.namespace};
  if (Object.keys(model.labels).length) metadata.labels = model.labels;
  if (Object.keys(model.annotations).length) metadata.annotations = model.annotations;
  metadata.ownerReferences = [{apiVersion: KS_API_VERSION, kind: 'SealedSecret', name: sealed.metadata?.name, uid: sealed.metadata?.uid, controller: true}];
  const secret: KubeObject = {apiVersion: 'v1', kind: 'Secret', metadata, type: model.type ?? 'Opaque', data};
  if (model.immutable !== undefined) secret.immutable = model.immutable;
  return secret;
}

/**
 * unsealObject reports what went wrong as a message; the condition and the metric need the
 * crypto reason, so the failing value is opened once more here (failures only).
 */
export function failureReason(sealed: KubeObject, keys: NaclKeyPair[]): FailureReason {
  if (schemeOf(sealed) !== 'nacl') return 'Malformed';
  const id = sealedIdentity(sealed);
  let label: string;
  try {
    label = sealLabel(id.scope, id.namespace, id.name);
  } catch {
    return 'Malformed';
  }
  for (const v of Object.values<unknown>(sealed.spec?.encryptedData ?? {})) {
    try {
      if (typeof v !== 'string') return 'Malformed';
      if (keys.length === 0) return 'UnknownKey';
      naclOpen(v, keys, label);
    } catch (error) {
      if (error instanceof CryptoError) return REASONS[error.reason] ?? 'DecryptFailed';
      return 'DecryptFailed';
    }
  }
  return 'DecryptFailed';
}

/** Label or annotation keys this controller's field manager owns on the Secret (metadata.managedFields, FieldsV1). */
export function managedKeys(secret: KubeObject, field: 'labels' | 'annotations'): Set<string> {
  const out = new Set<string>();
  for (const e of secret.metadata?.managedFields ?? []) {
    if (e?.manager !== FIELD_MANAGER) continue;
    const owned = e.fieldsV1?.['f:metadata']?.[`f:${field}`];
    if (owned && typeof owned === 'object') for (const k of Object.keys(owned)) if (k.startsWith('f:')) out.add(k.slice(2));
  }
  return out;
}

/** The live map with the template's keys set and the keys this controller set before, but the template no longer does, removed. */
function mergeManaged(live: Record<string, string> | undefined, template: Record<string, string> | undefined, mine: Set<string>): Record<string, string> | undefined {
  const out: Record<string, string> = {...live};
  for (const k of mine) if (!template || !(k in template)) delete out[k];
  Object.assign(out, template);
  return Object.keys(out).length ? out : undefined;
}

function controllerRef(o: KubeObject): {apiVersion?: string; kind?: string; name?: string; uid?: string} | undefined {
  return (o.metadata?.ownerReferences ?? []).find((r: any) => r?.controller === true);
}

function isOurKind(ref: {apiVersion?: string; kind?: string}): boolean {
  return ref.apiVersion === KS_API_VERSION && ref.kind === 'SealedSecret';
}

function typeOf(s: KubeObject): string {
  return s.type || 'Opaque';
}

function sameContent(existing: KubeObject, desired: KubeObject): boolean {
  return typeOf(existing) === typeOf(desired)
    && (existing.immutable ?? undefined) === (desired.immutable ?? undefined)
    && sameMap(existing.data, desired.data)
    && sameMap(existing.metadata?.labels, desired.metadata?.labels)
    && sameMap(existing.metadata?.annotations, desired.metadata?.annotations)
    && existing.stringData === undefined;
}

function sameMap(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ka = Object.keys(a ?? {});
  const kb = Object.keys(b ?? {});
  return ka.length === kb.length && ka.every((k) => b?.[k] === a?.[k]);
}
