// "Find what is there": Secrets and keys wherever a renderer or a reader would take them from.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {generateKeyPairSync} from 'node:crypto';
import {scanText} from '../../../src/scan/scan.js';

const CANARY = 'CANARY-77c1e0a9f4';
const b64 = (s: string) => Buffer.from(s).toString('base64');
const found = (path: string, text: string) => scanText(path, text).findings.map((f) => [f.rule, f.line]);
const REAL_KEY = generateKeyPairSync('ec', {namedCurve: 'P-256'}).privateKey.export({type: 'sec1', format: 'pem'}).toString();
const RSA_KEY = generateKeyPairSync('rsa', {modulusLength: 1024}).privateKey.export({type: 'pkcs8', format: 'pem'}).toString();

test('a file starting with a template line keeps its documents apart', () => {
  for (const head of ['{{- if .Values.enabled }}\n', '{% raw %}\n', '{{/* comment */}}\n', '{#- jinja comment #}\n']) {
    const text = `${head}apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: b\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: late\nstringData:\n  password: ${CANARY}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: svc\n`;
    assert.deepEqual(found('t.yaml', text), [['plaintext-secret', 14]], head);
    // …also when the Secret comes first and a later document has data of its own.
    const first = `${head}apiVersion: v1\nkind: Secret\nmetadata:\n  name: early\nstringData:\n  password: ${CANARY}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: b\n`;
    assert.deepEqual(found('t.yaml', first), [['plaintext-secret', 7]], head);
  }
  // A JSON file is still one document, however it is laid out.
  const json = JSON.stringify({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'j'}, stringData: {password: CANARY}}, null, 2);
  assert.deepEqual(found('s.json', json), [['plaintext-secret', 8]]);
});

test('base64-wrapped PEM private keys are found in Secret data, Helm values and any YAML value', () => {
  for (const key of [REAL_KEY, RSA_KEY]) {
    const wrapped = b64(key);
    assert.match(wrapped, /^LS0tLS1CRUdJTi/);
    // In a Secret: one finding, the plaintext one, now high severity whatever the key is called.
    const s = scanText('s.yaml', `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  ca.crt: ${wrapped}\n`);
    assert.deepEqual(s.findings.map((f) => [f.rule, f.line, f.severity]), [['plaintext-secret', 6, 'high']]);
    // Helm values, anywhere in a YAML value, a JSON string, a .env file, wrapped at 76 columns too.
    assert.deepEqual(found('values.yaml', `tls:\n  enabled: true\n  key: ${wrapped}\n`), [['private-key', 3]]);
    assert.deepEqual(found('values.yaml', `tls:\n  key: "${wrapped}"\n`), [['private-key', 2]]);
    assert.deepEqual(found('config.json', JSON.stringify({a: {b: wrapped}}, null, 2)), [['private-key', 3]]);
    assert.deepEqual(found('app.env', `TLS_KEY=${wrapped}\n`), [['private-key', 1]]);
    const folded = wrapped.match(/.{1,76}/g)!.join('\n    ');
    assert.deepEqual(found('values.yaml', `tls:\n  key: |\n    ${folded}\n`), [['private-key', 3]]);
  }
  // A base64 public key or certificate is not a private key; nor is an elided one.
  const pub = generateKeyPairSync('ec', {namedCurve: 'P-256'}).publicKey.export({type: 'spki', format: 'pem'}).toString();
  assert.deepEqual(found('values.yaml', `key: ${b64(pub)}\n`), []);
  assert.deepEqual(found('values.yaml', `key: ${b64('-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n')}\n`), []);
});

