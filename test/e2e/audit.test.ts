// `kubectl secret audit` as a user runs it: live against the test API server (one namespace,
// -A, --fail-on exit codes, -o json|sarif, a 403 on a list, a canary value that must never be
// printed) and offline with -f over the shared bootstrap RBAC and real workloads.
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {randomBytes} from 'node:crypto';
import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {REPO_ROOT, runCli} from '../helpers/cli.js';
import {e2eEnv, needsTestServer, type E2EEnv} from '../helpers/cluster.js';

const SHARED = join(REPO_ROOT, '..', 'shared', 'fixtures');
const canary = `CANARY-${randomBytes(8).toString('hex')}`;
const b64 = Buffer.from(canary).toString('base64');
const RBAC = 'rbac.authorization.k8s.io';
const longAgo = new Date(Date.now() - 200 * 86_400_000).toISOString();

const secret = (ns: string, name: string, extra: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}) =>
  ({apiVersion: 'v1', kind: 'Secret', metadata: {name, namespace: ns, ...metadata}, data: {password: b64}, ...extra});
// replicas 0: audit reads pod templates, and a real cluster need not pull these images.
const deployment = (ns: string, name: string, spec: Record<string, unknown>) =>
  ({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name, namespace: ns}, spec: {replicas: 0, selector: {matchLabels: {app: name}}, template: {metadata: {labels: {app: name}}, spec: {containers: [{name: 'app', image: 'app:1'}], ...spec}}}});

