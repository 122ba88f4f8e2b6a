// Which bindings apply in a namespace, what roles they grant, and to whom. Follows
// VisitRulesFor / GetRoleReferenceRules / appliesTo in kubernetes
// pkg/registry/rbac/validation/rule.go: ClusterRoleBindings apply everywhere, RoleBindings only
// in their own namespace (also when they reference a ClusterRole), and a roleRef that does not
// resolve grants nothing.
import type {KubeObject} from '../manifests/parse.js';
import type {PolicyRule, Subject} from './match.js';

export interface RoleRef {
  kind: string;
  name: string;
}

export interface Binding {
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  name: string;
  /** '' for a ClusterRoleBinding. */
  namespace: string;
  roleRef: RoleRef;
  subjects: Subject[];
}

/** A subject as the report names it: ServiceAccounts always with their namespace. */
export interface SubjectId {
  kind: 'User' | 'Group' | 'ServiceAccount';
  name: string;
  namespace?: string;
}

/** `kind` says which list the object came from: items of a live list carry no kind of their own. */
export function toBinding(o: KubeObject, kind: 'RoleBinding' | 'ClusterRoleBinding'): Binding {
  return {
    kind,
    name: o.metadata?.name ?? '',
    namespace: kind === 'RoleBinding' ? (o.metadata?.namespace ?? '') : '',
    roleRef: {kind: o.roleRef?.kind ?? '', name: o.roleRef?.name ?? ''},
    subjects: Array.isArray(o.subjects) ? (o.subjects as unknown[]).filter((s): s is Subject => typeof s === 'object' && s !== null) : [],
  };
}

/** The bindings the authorizer visits for a request in `namespace`: every ClusterRoleBinding, then that namespace's RoleBindings. */
export function bindingsInScope(bindings: Iterable<Binding>, namespace: string): Binding[] {
  const out: Binding[] = [];
  for (const b of bindings) if (b.kind === 'ClusterRoleBinding' || (namespace !== '' && b.namespace === namespace)) out.push(b);
  return out;
}

/**
 * The identity a binding subject stands for, or undefined when it matches nobody: a
 * ServiceAccount without a namespace takes the RoleBinding's and in a ClusterRoleBinding never
 * matches (appliesToUser); kinds other than User/Group/ServiceAccount match nobody.
 */
export function subjectIdentity(s: Subject, binding: Binding): SubjectId | undefined {
  if (!s.name) return undefined;
  switch (s.kind) {
    case 'User':
    case 'Group':
      return {kind: s.kind, name: s.name};
    case 'ServiceAccount': {
      const ns = s.namespace || binding.namespace;
      return ns ? {kind: 'ServiceAccount', name: s.name, namespace: ns} : undefined;
    }
    default:
      return undefined;
  }
}

export function subjectKey(s: SubjectId): string {
  return s.kind === 'ServiceAccount' ? `ServiceAccount:${s.namespace}/${s.name}` : `${s.kind}:${s.name}`;
}

/** Resolves roleRefs against the Roles and ClusterRoles we know (GetRoleReferenceRules). */
export class RoleResolver {
  private readonly roles = new Map<string, PolicyRule[]>();

  constructor(roles: Iterable<{namespace: string; name: string; rules: PolicyRule[]}>, private readonly clusterRoles: Map<string, PolicyRule[]>) {
    for (const r of roles) this.roles.set(`${r.namespace}/${r.name}`, r.rules);
  }

  /** The rules a binding grants; undefined when its roleRef does not exist (a dangling binding). */
  rulesFor(b: Binding): PolicyRule[] | undefined {
    switch (b.roleRef.kind) {
      case 'Role':
        // A ClusterRoleBinding cannot reference a Role: there is no namespace to find it in.
        return b.namespace ? this.roles.get(`${b.namespace}/${b.roleRef.name}`) : undefined;
      case 'ClusterRole':
        return this.clusterRoles.get(b.roleRef.name);
      default:
        return undefined;
    }
  }
}

export const GROUP_ALL_SERVICEACCOUNTS = 'system:serviceaccounts';
export const GROUP_AUTHENTICATED = 'system:authenticated';
const SA_NAMESPACE_GROUP_PREFIX = 'system:serviceaccounts:';

/** The ServiceAccounts we know of, by namespace, to expand the groups every ServiceAccount is in. */
export class ServiceAccountIndex {
  private readonly byNamespace = new Map<string, string[]>();
  private total = 0;

  constructor(serviceAccounts: Iterable<{namespace: string; name: string}>) {
    const seen = new Set<string>();
    for (const sa of serviceAccounts) {
      const key = `${sa.namespace}/${sa.name}`;
      if (!sa.name || !sa.namespace || seen.has(key)) continue;
      seen.add(key);
      if (!this.byNamespace.has(sa.namespace)) this.byNamespace.set(sa.namespace, []);
      this.byNamespace.get(sa.namespace)!.push(sa.name);
      this.total++;
    }
  }

  get size(): number {
    return this.total;
  }

  /** Whether a group is one ServiceAccounts are members of (so expanding it makes sense). */
  static expands(group: string): boolean {
    return group === GROUP_ALL_SERVICEACCOUNTS || group === GROUP_AUTHENTICATED || group.startsWith(SA_NAMESPACE_GROUP_PREFIX);
  }

  /** The known ServiceAccounts that are members of `group`. */
  *members(group: string): Generator<SubjectId> {
    if (group === GROUP_ALL_SERVICEACCOUNTS || group === GROUP_AUTHENTICATED) {
      for (const [namespace, names] of this.byNamespace) for (const name of names) yield {kind: 'ServiceAccount', name, namespace};
    } else if (group.startsWith(SA_NAMESPACE_GROUP_PREFIX)) {
      const namespace = group.slice(SA_NAMESPACE_GROUP_PREFIX.length);
      for (const name of this.byNamespace.get(namespace) ?? []) yield {kind: 'ServiceAccount', name, namespace};
    }
  }
}
