import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {collectRequests, ownershipWarnings, planRotation, renderPlan, rotatedObject, rfc3339Utc, ROTATED_AT, ROTATED_KEYS} from '../../../src/rotate/plan.js';

const CANARY = 'CANARY-plan-5d1e';

test('requests come from every source, with literal and file values read up front', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ks-plan-'));
  writeFileSync(join(dir, 'tok'), CANARY);
  const r = collectRequests({generate: ['password'], literals: [`user=${CANARY}`], files: [`token=${join(dir, 'tok')}`], prompts: ['pin'], length: 16, charset: 'hex'});
  assert.deepEqual(r.map((x) => `${x.key}:${x.source.kind}`), ['password:generate', 'user:literal', 'token:file', 'pin:prompt']);
  assert.deepEqual(r[0].source, {kind: 'generate', length: 16, charset: 'hex'});
  assert.equal((r[2].source as any).value.toString(), CANARY);
});

test('a key given twice, a file without KEY=, a bad key and no keys at all are input errors', () => {
  assert.throws(() => collectRequests({generate: ['a'], literals: ['a=x']}), /given more than once/);
  assert.throws(() => collectRequests({files: ['./x']}), /must be KEY=PATH/);
  assert.throws(() => collectRequests({generate: ['bad key']}), /not a valid Secret key/);
  assert.throws(() => collectRequests({}), /no keys to rotate/);
  assert.throws(() => collectRequests({files: ['k=/nonexistent/file']}), /--from-file: no such file: \/nonexistent\/file/);
});

test('a key the Secret lacks is an error naming it, unless --add', () => {
  const req = collectRequests({generate: ['password', 'apikey']});
  assert.throws(() => planRotation('db', 'payments', ['password', 'user'], req), (e: Error) => /has no key "apikey"/.test(e.message) && /--add/.test((e as any).hint));
  const p = planRotation('db', 'payments', ['password', 'user'], req, {add: true, resourceVersion: '42'});
  assert.deepEqual(p.keys.map((k) => `${k.action} ${k.key}`), ['add apikey', 'change password']);
  assert.deepEqual(p.unchanged, ['user']);
});

test('the plan names keys and sources, never values', () => {
  const req = collectRequests({generate: ['password'], literals: [`user=${CANARY}`]});
  const text = renderPlan(planRotation('db', 'payments', ['password', 'user', 'host'], req, {resourceVersion: '7', immutable: true}));
  assert.ok(!text.includes(CANARY));
  assert.match(text, /Rotate Secret payments\/db \(resourceVersion 7\):/);
  assert.match(text, /~ change password: new value generated \(32 alnum characters\)/);
  assert.match(text, /~ change user: new value from --from-literal/);
  assert.match(text, /= unchanged: host/);
  assert.match(text, /immutable/);
});

test('the rotated object keeps the resourceVersion and other keys, and records when and which keys', () => {
  const live = {apiVersion: 'v1', kind: 'Secret', metadata: {name: 'db', namespace: 'p', resourceVersion: '9', annotations: {keep: 'me'}}, data: {a: 'b2xk', b: 'c2FtZQ=='}};
  const now = new Date(Date.UTC(2024, 1, 29, 13, 4, 5, 678));
  const next = rotatedObject(live, new Map([['a', Buffer.from('new')], ['c', Buffer.from('x')]]), now);
  assert.equal(next.metadata!.resourceVersion, '9');
  assert.deepEqual(next.data, {a: Buffer.from('new').toString('base64'), b: 'c2FtZQ==', c: 'eA=='});
  assert.deepEqual(next.metadata!.annotations, {keep: 'me', [ROTATED_AT]: '2024-02-29T13:04:05Z', [ROTATED_KEYS]: 'a,c'});
  assert.equal(live.data.a, 'b2xk', 'the input is not modified');
  assert.match(rfc3339Utc(new Date()), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
});

test('the plan warns when a SealedSecret or kubectl apply will put the old values back', () => {
  const live = {metadata: {name: 'db', ownerReferences: [{apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', name: 'db', uid: 'u'}], annotations: {'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"password":"c2VjcmV0"}}'}}};
  const warnings = ownershipWarnings(live);
  assert.equal(warnings.length, 2);
  const text = renderPlan(planRotation('db', 'p', ['password'], collectRequests({generate: ['password']}), {warnings}));
  assert.match(text, /warning: the Secret is produced by SealedSecret db: .*--sealed FILE/);
  assert.match(text, /warning: the Secret was created with kubectl apply/);
  assert.ok(!text.includes('c2VjcmV0'));
  assert.deepEqual(ownershipWarnings({metadata: {name: 'db'}}), []);
});
