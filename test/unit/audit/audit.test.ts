// audit offline, the way `audit -f` reads manifests: Kubernetes' bootstrap RBAC and the real
// workloads from ../shared/fixtures as they are, plus a small file of our own with the Secrets
// (and the few objects) each finding needs. Each finding has a case that triggers it and one
// that must not.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileSource, type ObjectSource} from '../../../src/kube/object-source.js';
import {secretScore} from '../../../src/audit/audit.js';
import {auditSource} from '../../../src/audit/run.js';
import type {AuditReport, FindingId} from '../../../src/audit/types.js';

const SHARED = '/work/shared/fixtures';
const BOOTSTRAP = join(SHARED, 'kubernetes-bootstrap-rbac');
const WORKLOADS = join(SHARED, 'workloads');
const DAY = 86_400_000;
const NOW = Date.parse('2025-06-01T00:00:00Z');
const ago = (days: number) => new Date(NOW - days * DAY).toISOString();

const secret = (ns: string, name: string, extra: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}) =>
  ({apiVersion: 'v1', kind: 'Secret', metadata: {name, namespace: ns, ...metadata}, data: {k: 'Q0FOQVJZ'}, ...extra});

const OURS = [
  // Secrets the real workloads reference.
  secret('argocd', 'argocd-redis'),
  secret('default', 'argocd-dex-server-tls', {type: 'kubernetes.io/tls'}),
  secret('default', 'ngc-secret', {type: 'kubernetes.io/dockerconfigjson'}),
  // stale
  secret('payments', 'old-rotation', {}, {creationTimestamp: ago(400), annotations: {'kubectl-secret.dev/rotated-at': ago(200)}}),
  secret('payments', 'fresh-rotation', {}, {creationTimestamp: ago(400), annotations: {'kubectl-secret.dev/rotated-at': ago(10)}}),
  secret('payments', 'old-never-rotated', {}, {creationTimestamp: ago(120)}),
  // unused and its exceptions
  secret('payments', 'orphan'),
  secret('payments', 'web-tls', {type: 'kubernetes.io/tls'}),
  secret('payments', 'registry', {type: 'kubernetes.io/dockerconfigjson'}),
  secret('payments', 'builder-token', {type: 'kubernetes.io/service-account-token'}, {annotations: {'kubernetes.io/service-account.name': 'builder'}}),
  // automount off on the ServiceAccount
  secret('payments', 'quiet-creds'),
  // unsealed-source
  secret('payments', 'sealed-by-us'),
  secret('payments', 'owned-by-bitnami', {}, {ownerReferences: [{apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', name: 'owned-by-bitnami', uid: 'u1', controller: true}]}),
  secret('payments', 'from-external-secrets', {}, {ownerReferences: [{apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', name: 'x', uid: 'u2', controller: true}]}),
  // broad-readers: every ServiceAccount of `open` may read every Secret there, through the
  // bootstrap `edit` ClusterRole (aggregated offline from system:aggregate-to-edit).
  secret('open', 'shared-creds'),
  // In `named`, everyone authenticated may read just one Secret by name.
  secret('named', 'public-one'),
  secret('named', 'private-one'),
  {apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: 'default', namespace: 'payments'}, imagePullSecrets: [{name: 'registry'}]},
  {apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: 'quiet', namespace: 'payments'}, automountServiceAccountToken: false},
  {apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: 'app', namespace: 'open'}},
  {apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'quiet', namespace: 'payments'}, spec: {template: {spec: {serviceAccountName: 'quiet', containers: [{name: 'c', image: 'x', volumeMounts: [{name: 'q', mountPath: '/q'}]}], volumes: [{name: 'q', secret: {secretName: 'quiet-creds'}}]}}}},
  {apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: {name: 'web', namespace: 'payments'}, spec: {tls: [{hosts: ['a.example'], secretName: 'web-tls'}]}},
  {apiVersion: 'kubectl-secret.dev/v1alpha1', kind: 'SealedSecret', metadata: {name: 'sealed-by-us', namespace: 'payments'}, spec: {encryptedData: {k: 'AgB'}}},
  {apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: {name: 'all-sas-edit', namespace: 'open'}, roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit'}, subjects: [{kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:serviceaccounts:open'}]},
  // Not broad: one named ServiceAccount with edit in payments.
  {apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: {name: 'deployer-edit', namespace: 'payments'}, roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit'}, subjects: [{kind: 'ServiceAccount', name: 'deployer', namespace: 'payments'}]},
  // Not broad either: view never includes Secrets.
  {apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: {name: 'everyone-views'}, roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view'}, subjects: [{kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:authenticated'}]},
  {apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: {name: 'read-public-one', namespace: 'named'}, rules: [{apiGroups: [''], resources: ['secrets'], resourceNames: ['public-one'], verbs: ['get']}]},
  {apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: {name: 'everyone-reads-public-one', namespace: 'named'}, roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read-public-one'}, subjects: [{kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:authenticated'}]},
];

