// A manifest written as a quoted or folded string is emitted by its consumer (kustomize, Argo
// CD, Helm) as the YAML/JSON parser yields the string: escapes decoded, lines folded. Those
// strings are read as that value, so a Secret in them is found like one in a literal block.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {parse} from 'yaml';
import {embeddedStrings, mayHoldStrings} from '../../../src/scan/embedded-strings.js';
import {scanText} from '../../../src/scan/scan.js';

const CANARY = 'CANARY-91d0c2fe37';
const at = (path: string, text: string) => scanText(path, text).findings.map((f) => `${f.rule}@${f.line}:${f.column}${f.suppressed ? ':' + f.suppressed : ''}`);
const SECRET = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: ${CANARY}\n`;

test('a manifest in a JSON string (an Argo CD Application written as JSON) is found, and read as JSON.parse reads it', () => {
  const app = JSON.stringify({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {name: 'app'},
    spec: {source: {helm: {values: `replicas: 2\nextraObjects:\n- ${SECRET.replace(/\n(?=.)/g, '\n  ')}`}}},
  }, null, 2);
  const line = app.split('\n').findIndex((l) => l.includes('"values"')) + 1;
  const col = app.split('\n')[line - 1].indexOf('password:') + 1;
  assert.deepEqual(at('app.json', app), [`plaintext-secret@${line}:${col}`]);
  // The text scanned is the value the consumer gets, byte for byte.
  assert.deepEqual(embeddedStrings(app).map((e) => e.text), [JSON.parse(app).spec.source.helm.values]);
  // A kustomization written as JSON, the patch a JSON string; unicode and slash escapes too.
  const k = `{"resources":["base.yaml"],"patches":[{"target":{"kind":"Secret"},"patch":${JSON.stringify(SECRET).replace('Secret', '\\u0053ecret').replace('v1', 'v1\\/')}}]}`;
  assert.equal(embeddedStrings(k)[0]?.text, JSON.parse(k).patches[0].patch);
  const k2 = k.replace('v1\\/', 'v1');
  assert.deepEqual(at('kustomization.json', k2), [`plaintext-secret@1:${k2.indexOf('password:') + 1}`]);
  // A manifest written as JSON inside a JSON string.
  const inner = JSON.stringify({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'db'}, stringData: {token: CANARY}});
  const outer = JSON.stringify({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'm'}, data: {'secret.json': inner}});
  assert.deepEqual(at('cm.json', outer).map((f) => f.split('@')[0]), ['plaintext-secret']);
  assert.equal(embeddedStrings(outer)[0].text, inner);
});

test('a manifest in a YAML double-quoted, single-quoted or folded scalar is read as yaml reads it', () => {
  const dq = `patches:\n- target: {kind: Secret}\n  patch: "apiVersion: v1\\nkind: Secret\\nmetadata:\\n  name: db\\nstringData:\\n  password: ${CANARY}\\n"\n`;
  assert.deepEqual(at('kustomization.yaml', dq), [`plaintext-secret@3:${dq.split('\n')[2].indexOf('password:') + 1}`]);
  // Written over several lines, with escaped line breaks and indentation yaml folds away.
  const multi = `patches:\n- patch: "apiVersion: v1\\n\\\n    kind: Secret\\n\\\n    metadata:\\n  name: db\\n\\\n    stringData:\\n  \\\n    password: ${CANARY}\\n"\n`;
  assert.deepEqual(at('kustomization.yaml', multi), ['plaintext-secret@6:5']);
  // Single-quoted: a blank line is a line break, a line break a space, and leading spaces go,
  // so only flow mappings nest.
  const sq = `values: 'apiVersion: v1\n\n  kind: Secret\n\n  metadata: {name: db}\n\n  stringData: {password: ${CANARY}}'\n`;
  assert.deepEqual(at('values.yaml', sq), ['plaintext-secret@7:16']);
  // Folded: more-indented lines and blank lines keep their line breaks.
  const folded = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\ndata:\n  s.yaml: >\n    apiVersion: v1\n\n    kind: Secret\n\n    metadata:\n      name: db\n\n    stringData:\n      password: ${CANARY}\n`;
  assert.deepEqual(at('cm.yaml', folded), ['plaintext-secret@14:7']);
  // A literal block with an indentation indicator: its lines are the file's lines.
  const indicator = `values: |2\n    apiVersion: v1\n    kind: Secret\n    metadata: {name: db}\n    stringData:\n      password: ${CANARY}\n`;
  assert.deepEqual(at('values.yaml', indicator), ['plaintext-secret@6:7']);
  assert.deepEqual(at('values.yaml', indicator.replace('|2', '|-2')), ['plaintext-secret@6:7']);
  // Folded with an indicator: the lines are more indented than the indicator says, so they keep their breaks.
  assert.deepEqual(at('values.yaml', indicator.replace('|2', '>2')), ['plaintext-secret@6:7']);
  // What each scanner read is the value the real parser gives.
  for (const [text, key] of [[dq, 'patches'], [multi, 'patches'], [sq, 'values'], [folded, 'data'], [indicator, 'values']] as const) {
    const doc = parse(text) as Record<string, any>;
    const want = key === 'patches' ? doc.patches[0].patch : key === 'data' ? doc.data['s.yaml'] : doc.values;
    assert.deepEqual(embeddedStrings(text).map((e) => e.text), [want], text);
  }
});

