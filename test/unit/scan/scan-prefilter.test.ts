// The cheap checks that let scan skip work must never lose a finding: the file pre-filter
// (mightFind), the per-document trigger, the js-yaml fast reader, the parse shared between
// unparseable-secret and the manifest reader, and plainBlockYaml's proof that `yaml` would
// read a document without an error. Each is compared with the exhaustive path (every document
// of every file parsed by `yaml`), on every corpus and shared fixture file, and on random
// documents and mutations of the corpus documents. The trees that plain-yaml.ts and
// json-reader.ts build are compared with `yaml`'s parse node by node (assertProofHolds).
// FUZZ_RUNS and FUZZ_SEED run the random tests longer or on other inputs.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync, readdirSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import fc from 'fast-check';
import {LineCounter, isMap, isScalar, isSeq, parseAllDocuments, type Node} from 'yaml';
import {MAX_FLOW_DEPTH, MAX_YAML_TOKENS, mightFind, parseCost, splitDocuments} from '../../../src/scan/documents.js';
import {readManifest} from '../../../src/scan/manifest-view.js';
import {plainBlockYaml, readTree, templateRejected} from '../../../src/scan/plain-yaml.js';
import {scanText} from '../../../src/scan/scan.js';
import {Style, Unsure, scalarValue, viewsOfTree, type TNode} from '../../../src/scan/tree.js';

const CORPUS = fileURLToPath(new URL('../../../../test/fixtures/scan-corpus/', import.meta.url));
const SHARED = fileURLToPath(new URL('../../../../../shared/fixtures/', import.meta.url));

const files: [string, string][] = [];
const {files: expected} = JSON.parse(readFileSync(CORPUS + 'expected.json', 'utf8')) as {files: {file: string}[]};
for (const f of expected) files.push([f.file, readFileSync(CORPUS + f.file, 'utf8')]);
for (const d of ['scan-positive', 'scan-negative']) for (const n of readdirSync(SHARED + d)) files.push([`${d}/${n}`, readFileSync(`${SHARED}${d}/${n}`, 'utf8')]);

function yamlErrors(text: string): number {
  const docs = parseAllDocuments(text, {uniqueKeys: false, prettyErrors: false});
  return (Array.isArray(docs) ? docs : [docs]).reduce((n, d) => n + d.errors.length, 0);
}

const show = (path: string, text: string, exhaustive: boolean) =>
  scanText(path, text, {exhaustive}).findings.map((f) => `${f.line}:${f.column} ${f.rule} ${f.severity} ${f.message}`).sort();

/** What `scan` reports for the file, with and without the shortcuts. */
function assertSameFindings(path: string, text: string): void {
  const full = show(path, text, true);
  const fast = mightFind(path, text, false) ? show(path, text, false) : [];
  assert.deepEqual(fast, full, `${path}:\n${text}`);
}

/**
 * plainBlockYaml's proof, and the tree readBlockYaml builds against `yaml`'s parse with the
 * options scan uses: every key, value (with its type: the core schema resolves plain scalars),
 * line and column, and the views built from the tree against the `yaml` reader's views.
 * Returns how many values were compared.
 */
