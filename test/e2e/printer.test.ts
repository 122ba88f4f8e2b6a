// One printer: every command that prints objects or a report takes the same -o choices from
// the same data; lists are kubectl-shaped; YAML has no anchors; on a terminal tables fit its
// width and severities are coloured, piped output is never cut or coloured, NO_COLOR is
// honoured; names from the cluster or files are printed with control characters escaped.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {parse} from 'yaml';
import {runCli} from '../helpers/cli.js';
import {fileE2EEnv} from '../helpers/cluster.js';
import {runInPty} from '../helpers/pty.js';

const dir = mkdtempSync(join(tmpdir(), 'ks-printer-'));
const offline = (args: string[], env: Record<string, string> = {}) => runCli(args, {env: {KUBECONFIG: '/nonexistent/kubeconfig', ...env}});
// ESC is written as \u001B in strings, never in a regular expression literal.
const ESC = '\u001B';
const LONG = 'api-with-a-rather-long-deployment-name-that-a-narrow-terminal-cannot-show-whole';
const EVIL = `evil${ESC}[2K\rforged   row\nUser   mallory`;

writeFileSync(join(dir, 'rbac.yaml'), `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: payments}
rules:
- {apiGroups: [""], resources: [secrets], verbs: [get, list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: readers, namespace: payments}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects:
- {kind: User, name: alice}
- {kind: User, name: ${JSON.stringify(EVIL)}}
- {kind: Group, name: devs}
`);
writeFileSync(join(dir, 'app.yaml'), `apiVersion: v1
kind: Secret
metadata: {name: db, namespace: payments, creationTimestamp: "2020-01-01T00:00:00Z"}
data: {password: aHVudGVyMg==}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${LONG}, namespace: payments}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
      - name: api
        image: x
        env:
        - {name: PASSWORD, valueFrom: {secretKeyRef: {name: db, key: password}}}
`);

test('a name with terminal escapes or newlines cannot hide or forge a row: it is shown escaped, one row per subject', async () => {
  const r = await offline(['who-can', 'db', '-n', 'payments', '-f', dir, '--direct-only']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!r.stdout.includes(ESC) && !r.stdout.includes('\r'), 'no raw control characters');
  const evilRows = r.stdout.split('\n').filter((l) => l.includes('evil'));
  assert.equal(evilRows.length, 2, 'get and list: two rows, each whole');
  for (const row of evilRows) assert.ok(row.includes('evil\\x1b[2K\\rforged   row\\nUser   mallory'), row);
  assert.ok(!r.stdout.split('\n').some((l) => l.startsWith('User   mallory')), 'no forged row');
});

test('who-can -o yaml has no anchors or aliases, and reads back as the -o json data', async () => {
  const yaml = await offline(['who-can', 'db', '-n', 'payments', '-f', dir, '-o', 'yaml']);
  const json = await offline(['who-can', 'db', '-n', 'payments', '-f', dir, '-o', 'json']);
  assert.equal(yaml.code, 0, yaml.stderr);
  assert.doesNotMatch(yaml.stdout, /(^|\s)[&*]a\d+\b/m);
  assert.deepEqual(parse(yaml.stdout), JSON.parse(json.stdout));
});

test('the same -o choices everywhere: wide, yaml and name where they make sense, scan --format as an alias, sarif for audit and scan', async () => {
  const consumers = await offline(['consumers', 'db', '-f', dir, '-n', 'payments', '-o', 'name']);
  assert.equal(consumers.code, 0, consumers.stderr);
  assert.equal(consumers.stdout, `deployment.apps/${LONG}\n`);
  const auditYaml = await offline(['audit', '-f', dir, '-n', 'payments', '--expect-sealed', '-o', 'yaml']);
  assert.equal(auditYaml.code, 1, auditYaml.stderr);
  const auditJson = await offline(['audit', '-f', dir, '-n', 'payments', '--expect-sealed', '-o', 'json']);
  assert.deepEqual(parse(auditYaml.stdout), JSON.parse(auditJson.stdout));
  const sarif = await offline(['audit', '-f', dir, '-n', 'payments', '-o', 'sarif']);
  assert.equal(JSON.parse(sarif.stdout).version, '2.1.0');
  const wide = await offline(['audit', '-f', dir, '-n', 'payments', '-o', 'wide']);
  assert.match(wide.stdout, /SEVERITY/);
  const clean = join(dir, 'clean.yaml');
  writeFileSync(clean, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: b}\n');
  const byFormat = await offline(['scan', clean, '--format', 'json']);
  const byOutput = await offline(['scan', clean, '-o', 'json']);
  assert.equal(byFormat.code, 0, byFormat.stderr);
  assert.deepEqual(JSON.parse(byFormat.stdout), JSON.parse(byOutput.stdout));
  const scanSarif = await offline(['scan', clean, '-o', 'sarif']);
  assert.equal(JSON.parse(scanSarif.stdout).version, '2.1.0');
  const both = await offline(['scan', clean, '-o', 'json', '--format', 'json']);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /^error: --format and --output cannot be used together|^error: --output and --format cannot be used together/);
});