/** The objects of the three namespaces, named as the run names them (see env.kube.nsName). */
const objects = (P: string, Q: string, T: string, reader: string, real: boolean) => [
  ...[P, Q, T].map((name) => ({apiVersion: 'v1', kind: 'Namespace', metadata: {name}})),
  // payments: a bit of everything.
  secret(P, 'db-creds'),
  secret(P, 'old-api-key', {}, {annotations: {'kubectl-secret.dev/rotated-at': longAgo}}),
  // A real cluster's token controller deletes a token Secret whose ServiceAccount does not exist.
  ...(real ? [{apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: 'builder', namespace: P}}] : []),
  secret(P, 'builder-token', {type: 'kubernetes.io/service-account-token'}, {annotations: {'kubernetes.io/service-account.name': 'builder'}}),
  secret(P, 'web-tls', {type: 'kubernetes.io/tls', data: {'tls.crt': b64, 'tls.key': b64}}),
  secret(P, 'sealed'),
  deployment(P, 'api', {containers: [{name: 'app', image: 'api:1', env: [{name: 'DB_PASSWORD', valueFrom: {secretKeyRef: {name: 'db-creds', key: 'password'}}}]}]}),
  deployment(P, 'worker', {automountServiceAccountToken: false, containers: [{name: 'app', image: 'w:1', volumeMounts: [{name: 'k', mountPath: '/k'}]}],
    volumes: [{name: 'k', secret: {secretName: 'old-api-key'}}, {name: 's', secret: {secretName: 'sealed'}}]}),
  {apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: {name: 'web', namespace: P}, spec: {defaultBackend: {service: {name: 'web', port: {number: 80}}}, tls: [{secretName: 'web-tls'}]}},
  {apiVersion: 'kubectl-secret.dev/v1alpha1', kind: 'SealedSecret', metadata: {name: 'sealed', namespace: P}, spec: {encryptedData: {password: 'AgB'}}},
  {apiVersion: `${RBAC}/v1`, kind: 'ClusterRole', metadata: {name: reader}, rules: [{apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list']}]},
  {apiVersion: `${RBAC}/v1`, kind: 'RoleBinding', metadata: {name: 'everyone-reads', namespace: P}, roleRef: {apiGroup: RBAC, kind: 'ClusterRole', name: reader},
    subjects: [{kind: 'Group', apiGroup: RBAC, name: 'system:authenticated'}]},
  // quiet: only a medium finding (env) — and a low one.
  secret(Q, 'env-only'),
  deployment(Q, 'app', {automountServiceAccountToken: false, containers: [{name: 'app', image: 'a:1', envFrom: [{secretRef: {name: 'env-only'}}]}]}),
  // tidy: nothing to report.
  secret(T, 'mounted'),
  deployment(T, 'app', {automountServiceAccountToken: false, containers: [{name: 'app', image: 'a:1', volumeMounts: [{name: 'm', mountPath: '/m'}]}], volumes: [{name: 'm', secret: {secretName: 'mounted'}}]}),
];

let env: E2EEnv;
/** payments, quiet and tidy on the test server; with a random suffix on a real cluster. */
let P: string;
let Q: string;
let T: string;
before(async () => {
  env = await e2eEnv();
  // The test server serves neither Ingress nor SealedSecrets until registered; Bitnami's
  // SealedSecret stays unregistered (404 on list: not installed, so none). A real cluster
  // serves Ingress already.
  if (!(await env.kube.serves('networking.k8s.io/v1', 'Ingress'))) await env.kube.registerCRD({group: 'networking.k8s.io', version: 'v1', kind: 'Ingress', plural: 'ingresses'});
  await env.kube.registerCRD({group: 'kubectl-secret.dev', version: 'v1alpha1', kind: 'SealedSecret', plural: 'sealedsecrets', status: true});
  [P, Q, T] = await Promise.all(['payments', 'quiet', 'tidy'].map((n) => env.kube.namespace(n)));
  await env.kube.load(objects(P, Q, T, env.kube.clusterName('secret-reader'), env.real));
});
after(async () => {
  await env?.close();
});

function noCanary(res: {stdout: string; stderr: string}) {
  assert.ok(!res.stdout.includes(canary) && !res.stderr.includes(canary) && !res.stdout.includes(b64) && !res.stderr.includes(b64), 'a secret value was printed');
}

type Report = {secrets: Array<{namespace: string; name: string; findings: Array<{id: string; severity: string; message: string}>}>; summary: any};
const ids = (r: Report, ns: string, name: string) => r.secrets.find((s) => s.namespace === ns && s.name === name)?.findings.map((f) => f.id);

test('live -n: -o json has the documented shape and the expected findings; high findings exit 1', async () => {
  const res = await env.cli(['audit', '-n', P, '-o', 'json', '--expect-sealed']);
  noCanary(res);
  assert.equal(res.code, 1, res.stderr);
  const r: Report = JSON.parse(res.stdout);
  assert.deepEqual(Object.keys(r), ['secrets', 'summary']);
  for (const s of r.secrets) {
    assert.deepEqual(Object.keys(s), ['namespace', 'name', 'findings']);
    for (const f of s.findings) assert.deepEqual(Object.keys(f), ['id', 'severity', 'message']);
  }
  assert.deepEqual(r.secrets.map((s) => s.name), ['builder-token', 'db-creds', 'old-api-key', 'sealed', 'web-tls']);
  assert.deepEqual(ids(r, P, 'db-creds'), ['broad-readers', 'unsealed-source', 'env-exposure', 'automount']);
  assert.deepEqual(ids(r, P, 'old-api-key'), ['broad-readers', 'unsealed-source', 'stale']);
  assert.deepEqual(ids(r, P, 'builder-token'), ['broad-readers', 'legacy-sa-token']);
  // Produced by a kubectl-secret.dev SealedSecret, mounted by a pod without a token.
  assert.deepEqual(ids(r, P, 'sealed'), ['broad-readers']);
  assert.deepEqual(ids(r, P, 'web-tls'), ['broad-readers', 'unsealed-source']);
  const broad = r.secrets[1].findings[0];
  assert.equal(broad.severity, 'critical');
  assert.match(broad.message, /^readable directly by Group system:authenticated \(get, list\); \d+ subjects can read it directly, \d+ more indirectly$/);
  assert.match(r.secrets.find((s) => s.name === 'old-api-key')!.findings.find((f) => f.id === 'stale')!.message, /^last rotated 200d ago/);
  assert.deepEqual(r.summary.namespaces.map((n: any) => n.namespace), [P]);
  assert.equal(r.summary.secrets, 5);
  assert.deepEqual(r.summary.warnings, []);
});

// Test server only: the totals need a cluster holding nothing but these namespaces, and the
// one-list-per-kind check reads the request log.
test('live -A: every namespace, one summary line each and a total, table without values', async (t) => {
  const server = needsTestServer(t, env);
  if (!server) return;
  const before = server.requests.length;
  const res = await env.cli(['audit', '-A']);
  noCanary(res);
  assert.equal(res.code, 1, res.stderr);
  assert.match(res.stdout, /^NAMESPACE\s+SECRET\s+SEVERITY\s+FINDING\s+MESSAGE\n/);
  assert.match(res.stdout, /\npayments\s+db-creds\s+CRITICAL\s+broad-readers\s+readable directly by Group system:authenticated/);
  assert.match(res.stdout, /\nquiet\s+env-only\s+MEDIUM\s+env-exposure\s+consumed through environment variables by Deployment app \(envFrom\)/);
  assert.match(res.stdout, /\npayments: 5 Secrets, score \d+\/100 \(5 critical, 1 high, 2 medium, 1 low\)\nquiet: 1 Secret, score 90\/100 \(0 critical, 0 high, 1 medium, 0 low\)\ntidy: 1 Secret, score 100\/100 \(0 critical, 0 high, 0 medium, 0 low\)\ntotal: 7 Secrets in 3 namespaces, score \d+\/100/);
  // Every kind is listed once for the whole cluster, never once per Secret or per namespace.
  const lists = server.requests.slice(before).filter((q) => q.method === 'GET');
  const perPath = new Map<string, number>();
  // Secrets are listed once in full and once per type a check needs (type=… field selector).
  for (const q of lists) {
    const key = q.path + (new URLSearchParams(q.query).get('fieldSelector') ?? '');
    perPath.set(key, (perPath.get(key) ?? 0) + 1);
  }
  assert.ok([...perPath.values()].every((n) => n === 1), JSON.stringify([...perPath]));
  assert.ok(perPath.has('/api/v1/secrets') && perPath.has('/apis/rbac.authorization.k8s.io/v1/rolebindings') && perPath.has('/apis/bitnami.com/v1alpha1/sealedsecrets'));
  assert.ok(![...perPath.keys()].some((p) => p.includes('/namespaces/')), 'a per-namespace list with -A');
});

test('live: Secrets are read as metadata only (PartialObjectMetadataList), never with their values', async (t) => {
  const server = needsTestServer(t, env);
  if (!server) return;
  for (const scope of [['-n', P], ['-A']]) {
    const before = server.requests.length;
    const res = await env.cli(['audit', ...scope, '-o', 'json']);
    noCanary(res);
    assert.equal(res.code, 1, res.stderr);
    const secretReads = server.requests.slice(before).filter((q) => q.method === 'GET' && /^\/api\/v1\/(namespaces\/[^/]+\/)?secrets(\/|$)/.test(q.path));
    assert.ok(secretReads.length > 0);
    for (const q of secretReads) assert.match(q.accept ?? '', /^application\/json;as=PartialObjectMetadataList;g=meta\.k8s\.io;v=v1/, `${q.path}?${q.query} asked for values`);
    // The types the checks need still arrive: the legacy token is found, the TLS Secret is not one.
    const r: Report = JSON.parse(res.stdout);
    assert.ok(ids(r, P, 'builder-token')!.includes('legacy-sa-token'));
    assert.ok(!ids(r, P, 'web-tls')!.includes('legacy-sa-token'));
  }
});

test('--fail-on: exit 0 below the threshold, 1 at or above it, and none never fails', async () => {
  const quiet = (args: string[]) => env.cli(['audit', '-n', Q, ...args]);
  assert.equal((await quiet([])).code, 0, 'a medium finding is below the default (high)');
  assert.equal((await quiet(['--fail-on', 'medium'])).code, 1);
  assert.equal((await env.cli(['audit', '-n', P, '--fail-on', 'none'])).code, 0);
  const tidy = await env.cli(['audit', '-n', T, '--fail-on', 'low']);
  assert.equal(tidy.code, 0, tidy.stderr);
  assert.ok(tidy.stdout.startsWith(`No findings.\n\n${T}: 1 Secret, score 100/100`), tidy.stdout);
});

test('usage errors exit 2: a bad --max-age or --fail-on', async () => {
  const bad = await env.cli(['audit', '-n', Q, '--max-age', 'soon']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^error: invalid --max-age "soon"\nuse a duration such as/);
  assert.equal((await env.cli(['audit', '--fail-on', 'severe'])).code, 2);
});

test('--max-age: a shorter maximum makes a recent creation stale', async () => {
  await new Promise((r) => setTimeout(r, 1100));
  const res = await env.cli(['audit', '-n', T, '--max-age', '1s', '-o', 'json']);
  assert.deepEqual(ids(JSON.parse(res.stdout), T, 'mounted'), ['stale']);
  assert.match(JSON.parse(res.stdout).secrets[0].findings[0].message, /^created \d+s ago and never rotated, over the maximum age of 1s$/);
});

test('-o sarif: SARIF 2.1.0 with one rule per finding id and logical locations for live Secrets', async () => {
  const res = await env.cli(['audit', '-n', P, '-o', 'sarif']);
  noCanary(res);
  assert.equal(res.code, 1);
  const sarif = JSON.parse(res.stdout);
  assert.equal(sarif.version, '2.1.0');
  const run = sarif.runs[0];
  assert.deepEqual(run.tool.driver.rules.map((r: any) => r.id), ['stale', 'broad-readers', 'env-exposure', 'unused', 'legacy-sa-token', 'automount', 'unsealed-source', 'api-read']);
  const token = run.results.find((x: any) => x.ruleId === 'legacy-sa-token');
  assert.equal(token.level, 'error');
  assert.equal(run.tool.driver.rules[token.ruleIndex].id, 'legacy-sa-token');
  assert.deepEqual(token.locations[0].logicalLocations, [{kind: 'resource', name: 'builder-token', fullyQualifiedName: `Secret/${P}/builder-token`}]);
  assert.equal(run.results.filter((x: any) => x.ruleId === 'broad-readers').length, 5);
  assert.equal(run.results.find((x: any) => x.ruleId === 'env-exposure').level, 'warning');
});

test('live: a 403 on listing rolebindings, secrets or deployments is named and exits 3, whatever the findings (a CI gate must not pass)', async (t) => {
  const server = needsTestServer(t, env);
  if (!server) return;
  for (const resource of ['rolebindings', 'secrets', 'deployments']) {
    const undo = server.deny({user: 'admin', verb: 'list', resource});
    try {
      const res = await env.cli(['audit', '-n', 'payments', '-o', 'json', '--fail-on', 'none']);
      noCanary(res);
      assert.equal(res.code, 3, `${resource}: ${res.stderr}`);
      assert.match(res.stderr, new RegExp(`^warning: cannot list ${resource} in namespace "payments" \\(forbidden\\): the answer may be incomplete$`, 'm'));
      assert.match(res.stderr, new RegExp(`^error: the audit is incomplete: cannot list ${resource} \\(forbidden\\)\n.*docs/rbac\\.md`, 'm'));
      // The part that could be read is still reported, and says what it lacks.
      const r: Report = JSON.parse(res.stdout);
      assert.deepEqual(r.summary.unreadable, [resource]);
    } finally {
      undo();
    }
  }
  // A custom resource the caller may not list counts too: its references could make a Secret used.
  await env.kube.registerCRD({group: 'cert-manager.io', version: 'v1', kind: 'Certificate', plural: 'certificates'});
  const undo = server.deny({user: 'admin', verb: 'list', resource: 'certificates'});
  try {
    const res = await env.cli(['audit', '-n', 'quiet']);
    assert.equal(res.code, 3, res.stderr);
    assert.match(res.stderr, /error: the audit is incomplete: cannot list certificates\.cert-manager\.io in namespace "quiet" \(forbidden\)/);
  } finally {
    undo();
  }
});

test('a namespace that does not exist: a warning and exit 3 live; a warning from files', async () => {
  const res = await env.cli(['audit', '-n', 'no-such-namespace-x1']);
  assert.equal(res.code, 3, res.stdout + res.stderr);
  assert.match(res.stderr, /^warning: namespace "no-such-namespace-x1" not found$/m);
  assert.match(res.stderr, /^error: namespace "no-such-namespace-x1" not found\n/m);
  // Objects with a namespace of their own: -n names none of them.
  const file = join(env.dir, 'elsewhere.json');
  writeFileSync(file, JSON.stringify({apiVersion: 'v1', kind: 'List', items: [secret('elsewhere', 'a'), deployment('elsewhere', 'app', {})]}));
  const files = await runCli(['audit', '-f', file, '-n', 'no-such-namespace-x1'], {env: {KUBECONFIG: '/nonexistent/kubeconfig'}});
  assert.equal(files.code, 0, files.stderr);
  assert.match(files.stderr, /^warning: no Secret or workload in the files is in namespace "no-such-namespace-x1"$/m);
});

test('live: sealing keys, Secrets named by custom resources, owned Secrets and Secrets a running workload reads through the API are not unused', async () => {
  const O = await env.kube.namespace('ops');
  // The operators' CRDs: registered on the test server, present or not on a real cluster.
  const crds = [
    {group: 'cert-manager.io', version: 'v1', kind: 'Certificate', plural: 'certificates'},
    {group: 'external-secrets.io', version: 'v1beta1', kind: 'ExternalSecret', plural: 'externalsecrets'},
    {group: 'source.toolkit.fluxcd.io', version: 'v1', kind: 'GitRepository', plural: 'gitrepositories'},
  ];
  for (const c of crds) if (!(await env.kube.serves(`${c.group}/${c.version}`, c.kind))) await env.kube.registerCRD(c);
  const reader = env.kube.clusterName('ci-token-reader');
  await env.kube.load([
    secret(O, 'kubectl-secret-key-0a1b2c', {}, {labels: {'kubectl-secret.dev/sealing-key': 'true'}}),
    secret(O, 'sealed-secrets-keyabcde', {type: 'kubernetes.io/tls', data: {'tls.crt': b64, 'tls.key': b64}}, {labels: {'sealedsecrets.bitnami.com/sealed-secrets-key': 'active'}}),
    secret(O, 'web-cert', {type: 'kubernetes.io/tls', data: {'tls.crt': b64, 'tls.key': b64}}),
    secret(O, 'es-target'),
    secret(O, 'git-auth'),
    secret(O, 'repo-creds', {}, {labels: {'argocd.argoproj.io/secret-type': 'repository'}}),
    secret(O, 'ci-token'),
    secret(O, 'orphan'),
    {apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: {name: 'web', namespace: O}, spec: {secretName: 'web-cert', dnsNames: ['web.example'], issuerRef: {name: 'le'}}},
    {apiVersion: 'external-secrets.io/v1beta1', kind: 'ExternalSecret', metadata: {name: 'es', namespace: O}, spec: {secretStoreRef: {name: 'aws'}, target: {name: 'es-target'}}},
    {apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: {name: 'app', namespace: O}, spec: {url: 'ssh://git@example/app', interval: '1m', secretRef: {name: 'git-auth'}}},
    {apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: 'ci', namespace: O}},
    deployment(O, 'ci-runner', {serviceAccountName: 'ci', automountServiceAccountToken: false}),
    {apiVersion: `${RBAC}/v1`, kind: 'Role', metadata: {name: reader, namespace: O}, rules: [{apiGroups: [''], resources: ['secrets'], resourceNames: ['ci-token'], verbs: ['get']}]},
    {apiVersion: `${RBAC}/v1`, kind: 'RoleBinding', metadata: {name: reader, namespace: O}, roleRef: {apiGroup: RBAC, kind: 'Role', name: reader}, subjects: [{kind: 'ServiceAccount', name: 'ci', namespace: O}]},
  ].map((o: any) => (o.kind === 'Deployment' ? {...o, spec: {...o.spec, replicas: 1}} : o)));
  const res = await env.cli(['audit', '-n', O, '-o', 'json', '--fail-on', 'none']);
  noCanary(res);
  assert.equal(res.code, 0, res.stderr);
  const r: Report = JSON.parse(res.stdout);
  for (const name of ['kubectl-secret-key-0a1b2c', 'sealed-secrets-keyabcde', 'web-cert', 'es-target', 'git-auth', 'repo-creds', 'ci-token']) {
    assert.ok(!ids(r, O, name)?.includes('unused'), `${name}: ${JSON.stringify(ids(r, O, name))}`);
  }
  assert.deepEqual(ids(r, O, 'kubectl-secret-key-0a1b2c'), []);
  const apiRead = r.secrets.find((s) => s.name === 'ci-token')!.findings.find((f) => f.id === 'api-read');
  assert.deepEqual(apiRead, {id: 'api-read', severity: 'info', message: `readable by ServiceAccount ${O}/ci, used by Deployment ${O}/ci-runner; no reference found`});
  // On a real cluster, system controllers' accounts may list every Secret: orphan is api-read there.
  if (!env.real) assert.deepEqual(ids(r, O, 'orphan'), ['unused']);
  // Operators that are not installed (Flux's other kinds, Prometheus Operator…) are skipped silently.
  assert.deepEqual(r.summary.warnings, []);
});

test('-f offline over bootstrap RBAC and real workloads: no cluster needed, SARIF points at file and line', async () => {
  const res = await runCli(['audit', '-f', join(SHARED, 'kubernetes-bootstrap-rbac'), '-f', join(SHARED, 'workloads'), '--expect-sealed', '-o', 'sarif'],
    {env: {KUBECONFIG: '/nonexistent/kubeconfig'}});
  assert.equal(res.code, 1, res.stderr);
  const results = JSON.parse(res.stdout).runs[0].results;
  assert.deepEqual(results.map((x: any) => x.ruleId), ['unsealed-source', 'env-exposure', 'automount']);
  for (const x of results) {
    const loc = x.locations[0].physicalLocation;
    assert.equal(loc.artifactLocation.uri, '../shared/fixtures/workloads/cluster-autoscaler-azure-vmss.yaml');
    assert.equal(loc.artifactLocation.uriBaseId, '%SRCROOT%');
    assert.equal(loc.region.startLine, 123);
  }
  const table = await runCli(['audit', '-f', join(SHARED, 'workloads'), '-n', 'kube-system'], {env: {KUBECONFIG: '/nonexistent/kubeconfig'}});
  assert.equal(table.code, 0, 'medium and low only: below the default --fail-on high');
  assert.match(table.stdout, /\nkube-system: 1 Secret, score 87\/100 \(0 critical, 0 high, 1 medium, 1 low\)\n$/);
});
