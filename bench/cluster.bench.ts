// Cluster commands next to kubectl reading the same objects from the same server, in one run.
// The kubectl side is not written by hand: each of our commands runs once first, the test
// server's request log says what it read, and that becomes the kubectl commands that read
// the same lists and objects (`kubectl get deployments.v1.apps,... -n NS -o json`, one per
// scope). Then both sides run interleaved, whole processes, median of RUNS; the goal is ≤ 1.5×.
// Also here: completion of Secret names, which is our start-up plus the kubectl call it makes.
import {spawn} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
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

function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ms: number; code: number | null; stderr: string}> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, {env, stdio: ['ignore', 'ignore', 'pipe']});
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ms: performance.now() - t0, code, stderr}));
  });
}

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
    console.log(`${'command'.padEnd(34)} ${'ours ms'.padStart(8)} ${'kubectl ms'.padStart(10)}  ratio  kubectl reading the same objects`);
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
      for (let i = 0; i < RUNS; i++) {
        a.push((await timed(process.execPath, [BIN, ...args], env)).ms);
        let sum = 0;
        for (const k of theirs) sum += (await timed('kubectl', k, env)).ms;
        b.push(sum);
      }
      const [ma, mb] = [median(a), median(b)];
      const shown = theirs.map((k) => `kubectl ${k.slice(0, k.indexOf('-o')).join(' ')}`).join(' + ') || '(nothing read)';
      console.log(`${name.padEnd(34)} ${ma.toFixed(0).padStart(8)} ${mb.toFixed(0).padStart(10)}  ${(ma / mb).toFixed(2).padStart(5)}  ${shown}${others.length ? `  [also: ${[...new Set(others)].join(', ')}]` : ''}`);
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
