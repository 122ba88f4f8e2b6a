// parseManifests reads a one-document block-YAML text with our own reader (src/scan/plain-yaml.ts)
// and loads neither YAML library for it. Property: for any text, it gives exactly what the
// libraries give (parseWithLibraries: js-yaml's event parser, else `yaml`): the same objects,
// lines and indices, or the same error. Checked on random Secret-shaped documents built from
// the keys and values that tell the schemas apart (numbers, bools, nulls, quotes, block
// scalars, flow collections, indicators), on every YAML document of the scan corpus and the
// shared fixtures, and on mutations of those. FUZZ_RUNS and FUZZ_SEED run it longer or elsewhere.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync, readdirSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import fc from 'fast-check';
import {parseManifests, parseOwnReader, parseWithLibraries} from '../../../src/manifests/parse.js';
import {splitDocuments} from '../../../src/scan/documents.js';

const CORPUS = fileURLToPath(new URL('../../../../test/fixtures/scan-corpus/', import.meta.url));
const SHARED = fileURLToPath(new URL('../../../../../shared/fixtures/', import.meta.url));

function outcome(f: () => unknown): unknown {
  try {
    return {ok: f()};
  } catch (e) {
    return {error: (e as Error).constructor.name, message: (e as Error).message};
  }
}

/** Asserts parity; says whether our own reader answered (no library needed). */
function assertSame(text: string): boolean {
  const own = outcome(() => parseManifests(text, 'f.yaml'));
  const libs = outcome(() => parseWithLibraries(text, 'f.yaml'));
  assert.deepEqual(own, libs, text);
  return parseOwnReader(text, 'f.yaml') !== undefined;
}

const KEYS = ['apiVersion', 'kind', 'metadata', 'name', 'namespace', 'labels', 'annotations', 'data', 'stringData', 'type', 'immutable', 'items', 'password', 'tls.crt', '.dockerconfigjson', 'a/b', 'app.kubernetes.io/name', '1', '1.0', '0x1F', '+1', '-a', '.', 'true', 'True', 'null', '~', 'yes', 'on', '<<', '__proto__', 'constructor', '"q k"', "'s k'", '"1"', "'true'", 'x y', '$x', '(x)', 'a=b', '@x', 'a@b', 'é'];
const VALUES = ['', 'v1', 'Secret', 'List', 'ConfigMap', 'Opaque', 'hunter2', 'x y', '"x"', "'x'", '"a\\"b"', '"\\u00e9"', "'it''s'", '|', '|-', '>', '>-', '|+', '{}', '[]', '[a, b]', '["ALL"]', "[a, 'b']", '{a: b}', 'true', 'True', 'FALSE', 'false', 'yes', 'no', 'on', 'null', 'Null', '~', '123', '+1', '-0', '0o17', '012', '1_000', '0x1f', '1.0', '1e3', '.5', '-.inf', '.NaN', '2001-01-01', '12345678901234567890', 'YWJj', 'LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQ==', '${X}', '<your-password>', 'a:b', 'x #c', '&a x', '*a', '!!binary aGk=', '!!str 1', '- x', '{{ .Values.x }}', 'é'];
const BLOCK_LINES = ['line one', '  indented', '', 'x: y', '# not a comment', '"quoted"', '  ', 'last'];

const line = fc.oneof(
  fc.tuple(fc.constantFrom(0, 0, 2, 2, 4, 4, 6), fc.constantFrom(...KEYS), fc.constantFrom(...VALUES)).map(([i, k, v]) => `${' '.repeat(i)}${k}:${v === '' ? '' : ' '}${v}`),
  fc.tuple(fc.constantFrom(2, 4, 6, 8), fc.constantFrom(...BLOCK_LINES)).map(([i, t]) => ' '.repeat(i) + t),
  fc.tuple(fc.constantFrom(0, 2, 4), fc.constantFrom('- ', '- '), fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), fc.boolean()).map(([i, d, k, v, entry]) => `${' '.repeat(i)}${d}${entry ? v : `${k}:${v === '' ? '' : ' '}${v}`}`),
  fc.constantFrom('', '# note', '---', '...', '  # c'),
);
const HEADS = ['', '---\n', '# c\n\n', 'apiVersion: v1\nkind: Secret\n', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: ns\n', 'apiVersion: v1\nkind: List\nitems:\n'];
const randomDoc = fc.tuple(fc.constantFrom(...HEADS), fc.array(line, {minLength: 1, maxLength: 12}), fc.constantFrom('\n', '', '\n\n')).map(([h, ls, end]) => h + ls.join('\n') + end);

// The shape a hand-written Secret has: the common case, which our reader must cover.
const word = fc.stringMatching(/^[a-z](?:[a-z0-9-]{0,10}[a-z0-9])?(?:\.[a-z]{1,4})?$/);
const secretDoc = fc.record({
  name: word, namespace: fc.option(word), labels: fc.dictionary(word, word, {maxKeys: 3}), annotations: fc.dictionary(word, fc.constantFrom('x', 'a b', 'true', '"quoted"', 'http://x/y', '|\n      two\n      lines'), {maxKeys: 3}),
  type: fc.option(fc.constantFrom('Opaque', 'kubernetes.io/tls', 'kubernetes.io/dockerconfigjson')), data: fc.dictionary(fc.oneof(fc.constantFrom('.dockerconfigjson', 'tls.crt', 'tls.key', 'ca.crt', 'DB_PASSWORD', 'password', 'api-key', '.env'), fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,10}$/)), fc.constantFrom('YWJj', 'cGFzcw==', '""', 'hunter2', '"1234"', '|\n    multi\n    line'), {minKeys: 1, maxKeys: 4}), field: fc.constantFrom('data', 'stringData'),
}).map((s) => {
  const map = (o: Record<string, string>, indent: string) => Object.entries(o).map(([k, v]) => `${indent}${k}: ${v}\n`).join('');
  return `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${s.name}\n${s.namespace ? `  namespace: ${s.namespace}\n` : ''}${Object.keys(s.labels).length ? `  labels:\n${map(s.labels, '    ')}` : ''}${Object.keys(s.annotations).length ? `  annotations:\n${map(s.annotations, '    ')}` : ''}${s.type ? `type: ${s.type}\n` : ''}${s.field}:\n${map(s.data, '  ')}`;
});

