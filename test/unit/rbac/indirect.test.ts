import {test} from 'node:test';
import assert from 'node:assert/strict';
import type {KubeObject} from '../../../src/manifests/parse.js';
import {clusterRole, clusterRoleBinding, lines, role, roleBinding, rule, run} from './objects.js';

const grant = (name: string, rules: ReturnType<typeof rule>[], scope: 'cluster' | 'ns1' = 'ns1'): KubeObject[] =>
  scope === 'cluster'
    ? [clusterRole(name, rules), clusterRoleBinding(name, name, `User:${name}`)]
    : [role('ns1', name, ...rules), roleBinding('ns1', name, {kind: 'Role', name}, `User:${name}`)];

const consumerPod: KubeObject = {apiVersion: 'v1', kind: 'Pod', metadata: {name: 'api-7d9', namespace: 'ns1'}, spec: {serviceAccountName: 'api', containers: [{name: 'c', envFrom: [{secretRef: {name: 'db-creds'}}]}]}};
const consumerDeployment: KubeObject = {apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'worker', namespace: 'ns1'}, spec: {template: {spec: {containers: [{name: 'c'}], volumes: [{name: 'v', secret: {secretName: 'db-creds'}}]}}}};

test('create pods and every pod-making workload, created or updated, are indirect paths', () => {
  const objects = [
    ...grant('podmaker', [rule(['create'], [''], ['pods'])]),
    ...grant('deployer', [rule(['create', 'update', 'patch'], ['apps'], ['deployments'])]),
    ...grant('batcher', [rule(['update'], ['batch'], ['cronjobs', 'jobs'])]),
    ...grant('rc', [rule(['create'], [''], ['replicationcontrollers'])]),
    ...grant('apps-star', [rule(['create'], ['apps'], ['*'])]),
  ];
  assert.deepEqual(lines(run(objects).indirect), [
    'User:apps-star create daemonsets', 'User:apps-star create deployments', 'User:apps-star create replicasets', 'User:apps-star create statefulsets',
    'User:batcher update cronjobs', 'User:batcher update jobs',
    'User:deployer create deployments', 'User:deployer patch deployments', 'User:deployer update deployments',
    'User:podmaker create pods',
    'User:rc create replicationcontrollers',
  ]);
});

test('exec, attach and pod updates are paths only when a pod or workload consumes the Secret', () => {
  const objects = [...grant('execer', [rule(['create', 'get'], [''], ['pods/exec', 'pods/attach'])]), ...grant('patcher', [rule(['patch', 'update'], [''], ['pods'])])];
  assert.deepEqual(lines(run(objects).indirect), []);
  assert.deepEqual(lines(run([...objects, consumerPod]).indirect), [
    'User:execer create pods/attach', 'User:execer create pods/exec', 'User:execer get pods/attach', 'User:execer get pods/exec',
    'User:patcher patch pods', 'User:patcher update pods',
  ]);
  assert.deepEqual(lines(run([...objects, consumerDeployment]).indirect).length, 6);
});

test('exec restricted to the consuming pod by name is a name-restricted path; to another pod it is none', () => {
  const objects = [
    ...grant('this-pod', [rule(['create'], [''], ['pods/exec'], ['api-7d9'])]),
    ...grant('other-pod', [rule(['create'], [''], ['pods/exec'], ['unrelated'])]),
    consumerPod,
  ];
  const r = run(objects);
  assert.deepEqual(lines(r.indirect), ['User:this-pod create pods/exec (name-restricted)']);
  assert.equal(r.indirect[0].requests[0].name, 'api-7d9');
  // Pods of a workload have generated names: only an unrestricted rule reaches them.
  assert.deepEqual(lines(run([...grant('this-pod', [rule(['create'], [''], ['pods/exec'], ['api-7d9'])]), consumerDeployment]).indirect), []);
});

