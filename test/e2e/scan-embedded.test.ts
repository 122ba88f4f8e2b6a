// Plaintext that used to slip past `kubectl secret scan`, run as a user runs it (the built CLI,
// working tree, `--staged` and `--history` in throwaway repositories): a stream of concatenated
// JSON objects, `kubectl create secret … --from-literal` command lines, and manifests written
// as quoted or folded YAML strings. The oracle for what is applied is the real kubectl.
import {test, after, before} from 'node:test';
import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {REPO_ROOT, runCli, type CliResult} from '../helpers/cli.js';
import {e2eEnv, type E2EEnv} from '../helpers/cluster.js';
import {GIT_ENV, tempRepo} from '../helpers/git-repo.js';

const CANARY = `CANARY-${Math.random().toString(36).slice(2, 12).padEnd(10, '0')}`;
const outputs: string[] = [];
const repo = (t: {after: (fn: () => void) => void}) => tempRepo(t, 'ks-embedded-');

async function scan(dir: string, args: string[]): Promise<CliResult> {
  const r = await runCli(['scan', ...args], {cwd: dir, env: GIT_ENV, timeoutMs: 120_000});
  outputs.push(r.stdout, r.stderr);
  return r;
}

interface JsonFinding {
  rule: string;
  severity: string;
  file: string;
  line: number;
  column: number;
  message: string;
}
const findings = (r: CliResult) => JSON.parse(r.stdout).findings as JsonFinding[];
const brief = (r: CliResult) => findings(r).map((f) => `${f.file}:${f.line}:${f.rule}:${f.severity}`).sort();

let env: E2EEnv;
before(async () => {
  env = await e2eEnv({testServerOnly: true});
});
after(async () => env?.close());

/** What kubectl makes of FILE: the objects it reads (`kind/name`), in order, or undefined when it cannot. */
/** The working tree's files scanned, then the same files staged and scanned with --staged: both find `expected`. */
async function findsInTreeAndIndex(r: ReturnType<typeof tempRepo>, expected: string[]): Promise<void> {
  const res = await scan(r.dir, ['.', '--format', 'json']);
  assert.equal(res.code, 1, res.stderr);
  assert.deepEqual(brief(res), expected);
  r.git('add', '.');
  const staged = await scan(r.dir, ['--staged', '--format', 'json']);
  assert.equal(staged.code, 1, staged.stderr);
  assert.deepEqual(brief(staged), expected);
}

function kubectlObjects(file: string): Promise<string[] | undefined> {
  return new Promise((resolve) => {
    execFile('kubectl', ['create', '--dry-run=client', '-o', 'name', '-f', file], {env: {...process.env, KUBECONFIG: env.kubeconfig}}, (err, stdout) => resolve(err ? undefined : stdout.trim().split('\n')));
  });
}

const cm = (name: string) => ({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name}, data: {a: 'b'}});
const secret = (name: string, value: string) => ({apiVersion: 'v1', kind: 'Secret', metadata: {name}, stringData: {password: value}});

test('concatenated JSON objects are read as kubectl reads them: the Secret among them is a plaintext-secret at its line', async (t) => {
  const r = repo(t);
  r.write('one-line.json', JSON.stringify(cm('a')) + JSON.stringify(secret('s', CANARY)) + '\n');
  r.write('per-line.json', [cm('a'), cm('b'), secret('s', CANARY)].map((o) => JSON.stringify(o)).join('\n') + '\n');
  r.write('pretty.json', [cm('a'), secret('s', CANARY)].map((o) => JSON.stringify(o, null, 2)).join('\n'));
  r.write('clean.json', [cm('a'), secret('s', 'changeme'), cm('c')].map((o) => JSON.stringify(o)).join(''));
  // The oracle: kubectl reads every object of each file.
  assert.deepEqual(await kubectlObjects(join(r.dir, 'one-line.json')), ['configmap/a', 'secret/s']);
  assert.deepEqual(await kubectlObjects(join(r.dir, 'per-line.json')), ['configmap/a', 'configmap/b', 'secret/s']);
  assert.deepEqual(await kubectlObjects(join(r.dir, 'pretty.json')), ['configmap/a', 'secret/s']);
  assert.deepEqual(await kubectlObjects(join(r.dir, 'clean.json')), ['configmap/a', 'secret/s', 'configmap/c']);
  const prettyLine = [cm('a'), secret('s', CANARY)].map((o) => JSON.stringify(o, null, 2)).join('\n').split('\n').findIndex((l) => l.includes('"password"')) + 1;
  const expected = ['one-line.json:1:plaintext-secret:high', 'per-line.json:3:plaintext-secret:high', `pretty.json:${prettyLine}:plaintext-secret:high`];
  await findsInTreeAndIndex(r, expected);
});

const SCRIPT = `#!/bin/sh
set -eu
kubectl create secret generic db \\
  --from-literal=username=app \\
  --from-literal=password=${CANARY} \\
  --dry-run=client -o yaml | kubectl apply -f -
kubectl create secret generic api --from-literal=token="$API_TOKEN" --from-literal=url=https://api.example.com
kubectl create secret generic vault --from-literal=token="$(vault kv get -field=token kv/app)"
`;

