// Follows kubernetes pkg/controller/clusterroleaggregation and metav1.LabelSelectorAsSelector.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {aggregateClusterRoles, selectorMatches, type ClusterRoleLike} from '../../../src/rbac/aggregate.js';
import {rule} from './objects.js';

const cr = (name: string, labels: Record<string, string>, rules: ClusterRoleLike['rules'], selectors?: object[]): ClusterRoleLike =>
  ({name, labels, rules, aggregationRule: selectors ? {clusterRoleSelectors: selectors as any} : undefined});

test('label selectors: matchLabels, every matchExpressions operator, and the empty selector', () => {
  const labels = {a: '1', b: '2'};
  assert.equal(selectorMatches({matchLabels: {a: '1'}}, labels), true);
  assert.equal(selectorMatches({matchLabels: {a: '2'}}, labels), false);
  assert.equal(selectorMatches({matchExpressions: [{key: 'a', operator: 'In', values: ['1', '3']}]}, labels), true);
  assert.equal(selectorMatches({matchExpressions: [{key: 'c', operator: 'In', values: ['1']}]}, labels), false);
  assert.equal(selectorMatches({matchExpressions: [{key: 'a', operator: 'NotIn', values: ['1']}]}, labels), false);
  assert.equal(selectorMatches({matchExpressions: [{key: 'c', operator: 'NotIn', values: ['1']}]}, labels), true);
  assert.equal(selectorMatches({matchExpressions: [{key: 'b', operator: 'Exists'}]}, labels), true);
  assert.equal(selectorMatches({matchExpressions: [{key: 'b', operator: 'DoesNotExist'}]}, labels), false);
  assert.equal(selectorMatches({matchExpressions: [{key: 'a', operator: 'Bogus'}]}, labels), false);
  assert.equal(selectorMatches({}, labels), true);
});

test('an aggregated role gets the union of the selected roles in name order, without duplicates, and not its own rules', () => {
  const r1 = rule(['get'], [''], ['pods']);
  const r2 = rule(['get'], [''], ['secrets']);
  const out = aggregateClusterRoles([
    cr('agg', {}, [rule(['delete'], [''], ['nodes'])], [{matchLabels: {x: 'y'}}]),
    cr('b-role', {x: 'y'}, [r2, r1]),
    cr('a-role', {x: 'y'}, [r1]),
    cr('unlabelled', {}, [rule(['*'], ['*'], ['*'])]),
  ]);
  assert.deepEqual(out.get('agg'), [r1, r2]);
  assert.deepEqual(out.get('unlabelled'), [rule(['*'], ['*'], ['*'])]);
});

test('rules equal up to nil versus empty lists count as duplicates (equality.Semantic)', () => {
  const out = aggregateClusterRoles([
    cr('agg', {}, [], [{matchLabels: {x: 'y'}}]),
    cr('a', {x: 'y'}, [{verbs: ['get'], apiGroups: [''], resources: ['pods']}]),
    cr('b', {x: 'y'}, [{verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: []}]),
  ]);
  assert.equal(out.get('agg')!.length, 1);
});

test('aggregation chains settle: view -> edit -> admin, whatever the order', () => {
  const secretRead = rule(['get'], [''], ['secrets']);
  const podRead = rule(['get'], [''], ['pods']);
  const out = aggregateClusterRoles([
    cr('admin', {}, [], [{matchLabels: {'to-admin': 'true'}}]),
    cr('edit', {'to-admin': 'true'}, [], [{matchLabels: {'to-edit': 'true'}}]),
    cr('view', {'to-edit': 'true'}, [], [{matchLabels: {'to-view': 'true'}}]),
    cr('x-view', {'to-view': 'true'}, [podRead]),
    cr('x-edit', {'to-edit': 'true'}, [secretRead]),
  ]);
  assert.deepEqual(out.get('view'), [podRead]);
  assert.deepEqual(out.get('edit'), [podRead, secretRead]);
  assert.deepEqual(out.get('admin'), [podRead, secretRead]);
});

test('a selector that selects the aggregated role itself skips it, and cycles terminate', () => {
  const r = rule(['get'], [''], ['pods']);
  const out = aggregateClusterRoles([
    cr('a', {loop: 'true'}, [], [{matchLabels: {loop: 'true'}}]),
    cr('b', {loop: 'true'}, [r], [{matchLabels: {loop: 'true'}}]),
  ]);
  assert.deepEqual(out.get('a'), [r]);
  assert.deepEqual(out.get('b'), [r]);
});
