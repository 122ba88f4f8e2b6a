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
import {runAudit} from '../../../src/audit/inputs.js';
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
  // In use by what they are: sealing keys (ours and Bitnami's), an Argo CD credential, an owned Secret.
  secret('kube-system', 'kubectl-secret-key-0a1b2c', {}, {creationTimestamp: ago(400), labels: {'kubectl-secret.dev/sealing-key': 'true'}}),
  secret('kube-system', 'sealed-secrets-keyx7q2z', {type: 'kubernetes.io/tls'}, {creationTimestamp: ago(400), labels: {'sealedsecrets.bitnami.com/sealed-secrets-key': 'active'}}),
  secret('gitops', 'repo-creds', {}, {labels: {'argocd.argoproj.io/secret-type': 'repository'}}),
  secret('gitops', 'owned', {}, {ownerReferences: [{apiVersion: 'example.com/v1', kind: 'Database', name: 'main', uid: 'u3'}]}),
  // Named only by custom resources and webhooks.
  ...['web-cert', 'acme-account', 'cf-token', 'es-target', 'db-sync', 'aws-creds', 'git-auth', 'sops-age', 'helm-values', 'extra-scrape', 'alertmanager-main', 'webhook-ca', 'ci-token']
    .map((n) => secret('ops', n)),
  secret('cert-manager', 'root-ca', {type: 'kubernetes.io/tls'}),
  secret('vault', 'vault-token'),
  {apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: {name: 'web', namespace: 'ops'}, spec: {secretName: 'web-cert', issuerRef: {name: 'le'}}},
  {apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: {name: 'le', namespace: 'ops'}, spec: {acme: {server: 'https://acme.example', privateKeySecretRef: {name: 'acme-account'},
    solvers: [{dns01: {cloudflare: {apiTokenSecretRef: {name: 'cf-token', key: 'token'}}}}]}}},
  {apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: {name: 'internal-ca'}, spec: {ca: {secretName: 'root-ca'}}},
  {apiVersion: 'external-secrets.io/v1beta1', kind: 'ExternalSecret', metadata: {name: 'es', namespace: 'ops'}, spec: {secretStoreRef: {name: 'aws'}, target: {name: 'es-target'}}},
  // Without target.name the ExternalSecret writes a Secret of its own name.
  {apiVersion: 'external-secrets.io/v1beta1', kind: 'ExternalSecret', metadata: {name: 'db-sync', namespace: 'ops'}, spec: {secretStoreRef: {name: 'aws'}}},
  {apiVersion: 'external-secrets.io/v1beta1', kind: 'SecretStore', metadata: {name: 'aws', namespace: 'ops'}, spec: {provider: {aws: {service: 'SecretsManager', auth: {secretRef: {accessKeyIDSecretRef: {name: 'aws-creds', key: 'id'}}}}}}},
  {apiVersion: 'external-secrets.io/v1beta1', kind: 'ClusterSecretStore', metadata: {name: 'vault'}, spec: {provider: {vault: {auth: {tokenSecretRef: {name: 'vault-token', namespace: 'vault', key: 't'}}}}}},
  {apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: {name: 'app', namespace: 'ops'}, spec: {url: 'ssh://git@example/app', secretRef: {name: 'git-auth'}}},
  {apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: {name: 'app', namespace: 'ops'}, spec: {decryption: {provider: 'sops', secretRef: {name: 'sops-age'}}}},
  {apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: {name: 'app', namespace: 'ops'}, spec: {valuesFrom: [{kind: 'ConfigMap', name: 'orphan'}, {kind: 'Secret', name: 'helm-values'}]}},
  {apiVersion: 'monitoring.coreos.com/v1', kind: 'Prometheus', metadata: {name: 'k8s', namespace: 'ops'}, spec: {additionalScrapeConfigs: {name: 'extra-scrape', key: 'scrape.yaml'}}},
  {apiVersion: 'monitoring.coreos.com/v1', kind: 'Alertmanager', metadata: {name: 'main', namespace: 'ops'}, spec: {replicas: 1}},
  {apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: {name: 'hooks', annotations: {'cert-manager.io/inject-ca-from-secret': 'ops/webhook-ca'}}, webhooks: []},
  // Read through the API: nothing names ci-token, but a running Deployment's ServiceAccount may get it by name.
  {apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: 'ci', namespace: 'ops'}},
  {apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'ci-runner', namespace: 'ops'}, spec: {replicas: 1, template: {spec: {serviceAccountName: 'ci', automountServiceAccountToken: false, containers: [{name: 'c', image: 'x'}]}}}},
  {apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: {name: 'read-ci-token', namespace: 'ops'}, rules: [{apiGroups: [''], resources: ['secrets'], resourceNames: ['ci-token'], verbs: ['get']}]},
  {apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: {name: 'ci-reads', namespace: 'ops'}, roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read-ci-token'}, subjects: [{kind: 'ServiceAccount', name: 'ci', namespace: 'ops'}]},
  // The same grant to a ServiceAccount whose only Deployment is scaled to zero: nothing runs to read it.
  secret('idle', 'idle-token'),
  {apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: 'ci', namespace: 'idle'}},
  {apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'ci-runner', namespace: 'idle'}, spec: {replicas: 0, template: {spec: {serviceAccountName: 'ci', containers: [{name: 'c', image: 'x'}]}}}},
  {apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: {name: 'list-secrets', namespace: 'idle'}, rules: [{apiGroups: [''], resources: ['secrets'], verbs: ['list']}]},
  {apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: {name: 'ci-lists', namespace: 'idle'}, roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'list-secrets'}, subjects: [{kind: 'ServiceAccount', name: 'ci', namespace: 'idle'}]},
];