test('parseManifests gives what the libraries give on random documents', () => {
  let own = 0;
  let runs = 0;
  fc.assert(fc.property(randomDoc, (text) => {
    runs++;
    if (assertSame(text)) own++;
  }), {numRuns: Number(process.env.FUZZ_RUNS ?? 4000), seed: Number(process.env.FUZZ_SEED ?? 31)});
  // Most random documents hold something only the libraries read; enough are ours to compare.
  assert.ok(own > 100, `our reader answered ${own} of ${runs}`);
});

test('a hand-written Secret is read without either library, as the libraries read it', () => {
  let own = 0;
  let runs = 0;
  fc.assert(fc.property(secretDoc, (text) => {
    runs++;
    if (assertSame(text)) own++;
  }), {numRuns: 1000, seed: 32});
  assert.ok(own > runs * 0.9, `our reader answered ${own} of ${runs}`);
  assert.ok(parseOwnReader('apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: payments\nstringData:\n  password: bench-only-not-a-real-password\n', 's.yaml'));
});

const corpus: string[] = [];
const {files: expected} = JSON.parse(readFileSync(CORPUS + 'expected.json', 'utf8')) as {files: {file: string}[]};
for (const f of expected) if (/\.ya?ml$/.test(f.file)) corpus.push(readFileSync(CORPUS + f.file, 'utf8'));
for (const d of readdirSync(SHARED, {withFileTypes: true})) {
  if (!d.isDirectory()) continue;
  for (const n of readdirSync(SHARED + d.name)) if (/\.ya?ml$/.test(n)) corpus.push(readFileSync(`${SHARED}${d.name}/${n}`, 'utf8'));
}
const chunks = corpus.flatMap((t) => splitDocuments(t).map((c) => c.text)).filter((t) => t.length < 20_000);

test('parseManifests gives what the libraries give on every corpus and fixture document, and whole files', () => {
  let own = 0;
  for (const text of [...chunks, ...corpus]) if (assertSame(text)) own++;
  assert.ok(own > 50, `our reader answered ${own} of ${chunks.length + corpus.length}`);
});

const INSERTS = [' ', '  ', ':', ': ', '#', '"', "'", '-', '- ', '\n', '{', '}', '[', '|', '>', '0', '.', '+', 'true', '~', '\\', 'é'];
test('parseManifests gives what the libraries give on mutated corpus documents', () => {
  const mutation = fc.tuple(fc.nat(), fc.nat(), fc.constantFrom('delete', 'insert', 'indent'), fc.constantFrom(...INSERTS));
  const mutated = fc.tuple(fc.nat(), fc.array(mutation, {minLength: 1, maxLength: 3})).map(([i, ms]) => ms.reduce((text, [a, b, op, ins]) => {
    const at = a % (text.length + 1);
    if (op === 'delete') return text.slice(0, at) + text.slice(at + 1 + (b % 4));
    if (op === 'indent') {
      const ls = text.split('\n');
      const n = b % ls.length;
      ls[n] = ' ' + ls[n];
      return ls.join('\n');
    }
    return text.slice(0, at) + ins + text.slice(at);
  }, chunks[i % chunks.length]));
  fc.assert(fc.property(mutated, (text) => void assertSame(text)), {numRuns: Number(process.env.FUZZ_RUNS ?? 3000), seed: Number(process.env.FUZZ_SEED ?? 33)});
});
