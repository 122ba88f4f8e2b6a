// Secrets that objects other than pods use: the operators a real cluster runs read Secrets named
// in their custom resources (cert-manager, External Secrets, Flux, Prometheus Operator), the
// API server reads CA bundles cert-manager injects from a Secret, and some Secrets are in use by
// what they are (a sealing key, an Argo CD repository or cluster, anything with an owner).
// Pure: objects in, references out. None of these is restarted: the operator reads the Secret
// itself. Field names follow each project's CRD (cert-manager.io/v1, external-secrets.io/v1beta1,
// source/kustomize/helm/notification.toolkit.fluxcd.io, monitoring.coreos.com/v1).
import {resourceFor, resourceInfo as R, type ResourceInfo} from '../kube/resources.js';
import type {KubeObject} from '../manifests/parse.js';

/** The kinds that name Secrets outside pod specs. A kind the cluster does not serve lists as none. */
export const REFERENCING_KINDS: ResourceInfo[] = [
  R('Certificate', 'cert-manager.io', 'v1', 'certificates'),
  R('Issuer', 'cert-manager.io', 'v1', 'issuers'),
  R('ClusterIssuer', 'cert-manager.io', 'v1', 'clusterissuers', false),
  R('ExternalSecret', 'external-secrets.io', 'v1beta1', 'externalsecrets'),
  R('SecretStore', 'external-secrets.io', 'v1beta1', 'secretstores'),
  R('ClusterSecretStore', 'external-secrets.io', 'v1beta1', 'clustersecretstores', false),
  R('GitRepository', 'source.toolkit.fluxcd.io', 'v1', 'gitrepositories'),
  R('HelmRepository', 'source.toolkit.fluxcd.io', 'v1', 'helmrepositories'),
  R('OCIRepository', 'source.toolkit.fluxcd.io', 'v1beta2', 'ocirepositories'),
  R('Bucket', 'source.toolkit.fluxcd.io', 'v1', 'buckets'),
  R('Kustomization', 'kustomize.toolkit.fluxcd.io', 'v1', 'kustomizations'),
  R('HelmRelease', 'helm.toolkit.fluxcd.io', 'v2', 'helmreleases'),
  R('Provider', 'notification.toolkit.fluxcd.io', 'v1beta3', 'providers'),
  R('Receiver', 'notification.toolkit.fluxcd.io', 'v1', 'receivers'),
  R('Prometheus', 'monitoring.coreos.com', 'v1', 'prometheuses'),
  R('Alertmanager', 'monitoring.coreos.com', 'v1', 'alertmanagers'),
  R('ServiceMonitor', 'monitoring.coreos.com', 'v1', 'servicemonitors'),
  R('PodMonitor', 'monitoring.coreos.com', 'v1', 'podmonitors'),
  R('Probe', 'monitoring.coreos.com', 'v1', 'probes'),
  R('MutatingWebhookConfiguration', 'admissionregistration.k8s.io', 'v1', 'mutatingwebhookconfigurations', false),
  R('ValidatingWebhookConfiguration', 'admissionregistration.k8s.io', 'v1', 'validatingwebhookconfigurations', false),
  R('APIService', 'apiregistration.k8s.io', 'v1', 'apiservices', false),
  // Defined once with the core kinds; listed here for its conversion webhook's CA bundle.
  resourceFor('CustomResourceDefinition'),
];

export interface ResourceReference {
  /** The Secret's namespace and name. */
  namespace: string;
  secret: string;
  /** The object that names it: `Certificate/web`. */
  kind: string;
  name: string;
  objectNamespace?: string;
}

/** cert-manager's ClusterIssuers read their Secrets from its "cluster resource namespace". */
export const CERT_MANAGER_NAMESPACE = 'cert-manager';
/** cert-manager's cainjector copies ca.crt from this Secret (`NAMESPACE/NAME`) into caBundle fields. */
const INJECT_CA_FROM_SECRET = 'cert-manager.io/inject-ca-from-secret';
/** Prometheus Operator keys that hold a SecretKeySelector ({name, key}) of a Secret. */
const SECRET_KEY_SELECTORS = new Set(['additionalScrapeConfigs', 'additionalAlertManagerConfigs', 'additionalAlertRelabelConfigs', 'bearerTokenSecret']);
/** Parents whose `username`/`password` and whose `ca`/`cert`/`keySecret` carry Secrets. */
const CREDENTIAL_PARENTS = new Set(['basicAuth', 'oauth2']);

const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The Secrets an object names, found by the shapes these projects use for them: a `…SecretRef`,
 * `secretRef`, `credentialsRef` or `secret` object with a `name` (and, for cluster-scoped
 * objects, a `namespace`), a `secretName` or `configSecret` string, a Prometheus Operator
 * SecretKeySelector, Flux's `valuesFrom` of kind Secret, an ExternalSecret's target, and
 * cert-manager's inject-ca-from-secret annotation.
 */
