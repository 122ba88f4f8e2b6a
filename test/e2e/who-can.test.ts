// `kubectl secret who-can` as a user runs it: against the test API server (live lists,
// pagination, a 403 on a list, --verify with programmed SubjectAccessReview answers) and
// offline from manifests with -f. The same fixture feeds both, so they must agree.
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {randomBytes} from 'node:crypto';
import {fileURLToPath} from 'node:url';
import {parse as parseYaml} from 'yaml';
import {e2eEnv, needsTestServer, type E2EEnv} from '../helpers/cluster.js';
import {runCli} from '../helpers/cli.js';

const FIXTURE = fileURLToPath(new URL('../../../test/fixtures/rbac/payments.yaml', import.meta.url));
const canary = `CANARY-${randomBytes(8).toString('hex')}`;

let env: E2EEnv;
before(async () => {
  env = await e2eEnv({load: [FIXTURE]});
  env.server?.create({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'db-creds', namespace: 'payments'}, data: {password: Buffer.from(canary).toString('base64')}});
});
after(async () => {
  await env?.close();
});

type Row = {subject: {kind: string; name: string; namespace?: string}; access: string; nameRestricted: boolean; via: any[]; verified?: {confirmed: boolean; reason: string}};
const label = (r: Row) => `${r.subject.kind}:${r.subject.namespace ? r.subject.namespace + '/' : ''}${r.subject.name} ${r.access}${r.nameRestricted ? ' (name-restricted)' : ''}`;

function noCanary(res: {stdout: string; stderr: string}) {
  assert.ok(!res.stdout.includes(canary) && !res.stderr.includes(canary), 'a secret value was printed');
}

const EXPECTED_DIRECT = [
  'Group:system:masters get', 'Group:system:masters list', 'Group:system:masters watch',
  'User:auditor list', 'User:auditor watch',
  'ServiceAccount:payments/api get (name-restricted)',
];
const EXPECTED_INDIRECT = [
  'Group:payments-devs update deployments', 'Group:payments-devs create pods/exec',
  'Group:system:serviceaccounts:payments create pods',
  'ServiceAccount:ci/deployer create serviceaccounts/token',
  'ServiceAccount:payments/api create pods', 'ServiceAccount:payments/worker create pods',
];

test('live: direct readers, indirect paths, holders and dangling bindings, each kind listed once', async (t) => {
  const server = needsTestServer(t, env)!;
  const before = server.requests.length;
  const res = await env.cli(['who-can', 'db-creds', '-n', 'payments', '-o', 'json']);
  assert.equal(res.code, 0, res.stderr);
  noCanary(res);
  const data = JSON.parse(res.stdout);
  assert.deepEqual(data.secret, {name: 'db-creds', namespace: 'payments'});
  assert.deepEqual(data.direct.map(label), EXPECTED_DIRECT);
  assert.deepEqual(data.indirect.map(label), EXPECTED_INDIRECT);
  assert.deepEqual(data.direct.find((r: Row) => r.subject.name === 'api').via, [{binding: {kind: 'RoleBinding', name: 'api-reads-db', namespace: 'payments'}, role: {kind: 'Role', name: 'db-creds-reader'}}]);
  assert.deepEqual(data.direct[0].via, []);
  assert.deepEqual(data.holders, [
    {kind: 'Deployment', name: 'api', namespace: 'payments', serviceAccount: {name: 'api', namespace: 'payments'}},
    {kind: 'Pod', name: 'db-migrate', namespace: 'payments', serviceAccount: {name: 'worker', namespace: 'payments'}},
  ]);
  assert.deepEqual(data.dangling, [{binding: {kind: 'RoleBinding', name: 'left-behind', namespace: 'payments'}, roleRef: {kind: 'Role', name: 'deleted-role'}}]);
  assert.deepEqual(data.warnings, []);
  const lists = server.requests.slice(before).filter((r) => r.method === 'GET' && !r.query.includes('continue='));
  const perPath = new Map<string, number>();
  for (const r of lists) perPath.set(r.path, (perPath.get(r.path) ?? 0) + 1);
  assert.ok([...perPath.values()].every((n) => n === 1), `a list was repeated: ${JSON.stringify([...perPath])}`);
  assert.ok(perPath.has('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings') && perPath.has('/apis/rbac.authorization.k8s.io/v1/namespaces/payments/rolebindings'));
  // Secrets themselves are never read: who-can needs no access to their values.
  assert.ok(!lists.some((r) => r.path.includes('/secrets')));
});

test('live and offline (-f) give the same answer for the same objects', async (t) => {
  needsTestServer(t, env);
  const live = await env.cli(['who-can', 'db-creds', '-n', 'payments', '-o', 'json']);
  const offline = await runCli(['who-can', 'db-creds', '-n', 'payments', '-f', FIXTURE, '-o', 'json'], {env: {KUBECONFIG: '/nonexistent'}});
  assert.equal(offline.code, 0, offline.stderr);
  assert.deepEqual(JSON.parse(offline.stdout), JSON.parse(live.stdout));
});

