import {test} from 'node:test';
import assert from 'node:assert/strict';
import {scanText} from '../../../src/scan/scan.js';
import {RULE_IDS, type RuleId} from '../../../src/scan/types.js';

const CANARY = 'CANARY-8d1f0c2b7a';
const rulesOf = (path: string, text: string, o = {}) => scanText(path, text, o).findings.map((f) => f.rule);
const secret = (body: string, head = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n') => head + body;

test('plaintext-secret: stringData and data values, each key once', () => {
  const {findings} = scanText('s.yaml', secret(`stringData:\n  a: ${CANARY}\ndata:\n  b: ${Buffer.from(CANARY).toString('base64')}\n`));
  assert.deepEqual(findings.map((f) => [f.line, f.column, f.message]), [
    [6, 3, 'Secret s has a plaintext value in stringData.a'],
    [8, 3, 'Secret s has a plaintext value in data.b'],
  ]);
  assert.ok(!JSON.stringify(findings).includes('CANARY'));
});

test('plaintext-secret: any document of a multi-document file, and a Secret without apiVersion', () => {
  const text = `kind: ConfigMap\napiVersion: v1\ndata:\n  a: b\n---\nkind: Secret\nmetadata:\n  name: late\nstringData:\n  k: ${CANARY}\n`;
  const {findings} = scanText('m.yml', text);
  assert.deepEqual(findings.map((f) => [f.line, f.message]), [[10, 'Secret late has a plaintext value in stringData.k']]);
});

test('plaintext-secret: a JSON Secret', () => {
  const text = JSON.stringify({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'j', namespace: 'ns'}, data: {k: 'YWRtaW4='}}, null, 2);
  assert.deepEqual(scanText('s.json', text).findings.map((f) => [f.line, f.message]), [[9, 'Secret ns/j has a plaintext value in data.k']]);
});

