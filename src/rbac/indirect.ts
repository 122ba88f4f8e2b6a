// The ways to read a Secret without `get` on it: each is a set of API requests that, all
// granted together, let the caller see the Secret's value. Every check names the exact
// requests, so the report can say which binding grants each one and --verify can ask the
// server about the same requests.
import type {ResourceRequest} from './match.js';

export interface AccessCheck {
  /** What the report calls it, e.g. `get`, `create pods`, `bind clusterroles + create rolebindings`. */
  access: string;
  section: 'direct' | 'indirect';
  /** Every part must be granted; a part is granted by any one of its alternatives. */
  parts: ResourceRequest[][];
}

export interface ConsumerPods {
  /** Names of existing Pods that consume the Secret. */
  podNames: string[];
  /** Whether workloads consume it: their pods have generated names, so only unrestricted rules reach them. */
  workloads: boolean;
}

const one = (access: string, req: ResourceRequest): AccessCheck => ({access, section: 'indirect', parts: [[req]]});

/** Controllers that turn a pod template into running pods: writing one runs any image with the Secret mounted. */
export const POD_WORKLOADS: Array<{group: string; resource: string}> = [
  {group: 'apps', resource: 'deployments'},
  {group: 'apps', resource: 'replicasets'},
  {group: 'apps', resource: 'statefulsets'},
  {group: 'apps', resource: 'daemonsets'},
  {group: 'batch', resource: 'jobs'},
  {group: 'batch', resource: 'cronjobs'},
  {group: '', resource: 'replicationcontrollers'},
];

export function indirectChecks(namespace: string, consumers: ConsumerPods): AccessCheck[] {
  const ns = namespace;
  const checks: AccessCheck[] = [];
  // A pod in the namespace may mount or reference any Secret there.
  checks.push(one('create pods', {verb: 'create', group: '', resource: 'pods', namespace: ns}));
  // patch is an update of the same object (kubectl apply/edit use it), so both are listed.
  for (const verb of ['create', 'update', 'patch']) {
    for (const w of POD_WORKLOADS) checks.push(one(`${verb} ${w.resource}`, {verb, group: w.group, resource: w.resource, namespace: ns}));
  }
  // Reaching into a pod that already has the Secret: exec/attach, or swapping its image.
  const podTargets = (req: Omit<ResourceRequest, 'name'>): ResourceRequest[] => [
    ...consumers.podNames.map((name) => ({...req, name})),
    ...(consumers.workloads ? [{...req, name: ''}] : []),
  ];
  if (consumers.podNames.length > 0 || consumers.workloads) {
    // Before Kubernetes 1.35 the exec/attach websocket is a GET, so `get` on them suffices there.
    for (const verb of ['create', 'get']) {
      for (const sub of ['exec', 'attach']) {
        checks.push({access: `${verb} pods/${sub}`, section: 'indirect', parts: [podTargets({verb, group: '', resource: 'pods', subresource: sub, namespace: ns})]});
      }
    }
    for (const verb of ['update', 'patch']) {
      checks.push({access: `${verb} pods`, section: 'indirect', parts: [podTargets({verb, group: '', resource: 'pods', namespace: ns})]});
    }
  }
  // An ephemeral container may take env from any Secret in the namespace (kubectl debug patches).
  for (const verb of ['update', 'patch']) {
    checks.push(one(`${verb} pods/ephemeralcontainers`, {verb, group: '', resource: 'pods', subresource: 'ephemeralcontainers', namespace: ns}));
  }
  // Becoming someone who can read it.
  checks.push(one('impersonate users', {verb: 'impersonate', group: '', resource: 'users', namespace: ''}));
  checks.push(one('impersonate groups', {verb: 'impersonate', group: '', resource: 'groups', namespace: ''}));
  checks.push(one('impersonate serviceaccounts', {verb: 'impersonate', group: '', resource: 'serviceaccounts', namespace: ns}));
  checks.push(one('create serviceaccounts/token', {verb: 'create', group: '', resource: 'serviceaccounts', subresource: 'token', namespace: ns}));
  // Granting oneself a role that reads it: bind or escalate lifts the escalation check.
  const rbac = 'rbac.authorization.k8s.io';
  const createRB: ResourceRequest = {verb: 'create', group: rbac, resource: 'rolebindings', namespace: ns};
  const createCRB: ResourceRequest = {verb: 'create', group: rbac, resource: 'clusterrolebindings', namespace: ''};
  for (const verb of ['bind', 'escalate']) {
    checks.push({access: `${verb} roles + create rolebindings`, section: 'indirect', parts: [[{verb, group: rbac, resource: 'roles', namespace: ns}], [createRB]]});
    // bind on a ClusterRole is checked in the RoleBinding's namespace; escalate edits the cluster-scoped role.
    const crScope = verb === 'bind' ? ns : '';
    checks.push({access: `${verb} clusterroles + create rolebindings`, section: 'indirect', parts: [[{verb, group: rbac, resource: 'clusterroles', namespace: crScope}], [createRB]]});
    checks.push({access: `${verb} clusterroles + create clusterrolebindings`, section: 'indirect', parts: [[{verb, group: rbac, resource: 'clusterroles', namespace: ''}], [createCRB]]});
  }
  // The kubelet API: exec into any pod on a node, and read its Secret volumes.
  checks.push(one('get nodes/proxy', {verb: 'get', group: '', resource: 'nodes', subresource: 'proxy', namespace: ''}));
  checks.push(one('create nodes/proxy', {verb: 'create', group: '', resource: 'nodes', subresource: 'proxy', namespace: ''}));
  // A hostPath PersistentVolume exposes the node's disk, where Secret volumes live.
  checks.push(one('create persistentvolumes', {verb: 'create', group: '', resource: 'persistentvolumes', namespace: ''}));
  // Approving a client certificate request for a user or group that can read it.
  checks.push({
    access: 'approve certificatesigningrequests',
    section: 'indirect',
    parts: [
      [{verb: 'update', group: 'certificates.k8s.io', resource: 'certificatesigningrequests', subresource: 'approval', namespace: ''}],
      [{verb: 'approve', group: 'certificates.k8s.io', resource: 'signers', namespace: ''}],
    ],
  });
  // Admission webhooks receive the Secret in every write to it.
  for (const verb of ['create', 'update', 'patch']) {
    for (const resource of ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations']) {
      checks.push(one(`${verb} ${resource}`, {verb, group: 'admissionregistration.k8s.io', resource, namespace: ''}));
    }
  }
  return checks;
}
