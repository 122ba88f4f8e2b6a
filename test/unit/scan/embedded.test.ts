// A Secret manifest written as a YAML string inside another manifest is emitted verbatim by the
// tool that reads that field: kustomize's inline `patches[].patch` and `patchesStrategicMerge`,
// Argo CD's `spec.source.helm.values`, Helm charts' `extraDeploy: |` (rendered through `tpl`),
// a ConfigMap a Job applies. Its values are plaintext in git all the same.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {scanText} from '../../../src/scan/scan.js';

const CANARY = 'CANARY-7d1f04be92';
const at = (path: string, text: string) => scanText(path, text).findings.map((f) => `${f.rule}@${f.line}:${f.column}`);

test('a Secret in a literal block scalar is read, at its own line and column in the file', () => {
  const kustomization = `resources:
- base.yaml
patches:
- target:
    kind: Secret
  patch: |-
    apiVersion: v1
    kind: Secret
    metadata:
      name: db
    stringData:
      password: ${CANARY}
`;
  assert.deepEqual(at('kustomization.yaml', kustomization), ['plaintext-secret@12:7']);

  const psm = `patchesStrategicMerge:
  - |
    apiVersion: v1
    kind: Secret
    metadata: {name: db}
    data:
      password: ${Buffer.from(CANARY).toString('base64')}
`;
  assert.deepEqual(at('kustomization.yaml', psm), ['plaintext-secret@7:7']);

  const argo = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: app
spec:
  source:
    helm:
      values: |
        replicas: 2
        extraObjects:
        - apiVersion: v1
          kind: Secret
          metadata:
            name: x
          stringData:
            token: ${CANARY}

        other: 1
`;
  assert.deepEqual(at('app.yaml', argo), ['plaintext-secret@16:13']);

  // Two documents in one block, and a block inside a block (a values string holding a patch).
  const nested = `values: |+
  extraDeploy:
    - |
      apiVersion: v1
      kind: Secret
      metadata:
        name: a
      stringData:
        a: ${CANARY}-a
      ---
      apiVersion: v1
      kind: Secret
      metadata:
        name: b
      stringData:
        b: ${CANARY}-b
`;
  assert.deepEqual(at('values.yaml', nested), ['plaintext-secret@9:9', 'plaintext-secret@16:9']);
});

test('an embedded Secret is judged by the same rules: templates, placeholders, other kinds and folded text are not findings', () => {
  const wrap = (body: string, style = '|') => `apiVersion: v1
kind: ConfigMap
metadata:
  name: m
data:
  manifest.yaml: ${style}
${body.replace(/^/gm, '    ')}
`;
  const secret = (value: string, kind = 'Secret') => `apiVersion: v1\nkind: ${kind}\nmetadata:\n  name: s\nstringData:\n  password: ${value}`;
  assert.deepEqual(at('cm.yaml', wrap(secret(CANARY))), ['plaintext-secret@12:7']);
  assert.deepEqual(at('cm.yaml', wrap(secret('{{ .Values.password }}'))), []);
  assert.deepEqual(at('cm.yaml', wrap(secret('changeme'))), []);
  assert.deepEqual(at('cm.yaml', wrap(secret(CANARY, 'SealedSecret'))), []);
  // A folded scalar (`>`) joins its lines: it is not a manifest as written.
  assert.deepEqual(at('cm.yaml', wrap(secret(CANARY), '>')), []);
});

test('a Secret whose value holds a manifest is reported once, for the outer value', () => {
  const outer = `apiVersion: v1
kind: Secret
metadata:
  name: outer
stringData:
  inner.yaml: |
    apiVersion: v1
    kind: Secret
    metadata:
      name: inner
    stringData:
      password: ${CANARY}
`;
  assert.deepEqual(at('s.yaml', outer), ['plaintext-secret@6:3']);
});

test('an allow comment on the embedded object or on the outer line suppresses the embedded finding', () => {
  const text = `patches:
- patch: |-
    apiVersion: v1
    kind: Secret # kubectl-secret:allow
    metadata:
      name: db
    stringData:
      password: ${CANARY}
`;
  const r = scanText('kustomization.yaml', text);
  assert.deepEqual(r.findings.map((f) => [f.line, f.suppressed]), [[8, 'inline']]);
  // Two levels down: a values string holding a patch.
  const deep = `values: |\n  patches:\n  - patch: |\n      apiVersion: v1\n      kind: Secret\n      metadata: {name: db}\n      stringData:\n        password: ${CANARY} # kubectl-secret:allow\n`;
  assert.deepEqual(scanText('v.yaml', deep).findings.map((f) => [f.line, f.column, f.suppressed]), [[8, 9, 'inline']]);
  assert.deepEqual(scanText('v.yaml', deep.replace(' # kubectl-secret:allow', '')).findings.map((f) => [f.line, f.suppressed]), [[8, undefined]]);
});

test('a long file of blocks is read in one pass', () => {
  // Many sibling blocks without a Secret cost one pass; this only checks the answer is right.
  const many = Array.from({length: 2000}, (_, i) => `k${i}: |\n  line ${i}\n`).join('') + `last: |\n  apiVersion: v1\n  kind: Secret\n  metadata: {name: z}\n  stringData: {p: ${CANARY}}\n`;
  assert.deepEqual(at('v.yaml', many), [`plaintext-secret@${4000 + 5}:16`]);
});
