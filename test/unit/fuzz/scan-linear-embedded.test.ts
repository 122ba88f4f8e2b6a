// The readers added for plaintext that used to slip past the scan (concatenated JSON objects,
// manifests in quoted or folded strings, kubectl command lines) stay linear in their input: the
// same ratio test as scan-linear.test.ts (an 8× larger input must cost well under 64×).
import {test} from 'node:test';
import {scanText} from '../../../src/scan/scan.js';
import {assertLinear, assertLinearForRepeatedUnits, build} from '../../helpers/linear.js';

const scanAll = (text: string) => {
  scanText('f.json', text);
  scanText('f.sh', text);
  scanText('f.md', '```\n' + text);
};

const HEADS = [
  '{"kind":"Secret","stringData":{"a":"b"}}',
  'patch: "apiVersion: v1\\nkind: Secret\\n',
  "values: 'kind: Secret\n\n",
  'values: >\n  kind: Secret\n',
  'kubectl create secret generic x --from-literal=',
  'kubectl create secret docker-registry x --docker-password ',
];
const FRAGMENTS = ['{', '}', '}{', '"', '\\"', '\\n', '\\', '\\\n', "'", "''", '$(', '${', '`', ')', ' ', '\n', '\n  ', 'kind: Secret', '\\nkind: Secret', '--from-literal=a=b ', '--docker-password ', 'kubectl create secret generic ', ';', '|', '>', '#', ': "', "- '", '\\u0053', '```\n'];

test('fuzz: no repeated unit makes the embedded-string, JSON-stream or command-line readers superlinear', () => {
  assertLinearForRepeatedUnits(HEADS, FRAGMENTS, scanAll, {numRuns: 25, headChars: 16});
});
test('known shapes are linear: many objects in a stream, many escaped manifests, a long continued command', () => {
  const obj = JSON.stringify({apiVersion: 'v1', kind: 'Secret', metadata: {name: 's'}, stringData: {password: 'x'}});
  assertLinear('JSON stream', (n) => build('', obj, n), scanAll);
  assertLinear('escaped manifests', (n) => build('', `- "apiVersion: v1\\nkind: Secret\\nmetadata: {name: s}\\nstringData: {p: x}"\n`, n), scanAll);
  assertLinear('continued command', (n) => build('kubectl create secret generic x \\\n', '  --from-literal=a=b \\\n', n), scanAll);
  assertLinear('one long command line', (n) => build('kubectl create secret generic x ', '--from-literal=a=b ', n), scanAll);
  assertLinear('unclosed substitutions', (n) => build('kubectl create secret generic x --from-literal=a=', '$($(', n), scanAll);
  assertLinear('nested defaults', (n) => build('kubectl create secret generic x --from-literal=a=', '${A:-', n), scanAll);
  assertLinear('closed nested defaults', (n) => build('kubectl create secret generic x --from-literal=a=', '${A:-x}', n), scanAll);
});
