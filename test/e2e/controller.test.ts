// `controller run` and `controller manifests` against the test server: the built CLI runs the
// controller as a child process, as in a pod, with short lease and resync intervals.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {spawn, type ChildProcess} from 'node:child_process';
import {parse} from 'yaml';
import {e2eEnv, needsTestServer, type E2EEnv} from '../helpers/cluster.js';
import {BIN} from '../helpers/cli.js';
import {Cluster} from '../../src/kube/cluster.js';
import {KS_SEALED_SECRET, resourceFor} from '../../src/kube/resources.js';
import {parseManifests, type KubeObject} from '../../src/manifests/parse.js';
import {generateNaclKeyPair, naclKeyId, naclPrivateKeyToPem, naclPublicKeyToPem} from '../../src/crypto/index.js';
import {canary} from '../unit/controller/fixtures.js';
import {clusterNaclKey} from '../../src/seal/nacl-keys.js';
import {sealSecret} from '../../src/seal/seal.js';

const SECRET = resourceFor('Secret');
const EVENT = resourceFor('Event');
const LEASE = resourceFor('Lease');

let env: E2EEnv;
let cluster: Cluster;
const canaries: string[] = [];
const controllers: Controller[] = [];

before(async () => {
  env = await e2eEnv();
  cluster = await Cluster.connect({kubeconfig: env.kubeconfig});
  if (env.server) for (const ns of ['payments', 'billing']) env.server.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: ns}});
});
after(async () => {
  for (const c of controllers) c.child.kill('SIGKILL');
  await env?.close();
});

interface Controller {
  child: ChildProcess;
  address: Promise<string>;
  stderr(): string;
  stdout(): string;
  exited: Promise<{code: number | null; signal: NodeJS.Signals | null; at: number}>;
}

function startController(identity: string, extra: string[] = []): Controller {
  const resync = extra.includes('--resync') ? [] : ['--resync', '3s'];
  const child = spawn(process.execPath, [BIN, 'controller', 'run', '--kubeconfig', env.kubeconfig, '--listen', '127.0.0.1:0', '--identity', identity,
    ...resync, '--lease-duration', '2s', '--renew-deadline', '1500ms', '--retry-period', '250ms', '--min-watch-timeout', '2', '--lease-namespace', 'default', ...extra],
  {env: {...process.env, NO_COLOR: '1', DEBUG: ''}, stdio: ['ignore', 'pipe', 'pipe']});
  let out = '';
  let err = '';
  let resolveAddress!: (a: string) => void;
  const address = new Promise<string>((r) => (resolveAddress = r));
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => {
    err += d;
    const m = /msg="serving \/healthz and \/metrics" address=(\S+)/.exec(err);
    if (m) resolveAddress(m[1]);
  });
  const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null; at: number}>((r) => child.on('exit', (code, signal) => r({code, signal, at: Date.now()})));
  const c = {child, address, stderr: () => err, stdout: () => out, exited};
  controllers.push(c);
  return c;
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000, diag?: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${diag ? `\n${diag()}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function metrics(c: Controller): Promise<string> {
  return (await fetch(`http://${await c.address}/metrics`)).text();
}

