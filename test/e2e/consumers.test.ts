// `kubectl secret consumers` as a user runs it: over the shared real-world manifests with -f
// (their README's EXPECTED lines are the oracle), and live against the test API server or a real
// cluster.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {randomBytes} from 'node:crypto';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {runCli, REPO_ROOT} from '../helpers/cli.js';
import {fileE2EEnv, needsTestServer} from '../helpers/cluster.js';
import {manifestObjects, PAUSE} from '../helpers/kube.js';

const WORKLOADS = join(REPO_ROOT, '..', 'shared', 'fixtures', 'workloads');
const fixture = (f: string) => join(WORKLOADS, f);
// -f never needs a cluster: point KUBECONFIG at nothing to prove it.
const canary = `CANARY-${randomBytes(8).toString('hex')}`;
const offline = (args: string[]) => runCli(args, {env: {KUBECONFIG: '/nonexistent/kubeconfig'}});

test('consumers -f prints the documented columns, one row per reference', async () => {
  const r = await offline(['consumers', 'argocd-redis', '-f', fixture('argocd-redis-ha-helm-rendered.yaml'), '-n', 'argocd']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.deepEqual(lines[0].split(/\s{2,}/), ['KIND', 'NAME', 'CONTAINER', 'HOW', 'OPTIONAL']);
  assert.deepEqual(lines.slice(1).map((l) => l.split(/\s{2,}/)), [
    ['Deployment', 'argocd-redis-ha-haproxy', 'haproxy', 'env AUTH ← key auth', 'false'],
    ['StatefulSet', 'argocd-redis-ha-server', 'config-init', 'env AUTH ← key auth', 'false'],
    ['StatefulSet', 'argocd-redis-ha-server', 'redis', 'env AUTH ← key auth', 'false'],
    ['StatefulSet', 'argocd-redis-ha-server', 'sentinel', 'env AUTH ← key auth', 'false'],
    ['StatefulSet', 'argocd-redis-ha-server', 'split-brain-fix', 'env AUTH ← key auth', 'false'],
  ]);
});

test('consumers -f over the whole workloads folder: -o json has the documented shape', async () => {
  const r = await offline(['consumers', 'argocd-repo-server-tls', '-f', WORKLOADS, '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), {consumers: [
    {kind: 'Deployment', name: 'argocd-server', namespace: 'default', container: 'argocd-server', via: 'volume', mountPath: '/app/config/server/tls', optional: true},
    {kind: 'StatefulSet', name: 'argocd-application-controller', namespace: 'default', container: 'argocd-application-controller', via: 'volume', mountPath: '/app/config/controller/tls', optional: true},
  ]});
});

