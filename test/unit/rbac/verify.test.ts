import {test} from 'node:test';
import assert from 'node:assert/strict';
import {ClusterError} from '../../../src/errors.js';
import {reviewFor, verifyRows, type SubjectAccessReview} from '../../../src/rbac/verify.js';
import type {AccessRow} from '../../../src/rbac/who-can.js';

const get = {verb: 'get', group: '', resource: 'secrets', name: 'db-creds', namespace: 'ns1'};
const row = (subject: AccessRow['subject'], requests: AccessRow['requests'], access = 'get'): AccessRow => ({subject, access, nameRestricted: false, via: [], requests});

test('a ServiceAccount is reviewed with all three of its groups, a Group as groups only, a User by name', () => {
  assert.deepEqual(reviewFor({kind: 'ServiceAccount', name: 'app', namespace: 'ns1'}, get).spec, {
    user: 'system:serviceaccount:ns1:app',
    groups: ['system:serviceaccounts', 'system:serviceaccounts:ns1', 'system:authenticated'],
    resourceAttributes: {verb: 'get', group: '', resource: 'secrets', namespace: 'ns1', name: 'db-creds'},
  });
  assert.deepEqual(reviewFor({kind: 'Group', name: 'devs'}, get).spec, {groups: ['devs'], resourceAttributes: {verb: 'get', group: '', resource: 'secrets', namespace: 'ns1', name: 'db-creds'}});
  assert.deepEqual(reviewFor({kind: 'User', name: 'alice'}, {verb: 'get', group: '', resource: 'nodes', subresource: 'proxy', namespace: ''}).spec, {
    user: 'alice', resourceAttributes: {verb: 'get', group: '', resource: 'nodes', subresource: 'proxy'},
  });
});

test('each row is confirmed or not with the server reason; a denied row is kept; identical reviews are sent once', async () => {
  const sent: SubjectAccessReview[] = [];
  const rows = [
    row({kind: 'User', name: 'alice'}, [get]),
    row({kind: 'User', name: 'bob'}, [get]),
    row({kind: 'User', name: 'alice'}, [get], 'again'),
  ];
  const result = await verifyRows(rows, async (r) => {
    sent.push(r);
    return r.spec.user === 'alice' ? {status: {allowed: true, reason: 'RBAC: allowed by RoleBinding "x/ns1"'}} : {status: {allowed: false, reason: 'no RBAC policy matched'}};
  });
  assert.equal(sent.length, 2);
  assert.equal(result.unverified, undefined);
  assert.deepEqual(result.verifications, [
    {confirmed: true, reason: 'RBAC: allowed by RoleBinding "x/ns1"'},
    {confirmed: false, reason: 'no RBAC policy matched'},
    {confirmed: true, reason: 'RBAC: allowed by RoleBinding "x/ns1"'},
  ]);
});

test('a row made of several requests is confirmed only when all are allowed', async () => {
  const bind = {verb: 'bind', group: 'rbac.authorization.k8s.io', resource: 'clusterroles', namespace: 'ns1'};
  const create = {verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'rolebindings', namespace: 'ns1'};
  const result = await verifyRows([row({kind: 'User', name: 'alice'}, [bind, create])], async (r) => ({status: {allowed: r.spec.resourceAttributes.verb === 'bind', reason: r.spec.resourceAttributes.verb}}));
  assert.deepEqual(result.verifications, [{confirmed: false, reason: 'bind / create'}]);
});

test('without permission to create SubjectAccessReviews, every row stays unverified and we say why', async () => {
  const result = await verifyRows([row({kind: 'User', name: 'alice'}, [get])], async () => {
    throw new ClusterError('forbidden: you may not create subjectaccessreviews', {status: 403});
  });
  assert.deepEqual(result.verifications, [undefined]);
  assert.match(result.unverified!, /may not create subjectaccessreviews/);
});

test('other errors while verifying are not swallowed', async () => {
  await assert.rejects(verifyRows([row({kind: 'User', name: 'alice'}, [get])], async () => {
    throw new ClusterError('the server answered 500', {status: 500});
  }), /500/);
});
