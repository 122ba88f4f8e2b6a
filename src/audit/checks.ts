// One function per finding: a Secret and what is known about it in, at most one finding out.
// Messages carry names, counts and ages only — never a value.
import {formatAge} from '../duration.js';
import type {KubeObject} from '../manifests/parse.js';
import {ROTATED_AT} from '../secrets/annotations.js';
import {findSealedSecretOwner, isEnvReference, podSpecOf, type ConsumerRef} from '../workloads/consumers.js';
import {intrinsicUse} from '../workloads/resource-references.js';
import type {Readers} from './read-access.js';
import {SEVERITY_OF, type Finding, type FindingId} from './types.js';

export const SA_TOKEN_TYPE = 'kubernetes.io/service-account-token';
/** Secrets the platform itself reads: no pod references them, and no one seals them. */
const PLATFORM_TYPES = new Set([SA_TOKEN_TYPE, 'bootstrap.kubernetes.io/token', 'helm.sh/release.v1']);
const HELM_RELEASE_TYPE = 'helm.sh/release.v1';
/** The only Secret types a check looks at: a live audit asks the server for just these (no values). */
export const TYPES_CHECKED: readonly string[] = [...PLATFORM_TYPES];

export interface SecretContext {
  secret: KubeObject;
  namespace: string;
  name: string;
  /** References by top-level workloads (consumers module). */
  refs: ConsumerRef[];
  /** The workload objects behind `refs`, by `kind/namespace/name`. */
  workload(kind: string, name: string): KubeObject | undefined;
  serviceAccount(name: string): KubeObject | undefined;
  /** Ingresses that name it in spec.tls. */
  ingresses: string[];
  /** ServiceAccounts that list it in imagePullSecrets. */
  pullSecretOf: string[];
  /** SealedSecrets of the same namespace and name (either scheme). */
  sealedSecrets: KubeObject[];
  /** Objects other than pods that name it (`Certificate/web`, `ClusterSecretStore/vault`). */
  usedBy: string[];
  readers(): Readers;
  /** The first running workload that uses ServiceAccount `NS/NAME`, e.g. `Deployment argocd/argocd-server`. */
  runningWorkloadOf(serviceAccount: string): string | undefined;
  /** The namespace audited (undefined: all): workloads of other namespaces were not read. */
  scope?: string;
  now: number;
  maxAgeMs: number;
  expectSealed: boolean;
}

const finding = (id: FindingId, message: string): Finding => ({id, severity: SEVERITY_OF[id], message});
const typeOf = (s: KubeObject): string => (typeof s.type === 'string' && s.type ? s.type : 'Opaque');

function distinct<T>(items: T[], key: (t: T) => string): T[] {
  const m = new Map<string, T>();
  for (const t of items) if (!m.has(key(t))) m.set(key(t), t);
  return [...m.values()];
}

const workloadLabel = (r: Pick<ConsumerRef, 'kind' | 'name'>) => `${r.kind} ${r.name}`;

/** Lists at most `max` items, then "and N more", so one message stays one line. */
function some(items: string[], max = 3): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

export function stale(c: SecretContext): Finding | undefined {
  if (typeOf(c.secret) === HELM_RELEASE_TYPE) return undefined;
  // Old sealing keys are kept on purpose: files sealed with them still have to open.
  if (intrinsicUse(c.secret)?.sealingKey) return undefined;
  const rotated = c.secret.metadata?.annotations?.[ROTATED_AT];
  const created = c.secret.metadata?.creationTimestamp;
  const at = Date.parse(rotated ?? created ?? '');
  // Manifests usually carry no creationTimestamp: their age is unknown, not zero.
  if (Number.isNaN(at)) return undefined;
  const age = c.now - at;
  if (age <= c.maxAgeMs) return undefined;
  const since = rotated !== undefined ? `last rotated ${formatAge(age)} ago (${ROTATED_AT})` : `created ${formatAge(age)} ago and never rotated`;
  return finding('stale', `${since}, over the maximum age of ${formatAge(c.maxAgeMs)}`);
}

export function broadReaders(c: SecretContext): Finding | undefined {
  const r = c.readers();
  if (r.broad.length === 0) return undefined;
  return finding('broad-readers', `readable directly by ${r.broad.join(', ')}; ${r.direct} subjects can read it directly, ${r.indirect} more indirectly`);
}

export function envExposure(c: SecretContext): Finding | undefined {
  const env = c.refs.filter(isEnvReference);
  if (env.length === 0) return undefined;
  const byWorkload = new Map<string, string[]>();
  for (const r of env) {
    const k = workloadLabel(r);
    const what = r.via === 'env' ? `${r.envVar}` : r.prefix ? `envFrom prefix ${r.prefix}` : 'envFrom';
    byWorkload.set(k, [...new Set([...(byWorkload.get(k) ?? []), what])]);
  }
  const list = [...byWorkload].map(([w, vars]) => `${w} (${some(vars)})`);
  return finding('env-exposure', `consumed through environment variables by ${some(list)}; mount it as a file instead`);
}

