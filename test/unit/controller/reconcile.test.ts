import {test} from 'node:test';
import assert from 'node:assert/strict';
import {reconcile, failureReason, FIELD_MANAGER, MANAGED_ANNOTATION} from '../../../src/controller/reconcile.js';
import {b64, canary, keyPair, sealed} from './fixtures.js';

const kp = keyPair();

test('a new SealedSecret gives a Secret with the opened data, the template metadata and a controller ownerReference', () => {
  const c = canary();
  const s = sealed(kp, {name: 'db', namespace: 'payments', values: {password: c}, labels: {app: 'api'}, annotations: {team: 'core'}, type: 'kubernetes.io/basic-auth', immutable: true});
  const r = reconcile(s, [kp], undefined);
  assert.ok(r.ok);
  assert.equal(r.action, 'create');
  assert.deepEqual(r.secret.data, {password: b64(c)});
  assert.equal(r.secret.metadata!.name, 'db');
  assert.equal(r.secret.metadata!.namespace, 'payments');
  assert.deepEqual(r.secret.metadata!.labels, {app: 'api'});
  // The scope annotation stays on the SealedSecret; the rest of the template's annotations go over.
  assert.deepEqual(r.secret.metadata!.annotations, {team: 'core'});
  assert.equal(r.secret.type, 'kubernetes.io/basic-auth');
  assert.equal(r.secret.immutable, true);
  assert.deepEqual(r.secret.metadata!.ownerReferences, [{apiVersion: 'kubectl-secret.dev/v1alpha1', kind: 'SealedSecret', name: 'db', uid: s.metadata!.uid, controller: true}]);
});

test('an owned Secret that already matches is left alone', () => {
  const s = sealed(kp, {name: 'db', namespace: 'payments', values: {password: canary()}});
  const first = reconcile(s, [kp], undefined);
  assert.ok(first.ok);
  const existing = {...first.secret, metadata: {...first.secret.metadata, resourceVersion: '7', uid: 'secret-uid'}};
  const r = reconcile(s, [kp], existing);
  assert.ok(r.ok);
  assert.equal(r.action, 'none');
});

test('a changed sealed value updates the owned Secret in place, with its resourceVersion for a conflict-safe PUT', () => {
  const s1 = sealed(kp, {name: 'db', namespace: 'payments', values: {password: canary()}});
  const created = reconcile(s1, [kp], undefined);
  assert.ok(created.ok);
  const existing = {...created.secret, metadata: {...created.secret.metadata, resourceVersion: '7', labels: {stale: 'x'}}};
  const c2 = canary();
  const s2 = sealed(kp, {name: 'db', namespace: 'payments', values: {password: c2, extra: 'v'}}, s1.metadata!.uid);
  const r = reconcile(s2, [kp], existing);
  assert.ok(r.ok);
  assert.equal(r.action, 'update');
  assert.deepEqual(r.secret.data, {password: b64(c2), extra: b64('v')});
  assert.equal(r.secret.metadata!.resourceVersion, '7');
  assert.deepEqual(r.secret.metadata!.labels, {stale: 'x'}, 'a label the controller never set is not its to remove');
});

/** managedFields as the API server records an update by `manager` that set these labels. */
const managedBy = (manager: string, labels: string[], annotations: string[] = []) => ({
  manager, operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1',
  fieldsV1: {'f:metadata': {'f:labels': Object.fromEntries(labels.map((l) => [`f:${l}`, {}])), ...(annotations.length ? {'f:annotations': Object.fromEntries(annotations.map((a) => [`f:${a}`, {}]))} : {})}},
});

test('labels and annotations others added (a policy, another controller) are kept, and their presence is no reason to write', () => {
  const s = sealed(kp, {name: 'db', namespace: 'payments', values: {password: canary()}, labels: {app: 'api'}, annotations: {team: 'core'}});
  const created = reconcile(s, [kp], undefined);
  assert.ok(created.ok);
  const existing = {...created.secret, metadata: {...created.secret.metadata, resourceVersion: '7',
    labels: {app: 'api', 'policy.example/owner': 'platform'}, annotations: {team: 'core', 'other.example/seen': 'yes'},
    managedFields: [managedBy(FIELD_MANAGER, ['app'], ['team'])]}};
  const r = reconcile(s, [kp], existing);
  assert.ok(r.ok);
  assert.equal(r.action, 'none');
});

test('a label the template stops setting is removed when this controller set it, and one it sets is overwritten', () => {
  const s = sealed(kp, {name: 'db', namespace: 'payments', values: {password: canary()}, labels: {tier: 'db'}});
  const created = reconcile(s, [kp], undefined);
  assert.ok(created.ok);
  const existing = {...created.secret, metadata: {...created.secret.metadata, resourceVersion: '7',
    labels: {app: 'api', tier: 'web', 'policy.example/owner': 'platform'},
    managedFields: [managedBy(FIELD_MANAGER, ['app', 'tier']), managedBy('kyverno', ['policy.example/owner'])]}};
  const r = reconcile(s, [kp], existing);
  assert.ok(r.ok);
  assert.equal(r.action, 'update');
  assert.deepEqual(r.secret.metadata!.labels, {tier: 'db', 'policy.example/owner': 'platform'});
});

test('an immutable Secret, or one whose type changes, is replaced rather than updated', () => {
  const s = sealed(kp, {name: 'db', namespace: 'payments', values: {password: canary()}});
  const created = reconcile(s, [kp], undefined);
  assert.ok(created.ok);
  const immutable = {...created.secret, immutable: true, data: {password: b64('old')}};
  const r1 = reconcile(s, [kp], immutable);
  assert.ok(r1.ok);
  assert.equal(r1.action, 'replace');
  const typed = {...created.secret, type: 'kubernetes.io/tls'};
  const r2 = reconcile(s, [kp], typed);
  assert.ok(r2.ok);
  assert.equal(r2.action, 'replace');
});

