import {test} from 'node:test';
import assert from 'node:assert/strict';
import {NAME_PART_MAX, restartPatch, restartedForAnnotation, rfc3339, secretVersion} from '../../../src/workloads/restart-patch.js';

// k8s.io/apimachinery validation: qualified name part.
const QUALIFIED_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const namePart = (key: string) => key.split('/')[1];

test('a short Secret name is used as it is', () => {
  assert.equal(restartedForAnnotation('db-credentials'), 'kubectl-secret.dev/restarted-for.db-credentials');
});

test('a name that just fits (49 characters) is not shortened; one more character is', () => {
  const fits = 'a'.repeat(49);
  assert.equal(namePart(restartedForAnnotation(fits)).length, NAME_PART_MAX);
  assert.equal(restartedForAnnotation(fits), `kubectl-secret.dev/restarted-for.${fits}`);
  const over = 'a'.repeat(50);
  assert.notEqual(restartedForAnnotation(over), `kubectl-secret.dev/restarted-for.${over}`);
  assert.equal(namePart(restartedForAnnotation(over)).length, NAME_PART_MAX);
});

test('a long name is cut and suffixed with a hash of the full name: valid, 63 characters, distinct, stable', () => {
  const base = 'payments-service-database-credentials-for-the-primary-cluster.example';
  const a = restartedForAnnotation(`${base}.one`);
  const b = restartedForAnnotation(`${base}.two`);
  for (const key of [a, b]) {
    assert.equal(namePart(key).length, NAME_PART_MAX);
    assert.match(namePart(key), QUALIFIED_NAME);
    // 63 = 'restarted-for.' (14) + 40 characters of the name + '-' + 8 hex characters.
    assert.ok(key.startsWith(`kubectl-secret.dev/restarted-for.${base.slice(0, 40)}-`), key);
    assert.match(key, /-[0-9a-f]{8}$/);
  }
  assert.notEqual(a, b);
  assert.equal(restartedForAnnotation(`${base}.one`), a);
  const longest = restartedForAnnotation('x'.repeat(253));
  assert.equal(namePart(longest).length, NAME_PART_MAX);
});

test("the restarted-for value is the Secret's uid/resourceVersion, never derived from its data", () => {
  const secret = {kind: 'Secret', metadata: {uid: 'u-1', resourceVersion: '42'}, data: {password: Buffer.from('CANARY-x').toString('base64')}};
  assert.equal(secretVersion(secret), 'u-1/42');
  assert.equal(secretVersion({...secret, data: {password: 'b3RoZXI='}}), 'u-1/42');
});

test("the patch is kubectl rollout restart's annotation plus ours, on the pod template", () => {
  const now = new Date('2024-05-01T10:20:30.999Z');
  const patch = restartPatch('db', 'u-1/42', now);
  assert.deepEqual(Object.keys(patch), ['spec']);
  const ann = patch.spec.template.metadata.annotations;
  assert.deepEqual(Object.keys(ann).sort(), ['kubectl-secret.dev/restarted-for.db', 'kubectl.kubernetes.io/restartedAt']);
  assert.equal(ann['kubectl-secret.dev/restarted-for.db'], 'u-1/42');
  assert.equal(Date.parse(ann['kubectl.kubernetes.io/restartedAt']), Date.parse('2024-05-01T10:20:30Z'));
});

test('a second restart within the same second still changes the template: one second after the last', () => {
  const at = (p: ReturnType<typeof restartPatch>) => Date.parse(p.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']);
  const first = restartPatch('db', 'v', new Date('2024-05-01T10:20:30.100Z'));
  const current = first.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt'];
  assert.equal(at(restartPatch('db', 'v', new Date('2024-05-01T10:20:30.900Z'), current)), Date.parse('2024-05-01T10:20:31Z'));
  // A clock that stepped back, or a restartedAt another client wrote ahead of ours.
  assert.equal(at(restartPatch('db', 'v', new Date('2024-05-01T10:20:00Z'), current)), Date.parse('2024-05-01T10:20:31Z'));
  // Later seconds, and values that are not times, keep the clock's time.
  assert.equal(at(restartPatch('db', 'v', new Date('2024-05-01T10:20:32.5Z'), current)), Date.parse('2024-05-01T10:20:32Z'));
  assert.equal(at(restartPatch('db', 'v', new Date('2024-05-01T10:20:32.5Z'), 'yesterday')), Date.parse('2024-05-01T10:20:32Z'));
});

test("rfc3339 is Go's time.RFC3339: whole seconds and a zone", () => {
  const s = rfc3339(new Date('2024-05-01T10:20:30.5Z'));
  assert.match(s, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
  assert.equal(Date.parse(s), Date.parse('2024-05-01T10:20:30Z'));
});

const entry = (manager: string, time: string, fields: Record<string, unknown>) => ({manager, operation: 'Update', apiVersion: 'v1', time, fieldsType: 'FieldsV1', fieldsV1: fields});

test('the Secret version follows its data: a later metadata-only edit by another manager does not move it', () => {
  const secret = {apiVersion: 'v1', kind: 'Secret', metadata: {name: 'db', uid: 'u1', resourceVersion: '40', managedFields: [
    entry('kubectl-create', '2026-01-01T10:00:00Z', {'f:data': {'f:password': {}}, 'f:type': {}}),
    entry('kubectl-label', '2026-01-02T09:00:00Z', {'f:metadata': {'f:labels': {'f:team': {}}}}),
  ]}, data: {password: 'c2VjcmV0'}};
  assert.equal(secretVersion(secret), 'u1/data@2026-01-01T10:00:00Z/kubectl-create');
  const relabelled = structuredClone(secret);
  relabelled.metadata.resourceVersion = '41';
  relabelled.metadata.managedFields[1].time = '2026-01-03T09:00:00Z';
  assert.equal(secretVersion(relabelled), secretVersion(secret));
  const rotated = structuredClone(relabelled);
  rotated.metadata.managedFields.push(entry('rotator', '2026-01-04T00:00:00Z', {'f:data': {'f:password': {}}}));
  assert.equal(secretVersion(rotated), 'u1/data@2026-01-04T00:00:00Z/rotator');
  assert.ok(!secretVersion(rotated).includes('c2VjcmV0'));
});

test('without managedFields the version falls back to uid/resourceVersion', () => {
  assert.equal(secretVersion({metadata: {uid: 'u1', resourceVersion: '7'}}), 'u1/7');
});