test('a block scalar with an anchor or a tag before its header is read too', () => {
  const body = `  apiVersion: v1\n  kind: Secret\n  metadata: {name: db}\n  stringData:\n    password: ${CANARY}\n`;
  for (const head of ['&v |', '!!str |-', '&v !!str |', '&v |2', '!!str >1']) {
    assert.deepEqual(at('values.yaml', `values: ${head}\n${body}`), ['plaintext-secret@6:5'], head);
    assert.deepEqual(embeddedStrings(`values: ${head}\n${body}`).map((e) => e.text), [(parse(`values: ${head}\n${body}`) as {values: string}).values], head);
  }
  // An alias of it is the same string: reported once, where it is written.
  assert.deepEqual(at('values.yaml', `values: &v |\n${body}copy: *v\n`), ['plaintext-secret@6:5']);
});

test('more string shapes: a manifest starting the string, JSON in single quotes, a kustomization, a string in a template', () => {
  const kinds = (path: string, text: string) => scanText(path, text).findings.map((f) => f.rule);
  assert.deepEqual(kinds('v.yaml', `x: ${JSON.stringify(SECRET.replace('apiVersion: v1\n', '') + 'apiVersion: v1\n')}\n`), ['plaintext-secret']);
  assert.deepEqual(kinds('v.yaml', `x: '${JSON.stringify({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'a'}, stringData: {p: CANARY}})}'\n`), ['plaintext-secret']);
  assert.deepEqual(kinds('v.yaml', `x: ${JSON.stringify(`secretGenerator:\n- name: a\n  literals:\n  - password=${CANARY}\n`)}\n`), ['kustomize-secret-literal']);
  assert.deepEqual(kinds('templates/cm.yaml', `{{- if .Values.x }}\napiVersion: v1\nkind: ConfigMap\ndata:\n  m: ${JSON.stringify(SECRET)}\n{{- end }}\n`), ['plaintext-secret']);
  assert.deepEqual(kinds('templates/cm.yaml', `{{- if .Values.x }}\napiVersion: v1\nkind: ConfigMap\ndata:\n  m: ${JSON.stringify(SECRET.replace(CANARY, '{{ .Values.pw }}'))}\n{{- end }}\n`), []);
  // Invalid YAML without a template is not read for strings (unparseable-secret speaks for it when it may hold a Secret).
  assert.deepEqual(kinds('v.yaml', `a: [\nm: ${JSON.stringify(SECRET)}\n`), []);
});