test('kubectl create secret with a literal value is kubectl-secret-literal in scripts, Makefiles, Dockerfiles, CI files and Markdown', async (t) => {
  const r = repo(t);
  r.write('deploy.sh', SCRIPT);
  r.write('Makefile', `secrets:\n\tkubectl create secret docker-registry regcred --docker-server=ghcr.io --docker-username=bot --docker-password=${CANARY}\n\nplaceholder:\n\tkubectl create secret generic x --from-literal=password=changeme\n`);
  r.write('Dockerfile', `FROM bitnami/kubectl\nRUN kubectl create secret generic db --from-literal password=${CANARY} --dry-run=client -o yaml > /s.yaml\n`);
  r.write('.github/workflows/deploy.yml', `on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: kubectl create secret generic db --from-literal=password=\${{ secrets.DB_PASSWORD }}\n      - run: kubectl create secret generic db2 --from-literal=db-password=${CANARY}\n`);
  r.write('docs/setup.md', `# Setup\n\nRun \`kubectl create secret generic db --from-literal=password=${CANARY}\` in prose: not a command block.\n\n\`\`\`console\n$ kubectl create secret generic db --from-literal=password=${CANARY}\n\`\`\`\n\n\`\`\`sh\nkubectl create secret generic db --from-literal=password=<your-password>\n\`\`\`\n`);
  r.write('configmap.sh', `kubectl create configmap settings --from-literal=password=${CANARY}\n`);
  // kubectl accepts the command as written: the value would be in the Secret.
  const made = await new Promise<string>((resolve, reject) => execFile('kubectl', ['create', 'secret', 'generic', 'db', `--from-literal=password=${CANARY}`, '--dry-run=client', '-o', 'json'], (err, stdout) => (err ? reject(err) : resolve(stdout))));
  assert.equal(Buffer.from(JSON.parse(made).data.password, 'base64').toString(), CANARY);
  const expected = [
    '.github/workflows/deploy.yml:7:kubectl-secret-literal:high',
    'Dockerfile:2:kubectl-secret-literal:high',
    'Makefile:2:kubectl-secret-literal:high',
    'deploy.sh:4:kubectl-secret-literal:high',
    'deploy.sh:5:kubectl-secret-literal:high',
    'deploy.sh:7:kubectl-secret-literal:low',
    'docs/setup.md:6:kubectl-secret-literal:high',
  ];
  const res = await scan(r.dir, ['.', '--format', 'json']);
  assert.equal(res.code, 1, res.stderr);
  assert.deepEqual(brief(res), expected);
  const db = findings(res).find((f) => f.file === 'deploy.sh' && f.line === 5)!;
  assert.equal(db.column, 3);
  assert.equal(db.message, 'kubectl create secret generic db has a literal value for password on its command line');
  assert.match(JSON.stringify(JSON.parse(res.stdout).hints), /kubectl-secret-literal/);
  // The text form, --fail-on high (the url is low: reported, not failing), SARIF's rule list.
  const text = await scan(r.dir, ['deploy.sh']);
  assert.equal(text.code, 1);
  assert.match(text.stdout, /^deploy\.sh:5:3: kubectl-secret-literal: kubectl create secret generic db has a literal value for password on its command line \[high\]$/m);
  assert.equal((await scan(r.dir, ['deploy.sh', '--fail-on', 'high'])).code, 1);
  r.write('low.sh', 'kubectl create secret generic api --from-literal=url=https://api.example.com\n');
  const low = await scan(r.dir, ['low.sh', '--fail-on', 'high']);
  assert.equal(low.code, 0, low.stdout);
  assert.match(low.stdout + low.stderr, /none at or above --fail-on high/);
  const sarif = JSON.parse((await scan(r.dir, ['Makefile', '--format', 'sarif'])).stdout);
  const result = sarif.runs[0].results[0];
  assert.equal(result.ruleId, 'kubectl-secret-literal');
  assert.equal(sarif.runs[0].tool.driver.rules[result.ruleIndex].id, 'kubectl-secret-literal');
  assert.equal(result.level, 'error');

  // --staged reads the index, as the pre-commit hook does.
  r.git('add', '.');
  const staged = await scan(r.dir, ['--staged', '--format', 'json']);
  assert.equal(staged.code, 1, staged.stderr);
  assert.deepEqual(brief(staged).filter((f) => !f.startsWith('low.sh')), expected);

  // Suppressions: an inline allow comment, and the rule switched off in .kubectl-secret.yaml.
  r.write('deploy.sh', SCRIPT.replace('--from-literal=url=https://api.example.com', '--from-literal=url=https://api.example.com # kubectl-secret:allow'));
  const allowed = await scan(r.dir, ['deploy.sh', '--format', 'json']);
  assert.deepEqual(brief(allowed), ['deploy.sh:4:kubectl-secret-literal:high', 'deploy.sh:5:kubectl-secret-literal:high']);
  assert.equal(JSON.parse(allowed.stdout).suppressed, 1);
  r.write('.kubectl-secret.yaml', 'scan:\n  rules:\n    kubectl-secret-literal: false\n');
  const off = await scan(r.dir, ['.']);
  assert.equal(off.code, 0, off.stdout);
});