const secretYaml = (name: string, ns: string, values: Record<string, string>) =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n  labels:\n    app: api\nstringData:\n${Object.entries(values).map(([k, v]) => `  ${k}: "${v}"`).join('\n')}\n`;

/** Seals in-process with the cluster's active public key (or `publicKey`); the first test seals through the CLI. */
async function seal(name: string, ns: string, values: Record<string, string>, publicKey?: Uint8Array): Promise<KubeObject> {
  canaries.push(...Object.values(values));
  const pk = publicKey ?? ((await clusterNaclKey(cluster, 'kube-system'))!.publicKey as Uint8Array);
  return sealSecret({name, namespace: ns, labels: {app: 'api'}, annotations: {}, values: new Map(Object.entries(values).map(([k, v]) => [k, Buffer.from(v)]))},
    {key: {scheme: 'nacl', publicKey: pk, keyId: naclKeyId(pk), pem: naclPublicKeyToPem(pk), source: 'test'}});
}

async function sealWithCli(name: string, ns: string, values: Record<string, string>): Promise<KubeObject> {
  canaries.push(...Object.values(values));
  const r = await env.cli(['seal', '--scheme', 'nacl', '-n', ns], {input: secretYaml(name, ns, values)});
  assert.equal(r.code, 0, r.stderr);
  assert.ok(Object.values(values).every((v) => !v.startsWith('CANARY-') || !r.stdout.includes(v)));
  return parse(r.stdout);
}

const getSealed = (name: string, ns: string) => cluster.get<KubeObject>(KS_SEALED_SECRET, name, ns);
const synced = (o: KubeObject | undefined) => (o?.status?.conditions ?? []).find((c: any) => c.type === 'Synced');
const data = (s: KubeObject | undefined, k: string) => (s?.data?.[k] === undefined ? undefined : Buffer.from(s.data[k], 'base64').toString());

async function waitSynced(name: string, ns: string, status: 'True' | 'False', reason?: string): Promise<any> {
  return waitFor(`${ns}/${name} Synced=${status}${reason ? ` (${reason})` : ''}`, async () => {
    const o = await getSealed(name, ns);
    const c = synced(o);
    return c && c.status === status && (!reason || c.reason === reason) && o?.status?.observedGeneration === o?.metadata?.generation ? c : undefined;
  });
}

test('controller manifests parse, the server accepts them (CRD included), and keys init stops advising an install', async (t) => {
  const server = needsTestServer(t, env);
  if (!server) return;
  const init = await env.cli(['keys', 'init']);
  assert.equal(init.code, 0, init.stderr);
  assert.match(init.stderr, /not installed[\s\S]*kubectl secret controller manifests \| kubectl apply -f -/);

  const r = await env.cli(['controller', 'manifests', '--image', 'registry.example/kubectl-secret:9.9.9']);
  assert.equal(r.code, 0, r.stderr);
  const objs = parseManifests(r.stdout, 'manifests.yaml').map((s) => s.object);
  assert.deepEqual(objs.map((o) => o.kind), ['CustomResourceDefinition', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'Deployment']);
  for (const o of objs) await cluster.create(o);
  assert.ok(server.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, 'sealedsecrets.kubectl-secret.dev'));
  assert.equal(server.get('apps/v1', 'Deployment', 'kube-system', 'kubectl-secret-controller').spec.template.spec.containers[0].image, 'registry.example/kubectl-secret:9.9.9');

  const json = await env.cli(['controller', 'manifests', '-o', 'json', '-n', 'sealing']);
  assert.equal(json.code, 0, json.stderr);
  const list = JSON.parse(json.stdout);
  assert.equal(list.kind, 'List');
  assert.equal(list.items[0].kind, 'Namespace');

  const again = await env.cli(['keys', 'init']);
  assert.equal(again.code, 0, again.stderr);
  assert.doesNotMatch(again.stderr, /not installed/);
});

test('seal → apply → the Secret appears with the data and an ownerReference; a new sealed value updates it; deleting the SealedSecret deletes it', async (t) => {
  if (!needsTestServer(t, env)) return;
  const a = startController('a');
  const c1 = canary();
  const obj = await sealWithCli('db', 'payments', {password: c1, user: 'app'});
  const created = await cluster.create<KubeObject>(obj);
  const cond = await waitSynced('db', 'payments', 'True');
  assert.equal(cond.reason, 'Unsealed');
  assert.match(cond.lastTransitionTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const secret = await cluster.get<KubeObject>(SECRET, 'db', 'payments');
  assert.equal(data(secret, 'password'), c1);
  assert.equal(data(secret, 'user'), 'app');
  assert.deepEqual(secret?.metadata?.labels, {app: 'api'});
  assert.deepEqual(secret?.metadata?.ownerReferences, [{apiVersion: 'kubectl-secret.dev/v1alpha1', kind: 'SealedSecret', name: 'db', uid: created.metadata!.uid, controller: true}]);
  // Every write of the controller is its own field manager's (never the HTTP library's name).
  const managers = (o: KubeObject | undefined, sub?: string) => [...new Set((o?.metadata?.managedFields ?? []).filter((e: any) => (e.subresource ?? '') === (sub ?? '')).map((e: any) => e.manager))];
  assert.deepEqual(managers(secret), ['kubectl-secret-controller']);
  assert.deepEqual(managers(await getSealed('db', 'payments'), 'status'), ['kubectl-secret-controller']);

  const c2 = canary();
  const resealed = await seal('db', 'payments', {password: c2});
  const cur = (await getSealed('db', 'payments'))!;
  await cluster.update({...cur, spec: resealed.spec});
  await waitFor('the Secret to carry the new value', async () => data(await cluster.get(SECRET, 'db', 'payments'), 'password') === c2);
  const after = await cluster.get<KubeObject>(SECRET, 'db', 'payments');
  assert.equal(data(after, 'user'), undefined, 'data is exactly the sealed keys');
  await waitSynced('db', 'payments', 'True');

  // The Secret it owns is put back when someone deletes it.
  await cluster.delete(SECRET, 'db', 'payments');
  await waitFor('the deleted Secret to come back', async () => data(await cluster.get(SECRET, 'db', 'payments'), 'password') === c2);

  await cluster.delete(KS_SEALED_SECRET, 'db', 'payments');
  assert.equal(await cluster.get(SECRET, 'db', 'payments'), undefined, 'the garbage collector follows the ownerReference');
  await a.address;
});

test('tampered, wrong-scope and unknown-key objects get Synced=False with the reason, and a Warning Event', async (t) => {
  if (!needsTestServer(t, env)) return;
  const tampered = await seal('tampered', 'payments', {password: canary()});
  const raw = Buffer.from(tampered.spec.encryptedData.password, 'base64');
  raw[raw.length - 1] ^= 1;
  tampered.spec.encryptedData.password = raw.toString('base64');
  await cluster.create(tampered);

  const moved = await seal('origin', 'payments', {password: canary()});
  moved.metadata!.name = 'moved';
  moved.spec.template.metadata.name = 'moved';
  await cluster.create(moved);

  const offline = generateNaclKeyPair();
  const unknown = await seal('unknown', 'billing', {token: canary()}, offline.publicKey);
  await cluster.create(unknown);

  for (const [name, ns, reason] of [['tampered', 'payments', 'Tampered'], ['moved', 'payments', 'WrongScope'], ['unknown', 'billing', 'UnknownKey']]) {
    const c = await waitSynced(name, ns, 'False', reason);
    assert.ok(c.message.length > 0);
    assert.equal(await cluster.get(SECRET, name, ns), undefined, `no Secret for ${name}`);
    const events = await waitFor(`an Event for ${name}`, async () => {
      const evs = (await cluster.list<KubeObject>(EVENT, ns)).filter((e) => e.involvedObject?.name === name && e.involvedObject?.kind === 'SealedSecret');
      return evs.length ? evs : undefined;
    });
    assert.equal(events[0].type, 'Warning');
    assert.equal(events[0].reason, reason);
    assert.equal(events[0].source.component, 'kubectl-secret-controller');
  }
  const m = await metrics(controllers[0]);
  for (const reason of ['Tampered', 'WrongScope', 'UnknownKey']) assert.match(m, new RegExp(`kubectl_secret_controller_sync_failures_total\\{reason="${reason}"\\} [1-9]`));

  // A resync that finds the same failure does not pile up Events: it counts them on one.
  await new Promise((r) => setTimeout(r, 3500));
  const evs = (await cluster.list<KubeObject>(EVENT, 'payments')).filter((e) => e.involvedObject?.name === 'tampered');
  assert.equal(evs.length, 1);
  assert.ok(evs[0].count >= 2, `count ${evs[0].count}`);

  // Key rotation without a restart: the key the object was sealed with turns up as a key Secret.
  const keyId = naclKeyId(offline.publicKey);
  await cluster.create({apiVersion: 'v1', kind: 'Secret', metadata: {name: `kubectl-secret-key-${keyId}`, namespace: 'kube-system', labels: {'kubectl-secret.dev/sealing-key': 'true'}, annotations: {'kubectl-secret.dev/key-id': keyId}},
    data: {'private.pem': Buffer.from(naclPrivateKeyToPem(offline.secretKey)).toString('base64')}});
  await waitSynced('unknown', 'billing', 'True');
  assert.ok(await cluster.get(SECRET, 'unknown', 'billing'));
});

test('keys rotate: values sealed with the new key open at once, old ones keep working', async (t) => {
  if (!needsTestServer(t, env)) return;
  const old = await seal('before-rotation', 'payments', {v: canary()});
  await cluster.create(old);
  await waitSynced('before-rotation', 'payments', 'True');
  const rot = await env.cli(['keys', 'rotate']);
  assert.equal(rot.code, 0, rot.stderr);
  const c = canary();
  await cluster.create(await seal('after-rotation', 'payments', {v: c}));
  await waitSynced('after-rotation', 'payments', 'True');
  assert.equal(data(await cluster.get(SECRET, 'after-rotation', 'payments'), 'v'), c);
  await waitFor('the controller to log the key change', () => /sealing keys changed/.test(controllers[0].stderr()));
});

test('a foreign Secret of the same name is not overwritten, unless the SealedSecret is annotated managed', async (t) => {
  if (!needsTestServer(t, env)) return;
  const theirs = canary();
  await cluster.create({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'shared', namespace: 'payments'}, data: {password: Buffer.from(theirs).toString('base64')}});
  const ours = canary();
  await cluster.create(await seal('shared', 'payments', {password: ours}));
  const c = await waitSynced('shared', 'payments', 'False', 'NotOwned');
  assert.match(c.message, /kubectl-secret\.dev\/managed/);
  assert.equal(data(await cluster.get(SECRET, 'shared', 'payments'), 'password'), theirs);

  await cluster.patch(KS_SEALED_SECRET, 'shared', 'payments', {metadata: {annotations: {'kubectl-secret.dev/managed': 'true'}}}, 'merge');
  await waitSynced('shared', 'payments', 'True');
  const taken = await cluster.get<KubeObject>(SECRET, 'shared', 'payments');
  assert.equal(data(taken, 'password'), ours);
  assert.equal(taken?.metadata?.ownerReferences?.[0]?.kind, 'SealedSecret');
});

test('/healthz and /metrics answer', async (t) => {
  if (!needsTestServer(t, env)) return;
  const a = controllers[0];
  const h = await fetch(`http://${await a.address}/healthz`);
  assert.equal(h.status, 200);
  const m = await metrics(a);
  assert.match(m, /^kubectl_secret_controller_objects_synced [1-9]\d*$/m);
  assert.match(m, /^kubectl_secret_controller_leader 1$/m);
  assert.match(m, /^kubectl_secret_controller_keys [2-9]$/m);
  const last = Number(/^kubectl_secret_controller_last_sync_timestamp_seconds (\S+)$/m.exec(m)?.[1]);
  assert.ok(Math.abs(last - Date.now() / 1000) < 60, `last sync ${last}`);
});

