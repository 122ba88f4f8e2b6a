import {test} from 'node:test';
import assert from 'node:assert/strict';
import {InputError} from '../../../src/errors.js';
import {describeLabel, scopeOfLabel, sealLabel} from '../../../src/crypto/scope.js';

test('labels are Bitnami\'s EncryptionLabel strings', () => {
  assert.equal(sealLabel('strict', 'prod', 'db'), 'prod/db');
  assert.equal(sealLabel('namespace-wide', 'prod', 'db'), 'prod');
  assert.equal(sealLabel('namespace-wide', 'prod', undefined), 'prod');
  assert.equal(sealLabel('cluster-wide', 'prod', 'db'), '');
  assert.equal(sealLabel('cluster-wide', undefined, undefined), '');
});

test('strict needs a namespace and a name, namespace-wide a namespace', () => {
  assert.throws(() => sealLabel('strict', undefined, 'db'), InputError);
  assert.throws(() => sealLabel('strict', 'prod', undefined), InputError);
  assert.throws(() => sealLabel('strict', '', 'db'), InputError);
  assert.throws(() => sealLabel('namespace-wide', undefined, 'db'), InputError);
  assert.throws(() => sealLabel('bogus' as never, 'a', 'b'), /unknown scope/);
});

test('scopeOfLabel inverts sealLabel and describeLabel names the scope', () => {
  assert.deepEqual(scopeOfLabel('prod/db'), {scope: 'strict', namespace: 'prod', name: 'db'});
  assert.deepEqual(scopeOfLabel('prod'), {scope: 'namespace-wide', namespace: 'prod'});
  assert.deepEqual(scopeOfLabel(''), {scope: 'cluster-wide'});
  assert.match(describeLabel('prod/db'), /strict for Secret "db" in namespace "prod"/);
  assert.match(describeLabel('prod'), /namespace-wide for namespace "prod"/);
  assert.match(describeLabel(''), /cluster-wide/);
});
