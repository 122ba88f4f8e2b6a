// Ported from kubernetes plugin/pkg/auth/authorizer/rbac/rbac_test.go (TestRuleMatches,
// TestAuthorizer's subresource cases) and pkg/registry/rbac/validation appliesToUser, plus the
// resourceNames cases the issue names.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {appliesToUser, resourceMatches, ruleAllows, serviceAccountGroups, serviceAccountUsername, type ResourceRequest} from '../../../src/rbac/match.js';
import {rule} from './objects.js';

const req = (verb: string, group: string, resource: string, extra: Partial<ResourceRequest> = {}): ResourceRequest => ({verb, group, resource, namespace: 'ns1', ...extra});

// TestRuleMatches' star and subresource cases, as its table: the rule, then requests it allows and denies.
type Req = [verb: string, group: string, resource: string, extra?: Partial<ResourceRequest>];
const STAR_CASES: Array<{name: string; rule: [string[], string[], string[]]; allows: Req[]; denies: Req[]}> = [
  {
    name: 'a * verb matches every verb but only the named group and resource (star verb, exact match other)',
    rule: [['*'], ['group1'], ['resource1']],
    allows: [['verb1', 'group1', 'resource1'], ['verb2', 'group1', 'resource1']],
    denies: [['verb1', 'group2', 'resource1'], ['verb1', 'group1', 'resource2']],
  },
  {
    name: 'a * group matches every group (star group, exact match other)',
    rule: [['verb1'], ['*'], ['resource1']],
    allows: [['verb1', 'group1', 'resource1'], ['verb1', 'group2', 'resource1']],
    denies: [['verb2', 'group1', 'resource1'], ['verb1', 'group1', 'resource2']],
  },
  {
    name: 'a * resource matches every resource of the group (star resource, exact match other)',
    rule: [['verb1'], ['group1'], ['*']],
    allows: [['verb1', 'group1', 'resource1'], ['verb1', 'group1', 'resource2']],
    denies: [['verb1', 'group2', 'resource1'], ['verb2', 'group1', 'resource1']],
  },
  {
    name: 'resource/subresource matches only that subresource of that resource (subresource expansion)',
    rule: [['*'], ['*'], ['resource1/subresource1']],
    allows: [['verb1', 'group1', 'resource1', {subresource: 'subresource1'}]],
    denies: [['verb1', 'group2', 'resource1', {subresource: 'subresource2'}], ['verb1', 'group1', 'resource2', {subresource: 'subresource1'}], ['verb1', 'group1', 'resource1']],
  },
  {
    name: 'a * resource matches subresources too',
    rule: [['get'], [''], ['*']],
    allows: [['get', '', 'pods', {subresource: 'exec'}], ['get', '', 'nodes', {subresource: 'proxy', namespace: ''}]],
    denies: [],
  },
  {
    name: '*/SUB matches subresource SUB of any resource, and nothing else',
    rule: [['create'], [''], ['*/exec']],
    allows: [['create', '', 'pods', {subresource: 'exec'}], ['create', '', 'anything', {subresource: 'exec'}]],
    denies: [['create', '', 'pods', {subresource: 'attach'}], ['create', '', 'pods']],
  },
];

for (const c of STAR_CASES) {
  test(c.name, () => {
    const r = rule(...c.rule);
    for (const q of c.allows) assert.equal(ruleAllows(req(...q), r), true, JSON.stringify(q));
    for (const q of c.denies) assert.equal(ruleAllows(req(...q), r), false, JSON.stringify(q));
  });
}

test('lists expand to every verb x group x resource tuple (tuple expansion)', () => {
  const r = rule(['verb1', 'verb2'], ['group1', 'group2'], ['resource1', 'resource2']);
  for (const v of ['verb1', 'verb2']) for (const g of ['group1', 'group2']) for (const res of ['resource1', 'resource2']) assert.equal(ruleAllows(req(v, g, res), r), true);
});

test('*/exec does not match a longer subresource ending in "exec" (the length check in ResourceMatches)', () => {
  assert.equal(resourceMatches({resources: ['*/exec']}, 'pods/reexec', 'reexec'), false);
});

test('secrets does not match secrets/status, and pods/status does not match pods (TestAuthorizer subresource cases)', () => {
  assert.equal(ruleAllows(req('get', '', 'secrets', {subresource: 'status'}), rule(['get'], [''], ['secrets'])), false);
  assert.equal(ruleAllows(req('get', '', 'pods', {subresource: 'status'}), rule(['*'], ['*'], ['pods'])), false);
  assert.equal(ruleAllows(req('get', '', 'pods'), rule(['*'], ['*'], ['pods/status'])), false);
  assert.equal(ruleAllows(req('get', '', 'pods', {subresource: 'status'}), rule(['*'], ['*'], ['pods/status'])), true);
});