test('two controllers, one leader: the second waits, and takes over when the first stops on SIGTERM (exit 0, lease released)', async (t) => {
  if (!needsTestServer(t, env)) return;
  const a = controllers[0];
  const b = startController('b');
  await b.address;
  await waitFor('b to see a as leader', () => /new leader elected.*leader=a/.test(b.stderr()), 10_000, () => `b: ${b.stderr()}\na: ${a.stderr().slice(-2000)}`);
  assert.match(await metrics(b), /^kubectl_secret_controller_leader 0$/m);
  assert.doesNotMatch(b.stderr(), /created Secret|became leader/);

  const sent = Date.now();
  a.child.kill('SIGTERM');
  const exit = await a.exited;
  assert.equal(exit.code, 0, a.stderr());
  assert.ok(exit.at - sent < 3000, `stopped in ${exit.at - sent}ms`);
  assert.match(a.stderr(), /released the leader lease/);

  await waitFor('b to lead', () => /became leader/.test(b.stderr()), 5000);
  const lease = await cluster.get<KubeObject>(LEASE, 'kubectl-secret-controller', 'default');
  assert.equal(lease?.spec?.holderIdentity, 'b');
  assert.ok(lease?.spec?.leaseTransitions >= 1);
  const c = canary();
  await cluster.create(await seal('after-failover', 'payments', {v: c}));
  await waitSynced('after-failover', 'payments', 'True');

  // A leader that dies without releasing: the next one waits out the lease duration.
  const c3 = startController('c');
  await waitFor('c to see b as leader', () => /leader=b/.test(c3.stderr()));
  b.child.kill('SIGKILL');
  const killed = Date.now();
  await waitFor('c to lead', () => /became leader/.test(c3.stderr()), 8000);
  assert.ok(Date.now() - killed >= 1500, 'not before the 2s lease could expire');
  c3.child.kill('SIGTERM');
  assert.equal((await c3.exited).code, 0);
});

