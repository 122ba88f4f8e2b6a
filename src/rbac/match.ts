// The RBAC authorizer's rule and subject matching, ported line for line so our answer is the
// one the API server would give:
//   rule matching: kubernetes pkg/apis/rbac/v1/evaluation_helpers.go (VerbMatches,
//     APIGroupMatches, ResourceMatches, ResourceNameMatches) and RuleAllows in
//     plugin/pkg/auth/authorizer/rbac/rbac.go;
//   subject matching: appliesToUser in pkg/registry/rbac/validation/rule.go.

export interface PolicyRule {
  verbs?: string[] | null;
  apiGroups?: string[] | null;
  resources?: string[] | null;
  resourceNames?: string[] | null;
  nonResourceURLs?: string[] | null;
}

/** The attributes of one resource request, as the authorizer sees them. */
export interface ResourceRequest {
  verb: string;
  /** API group; '' is the core group. */
  group: string;
  resource: string;
  subresource?: string;
  /**
   * The object name. `undefined` asks "for some name": a rule restricted by resourceNames then
   * matches too, and the match is reported as name-restricted. '' is an unnamed request (a list
   * without a metadata.name field selector), which only unrestricted rules allow.
   */
  name?: string;
  /** '' for cluster-scoped requests: only ClusterRoleBindings can grant them. */
  namespace: string;
}

export interface Subject {
  kind: string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}

/** What the authenticator tells the authorizer about a caller. */
export interface UserInfo {
  name: string;
  groups: string[];
}

const ALL = '*';

export function verbMatches(rule: PolicyRule, requestedVerb: string): boolean {
  for (const v of rule.verbs ?? []) if (v === ALL || v === requestedVerb) return true;
  return false;
}

export function apiGroupMatches(rule: PolicyRule, requestedGroup: string): boolean {
  for (const g of rule.apiGroups ?? []) if (g === ALL || g === requestedGroup) return true;
  return false;
}

/** `*` matches every resource and subresource; `*\/SUB` matches subresource SUB of any resource; `secrets` never matches `secrets/status`. */
export function resourceMatches(rule: PolicyRule, combinedRequestedResource: string, requestedSubresource: string): boolean {
  for (const r of rule.resources ?? []) {
    if (r === ALL) return true;
    if (r === combinedRequestedResource) return true;
    if (requestedSubresource.length === 0) continue;
    if (r.length === requestedSubresource.length + 2 && r.startsWith('*/') && r.endsWith(requestedSubresource)) return true;
  }
  return false;
}

export function resourceNameMatches(rule: PolicyRule, requestedName: string): boolean {
  const names = rule.resourceNames ?? [];
  if (names.length === 0) return true;
  return names.includes(requestedName);
}

export function combinedResource(req: Pick<ResourceRequest, 'resource' | 'subresource'>): string {
  return req.subresource ? `${req.resource}/${req.subresource}` : req.resource;
}

/** RuleAllows for resource requests; `name: undefined` relaxes the name check (see ResourceRequest.name). */
export function ruleAllows(req: ResourceRequest, rule: PolicyRule): boolean {
  return (
    verbMatches(rule, req.verb) &&
    apiGroupMatches(rule, req.group) &&
    resourceMatches(rule, combinedResource(req), req.subresource ?? '') &&
    (req.name === undefined || resourceNameMatches(rule, req.name))
  );
}

export function isNameRestricted(rule: PolicyRule): boolean {
  return (rule.resourceNames ?? []).length > 0;
}

/** k8s.io/apiserver/pkg/authentication/serviceaccount: the user name a ServiceAccount token authenticates as. */
export function serviceAccountUsername(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/** The groups every ServiceAccount token carries (serviceaccount.MakeGroupNames plus system:authenticated). */
export function serviceAccountGroups(namespace: string): string[] {
  return ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'];
}

/**
 * appliesToUser: `namespace` is the RoleBinding's namespace, '' for a ClusterRoleBinding. A
 * ServiceAccount subject without a namespace takes the RoleBinding's, and in a
 * ClusterRoleBinding matches nobody.
 */
export function appliesToUser(user: UserInfo, subject: Subject, namespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return user.name === subject.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const saNamespace = subject.namespace || namespace;
      if (!saNamespace) return false;
      return user.name === serviceAccountUsername(saNamespace, subject.name);
    }
    default:
      return false;
  }
}
