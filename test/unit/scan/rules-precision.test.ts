// "Flag only what is real": example keys, placeholders and templates in every common shape.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {generateKeyPairSync} from 'node:crypto';
import {scanText} from '../../../src/scan/scan.js';

const CANARY = 'CANARY-5e0b9d41c3';
const rulesOf = (path: string, text: string) => scanText(path, text).findings.map((f) => f.rule);
const secret = (body: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n${body}`;
const b64 = (s: string) => Buffer.from(s).toString('base64');
// A real key, made per run: never committed, and the scanner must still see it as one.
const REAL_KEY = generateKeyPairSync('rsa', {modulusLength: 1024}).privateKey.export({type: 'pkcs1', format: 'pem'}).toString();

test('private-key: example keys elided between their armour lines are not keys', () => {
  const lines = REAL_KEY.trim().split('\n');
  const [begin, first, , , end] = [lines[0], lines[1], lines[2], lines[3], lines[lines.length - 1]];
  for (const gap of ['...', '. . .', '....', '…', '[...]', '<snip>']) {
    assert.deepEqual(rulesOf('README.md', `${begin}\n${first}\n${gap}\n${end}\n`), [], gap);
    assert.deepEqual(rulesOf('notes.txt', `${begin}\n${gap}\n${end}\n`), [], gap);
    assert.deepEqual(rulesOf('notes.txt', `${begin}\n${first}${gap}\n${end}\n`), [], `inline ${gap}`);
  }
  // Armour around a placeholder, on one line or several, in YAML and in JSON strings.
  for (const body of ['<your-client-private-key>', '...', '{{ .Values.key }}', '${PRIVATE_KEY}', 'YOUR_KEY_HERE', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx']) {
    assert.deepEqual(rulesOf('values.yaml', `key: |\n  -----BEGIN PRIVATE KEY-----\n  ${body}\n  -----END PRIVATE KEY-----\n`), [], body);
    assert.deepEqual(rulesOf('c.json', JSON.stringify({key: `-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----\n`})), [], body);
  }
  // …while the whole key is one, in every wrapping.
  assert.deepEqual(rulesOf('k.pem', REAL_KEY), ['private-key']);
  assert.deepEqual(rulesOf('values.yaml', `key: |\n${REAL_KEY.split('\n').map((l) => '  ' + l).join('\n')}`), ['private-key']);
  assert.deepEqual(rulesOf('c.json', JSON.stringify({key: REAL_KEY})), ['private-key']);
  assert.deepEqual(rulesOf('k.go', `const k = \`${REAL_KEY}\`\n`), ['private-key']);
  assert.deepEqual(rulesOf('k.go', `k := "${REAL_KEY.trim().split('\n').join('\\n" +\n\t"')}"\n`), ['private-key']);
});

test('placeholders in their common shapes are not secrets, in stringData and base64 data', () => {
  const placeholders = [
    'XXXXXXXX', 'xxxxxxxxxxxx', '********', 'p-XXXX', 'AKIAXXXXXXXXXXXXXXXX', 'sk_live_xxxxxxxxxxxxxxxx',
    'change-me', 'changeme-placeholder', 'change-me-to-something-long', 'CHANGE_ME_PLEASE', 'changeme123',
    'your-password-here', 'YOUR-TOKEN-HERE', 'your_api_key_here', '<myemail>@gmail.com', 'https://<user>:<token>@github.com/org/repo',
    '"${DB_PASSWORD}"', '"postgres://u:${PASS}@db:5432/x"', '...', '"<base64-encoded-password>"', 'ewogICJjcmVk...', 'eyJhbGciOi…',
    'BASE64-TOKEN-VALUE-PLACEHOLDER', 'BASE64_CERT_PLACEHOLDER', 'REPLACE_ME', 'replace-me-with-token', 'REDACTED', 'TODO', 'fixme-later',
  ];
  for (const v of placeholders) {
    assert.deepEqual(rulesOf('p.yaml', secret(`stringData:\n  k: ${v}\n`)), [], v);
    const raw = v.replace(/^"|"$/g, '');
    assert.deepEqual(rulesOf('p.yaml', secret(`data:\n  k: ${b64(raw)}\n`)), [], `base64 of ${raw}`);
  }
  // An empty map or list written as a value holds nothing.
  for (const v of ['{}', '[]', '|\n    {}']) assert.deepEqual(rulesOf('p.yaml', secret(`stringData:\n  k: ${v}\n`)), [], v);
  // Masked values as `flux diff` writes them: **SOPS** inside JSON, and base64 of a placeholder even in stringData.
  assert.deepEqual(rulesOf('p.yaml', secret(`data:\n  .dockerconfigjson: ${b64('{"mask":"**SOPS**"}')}\n`)), []);
  assert.deepEqual(rulesOf('p.yaml', secret(`stringData:\n  password: ${b64('**SOPS**')}\n`)), []);
  // Real-looking values that merely contain an x, a star or the word "change" stay findings.
  for (const v of ['xK9fX2', 'p@ss*word', 'exchange-rate-key-8f3a', 'todos4life', 'redactedX9', 'admin', 'minio123', 'my-password', CANARY]) {
    assert.deepEqual(rulesOf('p.yaml', secret(`stringData:\n  k: ${v}\n`)), ['plaintext-secret'], v);
    assert.deepEqual(rulesOf('p.yaml', secret(`data:\n  k: ${b64(v)}\n`)), ['plaintext-secret'], `base64 of ${v}`);
  }
});

