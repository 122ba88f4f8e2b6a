// Plaintext in the Secret template of a "safe" object: a Bitnami SealedSecret's
// `spec.template.data` and an ExternalSecret's `spec.target.template.data` are not encrypted,
// and their controllers copy a value written there (not a template) into the Secret as written.
// Such files are committed because they are thought safe: the scan and the hook must see it.
// Every reader that builds views (our block and JSON readers, js-yaml's fast path, `yaml`)
// must agree; the unit check at the end compares them.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {runCli, type CliResult} from '../helpers/cli.js';
import {GIT_ENV, tempRepo} from '../helpers/git-repo.js';
import {readManifest} from '../../src/scan/manifest-view.js';
import {plaintextSecret} from '../../src/scan/plaintext-secret.js';

const CANARY = `CANARY-${Math.random().toString(36).slice(2, 12).padEnd(10, '0')}`;
const outputs: string[] = [];

const SEALED = `apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: db
  namespace: payments
spec:
  encryptedData:
    password: AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq
  template:
    metadata:
      name: db
    type: Opaque
    data:
      api-token: ${CANARY}
      dsn: 'postgres://app:{{ index . "password" }}@db:5432/app'
`;

const EXTERNAL = `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: db
spec:
  secretStoreRef: {name: vault, kind: ClusterSecretStore}
  target:
    name: db
    template:
      engineVersion: v2
      data:
        config.yaml: |
          password: {{ .password }}
        admin-password: ${CANARY}
  data:
  - secretKey: password
    remoteRef: {key: db, property: password}
`;

/** Only templates: what the controllers' documentation shows, and nothing to report. */
const TEMPLATED = `apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: db
spec:
  encryptedData:
    password: AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq
  template:
    data:
      url: 'postgres://app:{{ index . "password" }}@db:5432/app'
---
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: db
spec:
  target:
    template:
      data:
        password: "{{ .password | toString }}"
`;

async function scan(cwd: string, args: string[]): Promise<CliResult> {
  const r = await runCli(['scan', ...args], {cwd, env: GIT_ENV, timeoutMs: 120_000});
  outputs.push(r.stdout, r.stderr);
  return r;
}
const brief = (r: CliResult) => (JSON.parse(r.stdout).findings as {file: string; line: number; rule: string; message: string}[]).map((f) => `${f.file}:${f.line}:${f.rule}:${f.message}`).sort();

test('a literal in a SealedSecret\'s or an ExternalSecret\'s template data is a plaintext-secret finding, in YAML, JSON and through every reader', async (t) => {
  const r = tempRepo(t, 'ks-template-data-');
  r.write('sealed.yaml', SEALED);
  r.write('external.yaml', EXTERNAL);
  // JSON, as `kubeseal -o json` writes it (our JSON reader), and YAML with an alias (read by `yaml`).
  r.write('sealed.json', JSON.stringify({
    apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', metadata: {name: 'db', namespace: 'payments'},
    spec: {encryptedData: {password: 'AgBy3i4OJSWK'}, template: {data: {'api-token': CANARY}}},
  }, null, 2));
  r.write('aliased.yaml', SEALED.replace('  name: db\n  namespace: payments', '  name: &n db\n  namespace: payments').replace('    metadata:\n      name: db', '    metadata:\n      name: *n'));
  r.write('templated.yaml', TEMPLATED);
  // A Helm chart's template, not YAML until rendered: read by the line-based reader.
  r.write('chart/templates/sealed.yaml', `{{- if .Values.sealed }}
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: app
spec:
  encryptedData:
    password: {{ .Values.sealedPassword }}
  template:
    type: Opaque
    data:
      {{- if .Values.extra }}
      api-token: ${CANARY}
      {{- end }}
      dsn: {{ printf "postgres://%s" .Values.host | quote }}
{{- end }}
`);
  const res = await scan(r.dir, ['-o', 'json', '.']);
  assert.equal(res.code, 1, res.stderr);
  assert.deepEqual(brief(res), [
    'aliased.yaml:14:plaintext-secret:SealedSecret payments/db has a plaintext value in spec.template.data.api-token',
    'chart/templates/sealed.yaml:13:plaintext-secret:SealedSecret app has a plaintext value in spec.template.data.api-token',
    'external.yaml:14:plaintext-secret:ExternalSecret db has a plaintext value in spec.target.template.data.admin-password',
    'sealed.json:14:plaintext-secret:SealedSecret payments/db has a plaintext value in spec.template.data.api-token',
    'sealed.yaml:14:plaintext-secret:SealedSecret payments/db has a plaintext value in spec.template.data.api-token',
  ]);

  // The hook blocks the commit of such a file, and lets the templated one through.
  r.git('add', 'templated.yaml');
  const clean = await scan(r.dir, ['--staged']);
  assert.equal(clean.code, 0, clean.stdout + clean.stderr);
  r.git('add', 'sealed.yaml');
  const hook = await scan(r.dir, ['--staged']);
  assert.equal(hook.code, 1, hook.stdout + hook.stderr);
  assert.match(hook.stdout, /sealed\.yaml:14:7: plaintext-secret: SealedSecret payments\/db has a plaintext value in spec\.template\.data\.api-token/);

  // Only Bitnami's and External Secrets' kinds: another group's SealedSecret has no such template.
  r.write('other.yaml', SEALED.replace('bitnami.com/v1alpha1', 'example.com/v1'));
  const other = await scan(r.dir, ['-o', 'json', 'other.yaml']);
  assert.equal(other.code, 0, other.stdout);

  for (const o of outputs) assert.ok(!o.includes(CANARY), 'a value was printed');
});

test('the readers agree on template data: our own, js-yaml\'s fast path and the yaml library', () => {
  // The flow-style one is left by our block reader to js-yaml's fast path, and by that to `yaml`.
  const flow = `apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: db}\nspec:\n  encryptedData: {password: AgBy}\n  template: {data: {api-token: ${CANARY}}}\n`;
  for (const text of [SEALED, EXTERNAL, TEMPLATED, flow]) {
    const exact = readManifest(text, {fast: false, all: true}).views;
    const fast = readManifest(text).views;
    assert.deepEqual(fast, exact, text);
    const found = exact.flatMap(plaintextSecret).map((f) => `${f.line}:${f.message}`);
    assert.equal(found.length, text === TEMPLATED ? 0 : 1, found.join('\n'));
  }
});
