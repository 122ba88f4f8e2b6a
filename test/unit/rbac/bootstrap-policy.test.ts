// Who can read a Secret on a default cluster, on Kubernetes' own bootstrap RBAC policy alone
// (../shared/fixtures/kubernetes-bootstrap-rbac). The expected answers were derived by reading
// the policy files rule by rule:
// - cluster-admin is bound to Group system:masters only (always listed anyway, binding-free);
// - ClusterRole system:kube-controller-manager (User system:kube-controller-manager): secrets get,
//   */* list/watch, serviceaccounts/token create;
// - system:controller:generic-garbage-collector: */* get/list/watch/patch/update/delete;
//   namespace-controller: */* get/list/watch/delete/deletecollection; resourcequota-controller:
//   */* list/watch (each bound to its ServiceAccount in kube-system);
// - ClusterRole system:node grants secrets get/list/watch, but its binding has no subjects;
// - admin/edit (aggregated from system:aggregate-to-edit, which reads secrets) are bound to nobody;
// - in kube-system only, RoleBindings give ServiceAccounts bootstrap-signer and token-cleaner
//   secrets get/list/watch through Roles of the same name.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {join} from 'node:path';
import {fileSource, loadManifests} from '../../../src/kube/object-source.js';
import {whoCanInputs} from '../../../src/rbac/inputs.js';
import {whoCan} from '../../../src/rbac/who-can.js';
import {REPO_ROOT} from '../../helpers/cli.js';
import {lines, roleBinding, run, subjectLabel} from './objects.js';

const POLICY = join(REPO_ROOT, '..', 'shared', 'fixtures', 'kubernetes-bootstrap-rbac');

async function analyse(namespace: string) {
  return whoCan(await whoCanInputs(fileSource([POLICY], false, namespace), 'db-creds', namespace));
}

const READERS_EVERYWHERE = [
  'ServiceAccount:kube-system/generic-garbage-collector get',
  'ServiceAccount:kube-system/generic-garbage-collector list',
  'ServiceAccount:kube-system/generic-garbage-collector watch',
  'ServiceAccount:kube-system/namespace-controller get',
  'ServiceAccount:kube-system/namespace-controller list',
  'ServiceAccount:kube-system/namespace-controller watch',
  'ServiceAccount:kube-system/resourcequota-controller list',
  'ServiceAccount:kube-system/resourcequota-controller watch',
  'User:system:kube-controller-manager get',
  'User:system:kube-controller-manager list',
  'User:system:kube-controller-manager watch',
];

