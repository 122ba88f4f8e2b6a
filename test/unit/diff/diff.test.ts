import {test} from 'node:test';
import assert from 'node:assert/strict';
import {compareCiphertexts, compareMetadata, compareSecrets, hasDifferences} from '../../../src/diff/diff.js';
import type {SecretModel} from '../../../src/manifests/secret.js';

const model = (values: Record<string, string>, extra: Partial<SecretModel> = {}): SecretModel => ({
  name: 'db', namespace: 'payments', labels: {}, annotations: {}, values: new Map(Object.entries(values).map(([k, v]) => [k, Buffer.from(v)])), ...extra,
});

test('each key is added, removed, changed or same, from the live side towards the local one, sorted by key', () => {
  const local = model({password: 'new', user: 'app', host: 'db'});
  const live = model({password: 'old', user: 'app', port: '5432'});
  assert.deepEqual(compareSecrets(local, live).map((k) => `${k.state} ${k.key}`), ['added host', 'changed password', 'removed port', 'same user']);
});

test('values are compared byte for byte: a trailing newline is a change', () => {
  const [k] = compareSecrets(model({a: 'x\n'}), model({a: 'x'}));
  assert.equal(k.state, 'changed');
});

test('a missing live Secret makes every local key added', () => {
  assert.deepEqual(compareSecrets(model({a: '1', b: '2'}), undefined).map((k) => k.state), ['added', 'added']);
});

test('no type means Opaque, as the API server defaults it', () => {
  assert.deepEqual(compareMetadata(model({}, {type: undefined}), model({}, {type: 'Opaque'})), []);
  assert.deepEqual(compareMetadata(model({}, {type: 'kubernetes.io/tls'}), model({}, {type: 'Opaque'})), [{field: 'type', state: 'changed', from: 'Opaque', to: 'kubernetes.io/tls'}]);
});

test('labels and annotations are compared by name, and the last-applied annotation is ignored (it holds plaintext)', () => {
  const local = model({}, {labels: {app: 'api', tier: 'web'}, annotations: {owner: 'team-a'}});
  const live = model({}, {labels: {app: 'api', old: 'x'}, annotations: {owner: 'team-b', 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"password":"c2VjcmV0"}}'}});
  assert.deepEqual(compareMetadata(local, live), [
    {field: 'label', name: 'old', state: 'removed', from: 'x', to: undefined},
    {field: 'label', name: 'tier', state: 'added', from: undefined, to: 'web'},
    {field: 'annotation', name: 'owner', state: 'changed', from: 'team-b', to: 'team-a'},
  ]);
});

test('immutability is a difference', () => {
  assert.deepEqual(compareMetadata(model({}, {immutable: true}), model({})).map((m) => m.field), ['immutable']);
});

test('sealed values: identical ciphertext is same, any other is resealed, missing ones added or removed', () => {
  const d = compareCiphertexts({a: 'AAA', b: 'BBB', c: 'CCC'}, {a: 'AAA', b: 'XXX', d: 'DDD'});
  assert.deepEqual(d.map((k) => `${k.state} ${k.key}`), ['same a', 'resealed b', 'added c', 'removed d']);
  assert.ok(d.every((k) => k.from === undefined && k.to === undefined));
});

test('hasDifferences is false only when every key is same and no metadata differs', () => {
  assert.equal(hasDifferences(compareSecrets(model({a: '1'}), model({a: '1'}))), false);
  assert.equal(hasDifferences(compareSecrets(model({a: '1'}), model({a: '1'})), [{field: 'type', state: 'changed'}]), true);
  assert.equal(hasDifferences(compareCiphertexts({a: 'x'}, {a: 'y'})), true);
});