test('every kind of reference in the fixtures, in JSON: env key, envFrom, projected, imagePullSecret, CronJob volume, optional', async () => {
  const cases: Array<[string, string, string, object[]]> = [
    ['model-catalog-hf-api-key', 'kubeflow-model-catalog-deployment.yaml', 'default',
      [{kind: 'Deployment', name: 'model-catalog-server', namespace: 'default', container: 'catalog', via: 'env', key: 'HF_API_KEY', optional: true}]],
    ['dex-passwords', 'kubeflow-dex-deployment.yaml', 'default', [{kind: 'Deployment', name: 'dex', namespace: 'default', container: 'dex', via: 'envFrom', optional: false}]],
    ['hubble-relay-client-certs', 'gke-hubble-ui-std.yaml', 'kube-system',
      [{kind: 'Deployment', name: 'hubble-ui', namespace: 'kube-system', container: 'backend', via: 'projected', mountPath: '/var/lib/hubble-ui/certs', optional: false}]],
    ['ngc-secret', 'gke-nim-gemma-deployment.yaml', 'default', [{kind: 'Deployment', name: 'nim-gemma-3-27b-deployment', namespace: 'default', via: 'imagePullSecret', optional: false}]],
    ['oauth-token', 'test-infra-label-sync-cronjob.yaml', 'default', [{kind: 'CronJob', name: 'label-sync', namespace: 'default', container: 'label-sync', via: 'volume', mountPath: '/etc/github', optional: false}]],
    ['mysql-secret', 'gke-stateful-mysql-c1-mysql.yaml', 'default', [
      {kind: 'StatefulSet', name: 'dbc1', namespace: 'default', container: 'mysql', via: 'env', key: 'password', optional: false},
      {kind: 'StatefulSet', name: 'dbc1', namespace: 'default', container: 'mysql', via: 'env', key: 'admin-password', optional: false},
    ]],
  ];
  for (const [secret, file, ns, want] of cases) {
    const r = await offline(['consumers', secret, '-f', fixture(file), '-n', ns, '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {consumers: want}, `${secret} in ${file}`);
  }
});

test('the Jobs that name the Secret only in their args are not listed (ingress-nginx)', async () => {
  const r = await offline(['consumers', 'ingress-nginx-admission', '-f', fixture('ingress-nginx-exoscale-daemonset.yaml'), '-n', 'ingress-nginx']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /DaemonSet\s+ingress-nginx-controller\s+controller\s+volume webhook-cert at \/usr\/local\/certificates\/\s+false/);
  assert.doesNotMatch(r.stdout, /Job|admission-create|admission-patch/);
});

test('a Secret nothing uses: exit 0, a note on stderr, consumers: [] in -o yaml', async () => {
  const r = await offline(['consumers', 'argocd-cmd-params-cm', '-f', fixture('argocd-server-deployment.yaml')]);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /No workloads/);
  const j = await offline(['consumers', 'argocd-cmd-params-cm', '-f', fixture('argocd-server-deployment.yaml'), '-o', 'yaml']);
  assert.equal(j.stdout.trim(), 'consumers: []');
});

test('-f: a Secret named only by custom resources is "used by KIND/NAME" (not a workload, never restarted); a name in no file is a warning', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ks-consumers-'));
  try {
    const file = join(dir, 'crs.yaml');
    writeFileSync(file, [
      {apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: {name: 'web', namespace: 'ops'}, spec: {secretName: 'web-cert', issuerRef: {name: 'le'}}},
      {apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: {name: 'app', namespace: 'ops'}, spec: {secretRef: {name: 'web-cert'}}},
      {apiVersion: 'v1', kind: 'Secret', metadata: {name: 'web-cert', namespace: 'ops'}, type: 'kubernetes.io/tls', data: {}},
    ].map((o) => JSON.stringify(o)).join('\n---\n'));
    const r = await offline(['consumers', 'web-cert', '-f', file, '-n', 'ops']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /No workloads in namespace ops reference Secret "web-cert"/);
    assert.equal(r.stdout, 'used by Certificate/ops/web (its operator reads the Secret; not restarted)\nused by GitRepository/ops/app (its operator reads the Secret; not restarted)\n');
    const j = await offline(['consumers', 'web-cert', '-f', file, '-n', 'ops', '-o', 'json']);
    assert.deepEqual(JSON.parse(j.stdout), {consumers: [], usedBy: [{kind: 'Certificate', name: 'web', namespace: 'ops'}, {kind: 'GitRepository', name: 'app', namespace: 'ops'}]});
    const none = await offline(['consumers', 'nowhere', '-f', file, '-n', 'ops']);
    assert.equal(none.code, 0);
    assert.match(none.stderr, /^warning: no Secret or SealedSecret "nowhere" in the files in namespace "ops"$/m);
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
});

test('a missing -f path is an input error (exit 2)', async () => {
  const r = await offline(['consumers', 'x', '-f', join(WORKLOADS, 'nope.yaml')]);
  assert.equal(r.code, 2);
});

const env = fileE2EEnv();

test('live: the consumers of a Secret in the cluster, with the SealedSecret that owns it', async () => {
  const kube = env.kube;
  const ns = await kube.namespace('argocd');
  // On a real cluster nothing needs to run: consumers reads pod templates, not pods.
  await kube.load(manifestObjects([fixture('argocd-redis-ha-helm-rendered.yaml')]).map((o) => ({
    ...o, metadata: {...o.metadata, namespace: ns}, ...(env.real && o.spec?.replicas !== undefined ? {spec: {...o.spec, replicas: 0}} : {}),
  })));
  await kube.apply({apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: 'puller', namespace: ns}, imagePullSecrets: [{name: 'argocd-redis'}]});
  await kube.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'bare', namespace: ns}, spec: {serviceAccountName: 'puller', containers: [{name: 'c', image: PAUSE}]}});
  // A Pod its controller owns is reported through the controller, not on its own. (A real
  // cluster's garbage collector may delete it, its owner being absent: then it is not listed either.)
  await kube.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'owned', namespace: ns, ownerReferences: [{apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u', controller: true}]},
    spec: {containers: [{name: 'c', image: PAUSE, envFrom: [{secretRef: {name: 'argocd-redis'}}]}]}});
  await kube.registerCRD({group: 'kubectl-secret.dev', version: 'v1alpha1', kind: 'SealedSecret', plural: 'sealedsecrets', status: true});
  const sealed = await kube.apply({apiVersion: 'kubectl-secret.dev/v1alpha1', kind: 'SealedSecret', metadata: {name: 'argocd-redis', namespace: ns}, spec: {encryptedData: {auth: 'AgB='}}});
  await kube.apply({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'argocd-redis', namespace: ns,
    ownerReferences: [{apiVersion: 'kubectl-secret.dev/v1alpha1', kind: 'SealedSecret', name: 'argocd-redis', uid: sealed.metadata.uid, controller: true}]}, data: {auth: Buffer.from(canary).toString('base64')}});

  const r = await env.cli(['consumers', 'argocd-redis', '-n', ns, '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out.sealedSecret, {apiVersion: 'kubectl-secret.dev/v1alpha1', name: 'argocd-redis', namespace: ns});
  assert.deepEqual(out.consumers.map((c: any) => `${c.kind}/${c.name} ${c.container ?? '-'} ${c.via}`).sort(), [
    'Deployment/argocd-redis-ha-haproxy haproxy env',
    'Pod/bare - serviceAccountImagePullSecret',
    'StatefulSet/argocd-redis-ha-server config-init env',
    'StatefulSet/argocd-redis-ha-server redis env',
    'StatefulSet/argocd-redis-ha-server sentinel env',
    'StatefulSet/argocd-redis-ha-server split-brain-fix env',
  ]);

  const table = await env.cli(['consumers', 'argocd-redis', '-n', ns]);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /^KIND\s+NAME\s+CONTAINER\s+HOW\s+OPTIONAL\n/);
  assert.match(table.stdout, /Pod\s+bare\s+<none>\s+imagePullSecret of ServiceAccount puller\s+false/);
  assert.match(table.stdout, /produced by SealedSecret "argocd-redis" \(kubectl-secret\.dev\/v1alpha1\)/);
  for (const o of [r, table]) assert.ok(!(o.stdout + o.stderr).includes(canary) && !(o.stdout + o.stderr).includes(Buffer.from(canary).toString('base64')), 'a value was printed');
});