// Parsed once: every case audits the same objects with its own options.
let source: ObjectSource | undefined;
function objects(): ObjectSource {
  if (source) return source;
  const dir = mkdtempSync(join(tmpdir(), 'ks-audit-'));
  try {
    const file = join(dir, 'ours.json');
    writeFileSync(file, JSON.stringify({apiVersion: 'v1', kind: 'List', items: OURS}));
    return (source = fileSource([BOOTSTRAP, WORKLOADS, file], false, 'default'));
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}

async function run(o: {namespace?: string; expectSealed?: boolean; maxAgeDays?: number} = {}): Promise<AuditReport> {
  const {report} = await auditSource(objects(), o.namespace, {now: NOW, maxAgeMs: (o.maxAgeDays ?? 90) * DAY, expectSealed: o.expectSealed ?? false});
  return report;
}

let cached: Promise<AuditReport> | undefined;
const all = () => (cached ??= run({expectSealed: true}));

async function findingsOf(ns: string, name: string, report?: AuditReport): Promise<Map<FindingId, string>> {
  const r = report ?? (await all());
  const s = r.secrets.find((x) => x.namespace === ns && x.name === name);
  assert.ok(s, `Secret ${ns}/${name} is not in the report`);
  return new Map(s.findings.map((f) => [f.id, f.message]));
}

test('stale: rotated-at older than --max-age is reported with its age', async () => {
  const f = await findingsOf('payments', 'old-rotation');
  assert.equal(f.get('stale'), 'last rotated 200d ago (kubectl-secret.dev/rotated-at), over the maximum age of 90d');
  assert.match((await findingsOf('payments', 'old-never-rotated')).get('stale') ?? '', /^created 120d ago and never rotated/);
});

test('stale: a recent rotated-at wins over an old creation time, and an unknown age is not stale', async () => {
  assert.ok(!(await findingsOf('payments', 'fresh-rotation')).has('stale'));
  assert.ok(!(await findingsOf('payments', 'orphan')).has('stale'), 'no timestamps: age unknown');
  const relaxed = await run({maxAgeDays: 365, namespace: 'payments'});
  assert.ok(!(await findingsOf('payments', 'old-rotation', relaxed)).has('stale'));
});

test('broad-readers: every ServiceAccount of a namespace reading through the aggregated edit role is critical', async () => {
  const r = await all();
  const s = r.secrets.find((x) => x.name === 'shared-creds')!;
  const f = s.findings.find((x) => x.id === 'broad-readers');
  assert.ok(f);
  assert.equal(f.severity, 'critical');
  assert.match(f.message, /^readable directly by Group system:serviceaccounts:open \(get, list, watch\); \d+ subjects can read it directly, \d+ more indirectly$/);
  // system:masters, the group, its one ServiceAccount, and the bootstrap controllers that read every Secret.
  const direct = Number(/(\d+) subjects can read it directly/.exec(f.message)![1]);
  assert.ok(direct >= 4, f.message);
});

test('broad-readers: a named ServiceAccount, view for everyone and many controllers are not broad', async () => {
  for (const [ns, name] of [['payments', 'orphan'], ['kube-system', 'cluster-autoscaler-azure'], ['argocd', 'argocd-redis']]) {
    assert.ok(!(await findingsOf(ns, name)).has('broad-readers'), `${ns}/${name}`);
  }
});

test('broad-readers: a grant restricted by resourceNames reaches only the Secret it names', async () => {
  assert.match((await findingsOf('named', 'public-one')).get('broad-readers') ?? '', /^readable directly by Group system:authenticated \(get by name\);/);
  assert.ok(!(await findingsOf('named', 'private-one')).has('broad-readers'), 'another Secret of the namespace must not share the answer');
});

test('env-exposure: env and envFrom consumers are named with their variables', async () => {
  assert.equal((await findingsOf('kube-system', 'cluster-autoscaler-azure')).get('env-exposure'),
    'consumed through environment variables by Deployment cluster-autoscaler (ARM_SUBSCRIPTION_ID, ARM_RESOURCE_GROUP, ARM_TENANT_ID and 3 more); mount it as a file instead');
  assert.match((await findingsOf('argocd', 'argocd-redis')).get('env-exposure') ?? '', /Deployment argocd-redis-ha-haproxy \(AUTH\), StatefulSet argocd-redis-ha-server \(AUTH\)/);
});

test('env-exposure: a Secret mounted as a volume or used as a pull secret is not exposed', async () => {
  assert.ok(!(await findingsOf('default', 'argocd-dex-server-tls')).has('env-exposure'));
  assert.ok(!(await findingsOf('default', 'ngc-secret')).has('env-exposure'));
});

test('unused: a Secret nothing references is a low finding', async () => {
  const r = await all();
  const f = r.secrets.find((x) => x.name === 'orphan')!.findings.find((x) => x.id === 'unused');
  assert.equal(f?.severity, 'low');
});

test('unused: Ingress TLS, ServiceAccount pull secrets, pod pull secrets and service-account tokens are in use', async () => {
  for (const name of ['web-tls', 'registry', 'builder-token', 'quiet-creds']) assert.ok(!(await findingsOf('payments', name)).has('unused'), name);
  assert.ok(!(await findingsOf('default', 'ngc-secret')).has('unused'));
  assert.ok(!(await findingsOf('default', 'argocd-dex-server-tls')).has('unused'));
});

test('legacy-sa-token: a kubernetes.io/service-account-token Secret is high, others are not', async () => {
  const r = await all();
  const f = r.secrets.find((x) => x.name === 'builder-token')!.findings.find((x) => x.id === 'legacy-sa-token');
  assert.equal(f?.severity, 'high');
  assert.match(f!.message, /of ServiceAccount builder/);
  assert.ok(!(await findingsOf('payments', 'web-tls')).has('legacy-sa-token'));
  assert.ok(!(await findingsOf('payments', 'orphan')).has('legacy-sa-token'));
});

test('automount: consumers that automount a token are listed; automountServiceAccountToken: false on the pod is respected', async () => {
  const m = (await findingsOf('argocd', 'argocd-redis')).get('automount');
  assert.equal(m, 'Deployment argocd-redis-ha-haproxy (ServiceAccount argocd-redis-ha-haproxy) also automounts a ServiceAccount token; set automountServiceAccountToken: false where the pods do not call the API');
});

test('automount: false on the ServiceAccount, or a Secret only used as a pull secret, is not reported', async () => {
  assert.ok(!(await findingsOf('payments', 'quiet-creds')).has('automount'));
  assert.ok(!(await findingsOf('default', 'ngc-secret')).has('automount'));
});

test('unsealed-source: with --expect-sealed, a Secret no SealedSecret produces is high', async () => {
  const r = await all();
  const f = r.secrets.find((x) => x.name === 'orphan')!.findings.find((x) => x.id === 'unsealed-source');
  assert.equal(f?.severity, 'high');
});

test('unsealed-source: a same-name kubectl-secret.dev SealedSecret, a Bitnami owner, another controller or no --expect-sealed is fine', async () => {
  for (const name of ['sealed-by-us', 'owned-by-bitnami', 'from-external-secrets', 'builder-token']) assert.ok(!(await findingsOf('payments', name)).has('unsealed-source'), name);
  const plain = await run({namespace: 'payments'});
  assert.ok(plain.secrets.every((s) => s.findings.every((f) => f.id !== 'unsealed-source')));
});

test('the report covers one namespace with -n, has the documented shape and scores each namespace', async () => {
  const r = await run({namespace: 'payments', expectSealed: true});
  assert.ok(r.secrets.length > 0 && r.secrets.every((s) => s.namespace === 'payments'));
  assert.deepEqual(Object.keys(r), ['secrets', 'summary']);
  for (const s of r.secrets) {
    assert.deepEqual(Object.keys(s), ['namespace', 'name', 'findings']);
    for (const f of s.findings) assert.deepEqual(Object.keys(f), ['id', 'severity', 'message']);
  }
  assert.deepEqual(r.summary.namespaces.map((n) => n.namespace), ['payments']);
  const n = r.summary.namespaces[0];
  assert.equal(n.secrets, r.secrets.length);
  const total = r.secrets.flatMap((s) => s.findings).length;
  assert.equal(n.findings.critical + n.findings.high + n.findings.medium + n.findings.low, total);
  assert.ok(n.score >= 0 && n.score < 100);
  // orphan: unsealed-source (high, 30) and unused (low, 3) off 100.
  const orphan = r.secrets.find((x) => x.name === 'orphan')!;
  assert.deepEqual(orphan.findings.map((f) => f.id), ['unsealed-source', 'unused']);
  assert.equal(secretScore(orphan), 67);
  assert.equal(n.score, Math.round(r.secrets.reduce((sum, x) => sum + secretScore(x), 0) / r.secrets.length));
});

test('findings are sorted most severe first, and no message carries a value', async () => {
  const r = await all();
  const order = ['critical', 'high', 'medium', 'low'];
  for (const s of r.secrets) {
    const ranks = s.findings.map((f) => order.indexOf(f.severity));
    assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b));
    for (const f of s.findings) assert.ok(!f.message.includes('Q0FOQVJZ') && !f.message.includes('CANARY'));
  }
});
