// who-can: every subject that can read one Secret, directly through RBAC or by an indirect
// path, each with the bindings and roles that grant it; plus the workloads that already hold
// it. Pure: objects in, report out. The work is linear in the bindings: each binding in scope
// is looked at once, each role it references is matched once against a fixed set of requests
// (found through a verb/resource index), and only subjects with a grant are kept.
import type {KubeObject} from '../manifests/parse.js';
import {aggregateClusterRoles, type ClusterRoleLike} from './aggregate.js';
import {bindingsInScope, RoleResolver, ServiceAccountIndex, subjectIdentity, subjectKey, toBinding, type Binding, type SubjectId} from './bindings.js';
import {findHolders, type ConsumersFn, type Holder} from './holders.js';
import {indirectChecks, type AccessCheck} from './indirect.js';
import {combinedResource, isNameRestricted, ruleAllows, type PolicyRule, type ResourceRequest} from './match.js';

export const SYSTEM_MASTERS = 'system:masters';

export interface WhoCanInput {
  secretName: string;
  namespace: string;
  roles: KubeObject[];
  clusterRoles: KubeObject[];
  roleBindings: KubeObject[];
  clusterRoleBindings: KubeObject[];
  serviceAccounts: KubeObject[];
  /** Pods and workloads in the namespace, to find holders. */
  workloads: KubeObject[];
  /** Compute ClusterRole aggregation (manifests); a live cluster's `.rules` are already aggregated. */
  aggregate: boolean;
  /** Kinds we could not list: a roleRef to them is unknown, not dangling. */
  unavailable?: string[];
  consumers?: ConsumersFn;
  directOnly?: boolean;
  /**
   * What does not depend on the Secret, built once by a caller that asks about many Secrets
   * (see prepareWhoCan): then `clusterRoles`, `clusterRoleBindings`, `roleBindings` and
   * `serviceAccounts` are not read again.
   */
  prepared?: PreparedWhoCan;
}

export interface PreparedWhoCan {
  /** ClusterRole name → rules, aggregated when the input asked for it. */
  clusterRoleRules: Map<string, PolicyRule[]>;
  clusterRoleBindings: Binding[];
  /** RoleBindings by namespace. */
  roleBindings: Map<string, Binding[]>;
  serviceAccounts: ServiceAccountIndex;
}

export function prepareWhoCan(input: Pick<WhoCanInput, 'clusterRoles' | 'clusterRoleBindings' | 'roleBindings' | 'serviceAccounts' | 'aggregate'>): PreparedWhoCan {
  const roleBindings = new Map<string, Binding[]>();
  for (const o of input.roleBindings) {
    const b = toBinding(o, 'RoleBinding');
    const l = roleBindings.get(b.namespace);
    if (l) l.push(b);
    else roleBindings.set(b.namespace, [b]);
  }
  return {
    clusterRoleRules: clusterRoleRules(input.clusterRoles, input.aggregate),
    clusterRoleBindings: input.clusterRoleBindings.map((o) => toBinding(o, 'ClusterRoleBinding')),
    roleBindings,
    serviceAccounts: new ServiceAccountIndex(input.serviceAccounts.map((o) => ({namespace: o.metadata?.namespace ?? '', name: o.metadata?.name ?? ''}))),
  };
}

/** The bindings the authorizer visits in `namespace`, from prepared inputs. */
export function preparedBindings(p: PreparedWhoCan, namespace: string): Binding[] {
  return namespace === '' ? p.clusterRoleBindings : [...p.clusterRoleBindings, ...(p.roleBindings.get(namespace) ?? [])];
}

export interface Via {
  binding: {kind: string; name: string; namespace?: string};
  role: {kind: string; name: string};
  /** Set when the grant reaches a ServiceAccount through a group it is a member of. */
  group?: string;
}

export interface AccessRow {
  subject: SubjectId;
  access: string;
  nameRestricted: boolean;
  via: Via[];
  /** The requests that grant it, one per part of the check: what --verify asks the server. */
  requests: ResourceRequest[];
}

export interface DanglingBinding {
  binding: {kind: string; name: string; namespace?: string};
  roleRef: {kind: string; name: string};
}

