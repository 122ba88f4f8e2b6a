// `npm run bench controller`: the controller against the in-process test server at 100, 1,000
// and 5,000 SealedSecrets (BENCH_CONTROLLER_SIZES=100,1000 to change), each on a fresh server:
//   floor      `kubectl create -f` of the same Secrets, measured in the same run
//   cold sync  from the controller's "starting" line until every Secret exists and every
//              SealedSecret reports Synced=True (goal: ≤ 1.5× the floor)
//   lag        a burst of 500 re-sealed SealedSecrets: time from sending each update to the
//              server's answer to the controller's write of its Secret, which carries the new
//              value (checked after the burst) (goal at 5,000 objects: p99 ≤ 1 s)
//   memory     the controller's resident set before any object and after the cold sync
//              (goal: ≤ 100 MB + 20 MB per 1,000 objects)
//   writes     Secret creates sent by the controller: exactly one per object, across a restart
//              of the controller half-way through a second cold sync
//   CPU        ms of CPU per object (from /proc) of the floor (this process, which serves, plus
//              kubectl) and of the cold sync (this process plus the controller): on a shared
//              machine the wall clock measures the neighbours, and the two ratios tell them apart
// Run by hand (it takes a few minutes on 2 cores), not in CI.
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {loadavg, tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {generateNaclKeyPair, naclKeyId, naclPrivateKeyToPem, naclPublicKeyToPem, type NaclKeyPair} from '../src/crypto/index.js';
import {sealSecret} from '../src/seal/seal.js';
import type {KubeObject} from '../src/manifests/parse.js';
import {Cluster} from '../src/kube/cluster.js';
import {startTestServer, type TestServer} from '../test/server/index.js';

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const SIZES = (process.env.BENCH_CONTROLLER_SIZES ?? '100,1000,5000').split(',').map(Number);
const BURST = 500;
const NS = 'bench';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function seal(kp: NaclKeyPair, name: string, value: string): KubeObject {
  return sealSecret({name, namespace: NS, labels: {app: 'bench'}, annotations: {}, values: new Map([['password', Buffer.from(value)], ['user', Buffer.from('app')]])},
    {key: {scheme: 'nacl', publicKey: kp.publicKey, keyId: naclKeyId(kp.publicKey), pem: naclPublicKeyToPem(kp.publicKey), source: 'bench'}});
}

async function prepare(): Promise<{server: TestServer; kubeconfig: string; dir: string; kp: NaclKeyPair}> {
  const server = await startTestServer();
  const dir = mkdtempSync(join(tmpdir(), 'ks-bench-controller-'));
  const kubeconfig = server.writeKubeconfig(join(dir, 'kubeconfig'));
  server.registerCRD({group: 'kubectl-secret.dev', version: 'v1alpha1', kind: 'SealedSecret', plural: 'sealedsecrets', status: true});
  for (const ns of [NS, 'floor']) server.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: ns}});
  const kp = generateNaclKeyPair();
  const id = naclKeyId(kp.publicKey);
  server.create({apiVersion: 'v1', kind: 'Secret', metadata: {name: `kubectl-secret-key-${id}`, namespace: 'kube-system', labels: {'kubectl-secret.dev/sealing-key': 'true'}, annotations: {'kubectl-secret.dev/key-id': id}},
    data: {'private.pem': Buffer.from(naclPrivateKeyToPem(kp.secretKey)).toString('base64')}});
  return {server, kubeconfig, dir, kp};
}

interface Running {
  child: ChildProcess;
  started: Promise<number>;
  stderr: () => string;
}

function startController(kubeconfig: string): Running {
  const child = spawn(process.execPath, [BIN, 'controller', 'run', '--kubeconfig', kubeconfig, '--listen', '127.0.0.1:0', '--no-leader-elect', '-n', NS, '--resync', '1h'],
    {env: {...process.env, NO_COLOR: '1'}, stdio: ['ignore', 'ignore', 'pipe']});
  // Only the head of the log is kept and searched: this process also serves the controller, and
  // re-scanning a log that grows by a line per object took the server's CPU away from it.
  let err = '';
  let onStart: ((t: number) => void) | undefined;
  const started = new Promise<number>((r) => (onStart = r));
  child.stderr!.on('data', (d) => {
    if (!onStart && err.length > 64 * 1024) return;
    err += d;
    if (onStart && /sealing keys loaded/.test(err)) {
      onStart(performance.now());
      onStart = undefined;
    }
  });
  return {child, started, stderr: () => err};
}

/** CPU ms of a process (utime + stime; /proc counts in USER_HZ, 100 on Linux). */
function cpuMs(pid: number | 'self', children = false): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const at = children ? 13 : 11;
  return (Number(f[at]) + Number(f[at + 1])) * 10;
}
const serverCpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const rssMb = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