test('ephemeral containers, impersonation, service account tokens are paths without any consumer', () => {
  const objects = [
    ...grant('debugger', [rule(['update'], [''], ['pods/ephemeralcontainers'])]),
    ...grant('sa-imp', [rule(['impersonate'], [''], ['serviceaccounts'])]),
    ...grant('tokens', [rule(['create'], [''], ['serviceaccounts/token'])]),
    ...grant('user-imp', [rule(['impersonate'], [''], ['users', 'groups'])], 'cluster'),
    ...grant('named-imp', [rule(['impersonate'], [''], ['users'], ['system:admin'])], 'cluster'),
  ];
  const r = run(objects);
  assert.deepEqual(lines(r.indirect), [
    'User:debugger update pods/ephemeralcontainers',
    'User:named-imp impersonate users (name-restricted)',
    'User:sa-imp impersonate serviceaccounts',
    'User:tokens create serviceaccounts/token',
    'User:user-imp impersonate groups',
    'User:user-imp impersonate users',
  ]);
  assert.equal(r.indirect.find((x) => x.subject.name === 'named-imp')!.requests[0].name, 'system:admin');
});

test('cluster-scoped paths are granted by ClusterRoleBindings only, never by a RoleBinding', () => {
  const rules = [rule(['get', 'create'], [''], ['nodes/proxy']), rule(['create'], [''], ['persistentvolumes']), rule(['impersonate'], [''], ['users'])];
  const viaRoleBinding = [clusterRole('node-admin', rules), roleBinding('ns1', 'node-admin', {kind: 'ClusterRole', name: 'node-admin'}, 'User:local')];
  assert.deepEqual(lines(run(viaRoleBinding).indirect), []);
  assert.deepEqual(lines(run(grant('global', rules, 'cluster')).indirect), [
    'User:global create nodes/proxy', 'User:global create persistentvolumes', 'User:global get nodes/proxy', 'User:global impersonate users',
  ]);
});

test('bind or escalate needs create on rolebindings as well, possibly from another binding', () => {
  const rbac = 'rbac.authorization.k8s.io';
  const bindOnly = grant('binder', [rule(['bind'], [rbac], ['clusterroles'])]);
  assert.deepEqual(lines(run(bindOnly).indirect), []);
  const objects = [
    ...bindOnly,
    role('ns1', 'rb-creator', rule(['create'], [rbac], ['rolebindings'])),
    roleBinding('ns1', 'rb-creator', {kind: 'Role', name: 'rb-creator'}, 'User:binder'),
    ...grant('escalator', [rule(['escalate', 'bind'], [rbac], ['roles']), rule(['create'], [rbac], ['rolebindings'])]),
  ];
  const r = run(objects);
  assert.deepEqual(lines(r.indirect), ['User:binder bind clusterroles + create rolebindings', 'User:escalator bind roles + create rolebindings', 'User:escalator escalate roles + create rolebindings']);
  const binder = r.indirect.find((x) => x.subject.name === 'binder')!;
  assert.deepEqual(binder.via.map((v) => v.binding.name).sort(), ['binder', 'rb-creator']);
  assert.deepEqual(binder.requests.map((q) => `${q.verb} ${q.resource}`), ['bind clusterroles', 'create rolebindings']);
});

test('approving CSRs needs the approval subresource and approve on a signer', () => {
  const certs = 'certificates.k8s.io';
  const objects = [
    ...grant('approver', [rule(['update'], [certs], ['certificatesigningrequests/approval']), rule(['approve'], [certs], ['signers'], ['kubernetes.io/kube-apiserver-client'])], 'cluster'),
    ...grant('half', [rule(['update'], [certs], ['certificatesigningrequests/approval'])], 'cluster'),
  ];
  assert.deepEqual(lines(run(objects).indirect), ['User:approver approve certificatesigningrequests (name-restricted)']);
});

test('creating or updating admission webhook configurations is a path', () => {
  const objects = grant('hooks', [rule(['create', 'update'], ['admissionregistration.k8s.io'], ['validatingwebhookconfigurations'])], 'cluster');
  assert.deepEqual(lines(run(objects).indirect), ['User:hooks create validatingwebhookconfigurations', 'User:hooks update validatingwebhookconfigurations']);
});

test('reading other resources, or workloads in other groups, is not a path', () => {
  const objects = grant('reader', [rule(['get', 'list', 'watch'], ['*'], ['*']), rule(['create'], ['extensions'], ['deployments']), rule(['delete'], [''], ['pods'])]);
  // get on */* includes get pods/exec only with a consumer, and get nodes/proxy only cluster-wide.
  assert.deepEqual(lines(run(objects).indirect), []);
});