function assertProofHolds(text: string): number {
  if (templateRejected(text)) assert.ok(yamlErrors(text) > 0, `templateRejected, but yaml reads it without an error:\n${JSON.stringify(text)}`);
  const doc = readTree(text);
  if (!/^\s*[{[]/.test(text)) assert.equal(plainBlockYaml(text), doc !== undefined);
  if (!doc) return 0;
  assert.equal(yamlErrors(text), 0, `plainBlockYaml accepted what yaml rejects:\n${JSON.stringify(text)}`);
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, {lineCounter: lc, uniqueKeys: false, prettyErrors: false});
  const list = Array.isArray(docs) ? docs : [docs];
  // A text of comments alone is no document at all.
  assert.equal(list.length, doc.root === null ? list.length && 1 : 1, JSON.stringify(text));
  const pos = (offset: number) => lc.linePos(offset);
  let compared = 0;
  const same = (t: TNode, y: Node | null, where: string): void => {
    const at = `${where} in ${JSON.stringify(text)}`;
    if (t.k === 0) {
      assert.ok(isScalar(y), at);
      if (t.style !== Style.Null) assert.deepEqual([t.line, t.col], [pos(y.range![0]).line, pos(y.range![0]).col], `position of ${at}`);
      let v: unknown;
      try {
        v = scalarValue(t);
      } catch (e) {
        if (e instanceof Unsure) return;
        throw e;
      }
      assert.deepEqual(v, y.value, `value of ${at}`);
      if (t.style !== Style.Null) assert.equal(t.endLine, pos(y.range![1]).line, `end line of ${at}`);
      compared++;
      return;
    }
    if (t.flow !== undefined) {
      assert.equal(text.slice(y!.range![0], y!.range![1]), t.flow, at);
      assert.equal(t.endLine, pos(y!.range![1]).line, `end line of ${at}`);
    }
    if (t.k === 1 && t.template) {
      // `{{ .x }}`: one pair, whose key is a mapping of one scalar key without a value, and no value.
      assert.ok(isMap(y) && y.items.length === 1 && t.keys.length === 0, at);
      const [p] = y.items;
      assert.ok(isMap(p.key) && p.key.items.length === 1 && isScalar(p.key.items[0].key) && p.key.items[0].value === null && p.value === null, at);
      compared++;
      return;
    }
    if (t.k === 1) {
      assert.ok(isMap(y), at);
      assert.equal(y.items.length, t.keys.length, at);
      if (t.keys.length > 0) assert.deepEqual([t.line, t.col], [pos(y.range![0]).line, pos(y.range![0]).col], `start of ${at}`);
      y.items.forEach((p, i) => {
        assert.ok(isScalar(p.key), at);
        assert.equal(t.keys[i], String(p.key.value), at);
        assert.deepEqual([t.keyLine[i], t.keyCol[i]], [pos(p.key.range![0]).line, pos(p.key.range![0]).col], `position of key ${t.keys[i]} ${at}`);
        same(t.values[i], p.value as Node | null, `${where}.${t.keys[i]}`);
      });
      return;
    }
    assert.ok(isSeq(y), at);
    assert.equal(y.items.length, t.items.length, at);
    y.items.forEach((item, i) => same(t.items[i], item as Node, `${where}[${i}]`));
  };
  // (`---` alone is a document of one empty scalar.)
  if (doc.root === null) assert.equal((isScalar(list[0]?.contents) ? list[0].contents.value : list[0]?.contents) ?? null, null);
  else same(doc.root, list[0].contents, '');
  let views;
  try {
    views = viewsOfTree(doc.root, {text, startLine: 1});
  } catch (e) {
    if (e instanceof Unsure) return compared;
    throw e;
  }
  assert.deepEqual(views, readManifest(text, {fast: false, all: true}).views, `views of ${JSON.stringify(text)}`);
  return compared;
}

test('the shortcuts give the exhaustive findings on every corpus and shared fixture file', () => {
  assert.ok(files.length > 100);
  for (const [name, text] of files) assertSameFindings(name, text);
});

test('plainBlockYaml accepts only what yaml reads without an error, on every corpus document', () => {
  let accepted = 0;
  let values = 0;
  for (const [, text] of files) {
    for (const chunk of splitDocuments(text)) {
      values += assertProofHolds(chunk.text);
      if (plainBlockYaml(chunk.text)) accepted++;
    }
  }
  // It must also be worth having: most plain Secret documents in the corpus pass.
  assert.ok(accepted > 50, `accepted ${accepted}`);
  assert.ok(values > 1000, `compared ${values} values`);
});

test('plainBlockYaml: what it accepts and what it leaves to yaml', () => {
  const head = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n';
  for (const ok of [
    `${head}stringData:\n  password: hunter2-x\n`,
    `---\n# c\n${head}type: Opaque\ndata:\n  a: "x y"\n  b: 'q'\n  c: |\n    line\n\n    more\n  d: >-\n    folded\nimmutable: true\n`,
    `${head}  annotations: {}\nstringData:\n  url: https://x.example/a#b # note\n`,
    `${head}  finalizers:\n  - a\n  - "b"\nstringData:\n  k: v\n`,
    `args:\n- --x\n- name: a\n  value: |\n    -----BEGIN RSA PRIVATE KEY-----\n  more:\n    - 1\nafter: x\n`,
  ]) assert.ok(plainBlockYaml(ok), ok);
  for (const no of [
    `${head}stringData:\n  a: b: c\n`, // a nested mapping in a compact one
    `${head}stringData:\n  a: *x\n`, // an alias
    `${head}stringData:\n  a: "x\\"y"\n`, // escapes
    `${head}stringData:\n  a: x\n    y\n`, // a multi-line plain scalar
    `${head}stringData:\n   a: x\n  b: y\n`, // an indentation that closes no mapping
    `${head}stringData:\n\ta: x\n`, // a tab
    `${head}stringData:\r\n  a: x\r\n`, // CR
    `${head}stringData:\n  a: |\n   \n    x\n`, // a more-indented leading blank line
    `${head}stringData:\n  a: |2\n    x\n`, // an indentation indicator
    `${head}stringData:\n  - - a\n`, // a sequence in a sequence entry
    `${head}stringData:\n  -\n    a\n`, // an entry on the next line
    `${head}stringData:\n  - a\n - b\n`, // an entry at no open sequence
    `${head}stringData:\n- a\n  k: v\n`, // a key after a scalar entry
    `${head}stringData:\n  a: {b: c}\n`, // a flow mapping
    `--- !tag\n${head}`,
    `...\n${head}`,
    `${head}data:\n  a: @x\n`,
  ]) assert.equal(plainBlockYaml(no), false, no);
});

// Random documents from Secret-shaped pieces and the shapes that break YAML near them.
const KEYS = ['apiVersion', 'kind', 'metadata', 'name', 'data', 'stringData', 'type', 'annotations', 'password', 'tls.crt', '.dockerconfigjson', '..', '...', '.', 'a.b', 'a/b', '1', 'true', '<<', '? x', '"q k"', 'x y', '-', 'k\t', '<entry-key-1>', '"a/b"', "'a b'", '"a\\"b"', "'it''s'", '"a"b"', 'a  b', 'a #b', 'a#b', '$x', '(x)', '/x', 'a:b', 'a,b', 'x ', '"<<"', '@x', 'a@b', 'a\\b', '"', "'", '""', "''", '"a: b"', '"a #b"', 'a>b', '~', 'null', '"kind"', "'data'", 'a=b', '<', '(', 'a;b', 'a^b+c'];
const VALUES = ['', ' ', 'v1', 'Secret', 'hunter2', 'x y', '"x"', "'x'", '"a\\"b"', "'it''s'", '|', '|-', '>', '>+', '|2', '{}', '[]', '{a: b}', '[a]', '["ALL"]', "[a, 'b' ,c]", '[a b]', '[a,]', '[,]', '[a: b]', '[-a]', '[a', '[[a]]', '["a" "b"]', '*a', '&a x', '!!binary aGk=', '- x', '${X}', '{{ .Values.x }}', 'a: b', 'a:b', 'x:', '#c', 'x #c', 'x#c', '@x', '`x', '%x', '-x', '-', '~', 'null', '0x1F', '.inf', '<your-password>', 'a{b}', 'true', 'True', 'FALSE', 'yes', '123', '+1', '-0', '0o17', '012', '1_000', '0x1f', '1.0', '1e3', '.5', '-.inf', '.NaN', 'NULL', '2001-01-01', '12345678901234567890', '|+', '>-', '> # c', '"a,b"', "['a', b]", 'LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQ==', '-----BEGIN RSA PRIVATE KEY-----', 'é', '"unterminated', "'unterminated"];
const line = fc.oneof(
  fc.tuple(fc.constantFrom(0, 0, 1, 2, 2, 3, 4, 6), fc.constantFrom(...KEYS), fc.constantFrom(...VALUES)).map(([i, k, v]) => `${' '.repeat(i)}${k}:${v === '' ? '' : ' '}${v}`),
  fc.tuple(fc.constantFrom(0, 2, 4, 5, 6, 8), fc.constantFrom('x', 'MIIEow', '# c', '- a', 'k: v', '', ' ', '   ', '      ', '---', '{{- end }}', 'x y', '  indented')).map(([i, t]) => ' '.repeat(i) + t),
  fc.tuple(fc.constantFrom(0, 0, 1, 2, 2, 3, 4, 6), fc.constantFrom('- ', '-  ', '-', '- - '), fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), fc.boolean()).map(([i, dash, k, v, entry]) => `${' '.repeat(i)}${dash}${entry ? v : `${k}:${v === '' ? '' : ' '}${v}`}`),
  fc.constantFrom('', '  ', '# note', '---', '...', '- x', '\t', 'kind: Secret', 'stringData:', 'data:', '  password: x', '%YAML 1.2'),
);
const document = fc.tuple(fc.constantFrom('', '---\n', 'apiVersion: v1\nkind: Secret\n', '---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n'), fc.array(line, {minLength: 1, maxLength: 14}), fc.constantFrom('\n', '', '\n\n'))
  .map(([head, lines, end]) => head + lines.join('\n') + end);

