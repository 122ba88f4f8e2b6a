// Reads what who-can needs from an object source (the live cluster or -f manifests), each
// kind listed once. What the caller may not list becomes a warning, not an error. runWhoCan is
// what the command calls: read, then the pure who-can.
import type {KubeObject} from '../manifests/parse.js';
import type {ObjectSource} from '../kube/object-source.js';
import {whoCan, type WhoCanInput, type WhoCanReport} from './who-can.js';

const WORKLOAD_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'ReplicationController'];

/** Roles, bindings and ServiceAccounts, each kind listed once: what who-can and audit both read. `namespace` undefined: every namespace. */
export async function loadRbacObjects(source: ObjectSource, namespace: string | undefined) {
  const list = (kind: string, ns?: string): Promise<KubeObject[]> => source.list(kind, ns);
  const roles = await list('Role', namespace);
  const clusterRoles = await list('ClusterRole');
  // Group grants are expanded to every ServiceAccount; a caller who may only list its own
  // namespace still gets that namespace's.
  let serviceAccounts = await list('ServiceAccount');
  if (source.forbiddenKinds.has('ServiceAccount') && source.live && namespace !== undefined) serviceAccounts = await list('ServiceAccount', namespace);
  const [roleBindings, clusterRoleBindings] = await Promise.all([list('RoleBinding', namespace), list('ClusterRoleBinding')]);
  return {
    roles,
    clusterRoles,
    serviceAccounts,
    roleBindings,
    clusterRoleBindings,
    aggregate: !source.live,
    /** Role kinds we could not list: a roleRef to them is unknown, not dangling. */
    unavailable: [...source.forbiddenKinds].filter((k) => k === 'Role' || k === 'ClusterRole'),
  };
}

export async function whoCanInputs(source: ObjectSource, secretName: string, namespace: string, opts: {directOnly?: boolean} = {}): Promise<WhoCanInput> {
  const [rbac, workloads] = await Promise.all([
    loadRbacObjects(source, namespace),
    opts.directOnly ? Promise.resolve([]) : Promise.all(WORKLOAD_KINDS.map((k) => source.list(k, namespace))).then((l) => l.flat()),
  ]);
  return {secretName, namespace, ...rbac, workloads, directOnly: opts.directOnly};
}

export async function runWhoCan(source: ObjectSource, secretName: string, namespace: string, opts: {directOnly?: boolean} = {}): Promise<WhoCanReport> {
  return whoCan(await whoCanInputs(source, secretName, namespace, opts));
}