test('values a pipeline substitutes before applying are not secrets: token replacement, variables, and "…-here" placeholders', () => {
  // Azure Pipelines' replacetokens (#{X}# and __X__), its macro syntax $(X), Octopus and cmd %X%,
  // Maven and autotools @X@ and @@X@@, envsubst's $X; and placeholders written as instructions.
  for (const v of ['"#{DB_PASSWORD}#"', '__DB_PASSWORD__', '$(DbPassword)', '"%DB_PASSWORD%"', '"@DB_PASSWORD@"', '"@@DB_PASSWORD@@"', '$DB_PASSWORD',
    '"#{Secrets.Db.Password}#"', 'insert-password-here', 'enter_your_token_here', 'set-me', 'FILL_ME']) {
    assert.deepEqual(rulesOf('p.yaml', secret(`stringData:\n  k: ${v}\n`)), [], v);
    const raw = v.replace(/^"|"$/g, '');
    assert.deepEqual(rulesOf('p.yaml', secret(`data:\n  k: ${b64(raw)}\n`)), [], `base64 of ${raw}`);
  }
  // The same characters around a real value, a password that merely starts with $ or ends in
  // "here", and an unmarked dummy (the shared fixtures' verdict: real leaks look the same) stay findings.
  for (const v of ['"#{x}#hunter2"', '__init__pw9', '$uperman1', '$(date)x', '"%d%s"', '"@home@2024"', 'nowhere', 'hunter2-here', 'your9mother', 'your-bitbucket-uuid']) {
    assert.deepEqual(rulesOf('p.yaml', secret(`stringData:\n  k: ${v}\n`)), ['plaintext-secret'], v);
  }
});

test('templates: nested quotes inside {{ }} and templates spanning lines are not values', () => {
  const tpl = (data: string) => `{{- if .Values.enabled }}\napiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ include "x.fullname" . }}\ndata:\n${data}{{- end }}\n`;
  for (const data of [
    '  password: "{{ b64enc (include "x.password" .) }}"\n',
    "  password: '{{ include \"x.password\" . | b64enc }}'\n",
    '  password: {{ .Values.password | default (randAlphaNum 16) | b64enc\n    | quote }}\n',
    '  password: {{- if .Values.pw }}\n    {{ .Values.pw | b64enc }}\n  {{- else }}\n    {{ randAlphaNum 10 | b64enc }}\n  {{- end }}\n',
    '  {{- range $k, $v := .Values.secrets }}\n  {{ $k }}: {{ $v | b64enc | quote }}\n  {{- end }}\n',
  ]) {
    const r = scanText('templates/secret.yaml', tpl(data));
    assert.deepEqual(r.findings.map((f) => f.rule), [], data);
  }
  assert.deepEqual(rulesOf('templates/secret.yaml', tpl(`  password: ${b64(CANARY)}\n`)), ['plaintext-secret'], 'a literal in a template is still found');
});

test('${VAR} substitution (envsubst, Flux post-build) is a template only when it closes: an unclosed one is left as it is, so it is plaintext', () => {
  for (const v of ['${DB_PASSWORD}', '${DB_PASSWORD:-}', '"${DB_PASSWORD:=}"', 'prefix-${TOKEN}-suffix', '${A:-${B}}']) {
    assert.deepEqual(rulesOf('s.yaml', secret(`stringData:\n  password: ${v}\n`)), [], v);
  }
  for (const v of [`\${A:-${CANARY}`, `"\${PASS:=${CANARY}"`, `\${A:-x\${A:-x${CANARY}`]) {
    assert.deepEqual(rulesOf('s.yaml', secret(`stringData:\n  password: ${v}\n`)), ['plaintext-secret'], v);
  }
});

