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
import type {AuditInputs} from './types.js';

const GROUP_UNAUTHENTICATED = 'system:unauthenticated';
const SA_NAMESPACE_GROUP_PREFIX = `${GROUP_ALL_SERVICEACCOUNTS}:`;

export interface Readers {
  /** Distinct subjects with get, list or watch on the Secret (system:masters included). */
  direct: number;
  /** Distinct subjects that are not direct readers but have an indirect path. */
  indirect: number;
  /** The broad groups among direct readers, each with its access, e.g. `Group system:authenticated (list)`. */
  broad: string[];
  /** ServiceAccounts (`NS/NAME`) that may get, list or watch it directly. */
  serviceAccounts: string[];
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
  // Names a rule on Secrets restricts to: only a Secret named here can have other direct readers.
  const restrictedNames = new Set<string>();
  for (const o of [...inputs.roles, ...clusterRoles]) {
    for (const r of rulesOf(o)) if ((r.resources ?? []).some((x) => x === 'secrets' || x === '*')) for (const n of r.resourceNames ?? []) restrictedNames.add(n);
  }
  const serviceAccounts = groupBy(inputs.serviceAccounts);
  /** The ServiceAccounts that are members of these groups (ServiceAccountIndex.members, for whole namespaces). */
  const membersOf = (groups: Set<string>): KubeObject[] => {
    if (groups.has(GROUP_AUTHENTICATED) || groups.has(GROUP_ALL_SERVICEACCOUNTS)) return inputs.serviceAccounts;
    return [...groups].filter((g) => g.startsWith(SA_NAMESPACE_GROUP_PREFIX)).flatMap((g) => serviceAccounts.get(g.slice(SA_NAMESPACE_GROUP_PREFIX.length)) ?? []);
  };

  const ask = (namespace: string, secretName: string, holders: Consumer[], directOnly: boolean): Rows => {
    const run = (sas: KubeObject[]) => whoCan({
      secretName,
      namespace,
      roles: roles.get(namespace) ?? [],
      clusterRoles,
      roleBindings: roleBindings.get(namespace) ?? [],
      clusterRoleBindings: inputs.clusterRoleBindings,
      serviceAccounts: sas,
      workloads: workloads.get(namespace) ?? [],
      aggregate: false,
      unavailable: inputs.unavailable,
      consumers: () => holders,
      directOnly,
    });
    // ServiceAccounts only matter as members of a group that has a grant: ask without them
    // first, and again with just the members of the granted groups when there are any. Passing
    // every ServiceAccount to every run would make the audit quadratic.
    let report = run([]);
    const members = membersOf(new Set([...report.direct, ...report.indirect].filter((r) => r.subject.kind === 'Group').map((r) => r.subject.name)));
    if (members.length > 0) report = run(members);
    return {direct: report.direct, directKeys: new Set(report.direct.map((r) => subjectKey(r.subject))), indirectKeys: new Set(report.indirect.map((r) => subjectKey(r.subject)))};
  };

  // The indirect paths depend on the namespace and the holders only; the direct readers on the
  // namespace and, for a name some rule restricts to, on the name. So: one full run per
  // namespace and holder set (with a name no rule can restrict to), one direct-only run per
  // restricted name, and Secrets share them.
  const full = new Map<string, Rows>();
  const named = new Map<string, Rows>();
  const memo = new Map<string, Readers>();
  return (namespace, secretName) => {
    const holders = holdersOf(namespace, secretName);
    const podNames = holders.filter((h) => h.kind === 'Pod').map((h) => h.name).sort();
    const holdersKey = JSON.stringify([namespace, podNames, holders.some((h) => h.kind !== 'Pod')]);
    const restricted = restrictedNames.has(secretName);
    const key = restricted ? `${holdersKey}/${secretName}` : holdersKey;
    let readers = memo.get(key);
    if (readers) return readers;
    let all = full.get(holdersKey);
    if (!all) full.set(holdersKey, (all = ask(namespace, UNRESTRICTED_NAME, holders, false)));
    let direct = all;
    if (restricted) {
      const nameKey = `${namespace}/${secretName}`;
      direct = named.get(nameKey) ?? ask(namespace, secretName, [], true);
      named.set(nameKey, direct);
    }
    readers = summarize(direct, all.indirectKeys);
    memo.set(key, readers);
    return readers;
  };
}

/** Not a valid object name, so no resourceNames entry can name it. */
const UNRESTRICTED_NAME = '\u0000any';

interface Rows {
  direct: AccessRow[];
  directKeys: Set<string>;
  indirectKeys: Set<string>;
}

function summarize(direct: Rows, indirectKeys: Set<string>): Readers {
  let indirect = 0;
  for (const k of indirectKeys) if (!direct.directKeys.has(k)) indirect++;
  const broad = new Map<string, string[]>();
  for (const r of direct.direct) {
    if (r.subject.kind !== 'Group' || !isBroadGroup(r.subject.name)) continue;
    const access = broad.get(r.subject.name) ?? [];
    access.push(r.nameRestricted ? `${r.access} by name` : r.access);
    broad.set(r.subject.name, access);
  }
  const serviceAccounts = [...new Set(direct.direct.filter((r) => r.subject.kind === 'ServiceAccount').map((r) => `${r.subject.namespace ?? ''}/${r.subject.name}`))];
  return {direct: direct.directKeys.size, indirect, broad: [...broad].map(([g, a]) => `Group ${g} (${a.join(', ')})`), serviceAccounts};
}