async function stop(c: Running): Promise<void> {
  if (c.child.exitCode !== null) return;
  const exited = new Promise((r) => c.child.once('exit', r));
  c.child.kill('SIGTERM');
  await exited;
}

/**
 * Counts, from the request log (scanned only from where it was left), the objects whose Secret
 * was created and whose status was written: listing the store instead would clone every object
 * on each poll, in the process that also serves the controller.
 */
function progress(server: TestServer, from: number): () => {secrets: number; synced: number} {
  let seen = from;
  const secrets = new Set<string>();
  const synced = new Set<string>();
  return () => {
    const reqs = server.requests;
    for (; seen < reqs.length; seen++) {
      const q = reqs[seen];
      if (q.method === 'POST' && q.status === 201 && q.path === `/api/v1/namespaces/${NS}/secrets`) secrets.add(String(seen));
      const m = /\/sealedsecrets\/([^/]+)\/status$/.exec(q.path);
      if (q.method === 'PUT' && q.status === 200 && m) synced.add(m[1]);
    }
    return {secrets: secrets.size, synced: synced.size};
  };
}

async function until(what: string, fn: () => boolean, timeoutMs: number, pollMs = 25): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while (!fn()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(pollMs);
  }
  return performance.now();
}

async function timeKubectlCreate(dir: string, kubeconfig: string, n: number): Promise<{ms: number; cpuMs: number}> {
  const file = join(dir, 'secrets.yaml');
  writeFileSync(file, Array.from({length: n}, (_, i) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s-${i}\n  namespace: floor\n  labels:\n    app: bench\ndata:\n  password: ${Buffer.from(`value-${i}`).toString('base64')}\n  user: YXBw\n`).join('---\n'));
  // An async child: the server answers in this process, so spawnSync would block it.
  const started = performance.now();
  const cpu0 = serverCpuMs() + cpuMs('self', true);
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn('kubectl', ['create', '-f', file, '--kubeconfig', kubeconfig], {stdio: ['ignore', 'ignore', 'inherit']});
    child.on('exit', resolve);
    child.on('error', () => resolve(-1));
  });
  if (code !== 0) throw new Error('kubectl create failed (is kubectl on PATH?)');
  // kubectl has been waited for, so its CPU is in this process's children's figures.
  return {ms: performance.now() - started, cpuMs: serverCpuMs() + cpuMs('self', true) - cpu0};
}

async function measure(n: number): Promise<Record<string, number | string>> {
  const {server, kubeconfig, dir, kp} = await prepare();
  try {
    const {ms: floorMs, cpuMs: floorCpu} = await timeKubectlCreate(dir, kubeconfig, n);

    // Memory before any object: a controller that has loaded its keys and listed nothing.
    const idle = startController(kubeconfig);
    await idle.started;
    await sleep(1000);
    const idleRss = rssMb(idle.child.pid!);
    await stop(idle);

    for (let i = 0; i < n; i++) server.create({...seal(kp, `s-${i}`, `value-${i}`), metadata: {name: `s-${i}`, namespace: NS}});
    const before = server.requests.length;
    const cold = progress(server, before);
    const ctl = startController(kubeconfig);
    const start = await ctl.started;
    const cpu0 = serverCpuMs() + cpuMs(ctl.child.pid!);
    const cpuAtStart = cpuMs(ctl.child.pid!);
    const done = await until(`${n} Synced`, () => {
      const p = cold();
      return p.secrets === n && p.synced === n;
    }, 600_000, 50);
    // The controller's own CPU for the cold sync, per object: what its HTTP client costs shows here.
    const coldCpuMs = cpuMs(ctl.child.pid!) - cpuAtStart;
    const coldMs = done - start;
    const coldCpu = serverCpuMs() + cpuMs(ctl.child.pid!) - cpu0;
    await sleep(500);
    const rss = rssMb(ctl.child.pid!);
    const creates = server.requests.slice(before).filter((q) => q.method === 'POST' && q.path === `/api/v1/namespaces/${NS}/secrets`).length;

    // A burst of re-sealed values; each one's lag is from its update to its Secret's new value.
    const burst = Math.min(BURST, n);
    const resealed = Array.from({length: burst}, (_, i) => seal(kp, `s-${i}`, `changed-${i}`));
    const updatedAt = new Map<string, number>();
    const lags: number[] = [];
    const pending = new Set(resealed.map((_, i) => `s-${i}`));
    // From the request log, as progress() does: the controller's PUT of a burst object's Secret,
    // stamped by the server when it answered. Listing the store every 100 ms cloned all n Secrets
    // each time in the process that serves the controller (at 5,000 objects, most of its CPU).
    let seen = server.requests.length;
    const secretPut = new RegExp(`^/api/v1/namespaces/${NS}/secrets/(s-\\d+)$`);
    const watcher = (async () => {
      while (pending.size > 0) {
        for (; seen < server.requests.length; seen++) {
          const q = server.requests[seen];
          const m = q.method === 'PUT' && q.status === 200 ? secretPut.exec(q.path) : null;
          if (!m || !pending.has(m[1]) || !updatedAt.has(m[1])) continue;
          lags.push((q.at ?? Date.now()) - updatedAt.get(m[1])!);
          pending.delete(m[1]);
        }
        await sleep(100);
      }
    })();
    for (let i = 0; i < burst; i++) {
      const cur = server.get('kubectl-secret.dev/v1alpha1', 'SealedSecret', NS, `s-${i}`);
      // Through the API, as a user's `kubectl apply` would arrive. Stamped when sent: the
      // controller's write can be logged before this process reads the answer.
      updatedAt.set(`s-${i}`, Date.now());
      await fetchUpdate(kubeconfig, {...cur, spec: resealed[i].spec});
    }
    await Promise.race([watcher, sleep(120_000).then(() => {
      throw new Error(`${pending.size} updates never reached their Secret`);
    })]);
    // Each of those writes carried the new value.
    const stale = resealed.filter((_, i) => !Buffer.from(server.get('v1', 'Secret', NS, `s-${i}`).data?.password ?? '', 'base64').toString().startsWith('changed-')).length;
    if (stale > 0) throw new Error(`${stale} Secrets of the burst do not carry their new value`);
    await stop(ctl);
    lags.sort((a, b) => a - b);

    // Across a restart: a second cold sync of fresh objects, stopped half-way and resumed.
    for (let i = 0; i < n; i++) server.create({...seal(kp, `r-${i}`, `value-${i}`), metadata: {name: `r-${i}`, namespace: NS}});
    const mark = server.requests.length;
    const again = progress(server, mark);
    const first = startController(kubeconfig);
    await first.started;
    await until('half of the second batch', () => again().secrets >= n / 2, 600_000, 10);
    await stop(first);
    const second = startController(kubeconfig);
    await second.started;
    await until('the second batch', () => again().secrets >= n && server.list('v1', 'Secret', NS).length === 2 * n, 600_000, 200);
    await stop(second);
    const restartCreates = server.requests.slice(mark).filter((q) => q.method === 'POST' && q.path === `/api/v1/namespaces/${NS}/secrets` && q.status === 201).length;
    const lost = n - server.list('v1', 'Secret', NS).filter((s) => s.metadata.name.startsWith('r-')).length;

    return {
      objects: n, 'floor ms': Math.round(floorMs), 'cold sync ms': Math.round(coldMs), 'cold/floor': (coldMs / floorMs).toFixed(2),
      'floor CPU/obj': (floorCpu / n).toFixed(2), 'cold CPU/obj': (coldCpu / n).toFixed(2), 'CPU cold/floor': (coldCpu / floorCpu).toFixed(2), 'controller CPU/obj': (coldCpuMs / n).toFixed(2),
      'lag p50 ms': Math.round(lags[Math.floor(lags.length / 2)]), 'lag p99 ms': Math.round(lags[Math.floor(lags.length * 0.99)]), 'lag max ms': Math.round(lags[lags.length - 1]),
      'idle MB': Math.round(idleRss), 'synced MB': Math.round(rss), 'MB goal': Math.round(100 + 20 * n / 1000),
      'creates/object': (creates / n).toFixed(2), 'restart: creates': `${restartCreates}/${n}`, 'restart: lost': lost,
    };
  } finally {
    await server.close();
    rmSync(dir, {recursive: true, force: true});
  }
}

/** A PUT through the API (so the watch sees it as any user's change would be). */
async function fetchUpdate(kubeconfig: string, obj: KubeObject): Promise<void> {
  clusters[kubeconfig] ??= await Cluster.connect({kubeconfig});
  await clusters[kubeconfig].update(obj);
}
const clusters: Record<string, Cluster> = {};

export async function run(): Promise<void> {
  if (spawnSync('kubectl', ['version', '--client'], {encoding: 'utf8'}).status !== 0) {
    console.log('skipped: the floor is `kubectl create`, and kubectl is not on PATH');
    return;
  }
  const rows: Array<Record<string, number | string>> = [];
  const load = (): string => loadavg().map((x) => x.toFixed(1)).join(' ');
  for (const n of SIZES) {
    const before = load();
    rows.push({...(await measure(n)), 'load avg': `${before} → ${load()}`});
  }
  console.table(rows);
  console.log('CPU/obj: ms of CPU per object, floor = this process (the server) + kubectl, cold = this process + the controller');
  console.log('goals: cold/floor ≤ 1.5; lag p99 ≤ 1000 ms at 5,000 objects; synced MB ≤ MB goal; creates/object 1.00; restart: creates n/n, lost 0');
}
