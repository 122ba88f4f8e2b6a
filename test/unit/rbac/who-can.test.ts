import {test} from 'node:test';
import assert from 'node:assert/strict';
import {clusterRole, clusterRoleBinding, lines, role, roleBinding, rule, run, serviceAccount, subjectLabel} from './objects.js';

const readSecrets = rule(['get', 'list', 'watch'], [''], ['secrets']);

test('system:masters is always listed, with no binding, even with no RBAC at all', () => {
  const r = run([]);
  assert.deepEqual(r.direct.map((x) => [subjectLabel(x), x.access, x.via.length]), [
    ['Group:system:masters', 'get', 0],
    ['Group:system:masters', 'list', 0],
    ['Group:system:masters', 'watch', 0],
  ]);
  assert.deepEqual(r.indirect, []);
});

test('a RoleBinding to a ClusterRole grants only in its own namespace; a ClusterRoleBinding grants everywhere', () => {
  const objects = [
    clusterRole('reader', [readSecrets]),
    roleBinding('ns1', 'local', {kind: 'ClusterRole', name: 'reader'}, 'User:alice'),
    roleBinding('ns2', 'elsewhere', {kind: 'ClusterRole', name: 'reader'}, 'User:bob'),
    clusterRoleBinding('global', 'reader', 'User:carol'),
  ];
  assert.deepEqual(lines(run(objects).direct), [
    'User:alice get', 'User:alice list', 'User:alice watch',
    'User:carol get', 'User:carol list', 'User:carol watch',
  ]);
  const alice = run(objects).direct.find((x) => x.subject.name === 'alice' && x.access === 'get')!;
  assert.deepEqual(alice.via, [{binding: {kind: 'RoleBinding', name: 'local', namespace: 'ns1'}, role: {kind: 'ClusterRole', name: 'reader'}}]);
  assert.deepEqual(lines(run(objects, {namespace: 'ns2'}).direct).filter((l) => l.startsWith('User:bob')), ['User:bob get', 'User:bob list', 'User:bob watch']);
});

test('a RoleBinding references a Role in its own namespace only', () => {
  const objects = [
    role('ns1', 'reader', readSecrets),
    role('ns2', 'other', readSecrets),
    roleBinding('ns1', 'ok', {kind: 'Role', name: 'reader'}, 'User:alice'),
    roleBinding('ns1', 'wrong-ns', {kind: 'Role', name: 'other'}, 'User:bob'),
  ];
  const r = run(objects);
  assert.deepEqual(lines(r.direct), ['User:alice get', 'User:alice list', 'User:alice watch']);
  assert.deepEqual(r.dangling, [{binding: {kind: 'RoleBinding', name: 'wrong-ns', namespace: 'ns1'}, roleRef: {kind: 'Role', name: 'other'}}]);
});

test('a roleRef that does not exist grants nothing and is reported as dangling, unless that kind could not be listed', () => {
  const objects = [clusterRoleBinding('ghost', 'no-such-role', 'User:alice'), roleBinding('ns1', 'ghost-rb', {kind: 'Role', name: 'nope'}, 'User:bob')];
  const r = run(objects);
  assert.deepEqual(lines(r.direct), []);
  assert.deepEqual(r.dangling, [
    {binding: {kind: 'ClusterRoleBinding', name: 'ghost'}, roleRef: {kind: 'ClusterRole', name: 'no-such-role'}},
    {binding: {kind: 'RoleBinding', name: 'ghost-rb', namespace: 'ns1'}, roleRef: {kind: 'Role', name: 'nope'}},
  ]);
  assert.deepEqual(run(objects, {unavailable: ['ClusterRole']}).dangling.map((d) => d.binding.name), ['ghost-rb']);
});