export interface WhoCanReport {
  secret: {name: string; namespace: string};
  direct: AccessRow[];
  indirect: AccessRow[];
  holders: Holder[];
  dangling: DanglingBinding[];
}

export function directChecks(secretName: string, namespace: string): AccessCheck[] {
  const secret = {group: '', resource: 'secrets', namespace};
  return [
    {access: 'get', section: 'direct', parts: [[{...secret, verb: 'get', name: secretName}]]},
    // An unnamed list reveals every Secret in the namespace; a rule restricted to this name
    // allows list/watch only with a metadata.name field selector, which the named request models.
    {access: 'list', section: 'direct', parts: [[{...secret, verb: 'list', name: ''}, {...secret, verb: 'list', name: secretName}]]},
    {access: 'watch', section: 'direct', parts: [[{...secret, verb: 'watch', name: ''}, {...secret, verb: 'watch', name: secretName}]]},
  ];
}

interface Grant {
  via: Via;
  viaKey: string;
  restricted: boolean;
  names?: string[];
}

/** Requests indexed by verb and resource, so matching a rule only tests the requests it can allow. */
class RequestIndex {
  readonly requests: ResourceRequest[] = [];
  private readonly keys = new Map<string, number>();
  private readonly byVerb = new Map<string, Map<string, number[]>>();
  /** Per verb, every request index: what a `*` resource may match. */
  private readonly allOfVerb = new Map<string, number[]>();

  add(req: ResourceRequest): number {
    const key = JSON.stringify([req.verb, req.group, combinedResource(req), req.name ?? null, req.namespace]);
    let i = this.keys.get(key);
    if (i !== undefined) return i;
    i = this.requests.length;
    this.requests.push(req);
    this.keys.set(key, i);
    if (!this.byVerb.has(req.verb)) {
      this.byVerb.set(req.verb, new Map());
      this.allOfVerb.set(req.verb, []);
    }
    this.allOfVerb.get(req.verb)!.push(i);
    const byResource = this.byVerb.get(req.verb)!;
    if (!byResource.has(req.resource)) byResource.set(req.resource, []);
    byResource.get(req.resource)!.push(i);
    return i;
  }

  /** Indices of the requests the rule allows. */
  *matches(rule: PolicyRule): Generator<number> {
    const verbs = (rule.verbs ?? []).includes('*') ? [...this.byVerb.keys()] : (rule.verbs ?? []).filter((v) => this.byVerb.has(v));
    const seen = new Set<number>();
    for (const verb of verbs) {
      const byResource = this.byVerb.get(verb)!;
      for (const r of rule.resources ?? []) {
        const candidates = r === '*' || r.startsWith('*/') ? this.allOfVerb.get(verb)! : (byResource.get(r.split('/')[0]) ?? []);
        for (const i of candidates) {
          if (seen.has(i)) continue;
          seen.add(i);
          if (ruleAllows(this.requests[i], rule)) yield i;
        }
      }
    }
  }
}

interface RoleGrant {
  index: number;
  restricted: boolean;
  names?: string[];
}

export function roleRules(o: KubeObject): PolicyRule[] {
  return Array.isArray(o.rules) ? o.rules.filter((r: unknown) => typeof r === 'object' && r !== null) : [];
}

function clusterRoleRules(objects: KubeObject[], aggregate: boolean): Map<string, PolicyRule[]> {
  if (!aggregate) return new Map(objects.map((o) => [o.metadata?.name ?? '', roleRules(o)]));
  const roles: ClusterRoleLike[] = objects.map((o) => ({name: o.metadata?.name ?? '', labels: o.metadata?.labels ?? {}, rules: roleRules(o), aggregationRule: o.aggregationRule}));
  return aggregateClusterRoles(roles);
}

function bindingRef(b: Binding): Via['binding'] {
  return b.kind === 'RoleBinding' ? {kind: b.kind, name: b.name, namespace: b.namespace} : {kind: b.kind, name: b.name};
}

const KIND_ORDER: Record<string, number> = {Group: 0, User: 1, ServiceAccount: 2};

// Code-point order, not localeCompare: the same on every machine, and cheap on large reports.
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function compareSubjects(a: SubjectId, b: SubjectId): number {
  const masters = Number(b.kind === 'Group' && b.name === SYSTEM_MASTERS) - Number(a.kind === 'Group' && a.name === SYSTEM_MASTERS);
  return masters || KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || cmp(a.namespace ?? '', b.namespace ?? '') || cmp(a.name, b.name);
}

