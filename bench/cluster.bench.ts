// Cluster commands next to kubectl reading the same objects from the same server, in one run.
// The kubectl side is not written by hand: each of our commands runs once first, the test
// server's request log says what it read, and that becomes the kubectl commands that read
// the same lists and objects (`kubectl get deployments.v1.apps,... -n NS -o json`, one per
// scope). Then both sides run interleaved, whole processes, median of RUNS; the goal is ≤ 1.5×.
// Each side also gets its mean CPU time (user + system of its processes, from this process's
// cutime/cstime, as startup.bench.ts does; the test server's own CPU is not in it): on a loaded
// machine the wall clock mostly measures the neighbours, CPU time far less.
// Also here: completion of Secret names, which is our start-up plus the kubectl call it makes.
import {spawn} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {median} from './harness.js';
import {startTestServer, type TestServer} from '../test/server/index.js';

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const COMPLETER = fileURLToPath(new URL('../../bin/kubectl_complete-secret', import.meta.url));
const RUNS = 9;
const NAMESPACES = 20;
const PER_NS = 25;

/** CPU ms of the children this process has waited for (Linux; USER_HZ is 100 there), else NaN. */
function childrenCpuMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[13]) + Number(f[14])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** One whole process, run alone: its wall time and, since it is the only child reaped meanwhile, its CPU time. */
function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ms: number; cpu: number; code: number | null; stderr: string}> {
  return new Promise((resolve, reject) => {
    const c0 = childrenCpuMs();
    const t0 = performance.now();
    const child = spawn(cmd, args, {env, stdio: ['ignore', 'ignore', 'pipe']});
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ms: performance.now() - t0, cpu: childrenCpuMs() - c0, code, stderr}));
  });
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

