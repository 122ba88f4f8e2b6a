// Who can read each Secret, from who-can, for a whole cluster at once. Calling whoCan per
// Secret with every binding and every ClusterRole would be quadratic, so the inputs are cut
// once: ClusterRoles aggregated once, Roles/RoleBindings/workloads grouped by namespace. And
// whoCan's answer depends on the Secret only through the resourceNames that name it and the
// pods/workloads that hold it, so Secrets that share those (almost all of a namespace) share
// one whoCan run.
import type {KubeObject} from '../manifests/parse.js';
import {aggregateClusterRoles} from '../rbac/aggregate.js';
import {GROUP_ALL_SERVICEACCOUNTS, GROUP_AUTHENTICATED, subjectKey} from '../rbac/bindings.js';
import type {Consumer} from '../rbac/holders.js';
import type {PolicyRule} from '../rbac/match.js';
import {whoCan, type AccessRow} from '../rbac/who-can.js';
import type {AuditInputs} from './inputs.js';

const GROUP_UNAUTHENTICATED = 'system:unauthenticated';
const SA_NAMESPACE_GROUP_PREFIX = `${GROUP_ALL_SERVICEACCOUNTS}:`;

export interface Readers {
  /** Distinct subjects with get, list or watch on the Secret (system:masters included). */
  direct: number;
  /** Distinct subjects that are not direct readers but have an indirect path. */
  indirect: number;
  /** The broad groups among direct readers, each with its access, e.g. `Group system:authenticated (list)`. */
  broad: string[];
}

/** Groups anyone (or any workload) is a member of: a direct grant to one exposes the Secret widely. */
export function isBroadGroup(name: string): boolean {
  return name === GROUP_AUTHENTICATED || name === GROUP_UNAUTHENTICATED || name === GROUP_ALL_SERVICEACCOUNTS || name.startsWith(SA_NAMESPACE_GROUP_PREFIX);
}

function groupBy(objects: KubeObject[]): Map<string, KubeObject[]> {
  const m = new Map<string, KubeObject[]>();
  for (const o of objects) {
    const ns = o.metadata?.namespace ?? '';
    let l = m.get(ns);
    if (!l) m.set(ns, (l = []));
    l.push(o);
  }
  return m;
}

const rulesOf = (o: KubeObject): PolicyRule[] => (Array.isArray(o.rules) ? o.rules.filter((r: unknown) => typeof r === 'object' && r !== null) : []);

export type HoldersFn = (namespace: string, secretName: string) => Consumer[];

export function readersIndex(inputs: AuditInputs, holdersOf: HoldersFn): (namespace: string, secretName: string) => Readers {
  const clusterRoles: KubeObject[] = inputs.aggregate
    ? [...aggregateClusterRoles(inputs.clusterRoles.map((o) => ({name: o.metadata?.name ?? '', labels: o.metadata?.labels ?? {}, rules: rulesOf(o), aggregationRule: o.aggregationRule})))]
        .map(([name, rules]) => ({kind: 'ClusterRole', metadata: {name}, rules}))
    : inputs.clusterRoles;
  const roles = groupBy(inputs.roles);
  const roleBindings = groupBy(inputs.roleBindings);
  const workloads = groupBy(inputs.workloads);
  // Any name a rule restricts to: only a Secret (or pod) named here can get a different answer.
  const restrictedNames = new Set<string>();
  for (const o of [...inputs.roles, ...clusterRoles]) for (const r of rulesOf(o)) for (const n of r.resourceNames ?? []) restrictedNames.add(n);

  const memo = new Map<string, Readers>();
  return (namespace, secretName) => {
    const holders = holdersOf(namespace, secretName);
    const podNames = holders.filter((h) => h.kind === 'Pod').map((h) => h.name).sort();
    const key = JSON.stringify([namespace, restrictedNames.has(secretName) ? secretName : '', podNames, holders.some((h) => h.kind !== 'Pod')]);
    let readers = memo.get(key);
    if (readers) return readers;
    const report = whoCan({
      secretName,
      namespace,
      roles: roles.get(namespace) ?? [],
      clusterRoles,
      roleBindings: roleBindings.get(namespace) ?? [],
      clusterRoleBindings: inputs.clusterRoleBindings,
      serviceAccounts: inputs.serviceAccounts,
      workloads: workloads.get(namespace) ?? [],
      aggregate: false,
      unavailable: inputs.unavailable,
      consumers: () => holders,
    });
    readers = summarize(report.direct, report.indirect);
    memo.set(key, readers);
    return readers;
  };
}

function summarize(direct: AccessRow[], indirect: AccessRow[]): Readers {
  const directKeys = new Set(direct.map((r) => subjectKey(r.subject)));
  const indirectKeys = new Set(indirect.map((r) => subjectKey(r.subject)).filter((k) => !directKeys.has(k)));
  const broad = new Map<string, string[]>();
  for (const r of direct) {
    if (r.subject.kind !== 'Group' || !isBroadGroup(r.subject.name)) continue;
    const access = broad.get(r.subject.name) ?? [];
    access.push(r.nameRestricted ? `${r.access} by name` : r.access);
    broad.set(r.subject.name, access);
  }
  return {direct: directKeys.size, indirect: indirectKeys.size, broad: [...broad].map(([g, a]) => `Group ${g} (${a.join(', ')})`)};
}