/** Every subject's grants on the requests of the checks: the part of who-can that walks the bindings. */
function collectGrants(input: WhoCanInput, withDirect: boolean) {
  const {secretName, namespace} = input;
  const holders = findHolders(secretName, namespace, input.workloads, input.consumers);
  const checks = withDirect ? directChecks(secretName, namespace) : [];
  if (!input.directOnly) {
    checks.push(...indirectChecks(namespace, {podNames: holders.filter((h) => h.kind === 'Pod').map((h) => h.name), workloads: holders.some((h) => h.kind !== 'Pod')}));
  }
  const index = new RequestIndex();
  const checkParts = checks.map((c) => c.parts.map((alternatives) => alternatives.map((r) => index.add(r))));

  const resolver = new RoleResolver(
    input.roles.filter((o) => o.metadata?.namespace === namespace).map((o) => ({namespace, name: o.metadata?.name ?? '', rules: roleRules(o)})),
    input.prepared?.clusterRoleRules ?? clusterRoleRules(input.clusterRoles, input.aggregate),
  );
  // Each role is matched once, however many bindings reference it.
  const roleGrants = new WeakMap<PolicyRule[], RoleGrant[]>();
  const grantsOf = (rules: PolicyRule[]): RoleGrant[] => {
    let g = roleGrants.get(rules);
    if (g) return g;
    const byIndex = new Map<number, RoleGrant>();
    for (const rule of rules) {
      const restricted = isNameRestricted(rule);
      for (const i of index.matches(rule)) {
        const prev = byIndex.get(i);
        if (!prev) byIndex.set(i, {index: i, restricted, names: restricted ? [...rule.resourceNames!] : undefined});
        else if (!restricted) byIndex.set(i, {index: i, restricted: false});
        else if (prev.restricted) prev.names!.push(...rule.resourceNames!);
      }
    }
    g = [...byIndex.values()];
    roleGrants.set(rules, g);
    return g;
  };

  const unavailable = new Set(input.unavailable ?? []);
  const dangling: DanglingBinding[] = [];
  const subjects = new Map<string, {id: SubjectId; grants: Map<number, Grant[]>}>();
  const addGrant = (id: SubjectId, i: number, grant: Grant) => {
    const key = subjectKey(id);
    let s = subjects.get(key);
    if (!s) subjects.set(key, (s = {id, grants: new Map()}));
    const list = s.grants.get(i);
    if (!list) s.grants.set(i, [grant]);
    else if (!list.some((g) => g.viaKey === grant.viaKey && g.restricted === grant.restricted)) list.push(grant);
  };

  const bindings = input.prepared
    ? preparedBindings(input.prepared, namespace)
    : bindingsInScope([...input.clusterRoleBindings.map((o) => toBinding(o, 'ClusterRoleBinding')), ...input.roleBindings.map((o) => toBinding(o, 'RoleBinding'))], namespace);
  for (const b of bindings) {
    const rules = resolver.rulesFor(b);
    if (!rules) {
      if (!unavailable.has(b.roleRef.kind)) dangling.push({binding: bindingRef(b), roleRef: {...b.roleRef}});
      continue;
    }
    // A RoleBinding never grants cluster-scoped requests (VisitRulesFor with namespace '').
    const grants = grantsOf(rules).filter((g) => b.kind === 'ClusterRoleBinding' || index.requests[g.index].namespace !== '');
    if (grants.length === 0) continue;
    const via: Via = {binding: bindingRef(b), role: {...b.roleRef}};
    const viaKey = `${b.kind}/${b.namespace}/${b.name}`;
    for (const s of b.subjects) {
      const id = subjectIdentity(s, b);
      // system:masters is allowed everything before RBAC is asked; its rows carry no bindings.
      if (!id || (id.kind === 'Group' && id.name === SYSTEM_MASTERS)) continue;
      for (const g of grants) addGrant(id, g.index, {via, viaKey, restricted: g.restricted, names: g.names});
    }
  }

  // A ServiceAccount is a member of system:serviceaccounts, system:serviceaccounts:NS and
  // system:authenticated: what those groups may do, each known ServiceAccount may do.
  const serviceAccounts = input.prepared?.serviceAccounts ?? new ServiceAccountIndex(input.serviceAccounts.map((o) => ({namespace: o.metadata?.namespace ?? '', name: o.metadata?.name ?? ''})));
  for (const s of [...subjects.values()]) {
    if (s.id.kind !== 'Group' || !ServiceAccountIndex.expands(s.id.name)) continue;
    for (const member of serviceAccounts.members(s.id.name)) {
      for (const [i, grants] of s.grants) {
        for (const g of grants) addGrant(member, i, {...g, via: {...g.via, group: s.id.name}, viaKey: `${g.viaKey}#${s.id.name}`});
      }
    }
  }
  return {holders, checks, checkParts, index, subjects, dangling};
}

