// The SealedSecret objects of both schemes: how they are built from a Secret, and how their
// scope and template are read back. The byte formats live in src/crypto; this is the object
// layer around them (Bitnami's pkg/apis/sealedsecrets/v1alpha1 for the sealed-secrets shape).
import type {Scope} from '../crypto/scope.js';
import type {KubeObject} from '../manifests/parse.js';
import type {SecretModel} from '../manifests/secret.js';

export type Scheme = 'sealed-secrets' | 'nacl';
export const SCHEMES: readonly Scheme[] = ['sealed-secrets', 'nacl'];

export const BITNAMI_API_VERSION = 'bitnami.com/v1alpha1';
export const KS_API_VERSION = 'kubectl-secret.dev/v1alpha1';
export const BITNAMI_NAMESPACE_WIDE = 'sealedsecrets.bitnami.com/namespace-wide';
export const BITNAMI_CLUSTER_WIDE = 'sealedsecrets.bitnami.com/cluster-wide';
export const KS_SCOPE = 'kubectl-secret.dev/scope';

/** Never copied into a sealed object: it holds the plaintext of the whole Secret. */
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** kubecfg's copy of the same; kubeseal strips both (StripLastAppliedAnnotations in sealedsecret_expansion.go). */
export const KUBECFG_LAST_APPLIED = 'kubecfg.ksonnet.io/last-applied-configuration';

export function schemeOf(o: KubeObject): Scheme | undefined {
  if (o?.kind !== 'SealedSecret') return undefined;
  if (o.apiVersion === BITNAMI_API_VERSION) return 'sealed-secrets';
  if (o.apiVersion === KS_API_VERSION) return 'nacl';
  return undefined;
}

/** The scope an input asks for through either scheme's annotations, if any. */
export function scopeFromAnnotations(a: Record<string, string> | undefined): Scope | undefined {
  if (!a) return undefined;
  const ks = a[KS_SCOPE];
  if (ks === 'strict' || ks === 'namespace-wide' || ks === 'cluster-wide') return ks;
  if (a[BITNAMI_CLUSTER_WIDE] === 'true') return 'cluster-wide';
  if (a[BITNAMI_NAMESPACE_WIDE] === 'true') return 'namespace-wide';
  return undefined;
}

export function scopeAnnotations(scheme: Scheme, scope: Scope): Record<string, string> {
  if (scheme === 'nacl') return {[KS_SCOPE]: scope};
  if (scope === 'namespace-wide') return {[BITNAMI_NAMESPACE_WIDE]: 'true'};
  if (scope === 'cluster-wide') return {[BITNAMI_CLUSTER_WIDE]: 'true'};
  return {};
}

/** Annotations copied to the sealed object: the Secret's own, minus plaintext carriers and stale scope marks. */
function copiedAnnotations(a: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(a)) {
    if (k === LAST_APPLIED || k === KUBECFG_LAST_APPLIED || k === KS_SCOPE || k === BITNAMI_CLUSTER_WIDE || k === BITNAMI_NAMESPACE_WIDE) continue;
    out[k] = v;
  }
  return out;
}

/** Builds the sealed object. `encryptedData` keys are in the Secret's key order. */
export function buildSealedObject(secret: SecretModel, scheme: Scheme, scope: Scope, encryptedData: Record<string, string>): KubeObject {
  const annotations = {...copiedAnnotations(secret.annotations), ...scopeAnnotations(scheme, scope)};
  const metadata: Record<string, any> = {name: secret.name};
  if (secret.namespace) metadata.namespace = secret.namespace;
  if (Object.keys(annotations).length) metadata.annotations = annotations;
  const templateMeta: Record<string, any> = {name: secret.name};
  if (secret.namespace) templateMeta.namespace = secret.namespace;
  if (Object.keys(secret.labels).length) templateMeta.labels = {...secret.labels};
  if (Object.keys(annotations).length) templateMeta.annotations = {...annotations};
  const template: Record<string, any> = {metadata: templateMeta};
  if (secret.type) template.type = secret.type;
  if (secret.immutable !== undefined) template.immutable = secret.immutable;
  if (Object.keys(secret.labels).length) metadata.labels = {...secret.labels};
  return {
    apiVersion: scheme === 'nacl' ? KS_API_VERSION : BITNAMI_API_VERSION,
    kind: 'SealedSecret',
    metadata,
    spec: {encryptedData, template},
  };
}

/**
 * Name, namespace and scope a sealed object is opened for, as Bitnami's controller decides them
 * (Unseal in sealedsecret_expansion.go: EncryptionLabel(s.Namespace, s.Name, SecretScope(s))):
 * the scope from the SealedSecret's own metadata.annotations only, never from the template, whose
 * annotations merely go onto the Secret. Name and namespace come from metadata; the template's
 * are a fallback for a file not yet applied.
 */
export function sealedIdentity(o: KubeObject): {name?: string; namespace?: string; scope: Scope} {
  const t = o.spec?.template?.metadata ?? {};
  const own = o.metadata?.annotations;
  const scope = (own && typeof own === 'object' ? scopeFromAnnotations(own) : undefined) ?? 'strict';
  return {name: o.metadata?.name ?? t.name, namespace: o.metadata?.namespace ?? t.namespace, scope};
}