test('live: a kind the caller may not list is skipped with a warning; the rest is answered', async (t) => {
  const server = needsTestServer(t, env);
  if (!server) return;
  server.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'partial'}});
  server.create({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'api', namespace: 'partial'},
    spec: {replicas: 1, selector: {matchLabels: {app: 'api'}}, template: {metadata: {labels: {app: 'api'}}, spec: {containers: [{name: 'c', image: 'i', envFrom: [{secretRef: {name: 's'}}]}]}}}});
  const undo = server.deny({user: 'admin', verb: 'list', resource: 'cronjobs'});
  try {
    const r = await env.cli(['consumers', 's', '-n', 'partial']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /warning: cannot list cronjobs in namespace "partial" \(forbidden\)/);
    assert.match(r.stdout, /Deployment\s+api\s+c\s+envFrom\s+false/);
  } finally {
    undo();
  }
});

test('live: a Secret or a namespace that does not exist is said in a warning line', async () => {
  const ns = await env.kube.namespace('empty');
  const secret = await env.cli(['consumers', 'no-such-secret', '-n', ns]);
  assert.equal(secret.code, 0, secret.stderr);
  assert.match(secret.stderr, new RegExp(`^warning: Secret "no-such-secret" not found in namespace "${ns}"$`, 'm'));
  const nsMissing = await env.cli(['consumers', 'x', '-n', 'no-such-namespace-x1']);
  assert.match(nsMissing.stderr, /^warning: namespace "no-such-namespace-x1" not found$/m);
  // A Secret that exists: no such warning.
  await env.kube.apply({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'here', namespace: ns}, data: {k: Buffer.from(canary).toString('base64')}});
  const here = await env.cli(['consumers', 'here', '-n', ns]);
  assert.doesNotMatch(here.stderr, /warning/);
});
