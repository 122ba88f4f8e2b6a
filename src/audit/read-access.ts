// Who can read each Secret, for a whole cluster at once, with the answer who-can gives for that
// one Secret. Asking who-can once per Secret would walk every binding for every Secret, so the
// work is cut along what the answer depends on:
// - direct readers (get/list/watch on secrets): a rule without resourceNames grants the same to
//   every Secret of a namespace, a rule with them only to the names listed. One pass over the
//   namespace's bindings records, per subject and verb, whether it may read every Secret and
//   which names it may read; a Secret's direct readers are then read off that table, and the
//   Secrets no rule names (almost all) share one answer;
// - indirect paths: they depend on the namespace and the pods/workloads holding the Secret, not
//   on its name, so who-can's grant collection once per namespace and holder set, counting the
//   subjects without building who-can's rows (indirectReaderKeys);
// - ClusterRoles (aggregated), ClusterRoleBindings, RoleBindings and the ServiceAccount index are
//   built once, and a rule's match against the read requests is computed once per rules list.
// Only the namespace being asked about is kept: audit asks namespace by namespace.
import type {KubeObject} from '../manifests/parse.js';
import {GROUP_ALL_SERVICEACCOUNTS, GROUP_AUTHENTICATED, RoleResolver, ServiceAccountIndex, subjectIdentity, subjectKey, type SubjectId} from '../rbac/bindings.js';
import type {Consumer} from '../rbac/holders.js';
import {isNameRestricted, ruleAllows, type PolicyRule} from '../rbac/match.js';
import {indirectReaderKeys, prepareWhoCan, preparedBindings, roleRules, SYSTEM_MASTERS} from '../rbac/who-can.js';
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

export type HoldersFn = (namespace: string, secretName: string) => Consumer[];

const READ_VERBS = ['get', 'list', 'watch'] as const;

/** What a subject may do with the Secrets of one namespace, per read verb. */
interface ReadGrant {
  /** Granted by a rule without resourceNames: every Secret of the namespace. */
  open: boolean;
  /** Granted by rules with resourceNames: these names only. */
  names: Set<string>;
}

type ReadGrants = [ReadGrant, ReadGrant, ReadGrant];

const emptyGrants = (): ReadGrants => [{open: false, names: new Set()}, {open: false, names: new Set()}, {open: false, names: new Set()}];

function mergeInto(to: ReadGrants, from: ReadGrants): void {
  for (let v = 0; v < 3; v++) {
    to[v].open ||= from[v].open;
    for (const n of from[v].names) to[v].names.add(n);
  }
}

/** One direct row of who-can's answer, as much of it as the audit summarises. */
interface DirectRow {
  subject: SubjectId;
  /** Per read verb: undefined when not granted, else whether only by name. */
  byName: Array<boolean | undefined>;
}

interface NamespaceState {
  namespace: string;
  /** Direct readers other than system:masters, sorted the way who-can sorts its rows. */
  subjects: Array<{id: SubjectId; grants: ReadGrants}>;
  /** Every name some rule granting a read here restricts to: other names share one answer. */
  names: Set<string>;
  /** Indirect readers' keys per holder set. */
  indirect: Map<string, Set<string>>;
  /** Readers per holder set and (restricted) name. */
  memo: Map<string, Readers>;
}

