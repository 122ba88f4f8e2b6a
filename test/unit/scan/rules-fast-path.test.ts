// The js-yaml fast path (fast-reader.ts) must give exactly the findings of the `yaml` reader:
// compared on every corpus and shared fixture file, and on shapes the fast path must hand over.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync, readdirSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {readFast} from '../../../src/scan/fast-reader.js';
import {kustomizeSecretLiteral} from '../../../src/scan/kustomize-secret-literal.js';
import {lastAppliedSecret} from '../../../src/scan/last-applied-secret.js';
import {readManifest} from '../../../src/scan/manifest-view.js';
import {plaintextSecret} from '../../../src/scan/plaintext-secret.js';

const CORPUS = fileURLToPath(new URL('../../../../test/fixtures/scan-corpus/', import.meta.url));
const SHARED = fileURLToPath(new URL('../../../../../shared/fixtures/', import.meta.url));

function findings(text: string, fast: boolean): string[] {
  return readManifest(text, {fast}).views.flatMap((v) => [...plaintextSecret(v), ...lastAppliedSecret(v), ...kustomizeSecretLiteral(v)])
    // endLine only bounds where a private key counts as inside a reported value: compared apart.
    .map((f) => `${f.line}:${f.column}:${f.rule}:${f.severity}:${f.anchorLine}:${f.message}`).sort();
}

const texts: [string, string][] = [];
const {files} = JSON.parse(readFileSync(CORPUS + 'expected.json', 'utf8')) as {files: {file: string}[]};
for (const f of files) if (/\.(ya?ml|json)$/.test(f.file)) texts.push([f.file, readFileSync(CORPUS + f.file, 'utf8')]);
for (const d of ['scan-positive', 'scan-negative']) for (const n of readdirSync(SHARED + d)) texts.push([`${d}/${n}`, readFileSync(`${SHARED}${d}/${n}`, 'utf8')]);

test('fast and yaml readers give the same findings on every real-world file', () => {
  assert.ok(texts.length > 60);
  for (const [name, text] of texts) assert.deepEqual(findings(text, true), findings(text, false), name);
});

test('the fast path hands over what it cannot place', () => {
  const chunk = (text: string) => readFast({text, startLine: 1});
  const head = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n';
  // Placed: a block-style top-level Secret.
  assert.deepEqual(chunk(`${head}stringData:\n  # note\n  "a.b": x1\n  c: |\n    multi\n    line\n`)?.[0].values.map((v) => [v.key, v.line, v.column, v.endLine]), [['a.b', 7, 3, 7], ['c', 8, 3, 10]]);
  assert.deepEqual(chunk(`${head}stringData:\n  c: |\n    multi\n  d: x2\n`)?.[0].values.map((v) => [v.key, v.line, v.endLine]), [['c', 6, 8], ['d', 8, 8]]);
  // Handed over: aliases and merge keys, flow maps, JSON, List items, nested Secrets, !!binary,
  // template lines, last-applied annotations, secretGenerators, duplicate keys.
  for (const text of [
    `x: &a\n  k: v1\n${head}stringData: *a\n`,
    `${head}stringData:\n  <<: {k: v1}\n`,
    `${head}stringData: {k: v1}\n`,
    JSON.stringify({apiVersion: 'v1', kind: 'Secret', stringData: {k: 'v1'}}),
    `apiVersion: v1\nkind: List\nitems:\n- ${head.replace(/\n(?=.)/g, '\n  ')}  stringData:\n    k: v1\n`,
    `objects:\n- ${head.replace(/\n(?=.)/g, '\n  ')}  stringData:\n    k: v1\n`,
    `${head}data:\n  k: !!binary aGVsbG8=\n`,
    `{{- if .Values.x }}\n${head}stringData:\n  k: v1\n`,
    `${head}  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: '{}'\n`,
    'secretGenerator:\n- name: g\n  literals: [a=b]\n',
    `${head}stringData:\n  k: v1\n  k: v2\n`,
  ]) assert.equal(chunk(text), undefined, text);
});
