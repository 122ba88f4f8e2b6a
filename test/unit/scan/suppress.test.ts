import {test} from 'node:test';
import assert from 'node:assert/strict';
import {scanText} from '../../../src/scan/scan.js';
import {globMatcher, parseScanConfig} from '../../../src/scan/suppress.js';
import {RULE_IDS} from '../../../src/scan/types.js';

const doc = (kindLine: string, valueLine: string) => `apiVersion: v1\n${kindLine}\nmetadata:\n  name: s\nstringData:\n${valueLine}\n  b: two\n`;
const states = (text: string, o = {}) => scanText('s.yaml', text, o).findings.map((f) => `${f.message.split(' ').pop()}:${f.suppressed ?? 'open'}`);

test('an allow comment on the flagged line suppresses that finding only', () => {
  assert.deepEqual(states(doc('kind: Secret', '  a: one # kubectl-secret:allow')), ['stringData.a:inline', 'stringData.b:open']);
});

test('an allow comment on the kind: Secret line suppresses the whole Secret', () => {
  assert.deepEqual(states(doc('kind: Secret  # test fixture, kubectl-secret:allow', '  a: one')), ['stringData.a:inline', 'stringData.b:inline']);
});

test('scan.allow globs suppress by repository path', () => {
  const allow = globMatcher(['test/fixtures/**']);
  assert.deepEqual(scanText('test/fixtures/x/s.yaml', doc('kind: Secret', '  a: one'), {allow}).findings.map((f) => f.suppressed), ['config', 'config']);
  assert.deepEqual(scanText('deploy/s.yaml', doc('kind: Secret', '  a: one'), {allow}).findings.map((f) => f.suppressed), [undefined, undefined]);
});

test('globs: ** crosses folders, * does not, bare names match at any depth, folders cover their contents', () => {
  const m = (g: string, p: string) => globMatcher([g])(p);
  assert.equal(m('test/**/*.yaml', 'test/a/b/c.yaml'), true);
  assert.equal(m('test/**/*.yaml', 'test/c.yaml'), true);
  assert.equal(m('test/*.yaml', 'test/a/c.yaml'), false);
  assert.equal(m('*.pem', 'certs/dev/ca-key.pem'), true);
  assert.equal(m('/certs', 'certs/dev/ca-key.pem'), true);
  assert.equal(m('docs/', 'docs/a.md'), true);
  assert.equal(m('docs/', 'src/docs.ts'), false);
  assert.equal(m('*.{pem,key}', 'a/b.key'), true);
  assert.equal(m('a?.yaml', 'ab.yaml'), true);
  assert.equal(m('a?.yaml', 'a/.yaml'), false);
});

test('.kubectl-secret.yaml: scan.allow and scan.rules', async () => {
  const c = await parseScanConfig('seal:\n  cert: pub.pem\nscan:\n  allow: ["test/**"]\n  rules:\n    private-key: false\n    last-applied-secret: off\n');
  assert.deepEqual(c.allow, ['test/**']);
  assert.deepEqual([...c.rules].sort(), ['kubectl-secret-literal', 'kustomize-secret-literal', 'plaintext-secret', 'unparseable-secret']);
  assert.deepEqual([...(await parseScanConfig('other: 1\n')).rules].length, RULE_IDS.length);
});

test('.kubectl-secret.yaml: an unknown key warns with the nearest known one, and is ignored', async () => {
  const messages = async (text: string) => (await parseScanConfig(text)).warnings.map((w) => `${w.file}: ${w.message}`);
  assert.deepEqual(await messages('scan:\n  alow: ["test/**"]\n'), ['.kubectl-secret.yaml: unknown key "scan.alow" is ignored (did you mean allow?)']);
  assert.deepEqual(await messages('scan:\n  allowed: ["test/**"]\n'), ['.kubectl-secret.yaml: unknown key "scan.allowed" is ignored (did you mean allow?)']);
  // allow at the top level belongs under scan:
  assert.deepEqual(await messages('allow: ["test/**"]\n'), ['.kubectl-secret.yaml: unknown key "allow" is ignored (did you mean scan.allow?)']);
  assert.deepEqual(await messages('seal:\n  keyNamspace: keys\n'), ['.kubectl-secret.yaml: unknown key "seal.keyNamspace" is ignored (did you mean keyNamespace?)']);
  assert.deepEqual(await messages('scna:\n  allow: []\nwhatever: 1\n'), [
    '.kubectl-secret.yaml: unknown key "scna" is ignored (did you mean scan?)',
    '.kubectl-secret.yaml: unknown key "whatever" is ignored (known keys: scan, seal)',
  ]);
  assert.deepEqual(await messages('seal:\n  cert: pub.pem\nscan:\n  allow: ["test/**"]\n  rules: {private-key: false}\n'), []);
  assert.deepEqual((await parseScanConfig('scan:\n  alow: ["test/**"]\n')).allow, []);
});

test('.kubectl-secret.yaml: mistakes are input errors that say what is wrong', async () => {
  await assert.rejects(parseScanConfig('scan:\n  rules:\n    private-keys: false\n'), /unknown rule "private-keys"/);
  await assert.rejects(parseScanConfig('scan:\n  allow: test/**\n'), /scan.allow must be a list/);
  await assert.rejects(parseScanConfig('scan: [\n'), /not valid YAML/);
});