test('live: the table names the binding and role of every row', async (t) => {
  needsTestServer(t, env);
  const res = await env.cli(['who-can', 'db-creds', '-n', 'payments']);
  assert.equal(res.code, 0, res.stderr);
  noCanary(res);
  assert.match(res.stdout, /^Direct readers of Secret payments\/db-creds:\nSUBJECT KIND\s+SUBJECT\s+NAMESPACE\s+ACCESS\s+VIA\n/);
  assert.match(res.stdout, /User\s+auditor\s+-\s+list \(all secrets in payments\)\s+ClusterRoleBinding auditors → ClusterRole secret-lister\n/);
  assert.match(res.stdout, /ServiceAccount\s+worker\s+payments\s+create pods\s+RoleBinding payments\/sas-create-pods → ClusterRole pod-creator \(as Group system:serviceaccounts:payments\)\n/);
  assert.match(res.stdout, /Deployment\s+api\s+payments\s+consumes the Secret\s+runs as ServiceAccount payments\/api\n/);
  assert.match(res.stdout, /RoleBinding\s+left-behind\s+payments\s+Role deleted-role\n/);
});

test('live: lists are paginated, and every page is read', async (t) => {
  const server = needsTestServer(t, env)!;
  server.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'bulk'}});
  server.create({apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: {name: 'reader', namespace: 'bulk'}, rules: [{apiGroups: [''], resources: ['secrets'], verbs: ['get']}]});
  const n = 1_100;
  for (let i = 0; i < n; i++) {
    server.create({apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: {name: `rb-${String(i).padStart(4, '0')}`, namespace: 'bulk'},
      roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader'}, subjects: [{kind: 'User', name: `user-${i}`, apiGroup: 'rbac.authorization.k8s.io'}]});
  }
  const before = server.requests.length;
  const res = await env.cli(['who-can', 'anything', '-n', 'bulk', '--direct-only', '-o', 'json']);
  assert.equal(res.code, 0, res.stderr);
  const users = JSON.parse(res.stdout).direct.filter((r: Row) => r.subject.kind === 'User' && r.subject.name.startsWith('user-'));
  assert.equal(users.length, n);
  assert.equal(new Set(users.map((r: Row) => r.subject.name)).size, n);
  const pages = server.requests.slice(before).filter((r) => r.path === '/apis/rbac.authorization.k8s.io/v1/namespaces/bulk/rolebindings');
  assert.equal(pages.length, 3, 'expected 3 pages of 500');
  assert.ok(pages.slice(1).every((p) => p.query.includes('continue=')));
});

test('live: a 403 on listing clusterrolebindings is a warning, the rest is still answered, exit 0', async (t) => {
  const server = needsTestServer(t, env)!;
  const undo = server.deny({user: 'admin', verb: 'list', resource: 'clusterrolebindings'});
  try {
    const res = await env.cli(['who-can', 'db-creds', '-n', 'payments', '-o', 'json']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stderr, /warning: cannot list clusterrolebindings \(forbidden\): the answer may be incomplete/);
    const data = JSON.parse(res.stdout);
    assert.deepEqual(data.warnings, ['cannot list clusterrolebindings (forbidden): the answer may be incomplete']);
    // The auditor (ClusterRoleBinding) is unknown now; RoleBinding grants remain.
    assert.deepEqual(data.direct.map(label), EXPECTED_DIRECT.filter((l) => !l.includes('auditor')));
    assert.deepEqual(data.indirect.map(label), EXPECTED_INDIRECT.filter((l) => !l.includes('deployer')));
  } finally {
    undo();
  }
});

test('live: without list on clusterroles, RoleBindings to ClusterRoles are unknown, not dangling', async (t) => {
  const server = needsTestServer(t, env)!;
  const undo = server.deny({user: 'admin', verb: 'list', resource: 'clusterroles'});
  try {
    const res = await env.cli(['who-can', 'db-creds', '-n', 'payments', '-o', 'json']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stderr, /cannot list clusterroles/);
    const data = JSON.parse(res.stdout);
    assert.deepEqual(data.dangling.map((d: any) => d.binding.name), ['left-behind']);
    assert.deepEqual(data.direct.map(label), ['Group:system:masters get', 'Group:system:masters list', 'Group:system:masters watch', 'ServiceAccount:payments/api get (name-restricted)']);
  } finally {
    undo();
  }
});

