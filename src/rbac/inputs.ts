// Reads what who-can needs from an object source (the live cluster or -f manifests), each
// kind listed once. What the caller may not list becomes a warning, not an error.
import type {KubeObject} from '../manifests/parse.js';
import type {ObjectSource} from '../kube/object-source.js';
import type {WhoCanInput} from './who-can.js';

const WORKLOAD_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'ReplicationController'];

export async function whoCanInputs(source: ObjectSource, secretName: string, namespace: string, opts: {directOnly?: boolean} = {}): Promise<WhoCanInput> {
  // Items of a live list carry no kind (the API server sets it on the List only): name them.
  const list = async (kind: string, ns?: string): Promise<KubeObject[]> => (await source.list(kind, ns)).map((o) => (o.kind ? o : {...o, kind}));
  // These three are listed one at a time, so a new warning can be told apart as theirs: a
  // role we could not list makes roleRefs unknown rather than dangling.
  const failed = new Set<string>();
  const tracked = async (kind: string, ns?: string): Promise<KubeObject[]> => {
    const before = source.warnings.length;
    const items = await list(kind, ns);
    if (source.warnings.length > before) failed.add(kind);
    return items;
  };
  const roles = await tracked('Role', namespace);
  const clusterRoles = await tracked('ClusterRole');
  // Group grants are expanded to every ServiceAccount; a caller who may only list its own
  // namespace still gets that namespace's.
  let serviceAccounts = await tracked('ServiceAccount');
  if (failed.has('ServiceAccount') && source.live) serviceAccounts = await list('ServiceAccount', namespace);
  const [roleBindings, clusterRoleBindings, workloads] = await Promise.all([
    list('RoleBinding', namespace),
    list('ClusterRoleBinding'),
    opts.directOnly ? Promise.resolve([]) : Promise.all(WORKLOAD_KINDS.map((k) => list(k, namespace))).then((l) => l.flat()),
  ]);
  return {
    secretName,
    namespace,
    roles,
    roleBindings,
    clusterRoles,
    clusterRoleBindings,
    serviceAccounts,
    workloads,
    aggregate: !source.live,
    unavailable: [...failed].filter((k) => k !== 'ServiceAccount'),
    directOnly: opts.directOnly,
  };
}