test('an unclosed ${VAR: does not excuse a document from being readable: one too costly to parse is unparseable-secret', () => {
  // `{` counts as flow nesting for the parse-cost bound: 200 of them put the document over it.
  assert.deepEqual(rulesOf('s.yaml', secret(`stringData:\n  password: ${'${A:-x'.repeat(200)}\n`)), ['unparseable-secret']);
  // Closed later in the document, it is a template, read by the tolerant reader (with an empty
  // default: a literal one is plaintext, see the next test).
  assert.deepEqual(rulesOf('s.yaml', secret(`stringData:\n  password: ${'${A:-'.repeat(200)}}\n`)), []);
  assert.deepEqual(rulesOf('s.yaml', secret(`stringData:\n  password: ${'${A:-x'.repeat(200)}}\n`)), ['plaintext-secret']);
});

test('a ${VAR} default is what gets deployed when VAR is unset: a literal default is plaintext, a placeholder or template default is not', () => {
  // Every operator envsubst, Flux post-build and the shells substitute a default with.
  for (const v of [`\${DB_PASSWORD:-${CANARY}}`, `\${PASS-${CANARY}}`, `"\${PASS:=${CANARY}}"`, `\${PASS=${CANARY}}`, `'\${A:-\${B:-${CANARY}}}'`,
    `prefix-\${A}-\${B:-${CANARY}}`, `"\${A:-x}"`]) {
    assert.deepEqual(rulesOf('s.yaml', secret(`stringData:\n  password: ${v}\n`)), ['plaintext-secret'], v);
  }
  // The same text base64-encoded in data, as the API requires.
  assert.deepEqual(rulesOf('s.yaml', secret(`data:\n  password: ${b64(`\${PASS:-${CANARY}}`)}\n`)), ['plaintext-secret']);
  for (const v of ['${A:-}', '"${A:=}"', '${A:-CHANGEME}', '${A:-<your-password>}', '${A:-${B}}', '${A:-${B:-${C}}}', '"${A:?must be set}"', '${A:+${B}}']) {
    assert.deepEqual(rulesOf('s.yaml', secret(`stringData:\n  password: ${v}\n`)), [], v);
  }
  assert.deepEqual(rulesOf('s.yaml', secret(`data:\n  password: ${b64('${PASS:-changeme}')}\n`)), []);
});

test('a Helm/Go template default is what gets deployed when the value is not set: a literal default is plaintext', () => {
  const tpl = (line: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ include "x.fullname" . }}\n${line}\n`;
  for (const line of [
    `stringData:\n  password: {{ .Values.password | default "${CANARY}" | quote }}`,
    `stringData:\n  password: {{ default "${CANARY}" .Values.password | quote }}`,
    `stringData:\n  password: "{{ .Values.password | default "${CANARY}" }}"`,
    `stringData:\n  password: '{{ .Values.password | default "${CANARY}" }}'`,
    `data:\n  password: {{ .Values.password | default "${CANARY}" | b64enc | quote }}`,
    `data:\n  password: {{ .Values.password | default \`${CANARY}\` | b64enc }}`,
    `stringData:\n  password: {{- .Values.password | default "${CANARY}" | quote -}}`,
  ]) {
    assert.deepEqual(rulesOf('templates/secret.yaml', tpl(line)), ['plaintext-secret'], line);
  }
  for (const line of [
    'stringData:\n  password: {{ .Values.password | default "" | quote }}',
    'stringData:\n  password: {{ .Values.password | default "changeme" | quote }}',
    'stringData:\n  password: {{ .Values.password | default "<set-me>" | quote }}',
    'data:\n  password: {{ .Values.password | default (randAlphaNum 16) | b64enc | quote }}',
    'data:\n  password: {{ .Values.password | default .Values.global.password | b64enc | quote }}',
    'data:\n  password: {{ default "" .Values.password | b64enc | quote }}',
    'stringData:\n  password: {{ .Values.password | default (printf "%s-%s" .Release.Name "x") }}',
    'stringData:\n  password: {{ required "set .Values.password" .Values.password | quote }}',
  ]) {
    assert.deepEqual(rulesOf('templates/secret.yaml', tpl(line)), [], line);
  }
});