export function resourceReferences(o: KubeObject): ResourceReference[] {
  const kind = o.kind ?? '';
  const name = o.metadata?.name ?? '';
  const objectNamespace: string | undefined = o.metadata?.namespace || undefined;
  const group = (o.apiVersion ?? '').includes('/') ? (o.apiVersion ?? '').split('/')[0] : '';
  // Namespaced objects name Secrets of their own namespace; a ClusterIssuer those of cert-manager's.
  const home = objectNamespace ?? (kind === 'ClusterIssuer' ? CERT_MANAGER_NAMESPACE : undefined);
  const out: ResourceReference[] = [];
  const add = (secret: unknown, ns: unknown) => {
    const namespace = typeof ns === 'string' && ns ? ns : home;
    if (typeof secret === 'string' && secret && namespace) out.push({namespace, secret, kind, name, ...(objectNamespace ? {objectNamespace} : {})});
  };

  const injected = o.metadata?.annotations?.[INJECT_CA_FROM_SECRET];
  if (typeof injected === 'string' && injected.includes('/')) add(injected.slice(injected.indexOf('/') + 1), injected.slice(0, injected.indexOf('/')));
  // Webhooks, APIServices and CRDs name Secrets only through that annotation.
  if (group === 'admissionregistration.k8s.io' || group === 'apiregistration.k8s.io' || group === 'apiextensions.k8s.io') return out;

  const walk = (v: unknown, key: string, parent: string) => {
    if (Array.isArray(v)) {
      if (key === 'valuesFrom') for (const x of v) if (isObj(x) && x.kind === 'Secret') add(x.name, undefined);
      // Prometheus and Alertmanager mount every Secret named in spec.secrets.
      if (key === 'secrets' && parent === 'spec') for (const x of v) add(x, undefined);
      for (const x of v) walk(x, key, parent);
      return;
    }
    if (typeof v === 'string') {
      if (/secretName$/i.test(key) || key === 'configSecret') add(v, undefined);
      return;
    }
    if (!isObj(v)) return;
    const named = typeof v.name === 'string';
    if (named && (/secretref$/i.test(key) || key === 'credentialsRef' || key === 'secret' || /Secret$/.test(key) || SECRET_KEY_SELECTORS.has(key)
      || (CREDENTIAL_PARENTS.has(parent) && (key === 'username' || key === 'password' || key === 'clientSecret')))) add(v.name, v.namespace);
    for (const [k, x] of Object.entries(v)) if (k !== 'metadata' && k !== 'status') walk(x, k, key);
  };
  walk(o.spec, 'spec', '');

  if (kind === 'ExternalSecret' && group === 'external-secrets.io') add(o.spec?.target?.name || name, undefined);
  // The operator reads alertmanager-NAME when no configSecret is given (monitoring.coreos.com/v1 Alertmanager).
  if (kind === 'Alertmanager' && group === 'monitoring.coreos.com' && !o.spec?.configSecret) add(`alertmanager-${name}`, undefined);
  return out;
}

/** Secrets whose labels or owners say what uses them. */
export const OWN_SEALING_KEY_LABEL = 'kubectl-secret.dev/sealing-key';
export const BITNAMI_SEALING_KEY_LABEL = 'sealedsecrets.bitnami.com/sealed-secrets-key';
const ARGOCD_SECRET_TYPE = 'argocd.argoproj.io/secret-type';

/**
 * What a Secret is used by because of what it is, or undefined: a sealing key (deleting it makes
 * every file sealed with it unopenable), an Argo CD repository/cluster credential (Argo CD finds
 * them by label), or a Secret another object owns.
 */
export function intrinsicUse(secret: KubeObject): {sealingKey: boolean; by: string} | undefined {
  const labels: Record<string, string> = secret.metadata?.labels ?? {};
  if (OWN_SEALING_KEY_LABEL in labels) return {sealingKey: true, by: 'kubectl-secret (a nacl sealing key)'};
  if (BITNAMI_SEALING_KEY_LABEL in labels) return {sealingKey: true, by: 'the Sealed Secrets controller (a sealing key)'};
  if (ARGOCD_SECRET_TYPE in labels) return {sealingKey: false, by: `Argo CD (${ARGOCD_SECRET_TYPE}: ${labels[ARGOCD_SECRET_TYPE]})`};
  const owner = (secret.metadata?.ownerReferences ?? []).find((r: {kind?: string; name?: string}) => r?.kind && r?.name);
  if (owner) return {sealingKey: false, by: `its owner ${owner.kind}/${owner.name}`};
  return undefined;
}

/** Every reference by those objects, by `namespace/secret`. */
export function referencesBySecret(objects: KubeObject[]): Map<string, ResourceReference[]> {
  const m = new Map<string, ResourceReference[]>();
  for (const o of objects) {
    for (const r of resourceReferences(o)) {
      const k = `${r.namespace}/${r.secret}`;
      const l = m.get(k) ?? [];
      if (!l.some((x) => x.kind === r.kind && x.name === r.name && x.objectNamespace === r.objectNamespace)) l.push(r);
      m.set(k, l);
    }
  }
  return m;
}
