// Property: any string, as a mapping key or value, written by our one YAML writer reads back as
// the same string through PyYAML (a YAML 1.1 reader, as kubectl's go-yaml v2 is) and through the
// `yaml` library (1.2). The strings are drawn from the alphabet of YAML 1.1's implicit types
// (digits, signs, dots, colons, underscores, base prefixes, bool words, timestamp shapes) and
// the characters 1.1 reads as line breaks, so number-, bool- and date-looking strings are common.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {toYaml} from '../../../src/render/yaml.js';
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