/** Writes to Secrets in `ns` (create, update, patch, delete) in the test server's request log. */
const secretWrites = (ns: string): number =>
  env.server!.requests.filter((q) => q.method !== 'GET' && q.path.startsWith(`/api/v1/namespaces/${ns}/secrets`)).length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a label added by a mutating admission policy or another writer does not make the controller write again; it manages only the template\'s keys', async (t) => {
  const server = needsTestServer(t, env);
  if (!server) return; // a label-adding policy needs an admission controller (Kyverno, Gatekeeper) on a real cluster
  server.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'policed'}});
  // As Kyverno's add-labels policy or Gatekeeper's AssignMetadata: every Secret write gets a label.
  const undo = server.mutate('Secret', (_op, obj) => {
    obj.metadata.labels = {...obj.metadata.labels, 'policy.example/owner': 'platform'};
  });
  const ctl = startController('policed', ['-n', 'policed', '--no-leader-elect', '--resync', '1s']);
  try {
    await cluster.create(await seal('fought', 'policed', {password: canary()}));
    await waitSynced('fought', 'policed', 'True');
    await sleep(1000);
    const settled = secretWrites('policed');
    // Two resyncs and every event they cause: nothing more is written.
    await sleep(2500);
    assert.equal(secretWrites('policed'), settled, `the controller kept writing the Secret\n${ctl.stderr().slice(-1500)}`);
    assert.deepEqual((await cluster.get<KubeObject>(SECRET, 'fought', 'policed'))?.metadata?.labels, {app: 'api', 'policy.example/owner': 'platform'});

    // Another controller adds a label of its own: left alone, and no write answers it.
    await cluster.patch(SECRET, 'fought', 'policed', {metadata: {labels: {'team.example/cost-center': 'c42'}}}, 'merge');
    const afterTheirs = secretWrites('policed');
    await sleep(2500);
    assert.equal(secretWrites('policed'), afterTheirs, 'the controller answered another writer\'s label');
    assert.equal((await cluster.get<KubeObject>(SECRET, 'fought', 'policed'))?.metadata?.labels?.['team.example/cost-center'], 'c42');

    // A label the template stops setting goes; one it starts setting comes; the others stay.
    const cur = (await getSealed('fought', 'policed'))!;
    await cluster.update({...cur, spec: {...cur.spec, template: {...cur.spec.template, metadata: {...cur.spec.template.metadata, labels: {tier: 'db'}}}}});
    const labels = await waitFor('the template\'s new labels', async () => {
      const l = (await cluster.get<KubeObject>(SECRET, 'fought', 'policed'))?.metadata?.labels;
      return l?.tier === 'db' && l.app === undefined ? l : undefined;
    });
    assert.deepEqual(labels, {tier: 'db', 'policy.example/owner': 'platform', 'team.example/cost-center': 'c42'});
  } finally {
    undo();
    ctl.child.kill('SIGTERM');
    await ctl.exited;
  }
});

