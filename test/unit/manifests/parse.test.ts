import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {parseManifests, parseYamlExact, parseYamlFast, ManifestError} from '../../../src/manifests/parse.js';

const SHARED = new URL('../../../../../shared/fixtures/', import.meta.url).pathname;

function yamlFixtures(): string[] {
  const out: string[] = [];
  for (const dir of readdirSync(SHARED, {withFileTypes: true})) {
    if (!dir.isDirectory()) continue;
    for (const f of readdirSync(join(SHARED, dir.name))) if (/\.ya?ml$/.test(f)) out.push(join(SHARED, dir.name, f));
  }
  return out;
}

test('the fast parser gives the same objects and lines as the exact one on every shared YAML fixture it accepts', () => {
  let compared = 0;
  for (const file of yamlFixtures()) {
    const text = readFileSync(file, 'utf8');
    const fast = parseYamlFast(text, file);
    let exact;
    try {
      exact = parseYamlExact(text, file);
    } catch {
      continue; // templates that are not YAML: both paths refuse them (checked below)
    }
    if (!fast) continue; // aliases or js-yaml strictness: the exact path is the answer
    assert.deepEqual(fast.map((o) => o.object), exact.map((o) => o.object), file);
    assert.deepEqual(fast.map((o) => o.line), exact.map((o) => o.line), `${file}: lines`);
    compared++;
  }
  assert.ok(compared > 40, `compared ${compared} files`);
});

test('multi-document YAML and a List keep each object\'s own line', () => {
  const text = '# comment\napiVersion: v1\nkind: Secret\nmetadata: {name: a}\n---\n---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: b}\n- kind: Secret\n  apiVersion: v1\n  metadata: {name: c}\n';
  const objs = parseManifests(text, 'f.yaml');
  assert.deepEqual(objs.map((o) => [o.object.metadata?.name, o.line]), [['a', 2], ['b', 10], ['c', 13]]);
});

test('malformed YAML is an error naming the file and line, quoting no source text', () => {
  const text = 'apiVersion: v1\nkind: Secret\nstringData:\n  password: "CANARY-123\n';
  assert.throws(() => parseManifests(text, 's.yaml'), (e: ManifestError) => {
    assert.match(e.message, /^s\.yaml:\d+: malformed YAML/);
    assert.ok(!e.message.includes('CANARY'));
    return true;
  });
});

test('aliases are expanded with a bound (no billion laughs)', () => {
  const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill('*' + String.fromCharCode(96 + i)).join(',')}]`);
  assert.throws(() => parseManifests(levels.join('\n') + '\n', 'bomb.yaml'), ManifestError);
  const ok = parseManifests('kind: ConfigMap\nx: &v hello\ny: *v\n', 'a.yaml');
  assert.equal(ok[0].object.y, 'hello');
});

test('duplicate keys keep the last value, as kubectl does', () => {
  assert.equal(parseManifests('kind: ConfigMap\nkind: Secret\n', 'd.yaml')[0].object.kind, 'Secret');
});