export function readersIndex(inputs: AuditInputs, holdersOf: HoldersFn): (namespace: string, secretName: string) => Readers {
  const prepared = prepareWhoCan(inputs);
  const roles = groupBy(inputs.roles);
  const workloads = groupBy(inputs.workloads);
  // A rules list's match against the three read requests, once per list (ClusterRoles' lists are
  // shared by every namespace). `null`: it grants no read.
  const readsOf = new WeakMap<PolicyRule[], ReadGrants | null>();
  const reads = (rules: PolicyRule[]): ReadGrants | null => {
    let g = readsOf.get(rules);
    if (g !== undefined) return g;
    g = null;
    for (const rule of rules) {
      READ_VERBS.forEach((verb, v) => {
        // name undefined: whether verb, group and resource match; the names are taken below.
        if (!ruleAllows({verb, group: '', resource: 'secrets', namespace: 'x'}, rule)) return;
        g ??= emptyGrants();
        if (!isNameRestricted(rule)) g[v].open = true;
        else for (const n of rule.resourceNames!) g[v].names.add(n);
      });
    }
    readsOf.set(rules, g);
    return g;
  };

  const directOf = (namespace: string): Pick<NamespaceState, 'subjects' | 'names'> => {
    const resolver = new RoleResolver((roles.get(namespace) ?? []).map((o) => ({namespace, name: o.metadata?.name ?? '', rules: roleRules(o)})), prepared.clusterRoleRules);
    const subjects = new Map<string, {id: SubjectId; grants: ReadGrants}>();
    const add = (id: SubjectId, g: ReadGrants) => {
      const k = subjectKey(id);
      let s = subjects.get(k);
      if (!s) subjects.set(k, (s = {id, grants: emptyGrants()}));
      mergeInto(s.grants, g);
    };
    for (const b of preparedBindings(prepared, namespace)) {
      const rules = resolver.rulesFor(b);
      const g = rules && reads(rules);
      if (!g) continue;
      for (const s of b.subjects) {
        const id = subjectIdentity(s, b);
        // system:masters may do everything before RBAC is asked: who-can gives it fixed rows.
        if (id && !(id.kind === 'Group' && id.name === SYSTEM_MASTERS)) add(id, g);
      }
    }
    // A ServiceAccount may do what the groups it is a member of may do.
    for (const s of [...subjects.values()]) {
      if (s.id.kind !== 'Group' || !ServiceAccountIndex.expands(s.id.name)) continue;
      for (const member of prepared.serviceAccounts.members(s.id.name)) add(member, s.grants);
    }
    const names = new Set<string>();
    for (const s of subjects.values()) for (const g of s.grants) for (const n of g.names) names.add(n);
    return {subjects: [...subjects.values()].sort((a, b) => compareSubjects(a.id, b.id)), names};
  };

  const indirectOf = (state: NamespaceState, holders: Consumer[], holdersKey: string): Set<string> => {
    let keys = state.indirect.get(holdersKey);
    if (keys) return keys;
    // Every ServiceAccount is passed (through the prepared index): a member's grant may only add
    // up with its group's, so the members cannot be chosen from the groups' own rows.
    keys = indirectReaderKeys({
      secretName: UNRESTRICTED_NAME,
      namespace: state.namespace,
      roles: roles.get(state.namespace) ?? [],
      clusterRoles: [],
      roleBindings: [],
      clusterRoleBindings: [],
      serviceAccounts: [],
      workloads: workloads.get(state.namespace) ?? [],
      aggregate: false,
      unavailable: inputs.unavailable,
      consumers: () => holders,
      prepared,
    });
    state.indirect.set(holdersKey, keys);
    return keys;
  };

  let state: NamespaceState | undefined;
  return (namespace, secretName) => {
    if (state?.namespace !== namespace) state = {namespace, ...directOf(namespace), indirect: new Map(), memo: new Map()};
    const holders = holdersOf(namespace, secretName);
    const podNames = holders.filter((h) => h.kind === 'Pod').map((h) => h.name).sort();
    const holdersKey = JSON.stringify([podNames, holders.some((h) => h.kind !== 'Pod')]);
    const restricted = state.names.has(secretName);
    const key = restricted ? `${holdersKey}/${secretName}` : holdersKey;
    let readers = state.memo.get(key);
    if (!readers) {
      readers = summarize(directRows(state.subjects, secretName), indirectOf(state, holders, holdersKey));
      state.memo.set(key, readers);
    }
    return readers;
  };
}

/** Not a valid object name, so no resourceNames entry can name it. */
const UNRESTRICTED_NAME = '\u0000any';

/**
 * who-can's direct rows for `secretName`: get is granted by an open grant or its name; list and
 * watch by an open grant, the name, or a rule naming '' (the unnamed request). A row is by name
 * when no open grant gives it.
 */
function directRows(subjects: NamespaceState['subjects'], secretName: string): DirectRow[] {
  const rows: DirectRow[] = [];
  for (const s of subjects) {
    const byName = s.grants.map((g, v) => (g.open ? false : g.names.has(secretName) || (v > 0 && g.names.has('')) ? true : undefined));
    if (byName.some((x) => x !== undefined)) rows.push({subject: s.id, byName});
  }
  return rows;
}

const KIND_ORDER: Record<string, number> = {Group: 0, User: 1, ServiceAccount: 2};
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** who-can's order of subjects (system:masters is not among these). */
function compareSubjects(a: SubjectId, b: SubjectId): number {
  return KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || cmp(a.namespace ?? '', b.namespace ?? '') || cmp(a.name, b.name);
}

function summarize(direct: DirectRow[], indirectKeys: Set<string>): Readers {
  // system:masters always reads directly.
  const directKeys = new Set([`Group:${SYSTEM_MASTERS}`, ...direct.map((r) => subjectKey(r.subject))]);
  let indirect = 0;
  for (const k of indirectKeys) if (!directKeys.has(k)) indirect++;
  const broad: string[] = [];
  const serviceAccounts: string[] = [];
  for (const r of direct) {
    if (r.subject.kind === 'ServiceAccount') serviceAccounts.push(`${r.subject.namespace ?? ''}/${r.subject.name}`);
    if (r.subject.kind !== 'Group' || !isBroadGroup(r.subject.name)) continue;
    const access = READ_VERBS.flatMap((verb, v) => (r.byName[v] === undefined ? [] : [r.byName[v] ? `${verb} by name` : verb]));
    broad.push(`Group ${r.subject.name} (${access.join(', ')})`);
  }
  return {direct: directKeys.size, indirect, broad, serviceAccounts};
}
