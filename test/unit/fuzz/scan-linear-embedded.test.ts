// The readers added for plaintext that used to slip past the scan (concatenated JSON objects,
// manifests in quoted or folded strings, kubectl command lines) stay linear in their input: the
// same ratio test as scan-linear.test.ts (an 8× larger input must cost well under 64×).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {scanText} from '../../../src/scan/scan.js';

const SMALL = 16 * 1024;
const RATIO = 8;

function best(fn: () => void): number {
  let min = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    fn();
    min = Math.min(min, performance.now() - t0);
  }
  return min;
}

function assertLinear(name: string, make: (size: number) => string, run: (text: string) => void): void {
  const small = make(SMALL);
  const large = make(SMALL * RATIO);
  run(small);
  const ts = best(() => run(small));
  const tl = best(() => run(large));
  assert.ok(tl <= ts * RATIO * 3 + 150, `${name}: ${SMALL} B took ${ts.toFixed(1)} ms, ${SMALL * RATIO} B took ${tl.toFixed(1)} ms (${(tl / Math.max(ts, 0.01)).toFixed(1)}×)`);
}

const scanAll = (text: string) => {
  scanText('f.json', text);
  scanText('f.sh', text);
  scanText('f.md', '```\n' + text);
};
const build = (head: string, unit: string, size: number) => head + unit.repeat(Math.ceil((size - head.length) / unit.length)) + '\n';

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
  fc.assert(
    fc.property(fc.constantFrom(...HEADS), fc.array(fc.constantFrom(...FRAGMENTS), {minLength: 1, maxLength: 5}), (head, parts) => {
      const unit = parts.join('');
      assertLinear(JSON.stringify(head.slice(0, 16) + '…' + unit), (n) => build(head, unit, n), scanAll);
    }),
    {numRuns: 25},
  );
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