test('strings nest: a JSON Application whose values string holds a patch written as a quoted string', () => {
  const values = `patches:\n- patch: ${JSON.stringify(SECRET)}\n`;
  const app = JSON.stringify({apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', spec: {source: {helm: {values}}}}, null, 2);
  const line = app.split('\n').findIndex((l) => l.includes('password:'));
  assert.deepEqual(at('app.json', app), [`plaintext-secret@${line + 1}:${app.split('\n')[line].indexOf('password:') + 1}`]);
});

test('a folded scalar that folds a manifest into one line is no manifest, as its consumer sees it', () => {
  // `>` with every line at the same indentation joins them with spaces: not valid YAML to anyone.
  const folded = `values: >\n  apiVersion: v1\n  kind: Secret\n  metadata:\n    name: db\n  stringData:\n    password: ${CANARY}\n`;
  assert.match((parse(folded) as {values: string}).values, /^apiVersion: v1 kind: Secret metadata:\n/);
  assert.deepEqual(at('values.yaml', folded), []);
});

test('strings are judged by the same rules: placeholders, templates, other kinds and the last-applied copy are not findings', () => {
  const dq = (value: string, kind = 'Secret') => `patch: "apiVersion: v1\\nkind: ${kind}\\nmetadata:\\n  name: db\\nstringData:\\n  password: ${value}\\n"\n`;
  assert.deepEqual(at('k.yaml', dq(CANARY)).length, 1);
  assert.deepEqual(at('k.yaml', dq('changeme')), []);
  assert.deepEqual(at('k.yaml', dq('<your-password>')), []);
  assert.deepEqual(at('k.yaml', dq("{{ .Values.password | quote }}")), []);
  assert.deepEqual(at('k.yaml', dq(CANARY, 'SealedSecret')), []);
  assert.deepEqual(at('k.yaml', dq(CANARY, 'ConfigMap')), []);
  // The last-applied annotation is its own rule, reported once.
  const applied = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: "{\\"apiVersion\\":\\"v1\\",\\"kind\\":\\"Secret\\",\\"metadata\\":{\\"name\\":\\"s\\"},\\"stringData\\":{\\"password\\":\\"${CANARY}\\"}}\\n"\n`;
  assert.deepEqual(at('x.yaml', applied).map((f) => f.split('@')[0]), ['last-applied-secret']);
  // A Secret value that holds a manifest string is the outer finding only.
  const outer = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: outer\nstringData:\n  inner.yaml: "${SECRET.replace(/\n/g, '\\n')}"\n`;
  assert.deepEqual(at('s.yaml', outer), ['plaintext-secret@6:3']);
});

test('an allow comment after the string suppresses what is in it', () => {
  const dq = `patch: "apiVersion: v1\\nkind: Secret\\nmetadata: {name: db}\\nstringData:\\n  password: ${CANARY}\\n" # kubectl-secret:allow\n`;
  assert.deepEqual(at('k.yaml', dq), [`plaintext-secret@1:${dq.indexOf('password:') + 1}:inline`]);
});

test('the cheap gate passes ordinary Secrets by without a parse, and opens for every string shape', () => {
  assert.equal(mayHoldStrings(SECRET), false);
  assert.equal(mayHoldStrings(JSON.stringify(JSON.parse('{"apiVersion":"v1","kind":"Secret","stringData":{"a":"b\\nc"}}'), null, 2)), false);
  assert.equal(mayHoldStrings('x: "a\\nkind: Secret"'), true);
  assert.equal(mayHoldStrings('x: "{\\"kind\\":\\"Secret\\"}"'), true);
  assert.equal(mayHoldStrings('x: >\n  kind: Secret\n'), true);
  assert.equal(mayHoldStrings('x: |2\n  kind: Secret\n'), true);
  assert.equal(mayHoldStrings('x: &a |\n  kind: Secret\n'), true);
  // A trigger that starts its line is the object's own: no string of this kind holds it.
  assert.equal(mayHoldStrings('kind: Secret\nx: >\n  a\n'), false);
  assert.equal(mayHoldStrings("kind: Secret\nx: 'a\n  b'\n"), false);
  assert.equal(mayHoldStrings("x: 'a\n\n  kind: Secret'\n"), true);
});