const GC = 'ServiceAccount:kube-system/generic-garbage-collector';
const INDIRECT_EVERYWHERE = [
  'User:system:kube-controller-manager create serviceaccounts/token',
  'ServiceAccount:kube-system/certificate-controller approve certificatesigningrequests (name-restricted)',
  'ServiceAccount:kube-system/cronjob-controller create jobs',
  'ServiceAccount:kube-system/cronjob-controller update jobs',
  'ServiceAccount:kube-system/cronjob-controller patch jobs',
  'ServiceAccount:kube-system/cronjob-controller update cronjobs',
  'ServiceAccount:kube-system/daemon-set-controller create pods',
  'ServiceAccount:kube-system/deployment-controller create replicasets',
  'ServiceAccount:kube-system/deployment-controller update deployments',
  'ServiceAccount:kube-system/deployment-controller update replicasets',
  'ServiceAccount:kube-system/deployment-controller patch replicasets',
  ...['deployments', 'replicasets', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs', 'replicationcontrollers'].flatMap((w) => [`${GC} update ${w}`, `${GC} patch ${w}`]),
  `${GC} update pods/ephemeralcontainers`,
  `${GC} patch pods/ephemeralcontainers`,
  `${GC} get nodes/proxy`,
  ...['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'].flatMap((w) => [`${GC} update ${w}`, `${GC} patch ${w}`]),
  'ServiceAccount:kube-system/job-controller create pods',
  'ServiceAccount:kube-system/job-controller update jobs',
  'ServiceAccount:kube-system/job-controller patch jobs',
  'ServiceAccount:kube-system/namespace-controller get nodes/proxy',
  'ServiceAccount:kube-system/persistent-volume-binder create pods',
  'ServiceAccount:kube-system/persistent-volume-binder create persistentvolumes',
  'ServiceAccount:kube-system/podcheckpoint-controller get nodes/proxy',
  'ServiceAccount:kube-system/podcheckpoint-controller create nodes/proxy',
  'ServiceAccount:kube-system/replicaset-controller create pods',
  'ServiceAccount:kube-system/replicaset-controller update replicasets',
  'ServiceAccount:kube-system/replication-controller create pods',
  'ServiceAccount:kube-system/replication-controller update replicationcontrollers',
  'ServiceAccount:kube-system/statefulset-controller create pods',
].sort();

test('bootstrap policy: who can read a Secret in default', async () => {
  const r = await analyse('default');
  assert.deepEqual(r.direct.filter((x) => x.via.length === 0).map((x) => `${subjectLabel(x)} ${x.access}`), ['Group:system:masters get', 'Group:system:masters list', 'Group:system:masters watch']);
  assert.deepEqual(lines(r.direct), READERS_EVERYWHERE);
  assert.deepEqual(lines(r.indirect), INDIRECT_EVERYWHERE);
  assert.deepEqual(r.dangling, []);
  assert.deepEqual(r.holders, []);
  const kcm = r.direct.find((x) => x.subject.name === 'system:kube-controller-manager' && x.access === 'get')!;
  assert.deepEqual(kcm.via, [{binding: {kind: 'ClusterRoleBinding', name: 'system:kube-controller-manager'}, role: {kind: 'ClusterRole', name: 'system:kube-controller-manager'}}]);
});

test('bootstrap policy: who can read a Secret in kube-system', async () => {
  const r = await analyse('kube-system');
  assert.deepEqual(lines(r.direct), [
    'ServiceAccount:kube-system/bootstrap-signer get',
    'ServiceAccount:kube-system/bootstrap-signer list',
    'ServiceAccount:kube-system/bootstrap-signer watch',
    ...READERS_EVERYWHERE.slice(0, 8),
    'ServiceAccount:kube-system/token-cleaner get',
    'ServiceAccount:kube-system/token-cleaner list',
    'ServiceAccount:kube-system/token-cleaner watch',
    ...READERS_EVERYWHERE.slice(8),
  ]);
  // The kube-system RoleBindings grant leases, configmaps and secrets reads: no new indirect path.
  assert.deepEqual(lines(r.indirect), INDIRECT_EVERYWHERE);
  const signer = r.direct.find((x) => x.subject.name === 'bootstrap-signer' && x.access === 'get')!;
  assert.deepEqual(signer.via, [{binding: {kind: 'RoleBinding', name: 'system:controller:bootstrap-signer', namespace: 'kube-system'}, role: {kind: 'Role', name: 'system:controller:bootstrap-signer'}}]);
});

test('bootstrap policy: edit and admin read Secrets through aggregation; view does not', () => {
  const policy = loadManifests([POLICY], false, 'default').map((o) => o.object);
  const bound = (role: string) => lines(run([...policy, roleBinding('team', 'b', {kind: 'ClusterRole', name: role}, 'User:alice')], {namespace: 'team'}).direct).filter((l) => l.startsWith('User:alice'));
  assert.deepEqual(bound('edit'), ['User:alice get', 'User:alice list', 'User:alice watch']);
  assert.deepEqual(bound('admin'), ['User:alice get', 'User:alice list', 'User:alice watch']);
  assert.deepEqual(bound('view'), []);
  const edit = run([...policy, roleBinding('team', 'b', {kind: 'ClusterRole', name: 'edit'}, 'User:alice')], {namespace: 'team'});
  assert.deepEqual(lines(edit.indirect).filter((l) => l.startsWith('User:alice')), [
    'User:alice create cronjobs', 'User:alice create daemonsets', 'User:alice create deployments', 'User:alice create jobs', 'User:alice create pods',
    'User:alice create replicasets', 'User:alice create replicationcontrollers', 'User:alice create serviceaccounts/token', 'User:alice create statefulsets',
    'User:alice impersonate serviceaccounts',
    'User:alice patch cronjobs', 'User:alice patch daemonsets', 'User:alice patch deployments', 'User:alice patch jobs',
    'User:alice patch replicasets', 'User:alice patch replicationcontrollers', 'User:alice patch statefulsets',
    'User:alice update cronjobs', 'User:alice update daemonsets', 'User:alice update deployments', 'User:alice update jobs',
    'User:alice update replicasets', 'User:alice update replicationcontrollers', 'User:alice update statefulsets',
  ]);
  // Live, the stored rules are used as they are: the fixture's edit has rules: null.
  assert.deepEqual(lines(run([...policy, roleBinding('team', 'b', {kind: 'ClusterRole', name: 'edit'}, 'User:alice')], {namespace: 'team', aggregate: false}).direct).filter((l) => l.startsWith('User:alice')), []);
});
