// The cheap checks that let scan skip work must never lose a finding: the file pre-filter
// (mightFind), the per-document trigger, the js-yaml fast reader, the parse shared between
// unparseable-secret and the manifest reader, and plainBlockYaml's proof that `yaml` would
// read a document without an error. Each is compared with the exhaustive path (every document
// of every file parsed by `yaml`), on every corpus and shared fixture file, and on random
// documents and mutations of the corpus documents.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync, readdirSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import fc from 'fast-check';
import {parseAllDocuments} from 'yaml';
import {mightFind, splitDocuments} from '../../../src/scan/documents.js';
import {plainBlockYaml} from '../../../src/scan/plain-yaml.js';
import {scanText} from '../../../src/scan/scan.js';

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

function assertProofHolds(text: string): void {
  if (plainBlockYaml(text)) assert.equal(yamlErrors(text), 0, `plainBlockYaml accepted what yaml rejects:\n${JSON.stringify(text)}`);
}

test('the shortcuts give the exhaustive findings on every corpus and shared fixture file', () => {
  assert.ok(files.length > 100);
  for (const [name, text] of files) assertSameFindings(name, text);
});

test('plainBlockYaml accepts only what yaml reads without an error, on every corpus document', () => {
  let accepted = 0;
  for (const [, text] of files) {
    for (const chunk of splitDocuments(text)) {
      assertProofHolds(chunk.text);
      if (plainBlockYaml(chunk.text)) accepted++;
    }
  }
  // It must also be worth having: most plain Secret documents in the corpus pass.
  assert.ok(accepted > 50, `accepted ${accepted}`);
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
const KEYS = ['apiVersion', 'kind', 'metadata', 'name', 'data', 'stringData', 'type', 'annotations', 'password', 'tls.crt', '.dockerconfigjson', '..', '...', '.', 'a.b', 'a/b', '1', 'true', '<<', '? x', '"q k"', 'x y', '-', 'k\t'];
const VALUES = ['', ' ', 'v1', 'Secret', 'hunter2', 'x y', '"x"', "'x'", '"a\\"b"', "'it''s'", '|', '|-', '>', '>+', '|2', '{}', '[]', '{a: b}', '[a]', '["ALL"]', "[a, 'b' ,c]", '[a b]', '[a,]', '[,]', '[a: b]', '[-a]', '[a', '[[a]]', '["a" "b"]', '*a', '&a x', '!!binary aGk=', '- x', '${X}', '{{ .Values.x }}', 'a: b', 'a:b', 'x:', '#c', 'x #c', 'x#c', '@x', '`x', '%x', '-x', '-', '~', 'null', '0x1F', '.inf', '<your-password>', 'a{b}', 'LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQ==', '-----BEGIN RSA PRIVATE KEY-----', 'é', '"unterminated', "'unterminated"];
const line = fc.oneof(
  fc.tuple(fc.constantFrom(0, 0, 1, 2, 2, 3, 4, 6), fc.constantFrom(...KEYS), fc.constantFrom(...VALUES)).map(([i, k, v]) => `${' '.repeat(i)}${k}:${v === '' ? '' : ' '}${v}`),
  fc.tuple(fc.constantFrom(0, 2, 4, 5, 6, 8), fc.constantFrom('x', 'MIIEow', '# c', '- a', 'k: v', '', ' ', '---', '{{- end }}')).map(([i, t]) => ' '.repeat(i) + t),
  fc.tuple(fc.constantFrom(0, 0, 1, 2, 2, 3, 4, 6), fc.constantFrom('- ', '-  ', '-', '- - '), fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), fc.boolean()).map(([i, dash, k, v, entry]) => `${' '.repeat(i)}${dash}${entry ? v : `${k}:${v === '' ? '' : ' '}${v}`}`),
  fc.constantFrom('', '  ', '# note', '---', '...', '- x', '\t', 'kind: Secret', 'stringData:', 'data:', '  password: x', '%YAML 1.2'),
);
const document = fc.tuple(fc.constantFrom('', '---\n', 'apiVersion: v1\nkind: Secret\n', '---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n'), fc.array(line, {minLength: 1, maxLength: 14}), fc.constantFrom('\n', '', '\n\n'))
  .map(([head, lines, end]) => head + lines.join('\n') + end);

test('plainBlockYaml accepts only what yaml reads without an error, on random documents', () => {
  fc.assert(fc.property(document, (text) => assertProofHolds(text)), {numRuns: 3000, seed: 16});
});

test('the shortcuts give the exhaustive findings on random documents', () => {
  fc.assert(fc.property(document, (text) => assertSameFindings('random.yaml', text)), {numRuns: 1500, seed: 17});
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
  fc.assert(fc.property(mutated, (text) => assertProofHolds(text)), {numRuns: 3000, seed: 18});
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