test('a SealedSecret being deleted: its Secret\'s deletion seen first does not re-create the Secret', async (t) => {
  const server = needsTestServer(t, env);
  if (!server) return; // the ordering of two watch streams cannot be forced on a real cluster
  server.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'churn'}});
  const ctl = startController('churn', ['-n', 'churn', '--no-leader-elect', '--resync', '1h']);
  try {
    for (const name of ['going-1', 'going-2', 'going-3']) await cluster.create(await seal(name, 'churn', {v: canary()}));
    for (const name of ['going-1', 'going-2', 'going-3']) await waitSynced(name, 'churn', 'True');
    // The SealedSecret watch runs late: the Secret's DELETED (from the garbage collector) comes first.
    server.watchDelay('SealedSecret', 1500);
    await cluster.delete(KS_SEALED_SECRET, 'going-1', 'churn');
    // Foreground deletion: the owner waits, marked with a deletionTimestamp, while its dependents go.
    await cluster.patch(KS_SEALED_SECRET, 'going-2', 'churn', {metadata: {finalizers: ['example.com/hold']}}, 'merge');
    await cluster.delete(KS_SEALED_SECRET, 'going-2', 'churn', {kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground'});
    assert.ok((await getSealed('going-2', 'churn'))?.metadata?.deletionTimestamp, 'held by its finalizer');
    await sleep(2500);
    assert.equal(await cluster.get(SECRET, 'going-1', 'churn'), undefined, `the Secret of a deleted SealedSecret was re-created\n${ctl.stderr().slice(-1500)}`);
    assert.equal(await cluster.get(SECRET, 'going-2', 'churn'), undefined, 'the Secret of a SealedSecret being deleted was re-created');
    assert.ok(await cluster.get(SECRET, 'going-3', 'churn'), 'the others stay');
    await cluster.patch(KS_SEALED_SECRET, 'going-2', 'churn', {metadata: {finalizers: null}}, 'merge');
  } finally {
    server.watchDelay('SealedSecret', 0);
    ctl.child.kill('SIGTERM');
    await ctl.exited;
  }
});

