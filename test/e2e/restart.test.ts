// `kubectl secret restart` against the test API server and its rollout simulator (or a real
// cluster, where rollouts take real time), as a user runs it; the real kubectl checks that our
// restart looks like its own.
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {e2eEnv, needsTestServer, type E2EEnv} from '../helpers/cluster.js';
import {PAUSE} from '../helpers/kube.js';
import {secretVersion} from '../../src/workloads/restart-patch.js';
import {rolloutStatus} from '../../src/workloads/rollout-status.js';

const ROLLOUT_STEP_MS = 40;
const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';
const FOR_DB = 'kubectl-secret.dev/restarted-for.db';

let env: E2EEnv;
before(async () => {
  env = await e2eEnv({rolloutStepMs: ROLLOUT_STEP_MS});
});
after(async () => {
  await env?.close();
});

const kubectl = spawnSync('kubectl', ['version', '--client'], {encoding: 'utf8'});

/** Runs the real kubectl without blocking the event loop: the test server lives in this process. */
function runKubectl(args: string[]): Promise<{code: number | null; stdout: string; stderr: string}> {
  return new Promise((resolve, reject) => {
    const child = spawn('kubectl', [...args, '--kubeconfig', env.kubeconfig], {stdio: ['ignore', 'pipe', 'pipe']});
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({code, stdout, stderr});
    });
  });
}

let nsCounter = 0;
const canary = `CANARY-${randomBytes(8).toString('hex')}`;

const podSpec = (extra: any = {}) => ({containers: [{name: 'app', image: PAUSE, ...extra}]});
/** How long a rollout may take: the simulator's are instant, a real cluster starts pods. */
const wait = () => ['--timeout', env.real ? '180s' : '30s'];
const cliTimeout = {timeoutMs: 240_000};
const template = (app: string, spec: any) => ({metadata: {labels: {app}}, spec});

/**
 * A namespace with Secret `db` used by a Deployment (env), a StatefulSet (volume), a DaemonSet
 * (envFrom), a CronJob and a bare Pod; plus a Deployment that only names `db` in its args.
 */
async function seed(extra: {paused?: boolean} = {}): Promise<string> {
  const kube = env.kube;
  const ns = await kube.namespace(`restart-${++nsCounter}`);
  await kube.apply({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'db', namespace: ns}, data: {password: Buffer.from(canary).toString('base64')}});
  const withEnv = podSpec({env: [{name: 'DB_PASSWORD', valueFrom: {secretKeyRef: {name: 'db', key: 'password'}}}]});
  await kube.apply({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'api', namespace: ns, labels: {tier: 'web'}},
    spec: {replicas: 2, paused: extra.paused || undefined, selector: {matchLabels: {app: 'api'}}, template: template('api', withEnv)}});
  await kube.apply({apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: {name: 'ledger', namespace: ns, labels: {tier: 'data'}},
    spec: {replicas: 2, serviceName: 'ledger', selector: {matchLabels: {app: 'ledger'}}, template: template('ledger', {
      ...podSpec({volumeMounts: [{name: 'db', mountPath: '/etc/db'}]}), volumes: [{name: 'db', secret: {secretName: 'db'}}],
    })}});
  await kube.apply({apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: {name: 'agent', namespace: ns, labels: {tier: 'infra'}},
    spec: {selector: {matchLabels: {app: 'agent'}}, template: template('agent', podSpec({envFrom: [{secretRef: {name: 'db'}}]}))}});
  await kube.apply({apiVersion: 'batch/v1', kind: 'CronJob', metadata: {name: 'nightly', namespace: ns},
    spec: {schedule: '0 3 * * *', jobTemplate: {spec: {template: template('nightly', {...withEnv, restartPolicy: 'OnFailure'})}}}});
  await kube.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'debug', namespace: ns}, spec: withEnv});
  await kube.apply({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'bystander', namespace: ns},
    spec: {replicas: 1, selector: {matchLabels: {app: 'bystander'}}, template: template('bystander', podSpec({args: ['--secret-name=db']}))}});
  return ns;
}

