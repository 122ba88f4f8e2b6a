// The kinds kubectl-secret reads and writes, with their REST coordinates. Kept static (no
// discovery round-trip) because every one of them is a built-in with a stable path.

export interface ResourceInfo {
  kind: string;
  group: string; // '' for core
  version: string;
  plural: string;
  namespaced: boolean;
}

/** A kind's REST coordinates, for tables of kinds (here and in workloads/resource-references.ts). */
export const resourceInfo = (kind: string, group: string, version: string, plural: string, namespaced = true): ResourceInfo =>
  ({kind, group, version, plural, namespaced});
const R = resourceInfo;

export const RESOURCES: ResourceInfo[] = [
  R('Namespace', '', 'v1', 'namespaces', false),
  R('Secret', '', 'v1', 'secrets'),
  R('ConfigMap', '', 'v1', 'configmaps'),
  R('ServiceAccount', '', 'v1', 'serviceaccounts'),
  R('Pod', '', 'v1', 'pods'),
  R('Service', '', 'v1', 'services'),
  R('Event', '', 'v1', 'events'),
  R('ReplicationController', '', 'v1', 'replicationcontrollers'),
  R('Deployment', 'apps', 'v1', 'deployments'),
  R('StatefulSet', 'apps', 'v1', 'statefulsets'),
  R('DaemonSet', 'apps', 'v1', 'daemonsets'),
  R('ReplicaSet', 'apps', 'v1', 'replicasets'),
  R('Job', 'batch', 'v1', 'jobs'),
  R('CronJob', 'batch', 'v1', 'cronjobs'),
  R('Role', 'rbac.authorization.k8s.io', 'v1', 'roles'),
  R('RoleBinding', 'rbac.authorization.k8s.io', 'v1', 'rolebindings'),
  R('ClusterRole', 'rbac.authorization.k8s.io', 'v1', 'clusterroles', false),
  R('ClusterRoleBinding', 'rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', false),
  R('Ingress', 'networking.k8s.io', 'v1', 'ingresses'),
  R('Lease', 'coordination.k8s.io', 'v1', 'leases'),
  R('SubjectAccessReview', 'authorization.k8s.io', 'v1', 'subjectaccessreviews', false),
  R('SelfSubjectAccessReview', 'authorization.k8s.io', 'v1', 'selfsubjectaccessreviews', false),
  R('CustomResourceDefinition', 'apiextensions.k8s.io', 'v1', 'customresourcedefinitions', false),
  R('SealedSecret', 'bitnami.com', 'v1alpha1', 'sealedsecrets'),
];

const byKind = new Map<string, ResourceInfo>();
for (const r of RESOURCES) {
  byKind.set(`${r.group}/${r.kind}`, r);
  if (!byKind.has(r.kind)) byKind.set(r.kind, r);
}

/** Our own SealedSecret kind lives in another group; register it without shadowing Bitnami's. */
export const KS_SEALED_SECRET = R('SealedSecret', 'kubectl-secret.dev', 'v1alpha1', 'sealedsecrets');
byKind.set('kubectl-secret.dev/SealedSecret', KS_SEALED_SECRET);

export function resourceFor(kind: string, group?: string): ResourceInfo {
  const r = group === undefined ? byKind.get(kind) : byKind.get(`${group}/${kind}`);
  if (!r) throw new Error(`unknown kind ${group ? group + '/' : ''}${kind}`);
  return r;
}

/** Splits an apiVersion (`apps/v1`, `v1`) into group and version. */
export function splitApiVersion(apiVersion: string): {group: string; version: string} {
  const i = apiVersion.indexOf('/');
  return i < 0 ? {group: '', version: apiVersion} : {group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1)};
}

/** The collection path, e.g. /apis/apps/v1/namespaces/NS/deployments. */
export function collectionPath(r: ResourceInfo, namespace?: string): string {
  const base = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  if (r.namespaced && namespace) return `${base}/namespaces/${encodeURIComponent(namespace)}/${r.plural}`;
  return `${base}/${r.plural}`;
}

export function objectPath(r: ResourceInfo, name: string, namespace?: string, subresource?: string): string {
  return `${collectionPath(r, namespace)}/${encodeURIComponent(name)}${subresource ? '/' + subresource : ''}`;
}