/** Named by something, or in use by what it is: not unused, whoever reads it. */
function referenced(c: SecretContext): boolean {
  return PLATFORM_TYPES.has(typeOf(c.secret)) || c.refs.length > 0 || c.ingresses.length > 0 || c.pullSecretOf.length > 0 || c.usedBy.length > 0 || intrinsicUse(c.secret) !== undefined;
}

/**
 * Who may read the Secret through the API: ServiceAccounts a running workload uses, else (with -n)
 * ServiceAccounts of namespaces whose workloads were not read, which may be running.
 */
function apiReaders(c: SecretContext): string | undefined {
  const sas = c.readers().serviceAccounts;
  const running = sas.flatMap((sa) => {
    const w = c.runningWorkloadOf(sa);
    return w ? [`ServiceAccount ${sa}, used by ${w}`] : [];
  });
  if (running.length > 0) return some(running, 2);
  const elsewhere = c.scope === undefined ? [] : sas.filter((sa) => !sa.startsWith(`${c.scope}/`));
  if (elsewhere.length > 0) return `ServiceAccount ${some(elsewhere, 2)} of other namespaces, whose workloads this audit did not read (-n ${c.scope})`;
  return undefined;
}

export function unused(c: SecretContext): Finding | undefined {
  if (referenced(c) || apiReaders(c) !== undefined) return undefined;
  return finding('unused', 'nothing references it (workloads, Ingresses, ServiceAccounts, cert-manager, External Secrets, Flux, Prometheus Operator, webhooks, owners) and no running workload may read it: a candidate for deletion');
}

/** Read through the API rather than named: never a candidate for deletion, but worth knowing. */
export function apiRead(c: SecretContext): Finding | undefined {
  if (referenced(c)) return undefined;
  const readers = apiReaders(c);
  if (readers === undefined) return undefined;
  return finding('api-read', `readable by ${readers}; no reference found`);
}

export function legacySaToken(c: SecretContext): Finding | undefined {
  if (typeOf(c.secret) !== SA_TOKEN_TYPE) return undefined;
  const sa = c.secret.metadata?.annotations?.['kubernetes.io/service-account.name'];
  return finding('legacy-sa-token', `a long-lived token${sa ? ` of ServiceAccount ${sa}` : ''} that never expires; use short-lived tokens from the TokenRequest API instead`);
}

/**
 * The pod spec's automountServiceAccountToken wins over the ServiceAccount's, and unset on both
 * means mounted (plugin/pkg/admission/serviceaccount/admission.go, shouldAutomount).
 */
function automounts(spec: any, sa: KubeObject | undefined): boolean {
  if (typeof spec?.automountServiceAccountToken === 'boolean') return spec.automountServiceAccountToken;
  if (typeof sa?.automountServiceAccountToken === 'boolean') return sa.automountServiceAccountToken;
  return true;
}

export function automount(c: SecretContext): Finding | undefined {
  // A pull secret is used by the kubelet, never seen by the containers.
  const consumers = distinct(c.refs.filter((r) => r.via !== 'imagePullSecret' && r.via !== 'serviceAccountImagePullSecret'), (r) => `${r.kind}/${r.name}`);
  const mounting: string[] = [];
  for (const r of consumers) {
    const spec = podSpecOf(c.workload(r.kind, r.name) ?? {});
    const saName: string = spec?.serviceAccountName || spec?.serviceAccount || 'default';
    if (automounts(spec, c.serviceAccount(saName))) mounting.push(`${workloadLabel(r)} (ServiceAccount ${saName})`);
  }
  if (mounting.length === 0) return undefined;
  return finding('automount', `${some(mounting)} also automount${mounting.length === 1 ? 's' : ''} a ServiceAccount token; set automountServiceAccountToken: false where the pods do not call the API`);
}

export function unsealedSource(c: SecretContext): Finding | undefined {
  if (!c.expectSealed || PLATFORM_TYPES.has(typeOf(c.secret))) return undefined;
  // A sealing key cannot be sealed with itself; an owned Secret is produced by its owner.
  if (intrinsicUse(c.secret) !== undefined) return undefined;
  if (findSealedSecretOwner(c.name, c.namespace, {secret: c.secret, sealedSecrets: c.sealedSecrets})) return undefined;
  // Another controller produces it (an ExternalSecret, cert-manager…): there is no source to seal.
  const controller = (c.secret.metadata?.ownerReferences ?? []).find((o: {controller?: boolean}) => o.controller === true);
  if (controller) return undefined;
  return finding('unsealed-source', 'no SealedSecret (bitnami.com or kubectl-secret.dev) produces it; seal its source with `kubectl secret seal` and commit that instead');
}

export const CHECKS: Array<(c: SecretContext) => Finding | undefined> = [broadReaders, legacySaToken, unsealedSource, envExposure, stale, automount, unused, apiRead];