test('a Secret of the same name that it does not own is refused with NotOwned, unless the SealedSecret opts in', () => {
  const c = canary();
  const s = sealed(kp, {name: 'db', namespace: 'payments', values: {password: c}});
  const foreign = {apiVersion: 'v1', kind: 'Secret', metadata: {name: 'db', namespace: 'payments', resourceVersion: '3', labels: {mine: 'yes'}}, data: {password: b64('theirs')}};
  const r = reconcile(s, [kp], foreign);
  assert.ok(!r.ok);
  assert.equal(r.failure.reason, 'NotOwned');
  assert.match(r.failure.message, new RegExp(MANAGED_ANNOTATION));
  assert.ok(!r.failure.message.includes(c));

  s.metadata!.annotations = {...s.metadata!.annotations, [MANAGED_ANNOTATION]: 'true'};
  const adopted = reconcile(s, [kp], foreign);
  assert.ok(adopted.ok);
  assert.equal(adopted.action, 'update');
  assert.deepEqual(adopted.secret.data, {password: b64(c)});
  assert.equal(adopted.secret.metadata!.ownerReferences[0].uid, s.metadata!.uid);
});

test('the opt-in does not take a Secret from another controller, nor from a SealedSecret with another uid', () => {
  const s = sealed(kp, {name: 'db', namespace: 'payments', values: {password: canary()}, annotations: {[MANAGED_ANNOTATION]: 'true'}});
  s.metadata!.annotations = {...s.metadata!.annotations, [MANAGED_ANNOTATION]: 'true'};
  const other = {apiVersion: 'v1', kind: 'Secret', metadata: {name: 'db', namespace: 'payments', ownerReferences: [{apiVersion: 'cert-manager.io/v1', kind: 'Certificate', name: 'db', uid: 'u1', controller: true}]}, data: {}};
  const r = reconcile(s, [kp], other);
  assert.ok(!r.ok);
  assert.equal(r.failure.reason, 'NotOwned');
  assert.match(r.failure.message, /Certificate db/);
  delete s.metadata!.annotations![MANAGED_ANNOTATION];
  const stale = {apiVersion: 'v1', kind: 'Secret', metadata: {name: 'db', namespace: 'payments', ownerReferences: [{apiVersion: 'kubectl-secret.dev/v1alpha1', kind: 'SealedSecret', name: 'db', uid: 'old-uid', controller: true}]}, data: {}};
  const r2 = reconcile(s, [kp], stale);
  assert.ok(!r2.ok);
  assert.equal(r2.failure.reason, 'NotOwned');
});

test('a tampered value fails with Tampered and names the key, not the value', () => {
  const c = canary();
  const s = sealed(kp, {name: 'db', namespace: 'payments', values: {password: c}});
  const raw = Buffer.from(s.spec.encryptedData.password, 'base64');
  raw[raw.length - 1] ^= 0x01;
  s.spec.encryptedData.password = raw.toString('base64');
  const r = reconcile(s, [kp], undefined);
  assert.ok(!r.ok);
  assert.equal(r.failure.reason, 'Tampered');
  assert.match(r.failure.message, /key "password"/);
  assert.ok(!r.failure.message.includes(c));
});

test('a value moved to another name or namespace fails with WrongScope', () => {
  const s = sealed(kp, {name: 'db', namespace: 'payments', values: {password: canary()}});
  for (const [field, value] of [['name', 'db2'], ['namespace', 'billing']] as const) {
    const moved = structuredClone(s);
    moved.metadata![field] = value;
    moved.spec.template.metadata[field] = value;
    const r = reconcile(moved, [kp], undefined);
    assert.ok(!r.ok, field);
    assert.equal(r.failure.reason, 'WrongScope', field);
  }
});

test('a namespace-wide seal opens under another name in the same namespace', () => {
  const s = sealed(kp, {name: 'db', namespace: 'payments', values: {password: 'x'}, scope: 'namespace-wide'});
  s.metadata!.name = 'renamed';
  s.spec.template.metadata.name = 'renamed';
  const r = reconcile(s, [kp], undefined);
  assert.ok(r.ok);
  assert.equal(r.secret.metadata!.name, 'renamed');
});

test('a value sealed with a key the controller does not hold fails with UnknownKey, as does having no keys', () => {
  const s = sealed(keyPair(), {name: 'db', namespace: 'payments', values: {password: canary()}});
  const r = reconcile(s, [kp], undefined);
  assert.ok(!r.ok);
  assert.equal(r.failure.reason, 'UnknownKey');
  const none = reconcile(sealed(kp, {name: 'db', namespace: 'payments', values: {password: 'x'}}), [], undefined);
  assert.ok(!none.ok);
  assert.equal(none.failure.reason, 'UnknownKey');
});

test('any key that opens with any of the keys on the ring is enough: old keys keep working after rotation', () => {
  const old = keyPair();
  const s = sealed(old, {name: 'db', namespace: 'payments', values: {password: 'x'}});
  const r = reconcile(s, [kp, old], undefined);
  assert.ok(r.ok);
});

test('failureReason: malformed base64 and non-nacl objects are Malformed', () => {
  const s = sealed(kp, {name: 'db', namespace: 'payments', values: {password: 'x'}});
  s.spec.encryptedData.password = 'not base64!';
  assert.equal(failureReason(s, [kp]), 'Malformed');
  const r = reconcile(s, [kp], undefined);
  assert.ok(!r.ok);
  assert.equal(r.failure.reason, 'Malformed');
  assert.equal(failureReason({apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', metadata: {name: 'x', namespace: 'y'}}, [kp]), 'Malformed');
});
