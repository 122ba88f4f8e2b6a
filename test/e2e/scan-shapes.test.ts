// Plaintext in the shapes developers commit it, through the built CLI, in the working tree and
// staged (the pre-commit hook's `scan --staged`): several manifests in one Markdown block, a
// kubectl command as an argv list or folded by YAML, PowerShell/cmd continuations, Secrets in
// shell heredocs, and manifests in other encodings and spellings.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {REPO_ROOT, runCli, type CliResult} from '../helpers/cli.js';
import {GIT_ENV, tempRepo} from '../helpers/git-repo.js';

const CANARY = `CANARY-${Math.random().toString(36).slice(2, 12).padEnd(10, '0')}`;
const outputs: string[] = [];
const repo = (t: {after: (fn: () => void) => void}) => tempRepo(t, 'ks-shapes-');

async function scan(dir: string, args: string[]): Promise<CliResult> {
  const r = await runCli(['scan', ...args], {cwd: dir, env: GIT_ENV, timeoutMs: 120_000});
  outputs.push(r.stdout, r.stderr);
  return r;
}
const brief = (r: CliResult) => (JSON.parse(r.stdout).findings as {file: string; line: number; rule: string}[]).map((f) => `${f.file}:${f.line}:${f.rule}`).sort();

/** The working tree scanned, then the same files staged and scanned as the hook does: both find `expected`. */
async function findsInTreeAndIndex(r: ReturnType<typeof tempRepo>, expected: string[]): Promise<void> {
  const tree = await scan(r.dir, ['.', '--format', 'json']);
  assert.equal(tree.code, expected.length ? 1 : 0, tree.stderr);
  assert.deepEqual(brief(tree), expected);
  r.git('add', '.');
  const staged = await scan(r.dir, ['--staged', '--format', 'json']);
  assert.equal(staged.code, expected.length ? 1 : 0, staged.stderr);
  assert.deepEqual(brief(staged), expected);
}

const secretYaml = (value: string, indent = '') => ['apiVersion: v1', 'kind: Secret', 'metadata:', '  name: db', 'stringData:', `  password: ${value}`].map((l) => indent + l).join('\n') + '\n';
const cmJson = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"a":"b"}}';

test('several manifests in one Markdown code block are each read', async (t) => {
  const r = repo(t);
  r.write('docs/json.md', `# Apply\n\n\`\`\`json\n${cmJson}\n{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"stringData":{"password":"${CANARY}"}}\n\`\`\`\n`);
  r.write('docs/yaml.md', `# Apply\n\n\`\`\`yaml\n${secretYaml(CANARY)}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n\`\`\`\n`);
  r.write('docs/mixed.md', `\`\`\`\n${cmJson}\n${secretYaml(CANARY)}\`\`\`\n`);
  r.write('docs/placeholder.md', `\`\`\`json\n${cmJson}\n{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"stringData":{"password":"<your-password>"}}\n\`\`\`\n`);
  await findsInTreeAndIndex(r, ['docs/json.md:5:plaintext-secret', 'docs/mixed.md:8:plaintext-secret', 'docs/yaml.md:9:plaintext-secret']);
});