// Keys, alone in documents that are otherwise in the grammar, so that the key decides: every
// printable ASCII character in every place of a short key, quoted or not, with a value or not.
const KEY_CHARS = [...' !"#$%&\'()*+,-./0123456789:;<=>?@AZ[\\]^_`az{|}~'];
const QUOTED_KEYS = ['"a\\b"', '"\\t"', '"a\\\\"', '"\\"', "'a\\b'", "'\\'", '"a\\u0041"', "'a''b'", '"a\'b"', "'a\"b'"];
const keyedText = ([k, v, at]: [string, string, number]) => ['apiVersion: v1\nkind: Secret\nstringData:\n  ' + k + ':' + v + '\n  b: c\n', k + ':' + v + '\nkind: Secret\n', 'items:\n- ' + k + ':' + v + '\n  kind: Secret\n'][at];
const keyed = fc.tuple(fc.oneof(fc.string({unit: fc.constantFrom(...KEY_CHARS), minLength: 1, maxLength: 6}), fc.constantFrom(...KEYS, ...QUOTED_KEYS)), fc.constantFrom(' v', ' "v"', '', ' {{ .x }}'), fc.constantFrom(0, 1, 2)).map(keyedText);

test('the block reader reads keys as yaml does', () => {
  let read = 0;
  fc.assert(fc.property(keyed, (text) => {
    if (readTree(text)) read++;
    assertProofHolds(text);
  }), {numRuns: Number(process.env.FUZZ_RUNS ?? 5000), seed: Number(process.env.FUZZ_SEED ?? 25)});
  assert.ok(read > 1000, `read ${read}`);
  for (const k of ['"jenkins.io/credentials-type"', "'a b'", '<entry-key-1>', 'a b', '$x', '(x)', '/x', 'a=b']) assert.ok(readTree(`${k}: v\n`), k);
  for (const k of [...KEYS, ...QUOTED_KEYS]) for (const at of [0, 1, 2]) assertProofHolds(keyedText([k, ' v', at]));
});