test('a ServiceAccount subject without a namespace defaults to the RoleBinding namespace and never matches in a ClusterRoleBinding', () => {
  const objects = [
    clusterRole('reader', [readSecrets]),
    roleBinding('ns1', 'rb', {kind: 'ClusterRole', name: 'reader'}, 'ServiceAccount:app'),
    clusterRoleBinding('crb', 'reader', 'ServiceAccount:orphan', 'ServiceAccount:kube-system/ctrl'),
  ];
  assert.deepEqual(lines(run(objects).direct), [
    'ServiceAccount:kube-system/ctrl get', 'ServiceAccount:kube-system/ctrl list', 'ServiceAccount:kube-system/ctrl watch',
    'ServiceAccount:ns1/app get', 'ServiceAccount:ns1/app list', 'ServiceAccount:ns1/app watch',
  ]);
});

test('get restricted to this name is a name-restricted reader; restricted to another name is not a reader', () => {
  const objects = [
    role('ns1', 'this', rule(['get'], [''], ['secrets'], ['db-creds'])),
    role('ns1', 'that', rule(['get'], [''], ['secrets'], ['other'])),
    roleBinding('ns1', 'a', {kind: 'Role', name: 'this'}, 'User:alice'),
    roleBinding('ns1', 'b', {kind: 'Role', name: 'that'}, 'User:bob'),
  ];
  assert.deepEqual(lines(run(objects).direct), ['User:alice get (name-restricted)']);
});

test('list/watch with resourceNames are reported as name-restricted readers; unrestricted list reveals every Secret', () => {
  const objects = [
    role('ns1', 'named', rule(['list', 'watch'], [''], ['secrets'], ['db-creds'])),
    role('ns1', 'all', rule(['list'], [''], ['secrets'])),
    roleBinding('ns1', 'a', {kind: 'Role', name: 'named'}, 'User:alice'),
    roleBinding('ns1', 'b', {kind: 'Role', name: 'all'}, 'User:bob'),
    roleBinding('ns1', 'c', {kind: 'Role', name: 'named'}, 'User:bob'),
  ];
  const r = run(objects);
  assert.deepEqual(lines(r.direct), ['User:alice list (name-restricted)', 'User:alice watch (name-restricted)', 'User:bob list', 'User:bob watch (name-restricted)']);
  // bob's list is unrestricted through b; the restricted grant through c is still named.
  assert.deepEqual(r.direct.find((x) => x.subject.name === 'bob' && x.access === 'list')!.via.map((v) => v.binding.name).sort(), ['b', 'c']);
  // --verify asks exactly what each row claims: a named list for the restricted one, an unnamed one otherwise.
  assert.equal(r.direct.find((x) => x.subject.name === 'alice' && x.access === 'list')!.requests[0].name, 'db-creds');
  assert.equal(r.direct.find((x) => x.subject.name === 'bob' && x.access === 'list')!.requests[0].name, '');
});

test('wildcards grant reading: * verbs on secrets, * resources in the core group, */* everywhere', () => {
  const objects = [
    clusterRole('verbs', [rule(['*'], [''], ['secrets'])]),
    clusterRole('resources', [rule(['get'], [''], ['*'])]),
    clusterRole('groups', [rule(['list'], ['*'], ['secrets'])]),
    clusterRole('wrong-group', [rule(['*'], ['apps'], ['*'])]),
    clusterRole('status-only', [rule(['*'], [''], ['secrets/status'])]),
    clusterRoleBinding('v', 'verbs', 'User:v'),
    clusterRoleBinding('r', 'resources', 'User:r'),
    clusterRoleBinding('g', 'groups', 'User:g'),
    clusterRoleBinding('w', 'wrong-group', 'User:w'),
    clusterRoleBinding('s', 'status-only', 'User:s'),
  ];
  assert.deepEqual(lines(run(objects).direct), ['User:g list', 'User:r get', 'User:v get', 'User:v list', 'User:v watch']);
});

