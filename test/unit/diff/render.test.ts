import {test} from 'node:test';
import assert from 'node:assert/strict';
import {compareSecrets} from '../../../src/diff/diff.js';
import {diffData, keyLine, renderDiffText, showValue} from '../../../src/diff/render.js';
import type {DiffReport} from '../../../src/diff/inputs.js';
import type {SecretModel} from '../../../src/manifests/secret.js';

const CANARY_OLD = 'CANARY-old-7f3a';
const CANARY_NEW = 'CANARY-new-91bc';
const model = (values: Record<string, string>): SecretModel => ({name: 'db', namespace: 'payments', labels: {}, annotations: {}, values: new Map(Object.entries(values).map(([k, v]) => [k, Buffer.from(v)]))});

function report(): DiffReport {
  const keys = compareSecrets(model({password: CANARY_NEW, user: 'app', added: CANARY_NEW}), model({password: CANARY_OLD, user: 'app', gone: CANARY_OLD}));
  return {objects: [{kind: 'Secret', name: 'db', namespace: 'payments', from: {where: 'live', exists: true}, to: {where: 'db.yaml:1', exists: true}, keys, metadata: [{field: 'label', name: 'app', state: 'added', to: 'api'}], differs: true}], differs: true, skipped: [], warnings: []};
}

test('the text report marks every key and hides values', () => {
  const text = renderDiffText(report(), false);
  for (const line of ['+ added added', '~ changed password', '- removed gone', '= same user', '+ label app=api']) assert.ok(text.includes(line), line);
  assert.ok(!text.includes('CANARY'), 'a value was printed');
  assert.match(text, /Secret payments\/db \(db\.yaml:1\):/);
  assert.match(text, /1 of 1 object differs\n$/);
});

test('--show-values prints old and new values of the keys', () => {
  const text = renderDiffText(report(), true);
  assert.ok(text.includes(`~ changed password: "${CANARY_OLD}" → "${CANARY_NEW}"`));
  assert.ok(text.includes(`- removed gone: "${CANARY_OLD}"`));
});

test('the machine shape carries states, and values only with showValues', () => {
  assert.ok(!JSON.stringify(diffData(report(), false)).includes('CANARY'));
  const shown = JSON.stringify(diffData(report(), true));
  assert.ok(shown.includes(CANARY_OLD) && shown.includes(CANARY_NEW));
});

test('a resealed key never shows a value, and binary values print as base64', () => {
  assert.equal(keyLine({key: 'k', state: 'resealed'}, true), '~ resealed (value unknown) k');
  assert.equal(showValue(Buffer.from([0xff, 0x00, 0x01])), 'base64:/wAB');
  assert.equal(showValue(Buffer.from('plain')), '"plain"');
});