const annotations = async (apiVersion: string, kind: string, ns: string, name: string): Promise<Record<string, string>> =>
  (await env.kube.get(apiVersion, kind, ns, name))?.spec?.template?.metadata?.annotations ?? {};

function assertNoCanary(r: {stdout: string; stderr: string}): void {
  assert.ok(!r.stdout.includes(canary) && !r.stderr.includes(canary), 'a secret value was printed');
}

test('restarts the Deployment, StatefulSet and DaemonSet that use the Secret, waits for them, and a second run skips them', async () => {
  const ns = await seed();
  const secret = await env.kube.get('v1', 'Secret', ns, 'db');
  const version = secretVersion(secret);
  assert.match(version, new RegExp(`^${secret.metadata.uid}/data@\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ/`), 'keyed on the data\'s managedFields entry');

  const r = await env.cli(['restart', 'db', '-n', ns, ...wait()], cliTimeout);
  assertNoCanary(r);
  assert.equal(r.code, 0, r.stderr);
  for (const [apiVersion, kind, name] of [['apps/v1', 'Deployment', 'api'], ['apps/v1', 'StatefulSet', 'ledger'], ['apps/v1', 'DaemonSet', 'agent']]) {
    const a = (await annotations(apiVersion, kind, ns, name));
    assert.equal(a[FOR_DB], version, `${kind} ${name} annotated with the version of the Secret's data`);
    assert.match(a[RESTARTED_AT] ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
    assert.match(r.stdout, new RegExp(`${kind.toLowerCase()}\\.apps/${name} restarted`));
  }
  assert.match(r.stdout, /deployment "api" successfully rolled out/);
  assert.match(r.stdout, /daemon set "agent" successfully rolled out/);
  assert.match(r.stdout, /statefulset rolling update complete 2 pods at revision|partitioned roll out complete/);
  assert.match(r.stdout, /cronjob\.batch\/nightly: picks up the new value on its next run/);
  assert.match(r.stdout, /pod\/debug: delete to restart/);
  assert.deepEqual((await annotations('apps/v1', 'Deployment', ns, 'bystander')), {}, 'a Secret named only in args is not a consumer');
  assert.ok(await env.kube.get('v1', 'Pod', ns, 'debug'), 'bare pods are not deleted without --delete-pods');

  const generations = async () => Promise.all(['Deployment', 'StatefulSet', 'DaemonSet'].map(async (k) => (await env.kube.get('apps/v1', k, ns, k === 'Deployment' ? 'api' : k === 'StatefulSet' ? 'ledger' : 'agent')).metadata.generation));
  const generationsBefore = await generations();
  const patchesBefore = env.server?.requests.filter((q) => q.method === 'PATCH').length;
  const again = await env.cli(['restart', 'db', '-n', ns, ...wait()], cliTimeout);
  assert.equal(again.code, 0, again.stderr);
  assert.equal((again.stdout.match(/skipped: already running the current version/g) ?? []).length, 3, again.stdout);
  assert.deepEqual(await generations(), generationsBefore, 'the second run changes no pod template');
  if (env.server) assert.equal(env.server.requests.filter((q) => q.method === 'PATCH').length, patchesBefore, 'the second run patches nothing');
});

test('--force restarts workloads already running the current version; a changed Secret restarts them again', async () => {
  const ns = await seed();
  assert.equal((await env.cli(['restart', 'db', '-n', ns, '--no-wait'])).code, 0);
  const patchPath = `/apis/apps/v1/namespaces/${ns}/deployments/api`;
  // Each restart patch changes the pod template once: generation counts them on any cluster,
  // and the test server's request log shows it took exactly one PATCH.
  const patches = async () => [(await env.kube.get('apps/v1', 'Deployment', ns, 'api')).metadata.generation, env.server?.requests.filter((q) => q.method === 'PATCH' && q.path === patchPath).length];

  const [generation, requests] = await patches();
  const forced = await env.cli(['restart', 'db', '-n', ns, '--force', ...wait()], cliTimeout);
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(forced.stdout, /deployment\.apps\/api restarted/);
  assert.deepEqual(await patches(), [generation + 1, requests === undefined ? undefined : requests + 1]);

  const secret = await env.kube.get('v1', 'Secret', ns, 'db');
  // A Secret's version is the time of its last data write, in whole seconds as the API server
  // records it, and the writer: a second write by the same manager within that second is the same
  // version (docs/consumers-restart.md). On a fast run the seed's write can still be in this second.
  const lastWrite = Math.max(...(secret.metadata.managedFields ?? []).map((e: {time?: string}) => Date.parse(e.time ?? '') || 0));
  while (Math.floor(Date.now() / 1000) <= Math.floor(lastWrite / 1000)) await new Promise((r) => setTimeout(r, 50));
  const updated = await env.kube.apply({...secret, data: {password: Buffer.from(`${canary}-2`).toString('base64')}});
  const changed = await env.cli(['restart', 'db', '-n', ns, ...wait()], cliTimeout);
  assertNoCanary(changed);
  assert.equal(changed.code, 0, changed.stderr);
  assert.equal((await annotations('apps/v1', 'Deployment', ns, 'api'))[FOR_DB], secretVersion(updated));
  assert.doesNotMatch(changed.stdout, /skipped/);
});

test('an edit of only the Secret\'s labels or annotations does not restart its consumers again; a change of its data does', {skip: kubectl.status !== 0 ? 'kubectl is not on PATH' : false}, async () => {
  const ns = await seed();
  assert.equal((await env.cli(['restart', 'db', '-n', ns, '--no-wait'])).code, 0);
  const generation = async () => (await env.kube.get('apps/v1', 'Deployment', ns, 'api')).metadata.generation;
  const before = await generation();
  for (const args of [['label', 'secret', 'db', 'team.example/owner=payments'], ['annotate', 'secret', 'db', 'example.com/note=rotate-in-may']]) {
    const k = await runKubectl([...args, '-n', ns]);
    assert.equal(k.code, 0, k.stderr);
  }
  const again = await env.cli(['restart', 'db', '-n', ns, '--no-wait']);
  assert.equal(again.code, 0, again.stderr);
  assert.equal((again.stdout.match(/skipped: already running the current version/g) ?? []).length, 3, again.stdout);
  assert.equal(await generation(), before, 'no restart for a metadata-only edit');

  const patched = await runKubectl(['patch', 'secret', 'db', '-n', ns, '-p', JSON.stringify({data: {password: Buffer.from(`${canary}-3`).toString('base64')}})]);
  assert.equal(patched.code, 0, patched.stderr);
  const changed = await env.cli(['restart', 'db', '-n', ns, '--no-wait']);
  assertNoCanary(changed);
  assert.equal(changed.code, 0, changed.stderr);
  assert.match(changed.stdout, /deployment\.apps\/api restarted/);
  assert.equal(await generation(), before + 1);
  assert.equal((await annotations('apps/v1', 'Deployment', ns, 'api'))[FOR_DB], secretVersion(await env.kube.get('v1', 'Secret', ns, 'db')));
});

test('a stalled rollout ends in exit 1 after --timeout, naming it, while the others complete', async (t) => {
  const server = needsTestServer(t, env);
  if (!server) return;
  const ns = await seed();
  server.rollout.stall('Deployment', ns, 'api');
  const started = Date.now();
  const r = await env.cli(['restart', 'db', '-n', ns, '--timeout', '1500ms']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.ok(Date.now() - started >= 1500, 'waited for the timeout');
  assert.match(r.stderr, /error: 1 of \d+ workloads did not complete: deployment\.apps\/api \(timed out\)/);
  assert.match(r.stdout, /deployment\.apps\/api: timed out after/);
  assert.match(r.stdout, /daemon set "agent" successfully rolled out/);
});

test('run again after a timeout, restart waits for the rollout of the current version still in progress: exit 1 until it completes, never "skipped"', async (t) => {
  const server = needsTestServer(t, env);
  if (!server) return;
  const ns = await seed();
  server.rollout.stall('Deployment', ns, 'api');
  const first = await env.cli(['restart', 'db', '-n', ns, '--timeout', '1s']);
  assert.equal(first.code, 1, first.stdout + first.stderr);
  const patches = () => server.requests.filter((q) => q.method === 'PATCH' && q.path.endsWith(`/namespaces/${ns}/deployments/api`)).length;
  const patched = patches();
  // Still stalled: the second run does not restart again, but it does not call it done either.
  const again = await env.cli(['restart', 'db', '-n', ns, '--timeout', '1s']);
  assert.equal(again.code, 1, again.stdout + again.stderr);
  assert.match(again.stdout, /deployment\.apps\/api: already restarted for the current version; its rollout is still in progress, waiting/);
  assert.doesNotMatch(again.stdout, /deployment\.apps\/api skipped/);
  assert.match(again.stderr, /error: 1 of \d+ workloads did not complete: deployment\.apps\/api \(timed out\)/);
  assert.match(again.stdout, /stateful\S* .*skipped: already running the current version/);
  // --no-wait cannot confirm it either.
  const noWait = await env.cli(['restart', 'db', '-n', ns, '--no-wait']);
  assert.equal(noWait.code, 1, noWait.stdout + noWait.stderr);
  assert.match(noWait.stderr, /deployment\.apps\/api \(rollout in progress\)/);
  // The next run waits for it; once it is waiting (it reads api by name), the rollout goes on and
  // the run succeeds, still without a new patch.
  const before = server.requests.length;
  const running = env.cli(['restart', 'db', '-n', ns, '--timeout', '30s']);
  const apiPath = `/apis/apps/v1/namespaces/${ns}/deployments/api`;
  for (let i = 0; i < 600 && !server.requests.slice(before).some((q) => q.method === 'GET' && q.path === apiPath); i++) await new Promise((r) => setTimeout(r, 50));
  server.rollout.reset('Deployment', ns, 'api');
  const done = await running;
  assert.equal(done.code, 0, done.stdout + done.stderr);
  assert.match(done.stdout, /deployment "api" successfully rolled out/);
  assert.equal(patches(), patched, 'no further restart of api');
});

test('a rollout that exceeds its progress deadline is reported as failed (exit 1)', async (t) => {
  const server = needsTestServer(t, env);
  if (!server) return;
  const ns = await seed();
  server.rollout.fail('Deployment', ns, 'api');
  const r = await env.cli(['restart', 'db', '-n', ns, ...wait()]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /deployment\.apps\/api: rollout failed: deployment "api" exceeded its progress deadline/);
  assert.match(r.stderr, /deployment\.apps\/api \(rollout failed\)/);
});

test('a workload the caller may not patch (403) is reported by name; the rest still restart', async (t) => {
  const server = needsTestServer(t, env);
  if (!server) return;
  const ns = await seed();
  const undo = server.deny({user: 'admin', verb: 'patch', resource: 'deployments', name: 'api'});
  try {
    const r = await env.cli(['restart', 'db', '-n', ns, ...wait()]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /deployment\.apps\/api not restarted: forbidden/);
    assert.match(r.stderr, /deployment\.apps\/api \(forbidden\)/);
    assert.equal((await annotations('apps/v1', 'Deployment', ns, 'api'))[FOR_DB], undefined);
    assert.ok((await annotations('apps/v1', 'StatefulSet', ns, 'ledger'))[FOR_DB]);
    assert.ok((await annotations('apps/v1', 'DaemonSet', ns, 'agent'))[FOR_DB]);
  } finally {
    undo();
  }
});

test('a paused Deployment is reported and not touched', async () => {
  const ns = await seed({paused: true});
  const before = await env.kube.get('apps/v1', 'Deployment', ns, 'api');
  const r = await env.cli(['restart', 'db', '-n', ns, ...wait()], cliTimeout);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /deployment\.apps\/api: paused/);
  assert.match(r.stderr, /deployment\.apps\/api \(paused\)/);
  const after = await env.kube.get('apps/v1', 'Deployment', ns, 'api');
  // Controllers write status at any time on a real cluster; only spec changes move generation.
  assert.equal(after.metadata.generation, before.metadata.generation, 'not patched');
  if (env.server) assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion, 'not patched');
  assert.ok((await annotations('apps/v1', 'StatefulSet', ns, 'ledger'))[FOR_DB], 'the others restart');
});