test('--verify: each row is confirmed or not with the server reason, and denied rows are kept', async (t) => {
  const server = needsTestServer(t, env)!;
  const specs: any[] = [];
  server.onSubjectAccessReview((spec) => {
    specs.push(spec);
    if (spec.user === 'system:serviceaccount:payments:worker') return {allowed: false, reason: 'no RBAC policy matched'};
    return {allowed: true, reason: `allowed ${spec.resourceAttributes.verb} ${spec.resourceAttributes.resource}`};
  });
  try {
    const res = await env.cli(['who-can', 'db-creds', '-n', 'payments', '--verify', '-o', 'json']);
    assert.equal(res.code, 0, res.stderr);
    noCanary(res);
    const data = JSON.parse(res.stdout);
    assert.deepEqual(data.direct.map(label), EXPECTED_DIRECT);
    assert.deepEqual(data.indirect.map(label), EXPECTED_INDIRECT);
    const worker = data.indirect.find((r: Row) => r.subject.name === 'worker');
    assert.deepEqual(worker.verified, {confirmed: false, reason: 'no RBAC policy matched'});
    assert.deepEqual(data.direct.find((r: Row) => r.subject.name === 'api').verified, {confirmed: true, reason: 'allowed get secrets'});
    assert.ok([...data.direct, ...data.indirect].every((r: Row) => r.verified));
    // A ServiceAccount with its three groups, a Group as groups only; a name-restricted get asks for the name.
    const api = specs.find((s) => s.user === 'system:serviceaccount:payments:api' && s.resourceAttributes.resource === 'secrets');
    assert.deepEqual(api.groups, ['system:serviceaccounts', 'system:serviceaccounts:payments', 'system:authenticated']);
    assert.deepEqual(api.resourceAttributes, {namespace: 'payments', verb: 'get', group: '', resource: 'secrets', name: 'db-creds'});
    const devs = specs.find((s) => s.groups?.includes('payments-devs'));
    assert.equal(devs.user, undefined);
    assert.deepEqual(devs.groups, ['payments-devs']);
    const table = await env.cli(['who-can', 'db-creds', '-n', 'payments', '--verify']);
    assert.match(table.stdout, /VERIFIED\n/);
    assert.match(table.stdout, /ServiceAccount\s+worker\s+payments\s+create pods\s+.*NOT CONFIRMED \(no RBAC policy matched\)\n/);
  } finally {
    server.onSubjectAccessReview(undefined);
  }
});

test('--verify without permission to create SubjectAccessReviews says so and carries on unverified', async (t) => {
  const server = needsTestServer(t, env)!;
  const undo = server.deny({user: 'admin', verb: 'create', resource: 'subjectaccessreviews'});
  try {
    const res = await env.cli(['who-can', 'db-creds', '-n', 'payments', '--verify', '-o', 'json']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stderr, /warning: you may not create subjectaccessreviews \(forbidden\)/);
    const data = JSON.parse(res.stdout);
    assert.deepEqual(data.direct.map(label), EXPECTED_DIRECT);
    assert.ok([...data.direct, ...data.indirect].every((r: Row) => r.verified === undefined));
  } finally {
    undo();
  }
});

test('offline: -f reads manifests without a cluster; -o yaml and --direct-only', async () => {
  const noCluster = {env: {KUBECONFIG: '/nonexistent'}};
  const yaml = await runCli(['who-can', 'db-creds', '-n', 'payments', '-f', FIXTURE, '-o', 'yaml'], noCluster);
  assert.equal(yaml.code, 0, yaml.stderr);
  const data = parseYaml(yaml.stdout);
  assert.deepEqual(data.direct.map(label), EXPECTED_DIRECT);
  assert.deepEqual(data.indirect.map(label), EXPECTED_INDIRECT);
  const direct = await runCli(['who-can', 'db-creds', '-n', 'payments', '-f', FIXTURE, '--direct-only', '-o', 'json'], noCluster);
  assert.equal(direct.code, 0, direct.stderr);
  const d = JSON.parse(direct.stdout);
  assert.deepEqual(d.direct.map(label), EXPECTED_DIRECT);
  assert.equal(d.indirect, undefined);
  assert.equal(d.holders, undefined);
  const table = await runCli(['who-can', 'db-creds', '-n', 'payments', '-f', FIXTURE, '--direct-only'], noCluster);
  assert.match(table.stdout, /Direct readers/);
  assert.doesNotMatch(table.stdout, /Indirect paths|Holders/);
});

test('offline: --verify needs the cluster and a missing file is an input error (exit 2)', async () => {
  const verify = await runCli(['who-can', 'db-creds', '-f', FIXTURE, '--verify'], {env: {KUBECONFIG: '/nonexistent'}});
  assert.equal(verify.code, 2);
  assert.match(verify.stderr, /^error: --verify asks the cluster, so it cannot be used with -f\n/);
  const missing = await runCli(['who-can', 'db-creds', '-f', '/nonexistent/rbac.yaml'], {env: {KUBECONFIG: '/nonexistent'}});
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /does not exist/);
});
