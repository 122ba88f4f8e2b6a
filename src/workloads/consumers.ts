// Who consumes a Secret: pure functions from workload objects to the references their pod specs
// make. Only the fields the kubelet reads count (env, envFrom, volumes, projected volumes,
// imagePullSecrets, and the pod's ServiceAccount's imagePullSecrets); a Secret's name inside
// `args` or `command` is text the kubelet never resolves, so it is never a reference.
// Field names follow k8s.io/api/core/v1 (PodSpec, Container, EnvVarSource, VolumeProjection).
import type {KubeObject} from '../manifests/parse.js';

export type Via = 'env' | 'envFrom' | 'volume' | 'projected' | 'imagePullSecret' | 'serviceAccountImagePullSecret';

export type ContainerKind = 'container' | 'initContainer' | 'ephemeralContainer';

export interface ConsumerRef {
  /** The workload: Deployment, StatefulSet, DaemonSet, CronJob, Job, ReplicaSet, ReplicationController or Pod. */
  kind: string;
  apiVersion: string;
  name: string;
  namespace: string;
  /** The Secret referenced. */
  secret: string;
  via: Via;
  /** Absent for pod-level references (imagePullSecrets, a volume no container mounts). */
  container?: string;
  containerKind?: ContainerKind;
  /** env: the variable set; envFrom: the prefix, if any. */
  envVar?: string;
  prefix?: string;
  /** env: the Secret key read. */
  key?: string;
  /** volume/projected: the pod volume and where a container mounts it. */
  volume?: string;
  mountPath?: string;
  /** serviceAccountImagePullSecret: the ServiceAccount that carries it. */
  serviceAccount?: string;
  optional: boolean;
}

/** The kinds that own pods, and where their pod template sits. */
export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'Job', 'ReplicaSet', 'ReplicationController', 'Pod'] as const;

const CONTROLLER_KINDS = new Set<string>(WORKLOAD_KINDS.filter((k) => k !== 'Pod'));

/** Env values are copied into the process at start: they never change until the pod restarts. */
export function isEnvReference(ref: Pick<ConsumerRef, 'via'>): boolean {
  return ref.via === 'env' || ref.via === 'envFrom';
}

/** The pod spec a workload creates its pods from (a CronJob's job template's), or undefined. */
export function podSpecOf(obj: KubeObject): any {
  switch (obj.kind) {
    case 'Pod':
      return obj.spec;
    case 'CronJob':
      return obj.spec?.jobTemplate?.spec?.template?.spec;
    default:
      return CONTROLLER_KINDS.has(obj.kind ?? '') ? obj.spec?.template?.spec : undefined;
  }
}

/**
 * Whether another workload manages this object, so the owner is the thing to report and
 * restart: a ReplicaSet of a Deployment, a Job of a CronJob, a Pod of anything. Any controller
 * owner counts (a custom operator's ReplicaSet is still not ours to restart).
 */
export function isOwnedByWorkload(obj: KubeObject): boolean {
  const owners: Array<{kind?: string; controller?: boolean}> = obj.metadata?.ownerReferences ?? [];
  return owners.some((o) => o.controller === true || CONTROLLER_KINDS.has(o.kind ?? ''));
}

/** The top-level workloads among objects: known kinds with a pod spec, not managed by another workload. */
export function isTopLevelWorkload(obj: KubeObject): boolean {
  if (!(WORKLOAD_KINDS as readonly string[]).includes(obj.kind ?? '')) return false;
  if (!podSpecOf(obj)) return false;
  if (obj.kind === 'Deployment' || obj.kind === 'StatefulSet' || obj.kind === 'DaemonSet' || obj.kind === 'CronJob') return true;
  return !isOwnedByWorkload(obj);
}

/** Indexes ServiceAccounts by namespace/name for the imagePullSecrets they add to every pod. */
export function serviceAccountIndex(serviceAccounts: KubeObject[]): Map<string, KubeObject> {
  const m = new Map<string, KubeObject>();
  for (const sa of serviceAccounts) m.set(`${sa.metadata?.namespace ?? ''}/${sa.metadata?.name ?? ''}`, sa);
  return m;
}

/**
 * Every Secret reference one workload makes (audit's "which Secrets does this workload use").
 * The workload's ServiceAccount (`serviceAccountName`, else the deprecated `serviceAccount`,
 * else `default`) contributes its imagePullSecrets when the pod spec lists none.
 */