test('Secrets nested where a renderer emits them verbatim', () => {
  const nested = (indent: string) => [
    `${indent}- apiVersion: v1`, `${indent}  kind: Secret`, `${indent}  metadata:`, `${indent}    name: nested`, `${indent}  stringData:`, `${indent}    password: ${CANARY}`,
  ].join('\n') + '\n';
  // OpenShift Template.objects
  const tmpl = `apiVersion: template.openshift.io/v1\nkind: Template\nmetadata:\n  name: t\nobjects:\n${nested('')}parameters:\n- name: X\n`;
  assert.deepEqual(found('template.yaml', tmpl), [['plaintext-secret', 11]]);
  // Helm values lists rendered as raw resources (extraObjects, extraDeploy, resources, …)
  for (const field of ['resources', 'extraObjects', 'extraDeploy', 'extraManifests']) {
    assert.deepEqual(found('values.yaml', `replicaCount: 1\n${field}:\n${nested('  ')}`), [['plaintext-secret', 8]], field);
  }
  // kind: List in YAML and JSON
  assert.deepEqual(found('list.yaml', `apiVersion: v1\nkind: List\nitems:\n${nested('')}`), [['plaintext-secret', 9]]);
  const jsonList = JSON.stringify({apiVersion: 'v1', kind: 'List', items: [{apiVersion: 'v1', kind: 'Secret', metadata: {name: 'j'}, data: {k: b64(CANARY)}}]}, null, 2);
  assert.equal(scanText('list.json', jsonList).findings.length, 1);
  // A v1 Secret with values as a plain map value (Helm `secrets: {db: {kind: Secret, …}}`) too.
  assert.deepEqual(found('values.yaml', `objects:\n  db:\n    apiVersion: v1\n    kind: Secret\n    metadata:\n      name: db\n    stringData:\n      password: ${CANARY}\n`), [['plaintext-secret', 8]]);
  // A nested object of another kind, or a nested "Secret" that is not v1, is not a finding.
  assert.deepEqual(found('values.yaml', `resources:\n- apiVersion: bitnami.com/v1alpha1\n  kind: SealedSecret\n  spec:\n    encryptedData:\n      a: AgB3\n`), []);
  assert.deepEqual(found('values.yaml', `resources:\n  limits:\n    cpu: 100m\n`), []);
});

test('stringData and data given as an alias of an anchored map, and merge keys', () => {
  const aliased = `x-defaults: &creds\n  password: ${CANARY}\napiVersion: v1\nkind: Secret\nmetadata:\n  name: a\nstringData: *creds\n`;
  // Reported where the value is written.
  assert.deepEqual(found('a.yaml', aliased), [['plaintext-secret', 2]]);
  const data = `x-defaults: &creds\n  password: ${b64(CANARY)}\napiVersion: v1\nkind: Secret\nmetadata:\n  name: a\ndata: *creds\n`;
  assert.deepEqual(found('a.yaml', data), [['plaintext-secret', 2]]);
  const merged = `x-defaults: &base\n  password: ${CANARY}\napiVersion: v1\nkind: Secret\nmetadata:\n  name: m\nstringData:\n  <<: *base\n  user: ${CANARY}\n`;
  assert.deepEqual(found('m.yaml', merged), [['plaintext-secret', 2], ['plaintext-secret', 9]]);
  // An anchored map of placeholders is still no finding.
  assert.deepEqual(found('a.yaml', aliased.replace(CANARY, '<password>')), []);
});

test('Markdown: fenced yaml, json and unlabelled blocks are scanned with every rule, at the Markdown line', () => {
  const md = [
    '# Setup', '', 'Create the Secret:', '', '```yaml', 'apiVersion: v1', 'kind: Secret', 'metadata:', '  name: md', 'stringData:', `  password: ${CANARY}`, '```', '',
    '```json', JSON.stringify({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'j'}, data: {k: b64(CANARY)}}), '```', '',
    '```', 'apiVersion: kustomize.config.k8s.io/v1beta1', 'kind: Kustomization', 'secretGenerator:', '- name: g', '  literals:', `  - password=${CANARY}`, '```', '',
    '  - In a list item:', '', '    ```yml', '    kind: Secret', '    apiVersion: v1', '    metadata:', '      name: indented', '    stringData:', `      token: ${CANARY}`, '    ```', '',
    '```bash', `kubectl create secret generic x --from-literal=password=${CANARY}`, '```', '',
    '```yaml', 'apiVersion: v1', 'kind: Secret', 'metadata:', '  name: placeholder', 'stringData:', '  password: <your-password>', '```', '',
    '~~~yaml', 'kind: Secret', 'apiVersion: v1', 'metadata:', '  name: tilde', 'data:', `  k: ${b64(CANARY)}`, '~~~', '',
  ].join('\n');
  // The bash block is no manifest, but its kubectl command line holds a literal (kubectl-secret-literal).
  assert.deepEqual(found('docs/setup.md', md), [['plaintext-secret', 11], ['plaintext-secret', 15], ['kustomize-secret-literal', 24], ['plaintext-secret', 35], ['kubectl-secret-literal', 39], ['plaintext-secret', 57]]);
  assert.equal(scanText('docs/setup.md', md).findings[3].column, 7, 'the column in the Markdown file');
  // A Secret outside a code block is prose, and a yaml block that does not parse is not a warning.
  assert.deepEqual(scanText('a.md', `kind: Secret\nstringData:\n  password: ${CANARY}\n\n\`\`\`yaml\nkind: Secret\n  bad: [\n\`\`\`\n`), {findings: [], warnings: [], views: []});
});