test('plainBlockYaml accepts only what yaml reads without an error, on random documents', () => {
  fc.assert(fc.property(document, (text) => void assertProofHolds(text)), {numRuns: Number(process.env.FUZZ_RUNS ?? 3000), seed: Number(process.env.FUZZ_SEED ?? 16)});
});

test('the shortcuts give the exhaustive findings on random documents', () => {
  fc.assert(fc.property(document, (text) => assertSameFindings('random.yaml', text)), {numRuns: 1500, seed: 17});
});

// Random JSON manifests, laid out in the ways JSON files are written, and broken in the ways
// that matter to YAML (tabs, CR, a key and its colon apart, escapes, non-ASCII).
const jsonScalar = fc.oneof(fc.string(), fc.constantFrom('Secret', 'v1', 'x\ty', 'é\u2028', '\ud800', 'a"b', 'a\\b', '#x', ': x'), fc.integer(), fc.double(), fc.constantFrom(true, false, null, 0, -0, 1e21, 1.5e-7, 2 ** 64));
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof({depthSize: 'small'}, jsonScalar, tie('array'), tie('object')),
  array: fc.array(tie('value'), {maxLength: 4}),
  object: fc.dictionary(fc.constantFrom('kind', 'apiVersion', 'metadata', 'name', 'data', 'stringData', 'items', 'objects', 'a', 'password', 'a"b', '<<', 'é', ''), tie('value'), {maxKeys: 5}),
})).value;
const secret = fc.record({apiVersion: fc.constantFrom('v1', 'apps/v1'), kind: fc.constantFrom('Secret', 'List', 'Template', 'ConfigMap'), metadata: fc.record({name: fc.string()}), data: jsonValue, stringData: fc.dictionary(fc.string(), jsonScalar), items: fc.array(jsonValue, {maxLength: 3})}, {requiredKeys: ['kind']});
const jsonText = fc.tuple(fc.oneof(secret, fc.array(secret, {maxLength: 3})), fc.constantFrom(0, 1, 2, 4, '\t', ' '), fc.constantFrom('', '\n', '\n\n', '  ', '\r\n', ' x'), fc.nat(), fc.constantFrom('', ' ', '\n', '\t', '\r\n', '\n\n  ', ',', ':', '"', '#'))
  .map(([v, indent, end, at, ins]) => {
    const text = JSON.stringify(v, null, indent) + end;
    const i = at % (text.length + 1);
    return text.slice(0, i) + ins + text.slice(i);
  });