export function secretReferences(workload: KubeObject, serviceAccounts: KubeObject[] | Map<string, KubeObject> = []): ConsumerRef[] {
  const spec = podSpecOf(workload);
  if (!spec || typeof spec !== 'object') return [];
  const base = {
    kind: workload.kind!,
    apiVersion: workload.apiVersion ?? '',
    name: workload.metadata?.name ?? '',
    namespace: workload.metadata?.namespace ?? '',
  };
  const refs: ConsumerRef[] = [];
  const containers: Array<{c: any; kind: ContainerKind}> = [
    ...arr(spec.initContainers).map((c) => ({c, kind: 'initContainer' as const})),
    ...arr(spec.containers).map((c) => ({c, kind: 'container' as const})),
    ...arr(spec.ephemeralContainers).map((c) => ({c, kind: 'ephemeralContainer' as const})),
  ];

  for (const {c, kind} of containers) {
    for (const e of arr(c?.env)) {
      const ref = e?.valueFrom?.secretKeyRef;
      if (ref?.name) refs.push({...base, secret: ref.name, via: 'env', container: c.name, containerKind: kind, envVar: e.name, key: ref.key, optional: ref.optional === true});
    }
    for (const e of arr(c?.envFrom)) {
      const ref = e?.secretRef;
      if (ref?.name) refs.push({...base, secret: ref.name, via: 'envFrom', container: c.name, containerKind: kind, ...(e.prefix ? {prefix: e.prefix} : {}), optional: ref.optional === true});
    }
  }

  for (const v of arr(spec.volumes)) {
    const sources: Array<{secret: string; optional: boolean; via: Via}> = [];
    if (v?.secret?.secretName) sources.push({secret: v.secret.secretName, optional: v.secret.optional === true, via: 'volume'});
    for (const s of arr(v?.projected?.sources)) {
      if (s?.secret?.name) sources.push({secret: s.secret.name, optional: s.secret.optional === true, via: 'projected'});
    }
    if (sources.length === 0) continue;
    const mounts = containers.flatMap(({c, kind}) =>
      arr(c?.volumeMounts).filter((m) => m?.name === v.name).map((m) => ({container: c.name as string, containerKind: kind, mountPath: m.mountPath as string})));
    for (const s of sources) {
      if (mounts.length === 0) refs.push({...base, secret: s.secret, via: s.via, volume: v.name, optional: s.optional});
      for (const m of mounts) refs.push({...base, secret: s.secret, via: s.via, volume: v.name, ...m, optional: s.optional});
    }
  }

  for (const p of arr(spec.imagePullSecrets)) {
    if (p?.name) refs.push({...base, secret: p.name, via: 'imagePullSecret', optional: false});
  }
  // The ServiceAccount admission plugin copies the account's pull secrets only into pods that
  // list none (plugin/pkg/admission/serviceaccount/admission.go).
  if (arr(spec.imagePullSecrets).length === 0) {
    const saName: string = spec.serviceAccountName || spec.serviceAccount || 'default';
    const index = serviceAccounts instanceof Map ? serviceAccounts : serviceAccountIndex(serviceAccounts);
    const sa = index.get(`${base.namespace}/${saName}`);
    for (const p of arr(sa?.imagePullSecrets)) {
      if (p?.name) refs.push({...base, secret: p.name, via: 'serviceAccountImagePullSecret', serviceAccount: saName, optional: false});
    }
  }
  return refs;
}

/**
 * The references to Secret `secretName` in `namespace` made by top-level workloads. A pod can
 * only reference Secrets of its own namespace, so workloads elsewhere never match.
 */
export function findConsumers(secretName: string, namespace: string, objects: {workloads: KubeObject[]; serviceAccounts: KubeObject[]}): ConsumerRef[] {
  const sas = serviceAccountIndex(objects.serviceAccounts.filter((sa) => (sa.metadata?.namespace ?? '') === namespace));
  const out: ConsumerRef[] = [];
  for (const w of objects.workloads) {
    if ((w.metadata?.namespace ?? '') !== namespace || !isTopLevelWorkload(w)) continue;
    for (const r of secretReferences(w, sas)) if (r.secret === secretName) out.push(r);
  }
  return out;
}

/** The distinct workloads among references, in first-seen order. */
export function consumingWorkloads(refs: ConsumerRef[]): Array<Pick<ConsumerRef, 'kind' | 'apiVersion' | 'name' | 'namespace'>> {
  const seen = new Map<string, Pick<ConsumerRef, 'kind' | 'apiVersion' | 'name' | 'namespace'>>();
  for (const r of refs) {
    const k = `${r.kind}/${r.namespace}/${r.name}`;
    if (!seen.has(k)) seen.set(k, {kind: r.kind, apiVersion: r.apiVersion, name: r.name, namespace: r.namespace});
  }
  return [...seen.values()];
}

export const SEALED_SECRET_GROUPS = ['bitnami.com', 'kubectl-secret.dev'] as const;

export interface SealedSecretOwner {
  apiVersion: string;
  name: string;
  namespace: string;
  /** How we know: the Secret's ownerReferences, or only a SealedSecret of the same name. */
  by: 'ownerReference' | 'sameName';
}

function isSealedSecretApi(apiVersion: string | undefined, kind: string | undefined): boolean {
  return kind === 'SealedSecret' && SEALED_SECRET_GROUPS.some((g) => (apiVersion ?? '').startsWith(`${g}/`));
}

/**
 * The SealedSecret (Bitnami's or ours) that produces the Secret: the controller sets itself as
 * the Secret's owner; without the Secret (manifests, or no read access) a SealedSecret of the
 * same name and namespace is the one that would produce it.
 */
export function findSealedSecretOwner(secretName: string, namespace: string, objects: {secret?: KubeObject; sealedSecrets: KubeObject[]}): SealedSecretOwner | undefined {
  for (const o of objects.secret?.metadata?.ownerReferences ?? []) {
    if (isSealedSecretApi(o.apiVersion, o.kind)) return {apiVersion: o.apiVersion, name: o.name, namespace, by: 'ownerReference'};
  }
  const same = objects.sealedSecrets.find((s) => isSealedSecretApi(s.apiVersion, s.kind) && s.metadata?.name === secretName && (s.metadata?.namespace ?? '') === namespace);
  return same ? {apiVersion: same.apiVersion!, name: secretName, namespace, by: 'sameName'} : undefined;
}

function arr(v: unknown): any[] {
  return Array.isArray(v) ? v : [];
}