export function whoCan(input: WhoCanInput): WhoCanReport {
  const {secretName, namespace} = input;
  const {holders, checks, checkParts, index, subjects, dangling} = collectGrants(input, true);
  const rows: Array<AccessRow & {section: string; order: number}> = [];
  const masters: SubjectId = {kind: 'Group', name: SYSTEM_MASTERS};
  checks.forEach((c, order) => {
    if (c.section === 'direct') rows.push({subject: masters, access: c.access, nameRestricted: false, via: [], requests: checkParts[order].map((alts) => index.requests[alts[0]]), section: c.section, order});
  });
  for (const s of subjects.values()) {
    checks.forEach((c, order) => {
      const row = evaluateCheck(checkParts[order], s.grants, index.requests);
      if (row) rows.push({subject: s.id, access: c.access, ...row, section: c.section, order});
    });
  }
  rows.sort((a, b) => compareSubjects(a.subject, b.subject) || a.order - b.order);
  const strip = ({section: _s, order: _o, ...row}: AccessRow & {section: string; order: number}): AccessRow => row;
  dangling.sort((a, b) => cmp(a.binding.kind, b.binding.kind) || cmp(a.binding.name, b.binding.name));
  return {
    secret: {name: secretName, namespace},
    direct: rows.filter((r) => r.section === 'direct').map(strip),
    indirect: rows.filter((r) => r.section === 'indirect').map(strip),
    holders: input.directOnly ? [] : holders,
    dangling,
  };
}

/**
 * The keys (subjectKey) of the subjects whoCan(input).indirect has rows for, without building
 * the rows: for callers that only count them, many times (audit).
 */
export function indirectReaderKeys(input: WhoCanInput): Set<string> {
  const {checkParts, subjects} = collectGrants({...input, directOnly: false}, false);
  const keys = new Set<string>();
  for (const [key, s] of subjects) {
    if (checkParts.some((parts) => parts.every((alternatives) => alternatives.some((i) => s.grants.has(i))))) keys.add(key);
  }
  return keys;
}

/** A check holds when every part has a grant; the row is name-restricted when some part is granted only by name. */
function evaluateCheck(parts: number[][], grants: Map<number, Grant[]>, requests: ResourceRequest[]): Pick<AccessRow, 'nameRestricted' | 'via' | 'requests'> | undefined {
  // Most subjects hold none of most checks: say so before building anything.
  for (const alternatives of parts) if (!alternatives.some((i) => grants.has(i))) return undefined;
  const via = new Map<string, Via>();
  const chosen: ResourceRequest[] = [];
  let nameRestricted = false;
  for (const alternatives of parts) {
    let pick: {req: ResourceRequest; grant: Grant} | undefined;
    let partRestricted = true;
    for (const i of alternatives) {
      for (const g of grants.get(i) ?? []) {
        via.set(g.viaKey, g.via);
        if (!g.restricted) partRestricted = false;
        if (!pick || (pick.grant.restricted && !g.restricted)) pick = {req: requests[i], grant: g};
      }
    }
    if (!pick) return undefined;
    nameRestricted ||= partRestricted;
    // A request "for some name" granted only by name is verified with one of the granted names.
    chosen.push(pick.req.name === undefined && pick.grant.restricted ? {...pick.req, name: pick.grant.names![0]} : pick.req);
  }
  return {nameRestricted, via: [...via.values()], requests: chosen};
}