function seed(server: TestServer): void {
  for (let n = 0; n < NAMESPACES; n++) {
    const ns = `team-${n}`;
    server.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: ns}});
    server.create({apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: 'app', namespace: ns}});
    server.create({apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: {name: 'reader', namespace: ns}, rules: [{apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list']}]});
    server.create({apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: {name: 'reader', namespace: ns}, roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader'}, subjects: [{kind: 'ServiceAccount', name: 'app', namespace: ns}]});
    for (let i = 0; i < PER_NS; i++) {
      server.create({apiVersion: 'v1', kind: 'Secret', metadata: {name: `db-${i}`, namespace: ns, labels: {app: `app-${i}`}}, type: 'Opaque', data: {user: 'YXBw', password: Buffer.from(`bench-${n}-${i}`).toString('base64')}});
      server.create({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: `app-${i}`, namespace: ns}, spec: {replicas: 1, selector: {matchLabels: {app: `app-${i}`}}, template: {metadata: {labels: {app: `app-${i}`}}, spec: {serviceAccountName: 'app', containers: [{name: 'app', image: 'example/app:1', envFrom: [{secretRef: {name: `db-${i}`}}]}]}}}});
    }
  }
}

/** The kubectl commands that read what `paths` (GETs from the request log) read. */
function kubectlFor(paths: string[], kubeconfig: string): string[][] {
  const lists = new Map<string, Set<string>>(); // scope -> resources
  const singles: string[][] = [];
  for (const p of new Set(paths)) {
    const m = p.match(/^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?$/);
    if (!m) continue;
    const [, coreVersion, group, version, ns, resource, name] = m;
    const type = coreVersion ? `${resource}.v1` : `${resource}.${version}.${group}`;
    if (resource === 'namespaces' && name) continue; // kubectl reads the namespace implicitly
    if (name) singles.push(['get', `${type}/${name}`, ...(ns ? ['-n', ns] : []), '-o', 'json', '--kubeconfig', kubeconfig]);
    else {
      const scope = ns ?? '*';
      if (!lists.has(scope)) lists.set(scope, new Set());
      lists.get(scope)!.add(type);
    }
  }
  const out = [...lists].map(([scope, types]) => ['get', [...types].join(','), ...(scope === '*' ? ['-A'] : ['-n', scope]), '-o', 'json', '--kubeconfig', kubeconfig]);
  return [...out, ...singles];
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ks-bench-cluster-'));
  const server = await startTestServer();
  try {
    seed(server);
    const kubeconfig = server.writeKubeconfig(join(dir, 'kubeconfig'), {namespace: 'team-3'});
    const env = {...process.env, NO_COLOR: '1', DEBUG: '', KUBECONFIG: kubeconfig, HOME: dir};
    const diffFile = join(dir, 'db-7.yaml');
    writeFileSync(diffFile, `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-7\n  namespace: team-3\ntype: Opaque\ndata:\n  user: YXBw\n  password: ${Buffer.from('changed').toString('base64')}\n`);
    const ours: [string, string[]][] = [
      ['list -A', ['list', '-A']],
      ['list -n team-3', ['list', '-n', 'team-3']],
      ['consumers db-7 -n team-3', ['consumers', 'db-7', '-n', 'team-3']],
      ['who-can db-7 -n team-3', ['who-can', 'db-7', '-n', 'team-3']],
      ['diff db-7.yaml', ['diff', diffFile]],
      ['keys list', ['keys', 'list']],
    ];
    console.log(`test server over HTTPS: ${NAMESPACES} namespaces × ${PER_NS} Secrets and Deployments; median of ${RUNS} interleaved runs\n`);
    console.log(`${'command'.padEnd(34)} ${'ours ms'.padStart(8)} ${'kubectl ms'.padStart(10)}  ratio  ${'ours CPU'.padStart(8)} ${'kubectl CPU'.padStart(11)}  ratio  kubectl reading the same objects`);
    for (const [name, args] of ours) {
      const before = server.requests.length;
      const first = await timed(process.execPath, [BIN, ...args], env);
      const gets = server.requests.slice(before).filter((r) => r.method === 'GET').map((r) => r.path);
      const others = server.requests.slice(before).filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`);
      const theirs = kubectlFor(gets, kubeconfig);
      if (first.code !== 0 && first.code !== 1) {
        console.log(`${name.padEnd(34)} (not measured: exit ${first.code}: ${first.stderr.split('\n')[0]})`);
        continue;
      }
      const a: number[] = [];
      const b: number[] = [];
      const ca: number[] = [];
      const cb: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const r = await timed(process.execPath, [BIN, ...args], env);
        a.push(r.ms);
        ca.push(r.cpu);
        let sum = 0;
        let cpu = 0;
        for (const k of theirs) {
          const t = await timed('kubectl', k, env);
          sum += t.ms;
          cpu += t.cpu;
        }
        b.push(sum);
        cb.push(cpu);
      }
      const [ma, mb] = [median(a), median(b)];
      const [mca, mcb] = [mean(ca), mean(cb)];
      const cpuCols = Number.isNaN(mca) ? '' : `${mca.toFixed(0).padStart(8)} ${mcb.toFixed(0).padStart(11)}  ${(mca / mcb).toFixed(2).padStart(5)}  `;
      const shown = theirs.map((k) => `kubectl ${k.slice(0, k.indexOf('-o')).join(' ')}`).join(' + ') || '(nothing read)';
      console.log(`${name.padEnd(34)} ${ma.toFixed(0).padStart(8)} ${mb.toFixed(0).padStart(10)}  ${(ma / mb).toFixed(2).padStart(5)}  ${cpuCols}${shown}${others.length ? `  [also: ${[...new Set(others)].join(', ')}]` : ''}`);
    }

    // Completion of Secret names: our start-up, then the same kubectl call it makes.
    const floor: number[] = [];
    const names: number[] = [];
    const kubectl: number[] = [];
    const kubectlArgs = ['get', 'secrets', '-o', 'jsonpath={.items[*].metadata.name}', '--request-timeout', '5s'];
    for (let i = 0; i <= RUNS; i++) {
      const f = await timed(process.execPath, ['-e', '0'], env);
      const c = await timed(process.execPath, [COMPLETER, 'restart', ''], env);
      const k = await timed('kubectl', kubectlArgs, env);
      if (i === 0) continue;
      floor.push(f.ms);
      names.push(c.ms);
      kubectl.push(k.ms);
    }
    const [mf, mc, mk] = [median(floor), median(names), median(kubectl)];
    console.log(`\ncompletion of Secret names (kubectl_complete-secret restart ''): ${mc.toFixed(0)} ms; node -e 0 ${mf.toFixed(0)} ms + its kubectl call ${mk.toFixed(0)} ms;`);
    console.log(`  over the kubectl call: ${(mc - mk).toFixed(0)} ms = ${((mc - mk) / mf).toFixed(1)}× node -e 0 (goal ≤ 2.0×)`);
  } finally {
    await server.close();
    rmSync(dir, {recursive: true, force: true});
  }
}