test('the JSON reader builds yaml\'s tree and views, and accepts nothing yaml rejects', () => {
  let read = 0;
  fc.assert(fc.property(jsonText, (text) => {
    if (readTree(text)) read++;
    assertProofHolds(text);
  }), {numRuns: Number(process.env.FUZZ_RUNS ?? 3000), seed: Number(process.env.FUZZ_SEED ?? 21)});
  // Most of them are JSON still, so the comparison is not empty.
  assert.ok(read > 500, `read ${read}`);
});

test('the shortcuts give the exhaustive findings on random JSON manifests', () => {
  fc.assert(fc.property(jsonText, (text) => assertSameFindings('random.json', text)), {numRuns: 1000, seed: 22});
});

// Mutations of real documents: a character deleted or inserted, a line re-indented, doubled or dropped.
const corpusChunks = files.flatMap(([name, text]) => (/\.(ya?ml|json)$/.test(name) ? splitDocuments(text).map((c) => c.text) : [])).filter((t) => t.length < 20_000);
const INSERTS = [' ', '  ', '\t', ':', ': ', '#', '"', "'", '-', '- ', '\n', '{', '}', '[', '|', '>', '&a ', '*a', '!', '@', '%', '\r', '\\', '---\n', 'é'];
const mutation = fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.constantFrom('delete', 'insert', 'indent', 'outdent', 'double', 'drop'), fc.constantFrom(...INSERTS));
function mutate(text: string, [a, b, , op, ins]: [number, number, number, string, string]): string {
  const lines = text.split('\n');
  const l = a % lines.length;
  if (op === 'indent') lines[l] = ' ' + lines[l];
  else if (op === 'outdent') lines[l] = lines[l].replace(/^ /, '');
  else if (op === 'double') lines.splice(l, 0, lines[l]);
  else if (op === 'drop') lines.splice(l, 1);
  else {
    const at = b % (lines[l].length + 1);
    lines[l] = op === 'delete' ? lines[l].slice(0, at) + lines[l].slice(at + 1) : lines[l].slice(0, at) + ins + lines[l].slice(at);
  }
  return lines.join('\n');
}
const mutated = fc.tuple(fc.nat(), fc.array(mutation, {minLength: 1, maxLength: 3})).map(([i, ms]) => ms.reduce(mutate, corpusChunks[i % corpusChunks.length]));

test('plainBlockYaml accepts only what yaml reads without an error, on mutated corpus documents', () => {
  assert.ok(corpusChunks.length > 60);
  fc.assert(fc.property(mutated, (text) => void assertProofHolds(text)), {numRuns: Number(process.env.FUZZ_RUNS ?? 3000), seed: Number(process.env.FUZZ_SEED ?? 18)});
});

test('the shortcuts give the exhaustive findings on mutated corpus documents', () => {
  fc.assert(fc.property(mutated, (text) => assertSameFindings('mutated.yaml', text)), {numRuns: 1000, seed: 19});
});

test('a document too costly for yaml is not read by the fast reader either', () => {
  // Valid YAML that js-yaml reads, but over MAX_YAML_TOKENS: both paths report it as unreadable.
  const text = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n' + Array.from({length: 60_000}, (_, i) => `  k${i}: value-${i}\n`).join('');
  const found = show('big.yaml', text, false);
  assert.deepEqual(found, show('big.yaml', text, true));
  assert.deepEqual(found.map((f) => f.split(' ')[1]), ['unparseable-secret']);
});