test('kubectl create secret as an argv list, folded by YAML, or continued PowerShell/cmd style', async (t) => {
  const r = repo(t);
  r.write('charts/x/templates/hook.yaml', `apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-secret
  annotations:
    "helm.sh/hook": pre-install
spec:
  template:
    spec:
      containers:
        - name: k
          image: bitnami/kubectl
          command: ["kubectl"]
          args:
            - create
            - secret
            - generic
            - {{ .Release.Name }}-db
            - --from-literal=password=${CANARY}
`);
  r.write('Dockerfile', `FROM bitnami/kubectl\nRUN ["kubectl", "create", "secret", "generic", "db", \\\n     "--from-literal=password=${CANARY}"]\n`);
  r.write('.gitlab-ci.yml', `deploy:\n  script:\n    - kubectl create secret generic db\n      --from-literal=password=${CANARY}\n      --dry-run=client -o yaml | kubectl apply -f -\n    - kubectl create secret generic ok --from-literal=password=$DB_PASSWORD\n`);
  r.write('deploy.ps1', `kubectl create secret generic db \`\n  --from-literal=password=${CANARY} \`\n  --namespace prod\nkubectl create secret generic ok \`\n  --from-literal=password=$env:DB_PASSWORD\n`);
  r.write('deploy.cmd', `kubectl create secret generic db ^\r\n  --from-literal=password=${CANARY}\r\nkubectl create secret generic ok ^\r\n  --from-literal=password=%DB_PASSWORD%\r\n`);
  r.write('setup.sh', `kubectl create secret generic db --from-literal=password=$'${CANARY}'\necho -n '${CANARY}' | kubectl create secret generic api --from-file=token=/dev/stdin\nkubectl create secret generic env --from-env-file=<(echo "TOKEN=${CANARY}")\necho -n "$PW" | kubectl create secret generic ok --from-file=token=/dev/stdin\n`);
  await findsInTreeAndIndex(r, [
    '.gitlab-ci.yml:4:kubectl-secret-literal',
    'Dockerfile:3:kubectl-secret-literal',
    'charts/x/templates/hook.yaml:19:kubectl-secret-literal',
    'deploy.cmd:2:kubectl-secret-literal',
    'deploy.ps1:2:kubectl-secret-literal',
    'setup.sh:1:kubectl-secret-literal',
    'setup.sh:2:kubectl-secret-literal',
    'setup.sh:3:kubectl-secret-literal',
  ]);
});

test('a Secret in a shell heredoc or a shell string is found in scripts, Makefiles, CI steps and README shell blocks', async (t) => {
  const r = repo(t);
  r.write('deploy.sh', `#!/bin/sh\ncat <<EOF | kubectl apply -f -\n${secretYaml(CANARY)}EOF\ncat <<EOF | kubectl apply -f -\n${secretYaml('${DB_PASSWORD}')}EOF\n`);
  r.write('Makefile', `.ONESHELL:\nsecrets:\n\tkubectl apply -f - <<-'EOF'\n${secretYaml(CANARY, '\t')}\tEOF\n`);
  r.write('.github/workflows/deploy.yml', `on: push\njobs:\n  d:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          cat <<EOF | kubectl apply -f -\n${secretYaml(CANARY, '          ')}          EOF\n`);
  r.write('README.md', `# Setup\n\n\`\`\`bash\nkubectl apply -f - <<EOF\n${secretYaml(CANARY)}EOF\n\`\`\`\n\nEncode a value with \`echo -n 'x' | base64\`:\n\n\`\`\`sh\necho -n '${CANARY}' | base64\n\`\`\`\n`);
  // A manifest as a shell string: echo over several lines, a PowerShell here-string.
  r.write('apply.sh', `echo '${secretYaml(CANARY).trimEnd()}' | kubectl apply -f -\n`);
  r.write('apply.ps1', `@"\n${secretYaml(CANARY)}"@ | kubectl apply -f -\n@"\n${secretYaml('$env:DB_PASSWORD')}"@ | kubectl apply -f -\n`);
  await findsInTreeAndIndex(r, [
    '.github/workflows/deploy.yml:13:plaintext-secret',
    'Makefile:9:plaintext-secret',
    'README.md:10:plaintext-secret',
    'apply.ps1:7:plaintext-secret',
    'apply.sh:6:plaintext-secret',
    'deploy.sh:8:plaintext-secret',
  ]);
});

