// The resource types the fake API server knows: built-ins we use, plus custom resources that tests
// or CRDs register. Discovery, routing and the store all look types up here, so a CRD is live
// everywhere the moment it is registered.

export interface SubresourceInfo {
  name: string;
  kind: string;
  group?: string;
  version?: string;
  verbs: string[];
}

export interface ResourceType {
  group: string; // '' for core
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  subresources: SubresourceInfo[];
  /** Has a status subresource: the main endpoint ignores status and /status ignores the rest. */
  status: boolean;
  /** metadata.generation follows spec changes (workloads and custom resources). */
  generation: boolean;
  builtin: boolean;
  /** Field selectors accepted beyond metadata.name and metadata.namespace. */
  fieldSelectors: string[];
}

const CRUD = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const STATUS: SubresourceInfo = {name: 'status', kind: '', verbs: ['get', 'patch', 'update']};
const SCALE: SubresourceInfo = {name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update']};

interface Def {
  g: string; v: string; k: string; p: string; ns?: boolean; short?: string[]; cat?: string[];
  verbs?: string[]; sub?: SubresourceInfo[]; status?: boolean; gen?: boolean; fields?: string[];
}

function make(d: Def): ResourceType {
  const sub = (d.sub ?? []).map((s) => ({...s, kind: s.kind || d.k}));
  if (d.status) sub.unshift({...STATUS, kind: d.k});
  return {
    group: d.g, version: d.v, kind: d.k, listKind: `${d.k}List`, plural: d.p, singular: d.k.toLowerCase(),
    namespaced: d.ns ?? true, shortNames: d.short ?? [], categories: d.cat ?? [], verbs: d.verbs ?? CRUD,
    subresources: sub, status: d.status ?? false, generation: d.gen ?? false, builtin: true, fieldSelectors: d.fields ?? [],
  };
}

const ALL = ['all'];
const BUILTINS: Def[] = [
  {g: '', v: 'v1', k: 'Namespace', p: 'namespaces', ns: false, short: ['ns'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], status: true,
    sub: [{name: 'finalize', kind: '', verbs: ['update']}], fields: ['status.phase']},
  {g: '', v: 'v1', k: 'Secret', p: 'secrets', fields: ['type']},
  {g: '', v: 'v1', k: 'ConfigMap', p: 'configmaps', short: ['cm']},
  {g: '', v: 'v1', k: 'ServiceAccount', p: 'serviceaccounts', short: ['sa'],
    sub: [{name: 'token', kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1', verbs: ['create']}]},
  {g: '', v: 'v1', k: 'Pod', p: 'pods', short: ['po'], cat: ALL, status: true,
    sub: [{name: 'log', kind: 'Pod', verbs: ['get']}, {name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get']}, {name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create']}],
    fields: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'status.phase', 'status.podIP', 'status.nominatedNodeName']},
  {g: '', v: 'v1', k: 'Service', p: 'services', short: ['svc'], cat: ALL, status: true,
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    sub: [{name: 'proxy', kind: 'ServiceProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update']}]},
  {g: '', v: 'v1', k: 'Event', p: 'events', short: ['ev'],
    fields: ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type']},
  {g: '', v: 'v1', k: 'ReplicationController', p: 'replicationcontrollers', short: ['rc'], cat: ALL, status: true, gen: true, sub: [SCALE]},
  {g: 'apps', v: 'v1', k: 'Deployment', p: 'deployments', short: ['deploy'], cat: ALL, status: true, gen: true, sub: [SCALE]},
  {g: 'apps', v: 'v1', k: 'StatefulSet', p: 'statefulsets', short: ['sts'], cat: ALL, status: true, gen: true, sub: [SCALE]},
  {g: 'apps', v: 'v1', k: 'DaemonSet', p: 'daemonsets', short: ['ds'], cat: ALL, status: true, gen: true},
  {g: 'apps', v: 'v1', k: 'ReplicaSet', p: 'replicasets', short: ['rs'], cat: ALL, status: true, gen: true, sub: [SCALE], fields: ['status.replicas']},
  {g: 'batch', v: 'v1', k: 'Job', p: 'jobs', cat: ALL, status: true, gen: true, fields: ['status.successful']},
  {g: 'batch', v: 'v1', k: 'CronJob', p: 'cronjobs', short: ['cj'], cat: ALL, status: true, gen: true},
  {g: 'rbac.authorization.k8s.io', v: 'v1', k: 'Role', p: 'roles'},
  {g: 'rbac.authorization.k8s.io', v: 'v1', k: 'RoleBinding', p: 'rolebindings'},
  {g: 'rbac.authorization.k8s.io', v: 'v1', k: 'ClusterRole', p: 'clusterroles', ns: false},
  {g: 'rbac.authorization.k8s.io', v: 'v1', k: 'ClusterRoleBinding', p: 'clusterrolebindings', ns: false},
  {g: 'coordination.k8s.io', v: 'v1', k: 'Lease', p: 'leases'},
  {g: 'apiextensions.k8s.io', v: 'v1', k: 'CustomResourceDefinition', p: 'customresourcedefinitions', ns: false, short: ['crd', 'crds'], cat: ['api-extensions'], status: true, gen: true},
  {g: 'authorization.k8s.io', v: 'v1', k: 'SubjectAccessReview', p: 'subjectaccessreviews', ns: false, verbs: ['create']},
  {g: 'authorization.k8s.io', v: 'v1', k: 'SelfSubjectAccessReview', p: 'selfsubjectaccessreviews', ns: false, verbs: ['create']},
  {g: 'authorization.k8s.io', v: 'v1', k: 'SelfSubjectRulesReview', p: 'selfsubjectrulesreviews', ns: false, verbs: ['create']},
  {g: 'authorization.k8s.io', v: 'v1', k: 'LocalSubjectAccessReview', p: 'localsubjectaccessreviews', verbs: ['create']},
];

/** Types whose objects are computed per request and never stored. */
export const VIRTUAL_KINDS = new Set(['SubjectAccessReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'LocalSubjectAccessReview']);

export function apiVersionOf(t: {group: string; version: string}): string {
  return t.group === '' ? t.version : `${t.group}/${t.version}`;
}

export function splitApiVersion(apiVersion: string): {group: string; version: string} {
  const i = apiVersion.indexOf('/');
  return i < 0 ? {group: '', version: apiVersion} : {group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1)};
}

/** "deployments.apps" — how the API server names a resource in messages. */
export function qualifiedResource(t: ResourceType): string {
  return t.group === '' ? t.plural : `${t.plural}.${t.group}`;
}

/** Storage key: all versions of a group/resource share one set of objects. */
export function storageKey(t: {group: string; plural: string}): string {
  return `${t.group}/${t.plural}`;
}

export interface CustomResourceSpec {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular?: string;
  namespaced?: boolean;
  status?: boolean;
  shortNames?: string[];
  categories?: string[];
  listKind?: string;
}

export class Registry {
  private readonly types: ResourceType[] = [];

  constructor() {
    for (const d of BUILTINS) this.types.push(make(d));
  }

  all(): ResourceType[] {
    return this.types;
  }

  registerCustom(c: CustomResourceSpec): ResourceType {
    this.unregister(c.group, c.version, c.plural);
    const t: ResourceType = {
      group: c.group, version: c.version, kind: c.kind, listKind: c.listKind ?? `${c.kind}List`, plural: c.plural,
      singular: c.singular ?? c.kind.toLowerCase(), namespaced: c.namespaced ?? true, shortNames: c.shortNames ?? [],
      categories: c.categories ?? [], verbs: CRUD, subresources: c.status ? [{...STATUS, kind: c.kind}] : [],
      status: c.status ?? false, generation: true, builtin: false, fieldSelectors: [],
    };
    this.types.push(t);
    return t;
  }

  unregister(group: string, version: string | undefined, plural: string): void {
    for (let i = this.types.length - 1; i >= 0; i--) {
      const t = this.types[i];
      if (!t.builtin && t.group === group && t.plural === plural && (version === undefined || t.version === version)) this.types.splice(i, 1);
    }
  }

  byPlural(group: string, version: string, plural: string): ResourceType | undefined {
    return this.types.find((t) => t.group === group && t.version === version && t.plural === plural);
  }

  byKind(apiVersion: string, kind: string): ResourceType | undefined {
    const {group, version} = splitApiVersion(apiVersion);
    return this.types.find((t) => t.group === group && t.version === version && t.kind === kind);
  }

  /** Lenient lookup for test helpers: "Deployment", "deployment", "deployments", "deploy". */
  byName(name: string): ResourceType | undefined {
    const n = name.toLowerCase();
    return this.types.find((t) => t.kind.toLowerCase() === n || t.plural === n || t.singular === n || t.shortNames.includes(n));
  }

  groupVersions(): Array<{group: string; versions: string[]}> {
    const out = new Map<string, string[]>();
    for (const t of this.types) {
      if (t.group === '') continue;
      const vs = out.get(t.group) ?? [];
      if (!vs.includes(t.version)) vs.push(t.version);
      out.set(t.group, vs);
    }
    return [...out].map(([group, versions]) => ({group, versions}));
  }
}