// Parsed once: every case audits the same objects with its own options. `withWorkloads: false`
// leaves out the shared real workloads, among them ingress-nginx, whose controller may list every
// Secret of the cluster (so with it nothing is `unused`, only `api-read`).
const sources = new Map<boolean, ObjectSource>();
function objects(withWorkloads = true): ObjectSource {
  const cached = sources.get(withWorkloads);
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'ks-audit-'));
  try {
    const file = join(dir, 'ours.json');
    writeFileSync(file, JSON.stringify({apiVersion: 'v1', kind: 'List', items: OURS}));
    const source = fileSource(withWorkloads ? [BOOTSTRAP, WORKLOADS, file] : [BOOTSTRAP, file], false, 'default');
    sources.set(withWorkloads, source);
    return source;
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}

async function run(o: {namespace?: string; expectSealed?: boolean; maxAgeDays?: number; withWorkloads?: boolean} = {}): Promise<AuditReport> {
  const {report} = await runAudit(objects(o.withWorkloads), o.namespace, {now: NOW, maxAgeMs: (o.maxAgeDays ?? 90) * DAY, expectSealed: o.expectSealed ?? false});
  return report;
}

let cached: Promise<AuditReport> | undefined;
const all = () => (cached ??= run({expectSealed: true}));

const findingsOfIn = (ns: string, name: string, report: AuditReport) => findingsOf(ns, name, report);
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

let ownCached: Promise<AuditReport> | undefined;
const ours = () => (ownCached ??= run({expectSealed: true, withWorkloads: false}));

test('unused: a Secret nothing references and no running workload may read is a low finding', async () => {
  const r = await ours();
  const f = r.secrets.find((x) => x.name === 'orphan')!.findings.find((x) => x.id === 'unused');
  assert.equal(f?.severity, 'low');
});

test('api-read: with the real ingress-nginx controller running (it may list every Secret), an unreferenced Secret is api-read, not unused', async () => {
  const orphan = await findingsOf('payments', 'orphan');
  assert.ok(!orphan.has('unused'));
  assert.match(orphan.get('api-read') ?? '', /^readable by ServiceAccount ingress-nginx\/ingress-nginx, used by DaemonSet ingress-nginx\/ingress-nginx-controller; no reference found$/);
});

