// `kubectl secret who-can` as a user runs it: against the test API server (live lists,
// pagination, a 403 on a list, --verify with programmed SubjectAccessReview answers) and
// offline from manifests with -f. The same fixture feeds both, so they must agree. On a real
// cluster the fixture's namespaces, cluster-wide objects and subjects get the run's suffix, and
// only rows about them are compared (the cluster's own bindings add more).
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {randomBytes} from 'node:crypto';
import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {parse as parseYaml} from 'yaml';
import {e2eEnv, needsTestServer, withRule, type E2EEnv} from '../helpers/cluster.js';
import {runCli} from '../helpers/cli.js';

const FIXTURE = fileURLToPath(new URL('../../../test/fixtures/rbac/payments.yaml', import.meta.url));
const canary = `CANARY-${randomBytes(8).toString('hex')}`;

let env: E2EEnv;
/** The fixture as loaded into this cluster (renamed on a real one), for the offline runs. */
let fixture: string;
/** The fixture's names as this run spells them: unchanged on the test server. */
let rename: (text: string) => string = (x) => x;
let PAY: string;
before(async () => {
  env = await e2eEnv();
  if (env.real) {
    const names = /(?<![\w-])(payments-operator|payments-devs|payments|ci-mints-tokens|ci|auditors|auditor|secret-lister|token-minter|pod-creator)(?![\w-])/g;
    rename = (text) => text.replace(names, (n) => (n === 'payments' || n === 'ci' ? env.kube.nsName(n) : env.kube.clusterName(n)));
    await Promise.all(['payments', 'ci'].map((n) => env.kube.namespace(n)));
  }
  fixture = join(env.dir, 'payments.yaml');
  writeFileSync(fixture, rename(readFileSync(FIXTURE, 'utf8')));
  await env.kube.load([fixture]);
  PAY = rename('payments');
  await env.kube.apply({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'db-creds', namespace: PAY}, data: {password: Buffer.from(canary).toString('base64')}});
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

/** On a real cluster, the rows about this run's subjects (and the superusers); all rows elsewhere. */
const ours = (rows: Row[]): Row[] => (env.real ? rows.filter((r) => label(r).includes(rename('payments').slice('payments'.length)) || r.subject.name === 'system:masters') : rows);
const renamed = (rows: string[]) => rows.map((r) => rename(r));

test('live: direct readers, indirect paths, holders and dangling bindings, each kind listed once', async () => {
  const server = env.server;
  const before = server?.requests.length ?? 0;
  const res = await env.cli(['who-can', 'db-creds', '-n', PAY, '-o', 'json']);
  assert.equal(res.code, 0, res.stderr);
  noCanary(res);
  const data = JSON.parse(res.stdout);
  assert.deepEqual(data.secret, {name: 'db-creds', namespace: PAY});
  assert.deepEqual(ours(data.direct).map(label), renamed(EXPECTED_DIRECT));
  assert.deepEqual(ours(data.indirect).map(label), renamed(EXPECTED_INDIRECT));
  assert.deepEqual(data.direct.find((r: Row) => r.subject.name === 'api').via, [{binding: {kind: 'RoleBinding', name: 'api-reads-db', namespace: PAY}, role: {kind: 'Role', name: 'db-creds-reader'}}]);
  // The superusers' row comes from the authorizer itself; a real cluster also binds cluster-admin to them.
  if (!env.real) assert.deepEqual(data.direct[0].via, []);
  assert.deepEqual(data.holders, [
    {kind: 'Deployment', name: 'api', namespace: PAY, serviceAccount: {name: 'api', namespace: PAY}},
    {kind: 'Pod', name: 'db-migrate', namespace: PAY, serviceAccount: {name: 'worker', namespace: PAY}},
  ]);
  assert.deepEqual(data.dangling, [{binding: {kind: 'RoleBinding', name: 'left-behind', namespace: PAY}, roleRef: {kind: 'Role', name: 'deleted-role'}}]);
  assert.deepEqual(data.warnings, []);
  if (!server) return;
  // The request log: every kind is listed once, and Secrets are never read.
  const lists = server.requests.slice(before).filter((r) => r.method === 'GET' && !r.query.includes('continue='));
  const perPath = new Map<string, number>();
  for (const r of lists) perPath.set(r.path, (perPath.get(r.path) ?? 0) + 1);
  assert.ok([...perPath.values()].every((n) => n === 1), `a list was repeated: ${JSON.stringify([...perPath])}`);
  assert.ok(perPath.has('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings') && perPath.has('/apis/rbac.authorization.k8s.io/v1/namespaces/payments/rolebindings'));
  // Secret values are never read: the one request for the Secret (does it exist?) asks for its metadata only.
  const secretReads = lists.filter((r) => r.path.includes('/secrets'));
  assert.deepEqual(secretReads.map((r) => r.path), ['/api/v1/namespaces/payments/secrets/db-creds']);
  assert.match(secretReads[0].accept ?? '', /^application\/json;as=PartialObjectMetadata;/);
});

test('live and offline (-f) give the same answer for the same objects', async () => {
  const live = await env.cli(['who-can', 'db-creds', '-n', PAY, '-o', 'json']);
  const offline = await runCli(['who-can', 'db-creds', '-n', PAY, '-f', fixture, '-o', 'json'], {env: {KUBECONFIG: '/nonexistent'}});
  assert.equal(offline.code, 0, offline.stderr);
  const [l, o] = [JSON.parse(live.stdout), JSON.parse(offline.stdout)];
  if (env.real) for (const d of [l, o]) [d.direct, d.indirect] = [ours(d.direct), ours(d.indirect)];
  assert.deepEqual(o, l);
});

test('live: the table names the binding and role of every row', async () => {
  const res = await env.cli(['who-can', 'db-creds', '-n', PAY]);
  assert.equal(res.code, 0, res.stderr);
  noCanary(res);
  // The names are plain words and hex: renaming them keeps these valid regular expressions.
  const match = (re: RegExp) => assert.match(res.stdout, new RegExp(rename(re.source), re.flags));
  match(/^Direct readers of Secret payments\/db-creds:\nSUBJECT KIND\s+SUBJECT\s+NAMESPACE\s+ACCESS\s+VIA\n/);
  match(/User\s+auditor\s+-\s+list \(all secrets in payments\)\s+ClusterRoleBinding auditors → ClusterRole secret-lister\n/);
  match(/ServiceAccount\s+worker\s+payments\s+create pods\s+RoleBinding payments\/sas-create-pods → ClusterRole pod-creator \(as Group system:serviceaccounts:payments\)\n/);
  match(/Deployment\s+api\s+payments\s+consumes the Secret\s+runs as ServiceAccount payments\/api\n/);
  match(/RoleBinding\s+left-behind\s+payments\s+Role deleted-role\n/);
});

test('live: lists are paginated, and every page is read', async () => {
  const server = env.server;
  const bulk = await env.kube.namespace('bulk');
  await env.kube.apply({apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: {name: 'reader', namespace: bulk}, rules: [{apiGroups: [''], resources: ['secrets'], verbs: ['get']}]});
  const n = 1_100;
  const binding = (i: number) => ({apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: {name: `rb-${String(i).padStart(4, '0')}`, namespace: bulk},
    roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader'}, subjects: [{kind: 'User', name: `user-${i}`, apiGroup: 'rbac.authorization.k8s.io'}]});
  // Over the API, 1,100 creates go 50 at a time.
  for (let i = 0; i < n; i += 50) await Promise.all(Array.from({length: Math.min(50, n - i)}, (_, k) => env.kube.apply(binding(i + k))));
  const before = server?.requests.length ?? 0;
  const res = await env.cli(['who-can', 'anything', '-n', bulk, '--direct-only', '-o', 'json']);
  assert.equal(res.code, 0, res.stderr);
  const users = JSON.parse(res.stdout).direct.filter((r: Row) => r.subject.kind === 'User' && r.subject.name.startsWith('user-'));
  assert.equal(users.length, n);
  assert.equal(new Set(users.map((r: Row) => r.subject.name)).size, n);
  if (!server) return;
  const pages = server.requests.slice(before).filter((r) => r.path === '/apis/rbac.authorization.k8s.io/v1/namespaces/bulk/rolebindings');
  assert.equal(pages.length, 3, 'expected 3 pages of 500');
  assert.ok(pages.slice(1).every((p) => p.query.includes('continue=')));
});

test('live: a 403 on listing clusterrolebindings is a warning, the rest is still answered, exit 0', async (t) => {
  const server = needsTestServer(t, env);
  if (!server) return;
  await withRule(server.deny({user: 'admin', verb: 'list', resource: 'clusterrolebindings'}), async () => {
    const res = await env.cli(['who-can', 'db-creds', '-n', 'payments', '-o', 'json']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stderr, /warning: cannot list clusterrolebindings \(forbidden\): the answer may be incomplete/);
    const data = JSON.parse(res.stdout);
    assert.deepEqual(data.warnings, ['cannot list clusterrolebindings (forbidden): the answer may be incomplete']);
    // The auditor (ClusterRoleBinding) is unknown now; RoleBinding grants remain.
    assert.deepEqual(data.direct.map(label), EXPECTED_DIRECT.filter((l) => !l.includes('auditor')));
    assert.deepEqual(data.indirect.map(label), EXPECTED_INDIRECT.filter((l) => !l.includes('deployer')));
  });
});

test('live: without list on clusterroles, RoleBindings to ClusterRoles are unknown, not dangling', async (t) => {
  const server = needsTestServer(t, env);
  if (!server) return;
  await withRule(server.deny({user: 'admin', verb: 'list', resource: 'clusterroles'}), async () => {
    const res = await env.cli(['who-can', 'db-creds', '-n', 'payments', '-o', 'json']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stderr, /cannot list clusterroles/);
    const data = JSON.parse(res.stdout);
    assert.deepEqual(data.dangling.map((d: any) => d.binding.name), ['left-behind']);
    assert.deepEqual(data.direct.map(label), ['Group:system:masters get', 'Group:system:masters list', 'Group:system:masters watch', 'ServiceAccount:payments/api get (name-restricted)']);
  });
});

test('--verify: each row is confirmed or not with the server reason, and denied rows are kept', async (t) => {
  const server = needsTestServer(t, env);
  if (!server) return;
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
  const server = needsTestServer(t, env);
  if (!server) return;
  await withRule(server.deny({user: 'admin', verb: 'create', resource: 'subjectaccessreviews'}), async () => {
    const res = await env.cli(['who-can', 'db-creds', '-n', 'payments', '--verify', '-o', 'json']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stderr, /warning: you may not create subjectaccessreviews \(forbidden\)/);
    const data = JSON.parse(res.stdout);
    assert.deepEqual(data.direct.map(label), EXPECTED_DIRECT);
    assert.ok([...data.direct, ...data.indirect].every((r: Row) => r.verified === undefined));
  });
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

test('live: a Secret or a namespace that does not exist is said in a warning line (and in the JSON warnings)', async () => {
  const res = await env.cli(['who-can', 'no-such-secret', '-n', PAY, '-o', 'json']);
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stderr, new RegExp(`^warning: Secret "no-such-secret" not found in namespace "${PAY}"$`, 'm'));
  assert.deepEqual(JSON.parse(res.stdout).warnings, [`Secret "no-such-secret" not found in namespace "${PAY}"`]);
  const ns = await env.cli(['who-can', 'db-creds', '-n', 'no-such-namespace-x1']);
  assert.match(ns.stderr, /^warning: namespace "no-such-namespace-x1" not found$/m);
});

test('offline: --verify needs the cluster and a missing file is an input error (exit 2)', async () => {
  const verify = await runCli(['who-can', 'db-creds', '-f', FIXTURE, '--verify'], {env: {KUBECONFIG: '/nonexistent'}});
  assert.equal(verify.code, 2);
  assert.match(verify.stderr, /^error: --verify asks the cluster, so it cannot be used with -f\n/);
  const missing = await runCli(['who-can', 'db-creds', '-f', '/nonexistent/rbac.yaml'], {env: {KUBECONFIG: '/nonexistent'}});
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no such file or folder: \/nonexistent\/rbac.yaml/);
});
