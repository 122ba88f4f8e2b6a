// No input makes the scanner superlinear. Each property builds one input from a random repeated
// unit (fragments chosen for how they stress the readers: unclosed templates and quotes, runs
// of spaces, colons, comment marks, flow brackets, key armour) at a small and an 8× larger
// size, and checks that the larger one costs well under 8² = 64× the smaller: a linear reader
// costs about 8×, a quadratic one 64×, so the bound (24×, plus a fixed allowance for timer and
// GC noise) lets a loaded machine pass and still fails every quadratic algorithm. Timing is
// the only measure available for regular-expression backtracking; the ratio, the best of
// three runs, and the wide margin make it robust. Speed itself is measured in bench/.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {scanText} from '../../../src/scan/scan.js';
import {decodeFile, MaterialProbe} from '../../../src/scan/files.js';
import {assertLinear, assertLinearForRepeatedUnits, build} from '../../helpers/linear.js';

const SECRET_HEAD_FOR_COST = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  password: ';

const HEADS = [
  'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  password: ',
  'kind: Secret\ndata:\n{{- if .Values.x }}\n  a',
  'secretGenerator:\n- name: s\n  literals:\n  - ',
  '{"kind": "Secret", "data": {"a": "',
  '-----BEGIN RSA PRIVATE KEY-----\n',
  'apiVersion: builtin\nkind: SecretGenerator\nliterals:\n- ',
];
const FRAGMENTS = ['${A:-x', '${', '{{', '}}', '{{ .Values.x }}', ' ', '   ', '\t', ':', ': ', '#', ' # kubectl-secret:allow', '"', "'", '\\"', '{', '[', ',', '-', '- ', '\n', '\n  ', 'x', 'kind:', 'kind: Secret', 'data', '-----BEGIN ', 'PRIVATE KEY', '---\n', '|', '>', '&a ', '*a', '?', '\r'];

const scanAll = (text: string) => {
  scanText('f.yaml', text);
  scanText('f.tpl', text);
};

test('the inputs reported as quadratic are linear: an unclosed ${A:-x repeated, a long line of spaces in a template', () => {
  assertLinear('${A:-x', (n) => build(HEADS[0], '${A:-x', n), scanAll);
  assertLinear('spaces in a template value', (n) => HEADS[0] + '{{ .Values.x }}\n  b' + ' '.repeat(n) + 'c\n', scanAll);
  assertLinear('spaces in a template key', (n) => 'kind: Secret\ndata:\n{{ if }}\n  a' + ' '.repeat(n) + 'x\n', scanAll);
  assertLinear('spaces before a comment', (n) => 'kind: Secret\ndata:\n{{ if }}\n  a: b' + ' '.repeat(n) + 'x\n', scanAll);
  assertLinear('{{ without }}', (n) => build(HEADS[0], '{{', n), scanAll);
});

test('a document too costly for the YAML parser is not parsed: a Secret in it is an unparseable-secret finding', () => {
  const deep = scanText('d.yaml', SECRET_HEAD_FOR_COST + '{'.repeat(200_000) + '\n');
  assert.deepEqual(deep.findings.map((f) => [f.rule, f.line]), [['unparseable-secret', 1]]);
  assert.match(deep.findings[0].message, /too complex to parse \(flow collections nested 200000 deep, over 64\)/);
  const many = scanText('m.yaml', SECRET_HEAD_FOR_COST + 'x\n'.repeat(150_000));
  assert.match(many.findings[0].message, /too complex to parse \(\d+ lines, flow indicators and escapes in one document, over 100000\)/);
  // Without Secret material it is a warning, and a normal Secret is read as before.
  assert.deepEqual(scanText('c.yaml', 'kind: ConfigMap\nkind: Secret\ndata: ' + '['.repeat(100) + '\n').findings.map((f) => f.rule), ['unparseable-secret']);
  assert.deepEqual(scanText('n.yaml', SECRET_HEAD_FOR_COST + 'hunter2\n').findings.map((f) => f.rule), ['plaintext-secret']);
});

test('fuzz: no repeated unit makes scanning superlinear', () => {
  assertLinearForRepeatedUnits(HEADS, FRAGMENTS, scanAll, {numRuns: 15, headChars: 12});
});
test('fuzz: decoding and the streaming probe are linear too', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...FRAGMENTS, '\0', '\u00ff\u00fe'), {minLength: 1, maxLength: 4}), (parts) => {
      const unit = parts.join('');
      assertLinear(JSON.stringify(unit), (n) => build('', unit, n), (text) => {
        const buf = Buffer.from(text, 'latin1');
        decodeFile(buf);
        const probe = new MaterialProbe();
        for (let i = 0; i < buf.length; i += 4093) probe.push(buf.subarray(i, i + 4093));
        probe.result();
      });
    }),
    {numRuns: 15},
  );
});