test('plaintext-secret: other kinds and other API groups are not Secrets', () => {
  assert.deepEqual(rulesOf('x.yaml', `apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: x\nspec:\n  encryptedData:\n    a: AgBy3i4OJSWK\n`), []);
  assert.deepEqual(rulesOf('x.yaml', `apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: x\nspec:\n  data:\n  - secretKey: a\n`), []);
  assert.deepEqual(rulesOf('x.yaml', `apiVersion: example.com/v1\nkind: Secret\nmetadata:\n  name: x\nstringData:\n  a: ${CANARY}\n`), []);
  assert.deepEqual(rulesOf('x.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  password: ${CANARY}\n`), []);
});

test('exceptions: empty, template, ${VAR}, placeholders (also base64-encoded) are not flagged', () => {
  for (const v of ['', '""', '~', '"{{ .Values.password | b64enc }}"', '${DB_PASSWORD}', '"postgres://u:${DB_PASSWORD}@db/x"', '<your password>', '"**token goes here**"', 'CHANGEME', 'change-me', 'YOUR_API_KEY']) {
    assert.deepEqual(rulesOf('p.yaml', secret(`stringData:\n  k: ${v}\n`)), [], v);
  }
  assert.deepEqual(rulesOf('p.yaml', secret(`data:\n  k: ${Buffer.from('CHANGEME').toString('base64')}\n`)), []);
  // Unmarked dummy values look exactly like real leaks.
  for (const v of ['admin', 'minio123', 'your-bitbucket-uuid', 'exchange-me']) assert.deepEqual(rulesOf('p.yaml', secret(`stringData:\n  k: ${v}\n`)), ['plaintext-secret'], v);
});

test('exceptions: SOPS values only count as encrypted with a sops: block', () => {
  const enc = 'ENC[AES256_GCM,data:uKiQR48=,iv:jh2l,tag:zXM2,type:str]';
  assert.deepEqual(rulesOf('s.yaml', secret(`stringData:\n  k: ${enc}\nsops:\n  version: 3.7.1\n`)), []);
  assert.deepEqual(rulesOf('s.yaml', secret(`stringData:\n  k: ${enc}\n`)), ['plaintext-secret']);
  // A value SOPS left unencrypted (unencrypted_regex) is plaintext.
  assert.deepEqual(rulesOf('s.yaml', secret(`stringData:\n  k: ${enc}\n  plain: ${CANARY}\nsops:\n  version: 3.7.1\n`)), ['plaintext-secret']);
});

test('exceptions: a Helm template that is not valid YAML is read line by line', () => {
  const tpl = `{{- if .Values.create }}\napiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ include "x.fullname" . }}\n  labels:\n    {{- include "x.labels" . | nindent 4 }}\ndata:\n{{- if .Values.a }}\n  a: {{ .Values.a | b64enc | quote }}\n{{- end }}\n  b: "{{ .Values.b }}"\n{{- end }}\n`;
  const clean = scanText('t.yaml', tpl);
  assert.deepEqual([clean.findings, clean.warnings], [[], []]);
  // …and a literal hard-coded in the same template is still a leak.
  const leaky = scanText('t.yaml', tpl.replace('{{- end }}\n  b:', `{{- end }}\n  c: ${CANARY}\n  b:`));
  assert.deepEqual(leaky.findings.map((f) => [f.line, f.column, f.message]), [[12, 3, 'Secret {{ include "x.fullname" . }} has a plaintext value in data.c']]);
  const block = scanText('t.yaml', `{{- if .Values.x }}\napiVersion: v1\nkind: Secret\nmetadata:\n  name: blk\nstringData:\n  conf: |\n    user=admin\n    password=${CANARY}\n{{- end }}\n`);
  assert.deepEqual(block.findings.map((f) => [f.line, f.message]), [[7, 'Secret blk has a plaintext value in stringData.conf']]);
});

test('exceptions: a Go template value that YAML reads as a flow map is a template', () => {
  assert.deepEqual(rulesOf('g.yaml', secret('data:\n  sa.json: {{.ServiceAccountCredentials}}\n')), []);
});

test('invalid YAML that may hold a Secret is an unparseable-secret finding (not a crash); other invalid YAML is a warning', () => {
  const r = scanText('bad.yaml', `apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\nstringData:\n  a: "${CANARY}\n b: [\n`);
  // The parser notices the unclosed quote where the file ends.
  assert.deepEqual(r.findings.map((f) => [f.rule, f.line]), [['unparseable-secret', 8]]);
  assert.match(r.findings[0].message, /a Secret with data that is not valid YAML \(/);
  assert.deepEqual(r.warnings, [], 'the finding replaces the warning');
  assert.ok(!JSON.stringify(r).includes('CANARY'));
  // A Secret without data, or a broken ConfigMap, holds no Secret material: a warning at most.
  const noData = scanText('nd.yaml', 'apiVersion: v1\nkind: Secret\nmetadata: {name: x\n');
  assert.deepEqual([noData.findings, noData.warnings.length], [[], 1]);
  assert.match(noData.warnings[0].message, /not valid YAML/);
  // Broken YAML elsewhere in the file does not hide a Secret in another document.
  const mixed = scanText('m.yaml', `a: [\n---\n${secret(`stringData:\n  k: ${CANARY}\n`)}`);
  assert.deepEqual(mixed.findings.map((f) => f.rule), ['plaintext-secret']);
});

test('last-applied-secret: the annotation of a dumped Secret', () => {
  const applied = JSON.stringify({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'db', namespace: 'prod'}, data: {password: Buffer.from(CANARY).toString('base64'), empty: ''}});
  const text = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: prod\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: '${applied}'\ntype: Opaque\n`;
  const {findings} = scanText('dump.yaml', text);
  assert.deepEqual(findings.map((f) => [f.rule, f.line, f.message]), [['last-applied-secret', 7, 'the last-applied-configuration annotation holds values of Secret prod/db: data.password']]);
  const cm = JSON.stringify({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'c'}, data: {a: 'b'}});
  assert.deepEqual(rulesOf('cm.yaml', `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: '${cm}'\n`), []);
});

test('kustomize-secret-literal: literals, with kustomize quoting, placeholders and empties skipped', () => {
  const text = `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nsecretGenerator:\n- name: db\n  literals:\n  - password="${CANARY}"\n  - user=\n  - token=<token>\n  - url=\${URL}\nconfigMapGenerator:\n- name: c\n  literals:\n  - A=b\n`;
  const {findings} = scanText('kustomization.yaml', text);
  assert.deepEqual(findings.map((f) => [f.rule, f.line, f.column, f.message]), [['kustomize-secret-literal', 6, 5, 'secretGenerator db has a literal value for password']]);
});

test('kustomize-secret-literal: an env file or file a secretGenerator reads is flagged when scanned', () => {
  const references = new Map([
    ['base/secret.env', [{via: 'envs' as const, generator: 'db', kustomization: 'base/kustomization.yaml'}]],
    ['base/token.txt', [{via: 'files' as const, generator: 'tok', kustomization: 'base/kustomization.yaml', key: 'token'}]],
  ]);
  const env = scanText('base/secret.env', `# comment\nUSER=admin\nFROM_ENV\nEMPTY=\n  PASSWORD=${CANARY}\n`, {references});
  assert.deepEqual(env.findings.map((f) => [f.line, f.column, f.message]), [
    [2, 1, 'USER is a value of secretGenerator db in base/kustomization.yaml'],
    [5, 3, 'PASSWORD is a value of secretGenerator db in base/kustomization.yaml'],
  ]);
  assert.deepEqual(scanText('base/token.txt', `${CANARY}\n`, {references}).findings.map((f) => f.message), ['this file is the value of key token of secretGenerator tok in base/kustomization.yaml']);
  assert.deepEqual(scanText('base/token.txt', '\n', {references}).findings, []);
  assert.deepEqual(scanText('other.env', `A=${CANARY}\n`, {references}).findings, [], 'not referenced: not a finding');
});

const KEY = `-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\nVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n-----END RSA PRIVATE KEY-----\n`;

test('private-key: a PEM private key in any text file, but not an elided one', () => {
  const {findings} = scanText('notes.md', `# setup\n\n${KEY}`);
  assert.deepEqual(findings.map((f) => [f.rule, f.line, f.column, f.message]), [['private-key', 3, 1, 'a PEM private key (RSA PRIVATE KEY) is in this file']]);
  assert.deepEqual(rulesOf('x.md', '-----BEGIN OPENSSH PRIVATE KEY-----\n...\n-----END OPENSSH PRIVATE KEY-----\n'), []);
  assert.deepEqual(rulesOf('x.json', JSON.stringify({key: KEY})), ['private-key'], 'escaped newlines in JSON');
  assert.deepEqual(rulesOf('x.txt', '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0t\n-----END PUBLIC KEY-----\n'), []);
});

test('private-key: a key inside a flagged Secret value is reported once', () => {
  const text = secret(`stringData:\n  identity: |\n${KEY.split('\n').map((l) => '    ' + l).join('\n')}\n`);
  assert.deepEqual(rulesOf('s.yaml', text), ['plaintext-secret']);
});

test('rules can be switched off', () => {
  const text = secret(`stringData:\n  k: ${CANARY}\n`) + '---\n' + KEY;
  const only = (ids: RuleId[]) => rulesOf('s.yaml', text, {rules: new Set(ids)});
  assert.deepEqual(only([...RULE_IDS]).sort(), ['plaintext-secret', 'private-key']);
  assert.deepEqual(only(['private-key']), ['private-key']);
  assert.deepEqual(only([]), []);
});
