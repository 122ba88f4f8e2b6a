// who-can offline over a generated large cluster: 2,000 namespaces, 100,000 RoleBindings,
// 10,000 Roles, 2,000 ClusterRoles (some aggregated), 1,000 ClusterRoleBindings and 20,000
// ServiceAccounts, written as manifest files. Reports, side by side, the time and peak memory to
// only parse the files (the floor of `who-can -f`) and to analyse them, and the analysis time
// at half the bindings, to show the analysis is a small fraction of parsing and grows linearly.
// Each measurement runs in its own process, so peak RSS (maxRSS) is its own. Times are CPU
// time of the process: the figures stay comparable on a busy machine.
import {cpuMs, median, runBenchChild, writeClusterTree} from './harness.js';
import {rmSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {fileSource, type ObjectSource} from '../src/kube/object-source.js';
import {whoCanInputs} from '../src/rbac/inputs.js';
import {whoCan} from '../src/rbac/who-can.js';

const NAMESPACES = 2_000;
const ROLES_PER_NS = 5;
const BINDINGS_PER_NS = 50;
const SAS_PER_NS = 10;
const CLUSTER_ROLES = 2_000;
const CLUSTER_ROLE_BINDINGS = 1_000;
const AGGREGATED = 20;
/** The namespace analysed: a busy one, with the same number of bindings as every other. */
const TARGET_NS = 'ns-0007';
const RUNS = 21;

const ns = (i: number) => `ns-${String(i).padStart(4, '0')}`;

function roleRules(i: number): string {
  switch (i % 5) {
    case 0: return `- apiGroups: [""]\n  resources: [secrets]\n  verbs: [get, list, watch]\n`;
    case 1: return `- apiGroups: [""]\n  resources: [secrets]\n  resourceNames: [secret-${i % 7}]\n  verbs: [get]\n`;
    case 2: return `- apiGroups: [""]\n  resources: [pods, pods/exec, pods/log]\n  verbs: [get, create]\n- apiGroups: [apps]\n  resources: [deployments]\n  verbs: [get, list, update]\n`;
    case 3: return `- apiGroups: [""]\n  resources: [configmaps, services]\n  verbs: ["*"]\n`;
    default: return `- apiGroups: ["*"]\n  resources: ["*/status"]\n  verbs: [get, patch]\n`;
  }
}

function subject(nsIdx: number, i: number): string {
  switch (i % 4) {
    case 0: return `- kind: ServiceAccount\n  name: sa-${i % SAS_PER_NS}\n`; // namespace defaulted
    case 1: return `- kind: User\n  apiGroup: rbac.authorization.k8s.io\n  name: user-${(nsIdx * 7 + i) % 5_000}\n`;
    case 2: return `- kind: Group\n  apiGroup: rbac.authorization.k8s.io\n  name: team-${(nsIdx + i) % 300}\n`;
    default: return `- kind: ServiceAccount\n  name: sa-${i % SAS_PER_NS}\n  namespace: ${ns((nsIdx + 1) % NAMESPACES)}\n`;
  }
}

export function namespaceFile(n: number): string {
  const name = ns(n);
  const docs: string[] = [`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`];
  for (let s = 0; s < SAS_PER_NS; s++) docs.push(`apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa-${s}\n  namespace: ${name}\n`);
  for (let r = 0; r < ROLES_PER_NS; r++) {
    docs.push(`apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: role-${r}\n  namespace: ${name}\nrules:\n${roleRules(n + r)}`);
  }
  for (let b = 0; b < BINDINGS_PER_NS; b++) {
    // Most bindings reference a namespace Role, some a ClusterRole, a few a role that is gone.
    const ref = b % 10 < 6 ? `kind: Role\n  name: role-${b % ROLES_PER_NS}` : b % 10 < 9 ? `kind: ClusterRole\n  name: cr-${(n * 13 + b) % CLUSTER_ROLES}` : `kind: Role\n  name: deleted-${b}`;
    docs.push(`apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: rb-${b}\n  namespace: ${name}\n  labels:\n    team: team-${b % 17}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  ${ref}\nsubjects:\n${subject(n, b)}${subject(n, b + 1)}`);
  }
  return docs.join('---\n');
}

export function clusterFile(): string {
  const docs: string[] = [];
  for (let c = 0; c < CLUSTER_ROLES; c++) {
    if (c < AGGREGATED) {
      docs.push(`apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: cr-${c}\naggregationRule:\n  clusterRoleSelectors:\n  - matchLabels:\n      aggregate-to: agg-${c}\nrules: null\n`);
    } else {
      docs.push(`apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: cr-${c}\n  labels:\n    aggregate-to: agg-${c % AGGREGATED}\nrules:\n${roleRules(c)}`);
    }
  }
  for (let b = 0; b < CLUSTER_ROLE_BINDINGS; b++) {
    const s = b % 3 === 0 ? `- kind: ServiceAccount\n  name: sa-${b % SAS_PER_NS}\n  namespace: ${ns(b % NAMESPACES)}\n` : `- kind: User\n  apiGroup: rbac.authorization.k8s.io\n  name: admin-${b}\n`;
    docs.push(`apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: crb-${b}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: cr-${(b * 7) % CLUSTER_ROLES}\nsubjects:\n${s}`);
  }
  return docs.join('---\n');
}

interface ChildResult {
  parseMs: number;
  maxRssMb: number;
  /** Analysis time by number of RoleBindings in the cluster. */
  analysis?: Array<{bindings: number; ms: number; rows: number}>;
}


/** Runs in a child process: parse the folder, and unless `parseOnly`, analyse it with all, half, a quarter and none of the RoleBindings. */
async function child(dir: string, parseOnly: boolean): Promise<ChildResult> {
  const t0 = cpuMs();
  const source = fileSource([dir], true, 'default');
  const parseMs = cpuMs() - t0;
  if (parseOnly) return {parseMs, maxRssMb: process.resourceUsage().maxRSS / 1024};
  const allBindings = await source.list('RoleBinding');
  const variants = [1, 2, 4, 0].map((every) => {
    // A smaller cluster: every n-th RoleBinding of every namespace, served the way fileSource serves them.
    const bindings = every === 0 ? [] : allBindings.filter((_, k) => k % every === 0);
    const smaller: ObjectSource = {
      live: false,
      warnings: [],
      forbiddenKinds: new Set(),
      list: async (kind, namespace) => (kind !== 'RoleBinding' ? source.list(kind, namespace) : namespace === undefined ? bindings : bindings.filter((o) => o.metadata?.namespace === namespace)),
    };
    return {bindings: bindings.length, source: smaller, times: [] as number[], rows: 0};
  });
  const analyse = async (v: (typeof variants)[number]) => {
    const start = cpuMs();
    const report = whoCan(await whoCanInputs(v.source, 'secret-3', TARGET_NS));
    v.rows = report.direct.length + report.indirect.length;
    return cpuMs() - start;
  };
  // Warm up (JIT) first, then interleave the sizes so machine noise hits all of them alike.
  for (const v of variants) await analyse(v);
  for (let i = 0; i < RUNS; i++) for (const v of variants) v.times.push(await analyse(v));
  const analysis = variants.map((v) => ({bindings: v.bindings, ms: median(v.times), rows: v.rows}));
  return {parseMs, maxRssMb: process.resourceUsage().maxRSS / 1024, analysis};
}

function runChild(dir: string, mode: 'parse' | 'analyse'): ChildResult {
  return runBenchChild<ChildResult>(import.meta.url, '--who-can-bench-child', mode, dir);
}

export async function run(): Promise<void> {
  const {dir, bytes} = writeClusterTree('ks-who-can-bench-', clusterFile(), NAMESPACES, ns, namespaceFile);
  try {

    const parse = runChild(dir, 'parse');
    const measured = runChild(dir, 'analyse');
    const [full, half, quarter, none] = measured.analysis!;
    const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(0)}`;
    const pct = (x: number) => `${((100 * x) / parse.parseMs).toFixed(2)}% of parse`;
    console.log(`${NAMESPACES} namespaces, ${NAMESPACES * BINDINGS_PER_NS} RoleBindings, ${NAMESPACES * ROLES_PER_NS} Roles, ${CLUSTER_ROLES} ClusterRoles (${AGGREGATED} aggregated), ${CLUSTER_ROLE_BINDINGS} ClusterRoleBindings, ${NAMESPACES * SAS_PER_NS} ServiceAccounts`);
    console.log(`(${(bytes / 1e6).toFixed(1)} MB of YAML in ${NAMESPACES + 1} files; analysing Secret secret-3 in ${TARGET_NS}. Times are CPU time; analysis = gathering`);
    console.log(` from the parsed objects + who-can, median of ${RUNS} interleaved runs after a warm-up)`);
    console.log('');
    console.log(`  parse only (baseline):            ${parse.parseMs.toFixed(0).padStart(8)} ms   peak RSS ${parse.maxRssMb.toFixed(0)} MB`);
    for (const a of [full, half, quarter, none]) {
      console.log(`  analysis, ${String(a.bindings).padStart(6)} RoleBindings:    ${a.ms.toFixed(1).padStart(8)} ms   ${pct(a.ms)}, ${a.rows} rows`);
    }
    // Linear growth: a least-squares line through the four sizes; the intercept is the part that
    // does not depend on bindings (aggregating ClusterRoles, indexing ServiceAccounts).
    const pts = [full, half, quarter, none];
    const mx = pts.reduce((a, p) => a + p.bindings, 0) / pts.length;
    const my = pts.reduce((a, p) => a + p.ms, 0) / pts.length;
    const slope = pts.reduce((a, p) => a + (p.bindings - mx) * (p.ms - my), 0) / pts.reduce((a, p) => a + (p.bindings - mx) ** 2, 0);
    const worst = Math.max(...pts.map((p) => Math.abs(p.ms - (my + slope * (p.bindings - mx)))));
    console.log(`  linear fit: ${(my - slope * mx).toFixed(1)} ms + ${(slope * 1000).toFixed(3)} ms per 1,000 RoleBindings (largest deviation from the line ${worst.toFixed(1)} ms)`);
    console.log(`  parse + analysis (who-can -f):    ${(measured.parseMs + full.ms).toFixed(0).padStart(8)} ms   peak RSS ${measured.maxRssMb.toFixed(0)} MB (${signed(measured.maxRssMb - parse.maxRssMb)} MB vs parsing alone; GC timing makes this vary by tens of MB)`);
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}

if (process.argv[2] === '--who-can-bench-child' && process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await child(process.argv[4], process.argv[3] === 'parse');
  console.log(JSON.stringify(result));
}