test('unused: Ingress TLS, ServiceAccount pull secrets, pod pull secrets and service-account tokens are in use', async () => {
  for (const name of ['web-tls', 'registry', 'builder-token', 'quiet-creds']) assert.ok(!(await findingsOf('payments', name, await ours())).has('unused'), name);
  assert.ok(!(await findingsOf('default', 'ngc-secret')).has('unused'));
  assert.ok(!(await findingsOf('default', 'argocd-dex-server-tls')).has('unused'));
});

test('sealing keys (ours and Bitnami\'s) are in use: never unused, stale or unsealed-source, whatever their age', async () => {
  for (const name of ['kubectl-secret-key-0a1b2c', 'sealed-secrets-keyx7q2z']) assert.deepEqual([...(await findingsOf('kube-system', name)).keys()], [], name);
});

test('unused: Secrets named by cert-manager, External Secrets, Flux, Prometheus Operator, a webhook CA injection, an Argo CD label or an owner are in use', async () => {
  const r = await ours();
  const findingsOf = (ns: string, name: string) => findingsOfIn(ns, name, r);
  for (const name of ['web-cert', 'acme-account', 'cf-token', 'es-target', 'db-sync', 'aws-creds', 'git-auth', 'sops-age', 'helm-values', 'extra-scrape', 'alertmanager-main', 'webhook-ca']) {
    assert.ok(!(await findingsOf('ops', name)).has('unused'), name);
  }
  assert.ok(!(await findingsOf('cert-manager', 'root-ca')).has('unused'), 'a ClusterIssuer reads from cert-manager\'s namespace');
  assert.ok(!(await findingsOf('vault', 'vault-token')).has('unused'), 'a ClusterSecretStore names the namespace');
  assert.ok(!(await findingsOf('gitops', 'repo-creds')).has('unused'));
  assert.ok(!(await findingsOf('gitops', 'owned')).has('unused'));
  assert.ok(!(await findingsOf('payments', 'from-external-secrets')).has('unused'));
});

test('api-read: nothing names it but a running workload\'s ServiceAccount may get it: info, never unused; scaled to zero it is unused', async () => {
  const r = await ours();
  const ci = await findingsOf('ops', 'ci-token', r);
  assert.ok(!ci.has('unused'));
  assert.equal(ci.get('api-read'), 'readable by ServiceAccount ops/ci, used by Deployment ops/ci-runner; no reference found');
  assert.equal(r.secrets.find((x) => x.name === 'ci-token')!.findings.find((f) => f.id === 'api-read')!.severity, 'info');
  const idle = await findingsOf('idle', 'idle-token', r);
  assert.ok(idle.has('unused') && !idle.has('api-read'));
  // Only what nothing references gets api-read.
  assert.ok(!(await findingsOf('ops', 'web-cert', r)).has('api-read'));
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
  assert.equal(n.findings.critical + n.findings.high + n.findings.medium + n.findings.low + n.findings.info, total);
  assert.ok(n.score >= 0 && n.score < 100);
  // orphan: unsealed-source (high, 30) off 100; api-read (info) weighs nothing. With -n the
  // workloads of other namespaces are not read, so the ingress-nginx account that may list it
  // is named as possibly used there, never as proof that nothing reads it.
  const orphan = r.secrets.find((x) => x.name === 'orphan')!;
  assert.deepEqual(orphan.findings.map((f) => f.id), ['unsealed-source', 'api-read']);
  assert.match(orphan.findings[1].message, /^readable by ServiceAccount ingress-nginx\/ingress-nginx, kube-system\/[a-z-]+ and \d+ more of other namespaces, whose workloads this audit did not read \(-n payments\); no reference found$/);
  assert.equal(secretScore(orphan), 70);
  assert.equal(n.score, Math.round(r.secrets.reduce((sum, x) => sum + secretScore(x), 0) / r.secrets.length));
});

test('findings are sorted most severe first, and no message carries a value', async () => {
  const r = await all();
  const order = ['critical', 'high', 'medium', 'low', 'info'];
  for (const s of r.secrets) {
    const ranks = s.findings.map((f) => order.indexOf(f.severity));
    assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b));
    for (const f of s.findings) assert.ok(!f.message.includes('Q0FOQVJZ') && !f.message.includes('CANARY'));
  }
});