test('piped output is never cut nor coloured; on a terminal tables fit its width with …, -o wide shows them whole, severities are coloured unless NO_COLOR', async () => {
  const args = ['audit', '-f', dir, '-n', 'payments', '--expect-sealed', '--fail-on', 'none'];
  const piped = await offline(args, {NO_COLOR: ''});
  assert.ok(piped.stdout.includes(LONG), 'piped: whole');
  assert.ok(!piped.stdout.includes(ESC), 'piped: no colour');
  const env = {KUBECONFIG: '/nonexistent/kubeconfig', NO_COLOR: undefined};
  const tty = await runInPty(args, {env, cols: 80});
  assert.equal(tty.code, 0, tty.tty);
  const rows = tty.tty.split(/\r?\n/).filter((l) => /^payments +db /.test(l));
  assert.ok(rows.length >= 4, tty.tty);
  // eslint-disable-next-line no-control-regex -- measuring what the terminal shows means removing its colour codes
  const visible = (l: string) => l.replace(/\u001B\[[0-9;]*m/g, '');
  for (const row of rows) assert.ok([...visible(row)].length <= 80, `fits 80 columns: ${visible(row)}`);
  assert.ok(rows.some((r) => r.includes('…')), 'long cells are cut with …');
  assert.ok(!tty.tty.includes(LONG), 'the long name is cut');
  assert.ok(tty.tty.includes(`${ESC}[31mHIGH`), 'HIGH in red on a terminal');
  const wide = await runInPty([...args, '-o', 'wide'], {env, cols: 80});
  assert.ok(wide.tty.includes(LONG), '-o wide: whole');
  const noColor = await runInPty(args, {env: {...env, NO_COLOR: '1'}, cols: 80});
  assert.ok(!noColor.tty.includes(`${ESC}[3`), 'NO_COLOR: no colour');
});

const env = fileE2EEnv();

test('list: -o json|yaml is a kind: List of Secrets without data, -o name is secret/NAME', async () => {
  const ns = await env.kube.namespace('printer');
  for (const name of ['api-token', 'db']) {
    await env.kube.apply({apiVersion: 'v1', kind: 'Secret', metadata: {name, namespace: ns}, data: {password: Buffer.from('CANARY-printer').toString('base64')}});
  }
  const json = await env.cli(['list', '-n', ns, '-o', 'json']);
  assert.equal(json.code, 0, json.stderr);
  const data = JSON.parse(json.stdout);
  assert.equal(data.kind, 'List');
  assert.equal(data.apiVersion, 'v1');
  assert.deepEqual(data.items.map((i: any) => [i.kind, i.metadata.name, i.metadata.namespace, i.keys]), [['Secret', 'api-token', ns, ['password']], ['Secret', 'db', ns, ['password']]]);
  assert.ok(!json.stdout.includes(Buffer.from('CANARY-printer').toString('base64')) && !json.stdout.includes('CANARY-printer'), 'never values');
  const yaml = await env.cli(['list', '-n', ns, '-o', 'yaml']);
  assert.deepEqual(parse(yaml.stdout), data);
  const names = await env.cli(['list', '-n', ns, '-o', 'name']);
  assert.equal(names.stdout, 'secret/api-token\nsecret/db\n');
});