test('the controller recognises its own writes: one sync per change, not two', async (t) => {
  const server = needsTestServer(t, env);
  if (!server) return;
  const ctl = startController('own-writes', ['-n', 'churn', '--no-leader-elect', '--resync', '1h']);
  try {
    await waitFor('the controller to list', () => /starting/.test(ctl.stderr()), 10_000, () => ctl.stderr() + ctl.stdout());
    const syncs = async () => Number(/^kubectl_secret_controller_syncs_total (\d+)$/m.exec(await metrics(ctl))?.[1]);
    // The namespace keeps SealedSecrets of the test before: the first list syncs those not being
    // deleted, which on a loaded machine can come well after "starting"; count from after it.
    const leftovers = server.list('kubectl-secret.dev/v1alpha1', 'SealedSecret', 'churn').filter((o) => !o.metadata.deletionTimestamp).length;
    const {n: before} = await waitFor('the first list to be synced', async () => {
      const n = await syncs();
      return n >= leftovers ? {n} : undefined;
    }, 10_000, () => ctl.stderr());
    await sleep(500);
    assert.equal(await syncs(), before, 'nothing else was synced');
    const names = ['own-1', 'own-2', 'own-3', 'own-4'];
    for (const name of names) await cluster.create(await seal(name, 'churn', {v: canary()}));
    for (const name of names) await waitSynced(name, 'churn', 'True');
    await sleep(1000);
    assert.equal(await syncs() - before, names.length, ctl.stderr().slice(-2000));
  } finally {
    ctl.child.kill('SIGTERM');
    await ctl.exited;
  }
});

test('no value ever appears in the controllers\' output', (t) => {
  if (!needsTestServer(t, env)) return;
  assert.ok(canaries.length > 5);
  for (const c of controllers) {
    const out = c.stdout() + c.stderr();
    for (const v of canaries) assert.ok(!out.includes(v), 'a canary value was logged');
    assert.ok(!out.includes('PRIVATE KEY'));
  }
});
