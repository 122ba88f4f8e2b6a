import {test} from 'node:test';
import assert from 'node:assert/strict';
import {nextStatus, setStatusCondition, type Condition} from '../../../src/controller/conditions.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const T1 = Date.parse('2026-01-01T01:00:00Z');

test('lastTransitionTime moves only when the status flips, as meta.SetStatusCondition does', () => {
  const cs: Condition[] = [];
  assert.equal(setStatusCondition(cs, {type: 'Synced', status: 'False', reason: 'Tampered', message: 'a'}, T0), true);
  assert.equal(cs[0].lastTransitionTime, '2026-01-01T00:00:00Z');
  assert.equal(setStatusCondition(cs, {type: 'Synced', status: 'False', reason: 'UnknownKey', message: 'b'}, T1), true);
  assert.equal(cs[0].lastTransitionTime, '2026-01-01T00:00:00Z', 'same status, new reason: no transition');
  assert.equal(cs[0].reason, 'UnknownKey');
  assert.equal(setStatusCondition(cs, {type: 'Synced', status: 'True', reason: 'Unsealed', message: 'ok'}, T1), true);
  assert.equal(cs[0].lastTransitionTime, '2026-01-01T01:00:00Z');
  assert.equal(setStatusCondition(cs, {type: 'Synced', status: 'True', reason: 'Unsealed', message: 'ok'}, T1 + 5000), false);
  assert.equal(cs.length, 1);
});

test('nextStatus is undefined when the object already says so, so a resync writes nothing', () => {
  const obj = {metadata: {name: 'x', generation: 2}, status: {}};
  const s = nextStatus(obj, {ok: true, reason: 'Unsealed', message: 'up to date'}, T0);
  assert.ok(s);
  assert.equal(s.observedGeneration, 2);
  assert.equal(s.conditions[0].observedGeneration, 2);
  assert.equal(nextStatus({...obj, status: s}, {ok: true, reason: 'Unsealed', message: 'up to date'}, T1), undefined);
  const bumped = nextStatus({...obj, metadata: {name: 'x', generation: 3}, status: s}, {ok: true, reason: 'Unsealed', message: 'up to date'}, T1);
  assert.equal(bumped?.observedGeneration, 3);
  assert.equal(bumped?.conditions[0].lastTransitionTime, '2026-01-01T00:00:00Z');
});

test('other conditions written by someone else are kept', () => {
  const obj = {metadata: {generation: 1}, status: {conditions: [{type: 'Other', status: 'True', reason: 'X', message: '', lastTransitionTime: '2020-01-01T00:00:00Z'}]}};
  const s = nextStatus(obj, {ok: false, reason: 'Tampered', message: 'm'}, T0);
  assert.deepEqual(s?.conditions.map((c: Condition) => c.type), ['Other', 'Synced']);
  assert.equal(obj.status.conditions.length, 1, 'the input is not mutated');
});