test('--history finds a kubectl command line that was committed and later removed', async (t) => {
  const r = repo(t);
  r.write('deploy.sh', SCRIPT);
  r.commit('add deploy script');
  r.write('deploy.sh', SCRIPT.replace(`--from-literal=password=${CANARY}`, '--from-literal=password="$DB_PASSWORD"'));
  r.commit('read the password from the environment');
  assert.equal((await scan(r.dir, ['.'])).code, 1, 'username=app and url are still literals');
  const res = await scan(r.dir, ['--history', '--format', 'json']);
  assert.equal(res.code, 1, res.stderr);
  const got = (JSON.parse(res.stdout).findings as (JsonFinding & {atHead: boolean})[]).filter((f) => f.rule === 'kubectl-secret-literal');
  const password = got.filter((f) => f.message.includes('for password '));
  assert.equal(password.length, 1, JSON.stringify(got));
  assert.equal(password[0].atHead, false);
});

test('a Secret written as a JSON string, a quoted YAML string or a folded block is found where the string is', async (t) => {
  const r = repo(t);
  const manifest = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: ${CANARY}\n`;
  const app = JSON.stringify({apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: {name: 'app'}, spec: {source: {helm: {values: `extraObjects:\n- ${manifest.replace(/\n(?=.)/g, '\n  ')}`}}}}, null, 2);
  r.write('argo/app.json', app);
  r.write('kustomize/kustomization.yaml', `resources: []\npatches:\n- target: {kind: Secret, name: db}\n  patch: ${JSON.stringify(manifest)}\n`);
  r.write('helm/values.yaml', `extraDeploy: >\n  apiVersion: v1\n\n  kind: Secret\n\n  metadata:\n    name: db\n\n  stringData:\n    password: ${CANARY}\n`);
  r.write('helm/clean.yaml', `extraDeploy: "apiVersion: v1\\nkind: Secret\\nmetadata:\\n  name: db\\nstringData:\\n  password: changeme\\n"\n`);
  // The oracle: what kubectl applies from the string as Argo CD's values would render it.
  r.write('from-string.yaml', (JSON.parse(app) as any).spec.source.helm.values.replace(/^extraObjects:\n- /, '').replace(/^ {2}/gm, ''));
  assert.deepEqual(await kubectlObjects(join(r.dir, 'from-string.yaml')), ['secret/db']);
  const appLine = app.split('\n').findIndex((l) => l.includes('"values"')) + 1;
  const expected = [`argo/app.json:${appLine}:plaintext-secret:high`, 'from-string.yaml:6:plaintext-secret:high', 'helm/values.yaml:10:plaintext-secret:high', 'kustomize/kustomization.yaml:4:plaintext-secret:high'];
  await findsInTreeAndIndex(r, expected);
  // --fix does not rewrite a file whose Secret is a string inside it.
  const cert = join(REPO_ROOT, 'test', 'fixtures', 'crypto', 'x25519-public.pem');
  const before = readFileSync(join(r.dir, 'argo/app.json'), 'utf8');
  const fix = await scan(r.dir, ['--fix', '--yes', '--cert', cert, 'argo/app.json']);
  assert.equal(fix.code, 1, fix.stderr);
  assert.equal(readFileSync(join(r.dir, 'argo/app.json'), 'utf8'), before);
});

test('--history --check-live says whether the Secret a kubectl command line created still holds the value', async (t) => {
  const ns = await env.kube.namespace('kubectl-literal-live');
  const r = repo(t);
  r.write('setup.sh', `kubectl -n ${ns} create secret generic db --from-literal=password=${CANARY}-live --from-literal=token=${CANARY}-old\nkubectl create secret generic "$NAME" --from-literal=x=${CANARY}-dynamic\n`);
  r.commit('setup');
  r.git('rm', '-q', 'setup.sh');
  r.commit('remove');
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  await env.kube.apply({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'db', namespace: ns}, data: {password: b64(`${CANARY}-live`), token: b64('rotated')}});
  const res = await env.cli(['scan', '--history', '--check-live', '--format', 'json'], {cwd: r.dir, env: GIT_ENV});
  outputs.push(res.stdout, res.stderr);
  assert.equal(res.code, 1, res.stderr);
  const json = JSON.parse(res.stdout);
  const statuses = json.findings.flatMap((f: any) => (f.live ?? []).map((l: any) => `${l.name}/${l.key}=${l.status}`)).sort();
  assert.deepEqual(statuses, ['db/password=still live', 'db/token=rotated since']);
  assert.equal(json.findings.filter((f: any) => f.rule === 'kubectl-secret-literal').length, 3);
});

// Last, so that it sees the output of every test above.
test('the canary value never appears in any output', () => {
  assert.ok(outputs.length > 10);
  for (const o of outputs) assert.ok(!o.includes(CANARY), o);
});