test('--dry-run says what would be restarted and why, and changes nothing', async () => {
  const ns = await seed();
  const writes = () => env.server?.requests.filter((q) => q.method !== 'GET').length;
  const before = writes();
  // Spec changes move generation (status writes by controllers do not); the Pod keeps its uid.
  const rv = async () => Promise.all([['apps/v1', 'Deployment', 'api'], ['apps/v1', 'StatefulSet', 'ledger'], ['apps/v1', 'DaemonSet', 'agent'], ['v1', 'Pod', 'debug']]
    .map(async ([v, k, n]) => {
      const o = await env.kube.get(v, k, ns, n);
      return k === 'Pod' ? o?.metadata.uid : o?.metadata.generation;
    }));
  const rvBefore = await rv();
  const r = await env.cli(['restart', 'db', '-n', ns, '--dry-run', '--delete-pods']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(writes(), before);
  assert.deepEqual(await rv(), rvBefore, 'no workload or pod changed');
  assert.match(r.stdout, /deployment\.apps\/api would be restarted: not restarted for this Secret yet; uses env DB_PASSWORD ← key password in app/);
  assert.match(r.stdout, /statefulset\.apps\/ledger would be restarted: .*volume db at \/etc\/db/);
  assert.match(r.stdout, /pod\/debug would be deleted/);
  assert.ok(await env.kube.get('v1', 'Pod', ns, 'debug'));
});

test('--selector limits the workloads; --delete-pods deletes bare Pods', async () => {
  const ns = await seed();
  const r = await env.cli(['restart', 'db', '-n', ns, '-l', 'tier in (web,infra)', '--no-wait']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok((await annotations('apps/v1', 'Deployment', ns, 'api'))[FOR_DB]);
  assert.ok((await annotations('apps/v1', 'DaemonSet', ns, 'agent'))[FOR_DB]);
  assert.equal((await annotations('apps/v1', 'StatefulSet', ns, 'ledger'))[FOR_DB], undefined);
  assert.doesNotMatch(r.stdout, /ledger|nightly|debug/);
  // --no-wait reports a rollout an earlier run left in progress (exit 1, documented): let the
  // first run's rollouts finish, however slow the machine, before the second run looks.
  for (const [kind, name] of [['Deployment', 'api'], ['DaemonSet', 'agent']]) {
    await env.kube.waitFor(`${kind} ${name} rolled out`, async () => rolloutStatus(await env.kube.get('apps/v1', kind, ns, name)).done, env.real ? 180_000 : 30_000);
  }

  const d = await env.cli(['restart', 'db', '-n', ns, '--delete-pods', '--no-wait']);
  assert.equal(d.code, 0, d.stderr);
  assert.match(d.stdout, /pod\/debug deleted/);
  // A real kubelet stops the container before the Pod object goes away.
  await env.kube.waitFor('pod/debug to be gone', async () => (await env.kube.get('v1', 'Pod', ns, 'debug')) === undefined, env.real ? 60_000 : 0);
});

test('a Secret that does not exist is an input error (exit 2)', async () => {
  const r = await env.cli(['restart', 'no-such-secret', '-n', 'default']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /error: secret "no-such-secret" not found in namespace "default"/);
});


test('the real `kubectl rollout status` agrees with us after our restart', {skip: kubectl.status !== 0 ? 'kubectl is not on PATH' : false}, async (t) => {
  const server = needsTestServer(t, env);
  if (!server) return;
  const ns = await seed();
  server.rollout.stall('StatefulSet', ns, 'ledger');
  const ours = await env.cli(['restart', 'db', '-n', ns, '--timeout', '1s']);
  assert.equal(ours.code, 1);
  const status = (kind: string, name: string) => runKubectl(['rollout', 'status', `${kind}/${name}`, '-n', ns, '--timeout', '1s']);
  for (const [kind, name] of [['deployment', 'api'], ['daemonset', 'agent']]) {
    const k = await status(kind, name);
    assert.equal(k.code, 0, `kubectl rollout status ${kind}/${name}: ${k.stdout}${k.stderr}`);
    assert.match(k.stdout, /successfully rolled out/);
    assert.match(ours.stdout, new RegExp(`${kind === 'daemonset' ? 'daemon set' : kind} "${name}" successfully rolled out`));
  }
  const stalled = await status('statefulset', 'ledger');
  assert.notEqual(stalled.code, 0, 'kubectl also sees the stalled StatefulSet as not rolled out');
  assert.match(ours.stderr, /statefulset\.apps\/ledger \(timed out\)/);
  // kubectl rollout history/undo read the ReplicaSets our patch makes the controller create;
  // here it is enough that kubectl accepts our restartedAt as its own annotation.
  const got = await runKubectl(['get', 'deployment', 'api', '-n', ns, '-o', `jsonpath={.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}`]);
  assert.equal(got.code, 0, got.stderr);
  assert.equal(got.stdout, (await annotations('apps/v1', 'Deployment', ns, 'api'))[RESTARTED_AT]);
});

let podsOn = false;
test('OnDelete StatefulSets and DaemonSets, and the pods below a partition, are named and not marked restarted; --delete-pods replaces them one at a time', async () => {
  // Runs on a real cluster too: OnDelete and partitions are the workload controllers' own behaviour.
  if (env.server && !podsOn) {
    env.server.workloadPods();
    podsOn = true;
  }
  const kube = env.kube;
  const ns = await kube.namespace('restart-on-delete');
  await kube.apply({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'db', namespace: ns}, data: {password: Buffer.from(canary).toString('base64')}});
  const spec = template('x', podSpec({env: [{name: 'DB_PASSWORD', valueFrom: {secretKeyRef: {name: 'db', key: 'password'}}}]}));
  const sts = (name: string, replicas: number, updateStrategy: object) => ({apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: {name, namespace: ns},
    spec: {replicas, serviceName: name, updateStrategy, selector: {matchLabels: {app: name}}, template: {...spec, metadata: {labels: {app: name}}}}});
  await kube.apply(sts('ledger', 2, {type: 'OnDelete'}));
  await kube.apply(sts('shards', 3, {type: 'RollingUpdate', rollingUpdate: {partition: 2}}));
  await kube.apply({apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: {name: 'agent', namespace: ns},
    spec: {updateStrategy: {type: 'OnDelete'}, selector: {matchLabels: {app: 'agent'}}, template: {...spec, metadata: {labels: {app: 'agent'}}}}});
  const podsOf = async (owner: string) => (await kube.list('v1', 'Pod', ns)).filter((p) => p.metadata.ownerReferences?.some((o: any) => o.name === owner));
  const readyPods = async (owner: string, n: number) => kube.waitFor(`${n} Ready pods of ${owner}`, async () => {
    const ready = (await podsOf(owner)).filter((p) => p.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'));
    return ready.length >= n ? ready : undefined;
  }, env.real ? 180_000 : 10_000);
  for (const [owner, n] of [['ledger', 2], ['shards', 3]] as const) await readyPods(owner, n);
  // All of the DaemonSet's pods, one per node: taken while only some were Ready, the list named fewer pods than restart sees.
  const nodes = await kube.waitFor('the agent DaemonSet scheduled', async () => (await kube.get('apps/v1', 'DaemonSet', ns, 'agent')).status?.desiredNumberScheduled || undefined, env.real ? 180_000 : 10_000);
  const agentPods = (await readyPods('agent', nodes)).map((p) => p.metadata.name).sort();

  const generations = async () => Promise.all([['StatefulSet', 'ledger'], ['StatefulSet', 'shards'], ['DaemonSet', 'agent']].map(async ([k, n]) => (await kube.get('apps/v1', k, ns, n)).metadata.generation));
  const before = await generations();
  for (let run = 0; run < 2; run++) {
    const r = await env.cli(['restart', 'db', '-n', ns, ...wait()], cliTimeout);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /statefulset\.apps\/ledger: updateStrategy OnDelete: its pods are replaced only when deleted: delete pod ledger-0, pod ledger-1 to restart \(or pass --delete-pods\)/);
    assert.match(r.stdout, /statefulset\.apps\/shards: rollingUpdate\.partition 2 leaves the pods below it on the old template: delete pod shards-0, pod shards-1 to restart/);
    assert.match(r.stdout, new RegExp(`daemonset\\.apps/agent: updateStrategy OnDelete: its pods are replaced only when deleted: delete ${agentPods.map((p) => `pod ${p}`).join(', ')} to restart`));
    assert.doesNotMatch(r.stdout, /skipped/, 'a second run does not take them for restarted');
  }
  assert.deepEqual(await generations(), before, 'no template was patched');
  for (const [k, n] of [['StatefulSet', 'ledger'], ['StatefulSet', 'shards'], ['DaemonSet', 'agent']]) assert.equal((await annotations('apps/v1', k, ns, n))[FOR_DB], undefined);

  const uids = async (owner: string) => new Map((await podsOf(owner)).map((p) => [p.metadata.name, p.metadata.uid]));
  const ledgerBefore = await uids('ledger');
  const shardsBefore = await uids('shards');
  const deleting = await env.cli(['restart', 'db', '-n', ns, '--delete-pods', ...wait()], cliTimeout);
  assertNoCanary(deleting);
  assert.equal(deleting.code, 0, deleting.stdout + deleting.stderr);
  assert.match(deleting.stdout, /statefulset\.apps\/ledger restarted: deleted pod ledger-0, pod ledger-1 one at a time; each replacement is Ready/);
  assert.match(deleting.stdout, /daemonset\.apps\/agent restarted: deleted pod/);
  const ledgerAfter = await uids('ledger');
  for (const [name, uid] of ledgerBefore) assert.notEqual(ledgerAfter.get(name), uid, `${name} was replaced`);
  const shardsAfter = await uids('shards');
  for (const name of ['shards-0', 'shards-1']) assert.notEqual(shardsAfter.get(name), shardsBefore.get(name), `${name} below the partition was replaced`);
  const version = secretVersion(await kube.get('v1', 'Secret', ns, 'db'));
  for (const [k, n] of [['StatefulSet', 'ledger'], ['StatefulSet', 'shards'], ['DaemonSet', 'agent']]) assert.equal((await annotations('apps/v1', k, ns, n))[FOR_DB], version, `${k} ${n} marked once its pods were replaced`);

  const again = await env.cli(['restart', 'db', '-n', ns, '--no-wait']);
  assert.equal((again.stdout.match(/skipped: already running the current version/g) ?? []).length, 3, again.stdout);
});