/** The line-by-line split splitDocuments replaced, as the reference. */
function splitByLines(text: string): {text: string; startLine: number}[] {
  const first = text.search(/\S/);
  if (first >= 0 && (text[first] === '{' || text[first] === '[') && !/^\{[{%#]/.test(text.slice(first, first + 2))) return [{text, startLine: 1}];
  const chunks: {text: string; startLine: number}[] = [];
  let start = 0;
  let startLine = 1;
  let line = 1;
  for (let pos = 0; pos < text.length; line++) {
    const nl = text.indexOf('\n', pos);
    const end = nl === -1 ? text.length : nl + 1;
    if (pos > start && /^(?:---|\.\.\.)(?=[ \t\r\n]|$)/.test(text.slice(pos, Math.min(end, pos + 4)))) {
      chunks.push({text: text.slice(start, pos), startLine});
      start = pos;
      startLine = line;
    }
    pos = end;
  }
  chunks.push({text: text.slice(start), startLine});
  return chunks;
}

test('splitDocuments splits where a line-by-line reading does', () => {
  const piece = fc.constantFrom('---', '...', '--', '----', '--- x', '---\t', '...\r', '\n', '\r', '\r\n', ' ', 'a', 'kind: Secret', '{', '{{', '\u2028', '#');
  fc.assert(fc.property(fc.array(piece, {maxLength: 30}), (parts) => {
    const text = parts.join('');
    assert.deepEqual(splitDocuments(text), splitByLines(text));
  }), {numRuns: 5000, seed: 20});
  for (const [, text] of files) assert.deepEqual(splitDocuments(text), splitByLines(text));
});

// Templates: the proof that `yaml` rejects a chunk (templateRejected), and `{{ .x }}` values read
// by the block reader. Both are checked against `yaml` by assertProofHolds on every input.
test('templateRejected: the template lines it proves yaml rejects, and the ones it leaves to yaml', () => {
  for (const no of [
    'a: b\n  {{- if x }}\nc: d\n', // continues the plain scalar above: valid YAML
    'a: b\n\n  {{- x }}\n', // the same, after a blank line
    '- a\n {{- x }}\n',
    '- a: b\n   {{- x }}\n',
    'a: b\n  {% x %}\n',
    'a: b\n{{ end }}\n', // yaml rejects it, but no `{{- ` or `{%` says so
    '- a: b\n  {{- x }}\n', // rejected too, but the proof asks for no deeper line than the entry's dash
    'a: b\n# c\n  {{- x }}\n', // the same: a comment does not reset how deep a continuation may be
    'a: b\n{{-x }}\n',
    'a: {{- .x }}\n',
    'a: é\n{{- x }}\n', // outside the grammar before the template line
    'a: b\r\n{{- x }}\n',
    'a: "b\n{{- x }}"\n',
  ]) {
    assert.equal(templateRejected(no), false, no);
    assertProofHolds(no);
  }
  for (const yes of [
    '{{- if .Values.x }}\napiVersion: v1\n',
    '---\n{{- end }}\n',
    'a: b\n{{- if x }}\nc: d\n',
    'a:\n  {{- if x }}\n',
    'a: |\n    x\n  {{- if x }}\n',
    'a: b\n{% endraw %}\n',
    'a:\n  {% x %}\n',
    '{% raw %}\napiVersion: v1\n',
    'a: b\n{{- x }}é\r\n',
  ]) {
    assert.ok(templateRejected(yes), yes);
    assertProofHolds(yes);
  }
});

test('templateRejected covers the corpus\'s templates that yaml rejects, and block reading its `{{ .x }}` values', () => {
  let rejected = 0;
  let templated = 0;
  for (const [, text] of files) {
    for (const chunk of splitDocuments(text)) {
      if (templateRejected(chunk.text)) rejected++;
      const doc = readTree(chunk.text);
      if (doc && chunk.text.includes('{{')) templated++;
    }
  }
  assert.ok(rejected >= 8, `rejected ${rejected}`);
  assert.ok(templated >= 6, `read ${templated}`);
});

const TEMPLATE_LINES = ['{{- if .Values.x }}', '{{- end }}', '{{- else }}', '{% raw %}', '{%- if x %}', '{% endraw %}', '{{ end }}', '{{ .Values.x }}', '{{- toYaml .Values.s | nindent 2 }}', '{{-x}}', '{{-\tif x }}', '{{- ', '{{-', '{{ x }}: y', '{#- c #}', '{{/* c */}}', 'k: {{ .x }}', 'k: {{- .x }}', 'k: {{ .x | quote }}', 'k: {{.x|b64enc}}', 'k: "{{ .x }}"', '- {{ .x }}', '- {{- .x }}', 'k: {{ .x }} # c', 'k: {{ a: b }}', 'k: {{ "x" }}', 'k: {{ .x }', 'k: {{ .x }}}', 'k: {{ $v }}', 'k: {{ a, b }}', 'k: {{ a #b }}', 'k: {{ [a] }}', 'k: {{ .x }} y', 'password: {{ .Values.p }}', 'k: {{ }}', 'k: {{  .x  }}'];
const templateLine = fc.tuple(fc.constantFrom(0, 0, 1, 2, 2, 3, 4, 6), fc.constantFrom(...TEMPLATE_LINES)).map(([i, t]) => ' '.repeat(i) + t);
const templated = fc.tuple(fc.constantFrom('', '---\n', 'apiVersion: v1\nkind: Secret\n', '---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n'), fc.array(fc.oneof(line, templateLine, templateLine), {minLength: 1, maxLength: 14}), fc.constantFrom('\n', '', '\n\n'))
  .map(([head, lines, end]) => head + lines.join('\n') + end);

test('templateRejected and the block reader agree with yaml on random templates', () => {
  let rejected = 0;
  fc.assert(fc.property(templated, (text) => {
    if (templateRejected(text)) rejected++;
    assertProofHolds(text);
  }), {numRuns: Number(process.env.FUZZ_RUNS ?? 3000), seed: Number(process.env.FUZZ_SEED ?? 23)});
  assert.ok(rejected > 300, `rejected ${rejected}`);
});

test('the shortcuts give the exhaustive findings on random templates', () => {
  fc.assert(fc.property(templated, (text) => assertSameFindings('random.yaml', text)), {numRuns: 1500, seed: 24});
});

/** parseCost as it was before its indexOf shortcut: one pass counting every token and level. */
function parseCostByLoop(text: string): string | undefined {
  let tokens = 0;
  let depth = 0;
  let maxDepth = 0;
  for (const ch of text) {
    if (ch === '\n' || ch === ',' || ch === ':' || ch === '\\') tokens++;
    else if (ch === '{' || ch === '[') {
      tokens++;
      maxDepth = Math.max(maxDepth, ++depth);
    } else if (ch === '}' || ch === ']') {
      tokens++;
      if (depth > 0) depth--;
    }
  }
  if (maxDepth > MAX_FLOW_DEPTH) return `flow collections nested ${maxDepth} deep, over ${MAX_FLOW_DEPTH}`;
  if (tokens > MAX_YAML_TOKENS) return `${tokens} lines, flow indicators and escapes in one document, over ${MAX_YAML_TOKENS}`;
  return undefined;
}

test('parseCost gives the verdict of a full count, at and around its bounds', () => {
  const texts = [
    '{'.repeat(64), '{'.repeat(65), '['.repeat(32) + '{'.repeat(33), '{}'.repeat(200), '[]'.repeat(64) + '[', '{'.repeat(64) + '}' + '{',
    ':'.repeat(MAX_YAML_TOKENS), ':'.repeat(MAX_YAML_TOKENS + 1), 'a'.repeat(MAX_YAML_TOKENS + 5), '\n'.repeat(MAX_YAML_TOKENS - 1) + '{'.repeat(2),
  ];
  for (const t of texts) assert.equal(parseCost(t), parseCostByLoop(t), `${t.length} ${t.slice(0, 20)}`);
  const piece = fc.constantFrom('{', '}', '[', ']', ',', ':', '\n', '\\', 'a', '{'.repeat(30), '['.repeat(30), '}'.repeat(30), ':'.repeat(30_000));
  fc.assert(fc.property(fc.array(piece, {maxLength: 12}), (parts) => {
    const t = parts.join('');
    assert.equal(parseCost(t), parseCostByLoop(t));
  }), {numRuns: 2000, seed: 26});
});
