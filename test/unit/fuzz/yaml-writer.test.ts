// Property: any string, as a mapping key or value, written by our one YAML writer reads back as
// the same string through PyYAML (a YAML 1.1 reader, as kubectl's go-yaml v2 is) and through the
// `yaml` library (1.2). The strings are drawn from the alphabet of YAML 1.1's implicit types
// (digits, signs, dots, colons, underscores, base prefixes, bool words, timestamp shapes) and
// the characters 1.1 reads as line breaks, so number-, bool- and date-looking strings are common.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {toYaml, toYamlWithLibrary, writeSimpleYaml} from '../../../src/render/yaml.js';
import {secretToObject, type SecretModel} from '../../../src/manifests/secret.js';
import {buildSealedObject, SCHEMES} from '../../../src/seal/sealed-object.js';
import type {Scope} from '../../../src/crypto/scope.js';
import {pyyamlLoad, pyyamlMissing, yaml12Load, YAML11_LOOKALIKES, YAML11_ODD_CHARS} from '../../helpers/yaml11.js';

const pieces = ['0', '1', '7', '9', '_', '.', ':', '-', '+', 'e', 'E', 'x', 'o', 'b', 'f', 'inf', 'nan', 'Inf', 'NaN', 'y', 'n', 'yes', 'no', 'on', 'off', 'true', 'null', '~', '=', '<<', 'T', 'Z', ' ', '2001-12-14', '\u2028', '\u0085', '\u007f', '\ufeff', '#', '\'', '"', '\\', 'a'];
const lookalike = fc.oneof(
  fc.constantFrom(...YAML11_LOOKALIKES, ...YAML11_ODD_CHARS),
  fc.array(fc.constantFrom(...pieces), {minLength: 1, maxLength: 6}).map((p) => p.join('')),
  fc.string({unit: 'binary', maxLength: 12}).map((s) => s.replace(/[\ud800-\udfff]/g, '')),
);

test('every string written by toYaml reads back identically through PyYAML and YAML 1.2', (t) => {
  const samples = fc.sample(fc.tuple(lookalike, lookalike), {numRuns: 1500, seed: 14});
  const docs = samples.map(([k, v]) => ({[k]: v, value: v, list: [v]}));
  const text = docs.map((d) => toYaml(d)).join('---\n');
  assert.deepEqual(yaml12Load(text), docs);
  const missing = pyyamlMissing();
  if (missing) {
    t.skip(`PyYAML check skipped: ${missing}`);
    return;
  }
  const read = pyyamlLoad(text);
  for (let i = 0; i < docs.length; i++) assert.deepEqual(read[i], docs[i], `sample ${i}: ${JSON.stringify(samples[i])}`);
});

// toYaml writes simple documents (a SealedSecret: mappings of words, base64 and booleans)
// without the `yaml` library. Property: for any object, what it writes is byte for byte what the
// library path writes (toYamlWithLibrary). Drawn: SealedSecrets of both schemes and every scope
// and Secrets built from random models whose names, labels, annotations and keys mix plain words
// with every printable ASCII character, the indicators and spacings that force quotes (`: `,
// ` #`, a leading `-`, `?`, `---`, `...`, quotes, trailing spaces), YAML 1.1 lookalikes, line
// breaks, tabs, controls and non-ASCII; plus random JSON-like values (arrays, numbers, null,
// nesting, empty maps, undefined members) that the simple writer must leave to the library.
const ODD = ['', ' ', ':', ': ', ' #', '#', '-', '- ', '?', '? ', '---', '...', '"', "'", '\\', '`', '@', '%', '&', '*', '!', '|', '>', '{', '}', '[', ']', ',', '=', '<<', '~', '\n', '\t', '\r', 'é', '\u2028', '\u0085', '\x00', '\x7f', 'a', 'b2', '.', '/', '+', '0', '1.5', 'null', 'true', 'yes', 'on', '.dockerconfigjson', 'x y'];
const oddString = fc.oneof(
  fc.stringMatching(/^[a-z][a-z0-9.-]{0,20}$/),
  fc.constantFrom(...YAML11_LOOKALIKES, ...YAML11_ODD_CHARS),
  fc.array(fc.constantFrom(...ODD), {minLength: 1, maxLength: 5}).map((p) => p.join('')),
  fc.string({unit: fc.constantFrom(...' !"#$%&\'()*+,-./0123456789:;<=>?@AZ[\\]^_`az{|}~'), maxLength: 8}),
  fc.base64String({maxLength: 80}),
);
const model = fc.record({
  name: oddString, namespace: fc.option(oddString, {nil: undefined}), labels: fc.dictionary(oddString, oddString, {maxKeys: 3}), annotations: fc.dictionary(oddString, oddString, {maxKeys: 3}),
  type: fc.option(oddString, {nil: undefined}), immutable: fc.option(fc.boolean(), {nil: undefined}), values: fc.dictionary(oddString, fc.base64String({maxLength: 40}), {maxKeys: 4}),
});
const jsonish = fc.letrec((tie) => ({
  value: fc.oneof({depthSize: 'small'}, oddString, fc.boolean(), fc.integer(), fc.double(), fc.constant(null), fc.constant(undefined), tie('array'), tie('object')),
  array: fc.array(tie('value'), {maxLength: 3}),
  object: fc.dictionary(oddString, tie('value'), {maxKeys: 4}),
})).value;

test('toYaml without the library writes what the library writes, byte for byte', () => {
  let simple = 0;
  let runs = 0;
  fc.assert(fc.property(model, fc.constantFrom(...SCHEMES), fc.constantFrom<Scope>('strict', 'namespace-wide', 'cluster-wide'), fc.boolean(), (m, scheme, scope, sealed) => {
    const secret: SecretModel = {...m, values: new Map(Object.entries(m.values).map(([k, v]) => [k, Buffer.from(v, 'base64')]))};
    const encrypted = Object.fromEntries(Object.entries(m.values));
    const object = sealed ? buildSealedObject(secret, scheme, scope, encrypted) : secretToObject(secret);
    runs++;
    if (writeSimpleYaml(object) !== undefined) simple++;
    assert.equal(toYaml(object), toYamlWithLibrary(object));
  }), {numRuns: Number(process.env.FUZZ_RUNS ?? 3000), seed: Number(process.env.FUZZ_SEED ?? 41)});
  // Only worth the comparison if the simple writer takes a fair share (the rest it leaves).
  assert.ok(simple > runs / 10, `the simple writer wrote ${simple} of ${runs}`);
  fc.assert(fc.property(jsonish, (v) => assert.equal(toYaml(v), toYamlWithLibrary(v))), {numRuns: 2000, seed: 42});
});

test('a SealedSecret of plain words and base64 is written without the library', () => {
  const secret: SecretModel = {name: 'db', namespace: 'payments', labels: {app: 'db'}, annotations: {}, type: 'Opaque', values: new Map([['password', Buffer.from('x')]])};
  for (const scheme of SCHEMES) {
    const o = buildSealedObject(secret, scheme, 'strict', {password: 'AQB4mznxMHyJWnaZwXLmXITUS995elOgzRr2XhzILJ6AFDBU4dqbHM4zGKG53TZV/E/QqGw+Eu8Y=', '.dockerconfigjson': '3ab'});
    assert.ok(writeSimpleYaml(o) !== undefined, scheme);
    assert.equal(writeSimpleYaml(o), toYamlWithLibrary(o));
  }
});