test('the core group is "" and does not match a named group', () => {
  assert.equal(ruleAllows(req('get', '', 'secrets'), rule(['get'], ['apps'], ['secrets'])), false);
  assert.equal(ruleAllows(req('get', 'apps', 'deployments'), rule(['get'], [''], ['deployments'])), false);
  assert.equal(ruleAllows(req('get', '', 'secrets'), rule(['get'], [''], ['secrets'])), true);
});

test('verbs are matched exactly, case included (GET is not get)', () => {
  assert.equal(ruleAllows(req('GET', '', 'pods'), rule(['get'], [''], ['pods'])), false);
});

test('resourceNames: empty means all names; a listed name matches get, an unnamed list does not', () => {
  const named = rule(['get', 'list', 'watch', 'update', 'delete'], [''], ['secrets'], ['db-creds']);
  for (const verb of ['get', 'update', 'delete', 'list', 'watch']) {
    assert.equal(ruleAllows(req(verb, '', 'secrets', {name: 'db-creds'}), named), true, `${verb} by name`);
    assert.equal(ruleAllows(req(verb, '', 'secrets', {name: 'other'}), named), false, `${verb} another name`);
  }
  // A list without a metadata.name field selector carries no name: resourceNames never match it.
  assert.equal(ruleAllows(req('list', '', 'secrets', {name: ''}), named), false);
  assert.equal(ruleAllows(req('watch', '', 'secrets', {name: ''}), named), false);
  // create has no name at authorization time, so resourceNames rules never allow it.
  assert.equal(ruleAllows(req('create', '', 'secrets', {name: ''}), rule(['create'], [''], ['secrets'], ['db-creds'])), false);
  const all = rule(['list'], [''], ['secrets']);
  assert.equal(ruleAllows(req('list', '', 'secrets', {name: ''}), all), true);
  assert.equal(ruleAllows(req('list', '', 'secrets', {name: 'db-creds'}), all), true);
});

test('a rule with no verbs, groups or resources allows nothing', () => {
  assert.equal(ruleAllows(req('get', '', 'secrets'), {}), false);
  assert.equal(ruleAllows(req('get', '', 'secrets'), {verbs: ['*'], apiGroups: ['*'], resources: null}), false);
});

test('subjects: User by name, Group by membership, ServiceAccount by its user name', () => {
  const sa = {name: serviceAccountUsername('ns1', 'app'), groups: serviceAccountGroups('ns1')};
  assert.deepEqual(sa.groups, ['system:serviceaccounts', 'system:serviceaccounts:ns1', 'system:authenticated']);
  assert.equal(appliesToUser({name: 'alice', groups: []}, {kind: 'User', name: 'alice'}, ''), true);
  assert.equal(appliesToUser({name: 'bob', groups: ['devs']}, {kind: 'Group', name: 'devs'}, ''), true);
  assert.equal(appliesToUser(sa, {kind: 'ServiceAccount', name: 'app', namespace: 'ns1'}, ''), true);
  assert.equal(appliesToUser(sa, {kind: 'Group', name: 'system:serviceaccounts:ns1'}, ''), true);
  assert.equal(appliesToUser(sa, {kind: 'User', name: 'system:serviceaccount:ns1:app'}, ''), true);
  assert.equal(appliesToUser(sa, {kind: 'ServiceAccount', name: 'app', namespace: 'ns2'}, ''), false);
});

test('a ServiceAccount subject without a namespace takes the RoleBinding namespace and never matches in a ClusterRoleBinding', () => {
  const sa = {name: serviceAccountUsername('ns1', 'app'), groups: serviceAccountGroups('ns1')};
  assert.equal(appliesToUser(sa, {kind: 'ServiceAccount', name: 'app'}, 'ns1'), true);
  assert.equal(appliesToUser(sa, {kind: 'ServiceAccount', name: 'app'}, 'ns2'), false);
  assert.equal(appliesToUser(sa, {kind: 'ServiceAccount', name: 'app'}, ''), false);
});

test('unknown subject kinds match nobody', () => {
  assert.equal(appliesToUser({name: 'x', groups: []}, {kind: 'Robot', name: 'x'}, 'ns1'), false);
});