test('Terraform: a kubernetes_secret with a literal, a kubernetes_manifest Secret, a kubectl_manifest heredoc', async (t) => {
  const r = repo(t);
  r.write('infra/secrets.tf', `resource "kubernetes_secret_v1" "db" {\n  metadata {\n    name = "db"\n  }\n  data = {\n    password = "${CANARY}"\n    computed = random_password.db.result\n    from_var = var.api_token\n  }\n}\n`);
  r.write('infra/manifest.tf', `resource "kubernetes_manifest" "s" {\n  manifest = {\n    apiVersion = "v1"\n    kind       = "Secret"\n    metadata   = { name = "s", namespace = "prod" }\n    stringData = { token = "${CANARY}" }\n  }\n}\n`);
  r.write('infra/kubectl.tf', `resource "kubectl_manifest" "s" {\n  yaml_body = <<YAML\n${secretYaml(CANARY)}YAML\n}\n`);
  r.write('infra/clean.tf', `resource "kubernetes_secret" "ok" {\n  metadata { name = "ok" }\n  data = { password = var.db_password }\n}\n`);
  await findsInTreeAndIndex(r, ['infra/kubectl.tf:8:plaintext-secret', 'infra/manifest.tf:6:plaintext-secret', 'infra/secrets.tf:6:plaintext-secret']);
});

test('--fix leaves a Secret in a heredoc or a Markdown block as it is, and says why, instead of failing on the file', async (t) => {
  const r = repo(t);
  const files = {
    'deploy.sh': `#!/bin/sh\ncat <<EOF | kubectl apply -f -\n${secretYaml(CANARY)}EOF\n`,
    'Makefile': `.ONESHELL:\nsecrets:\n\tkubectl apply -f - <<EOF\n${secretYaml(CANARY, '\t')}\tEOF\n`,
    'README.md': `# Setup\n\n\`\`\`yaml\n${secretYaml(CANARY)}\`\`\`\n`,
    'main.tf': `resource "kubernetes_secret" "db" {\n  data = { password = "${CANARY}" }\n}\n`,
  };
  for (const [name, text] of Object.entries(files)) r.write(name, text);
  const res = await scan(r.dir, ['--fix', '--yes', '--cert', join(REPO_ROOT, 'test/fixtures/crypto/golden-cert.pem'), '-n', 'default']);
  assert.equal(res.code, 1, res.stderr);
  for (const name of Object.keys(files)) assert.match(res.stderr, new RegExp(`^not sealing ${name}: `, 'm'));
  for (const [name, text] of Object.entries(files)) assert.equal(readFileSync(join(r.dir, name), 'utf8'), text, name);
});

test('manifests in UTF-16 or UTF-8 with a BOM, CRLF, a quoted kind, apiVersion missing or last, and in an Ansible task', async (t) => {
  const r = repo(t);
  const body = secretYaml(CANARY);
  r.write('utf16.yaml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(body, 'utf16le')]));
  r.write('utf16be.yaml', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(body, 'utf16le').swap16()]));
  r.write('utf8bom.yaml', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)]));
  r.write('crlf.yaml', body.replace(/\n/g, '\r\n').replace('kind: Secret', 'kind: "Secret"'));
  r.write('no-api.yaml', body.replace('apiVersion: v1\n', ''));
  r.write('api-last.yaml', body.replace('apiVersion: v1\n', '') + 'apiVersion: v1\n');
  r.write('playbook.yml', `- hosts: localhost\n  tasks:\n    - name: db secret\n      kubernetes.core.k8s:\n        state: present\n        definition:\n${secretYaml(CANARY, '          ')}`);
  await findsInTreeAndIndex(r, [
    'api-last.yaml:5:plaintext-secret',
    'crlf.yaml:6:plaintext-secret',
    'no-api.yaml:5:plaintext-secret',
    'playbook.yml:12:plaintext-secret',
    'utf16.yaml:6:plaintext-secret',
    'utf16be.yaml:6:plaintext-secret',
    'utf8bom.yaml:6:plaintext-secret',
  ]);
});

test('the canary value never appears in any output', () => {
  for (const o of outputs) assert.ok(!o.includes(CANARY), 'canary leaked');
});