test('a group every ServiceAccount is in is expanded to the ServiceAccounts that exist, and the Group row is kept', () => {
  const objects = [
    clusterRole('reader', [rule(['get'], [''], ['secrets'])]),
    roleBinding('ns1', 'ns-sas', {kind: 'ClusterRole', name: 'reader'}, 'Group:system:serviceaccounts:ns1'),
    serviceAccount('ns1', 'app'),
    serviceAccount('ns1', 'default'),
    serviceAccount('ns2', 'other'),
  ];
  const r = run(objects);
  assert.deepEqual(lines(r.direct), ['Group:system:serviceaccounts:ns1 get', 'ServiceAccount:ns1/app get', 'ServiceAccount:ns1/default get']);
  assert.deepEqual(r.direct.find((x) => x.subject.name === 'app')!.via, [
    {binding: {kind: 'RoleBinding', name: 'ns-sas', namespace: 'ns1'}, role: {kind: 'ClusterRole', name: 'reader'}, group: 'system:serviceaccounts:ns1'},
  ]);
  const all = run([clusterRole('reader', [rule(['get'], [''], ['secrets'])]), clusterRoleBinding('authn', 'reader', 'Group:system:authenticated'), serviceAccount('ns1', 'app'), serviceAccount('ns2', 'other')]);
  assert.deepEqual(lines(all.direct), ['Group:system:authenticated get', 'ServiceAccount:ns1/app get', 'ServiceAccount:ns2/other get']);
  const sas = run([clusterRole('reader', [rule(['get'], [''], ['secrets'])]), clusterRoleBinding('sas', 'reader', 'Group:system:serviceaccounts'), serviceAccount('ns2', 'other')]);
  assert.deepEqual(lines(sas.direct), ['Group:system:serviceaccounts get', 'ServiceAccount:ns2/other get']);
});

test('a grant to a ServiceAccount directly and through its group is one row naming both', () => {
  const objects = [
    clusterRole('reader', [rule(['get'], [''], ['secrets'])]),
    roleBinding('ns1', 'direct', {kind: 'ClusterRole', name: 'reader'}, 'ServiceAccount:ns1/app'),
    clusterRoleBinding('all-sas', 'reader', 'Group:system:serviceaccounts'),
    serviceAccount('ns1', 'app'),
  ];
  const row = run(objects).direct.filter((x) => x.subject.name === 'app');
  assert.equal(row.length, 1);
  assert.deepEqual(row[0].via.map((v) => `${v.binding.name}${v.group ? ' as ' + v.group : ''}`).sort(), ['all-sas as system:serviceaccounts', 'direct']);
});

test('bindings to system:masters add nothing: its rows stay binding-free', () => {
  const r = run([clusterRole('cluster-admin', [rule(['*'], ['*'], ['*'])]), clusterRoleBinding('cluster-admin', 'cluster-admin', 'Group:system:masters')]);
  assert.deepEqual(r.direct.map((x) => `${subjectLabel(x)} ${x.access} ${x.via.length}`), ['Group:system:masters get 0', 'Group:system:masters list 0', 'Group:system:masters watch 0']);
  assert.deepEqual(r.indirect, []);
});

test('--direct-only computes no indirect paths and no holders', () => {
  const r = run([clusterRole('c', [rule(['create'], [''], ['pods'])]), clusterRoleBinding('c', 'c', 'User:alice')], {directOnly: true});
  assert.deepEqual(r.indirect, []);
  assert.deepEqual(r.holders, []);
});

test('ClusterRole aggregation is computed offline and taken as stored live', () => {
  const objects = [
    clusterRole('edit', [], {aggregationRule: {clusterRoleSelectors: [{matchLabels: {'example.com/aggregate-to-edit': 'true'}}]}}),
    clusterRole('secret-reader', [rule(['get'], [''], ['secrets'])], {labels: {'example.com/aggregate-to-edit': 'true'}}),
    roleBinding('ns1', 'editors', {kind: 'ClusterRole', name: 'edit'}, 'User:alice'),
  ];
  assert.deepEqual(lines(run(objects, {aggregate: true}).direct), ['User:alice get']);
  assert.deepEqual(lines(run(objects, {aggregate: false}).direct), []);
});
