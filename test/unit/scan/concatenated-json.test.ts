// `kubectl apply -f file.json` reads a stream of JSON objects (`{…}{…}`, `{…}\n{…}`) one after
// the other, as kubectl's YAMLOrJSONDecoder does. Each object is its own document to the scan:
// a Secret in any of them is a plaintext-secret at its own line, and the others are no finding.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {splitDocuments} from '../../../src/scan/documents.js';
import {scanText} from '../../../src/scan/scan.js';

const CANARY = 'CANARY-3c9e0d7a51';
const at = (path: string, text: string) => scanText(path, text).findings.map((f) => `${f.rule}@${f.line}:${f.column}`);
const cm = (name: string) => JSON.stringify({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name}, data: {a: 'b'}});
const secret = (value: string) => JSON.stringify({apiVersion: 'v1', kind: 'Secret', metadata: {name: 's'}, stringData: {password: value}});

test('a Secret in any of several concatenated JSON objects is found at its own line and column', () => {
  // Adjacent on one line: the column is the Secret's own.
  const one = `${cm('a')}${secret(CANARY)}\n`;
  const col = one.indexOf('"password"') + 1;
  assert.deepEqual(at('objs.json', one), [`plaintext-secret@1:${col}`]);
  // One per line, with blank lines and a trailing newline.
  assert.deepEqual(at('objs.json', `${cm('a')}\n\n${secret(CANARY)}\n${cm('c')}\n`), [`plaintext-secret@3:${secret(CANARY).indexOf('"password"') + 1}`]);
  // Pretty-printed objects one after the other, as `kubectl get -o json` for each would write them.
  const pretty = JSON.stringify(JSON.parse(cm('a')), null, 2) + '\n' + JSON.stringify(JSON.parse(secret(CANARY)), null, 2) + '\n';
  const line = pretty.split('\n').findIndex((l) => l.includes('"password"')) + 1;
  assert.deepEqual(at('objs.json', pretty), [`plaintext-secret@${line}:5`]);
  // A pretty-printed object that starts after another on the same line.
  const mid = `${cm('a')}  ${JSON.stringify(JSON.parse(secret(CANARY)), null, 2)}`;
  assert.deepEqual(at('objs.json', mid), ['plaintext-secret@8:5']);
  // Braces and quotes inside strings do not end an object early.
  const tricky = JSON.stringify({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'x'}, data: {t: '}{"\\'}}) + secret(CANARY);
  assert.deepEqual(at('objs.json', tricky).map((f) => f.split('@')[0]), ['plaintext-secret']);
});

test('concatenated objects without a Secret value are no finding; a placeholder is no finding', () => {
  assert.deepEqual(at('objs.json', `${cm('a')}${cm('b')}`), []);
  assert.deepEqual(at('objs.json', `${cm('a')}\n${secret('changeme')}`), []);
  assert.deepEqual(at('objs.json', `${secret('{{ .Values.password }}')}${cm('b')}`), []);
});

test('what is not a stream of JSON objects stays one document, and a broken Secret still fails closed', () => {
  // Garbage after the object: kubectl cannot read it either, so the scan says so.
  assert.deepEqual(at('objs.json', `${secret(CANARY)} garbage`).map((f) => f.split('@')[0]), ['unparseable-secret']);
  assert.deepEqual(at('objs.json', `${cm('a')}${secret(CANARY).slice(0, -2)}`).map((f) => f.split('@')[0]), ['unparseable-secret']);
  // One object is one chunk, as before.
  assert.equal(splitDocuments(secret(CANARY)).length, 1);
  assert.deepEqual(splitDocuments(`${cm('a')}\n${cm('b')}`).map((c) => c.startLine), [1, 2]);
});
