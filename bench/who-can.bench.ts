// who-can offline over a generated large cluster: 2,000 namespaces, 100,000 RoleBindings,
// 10,000 Roles, 2,000 ClusterRoles (some aggregated), 1,000 ClusterRoleBindings and 20,000
// ServiceAccounts, written as manifest files. Reports, side by side, the time and peak memory to
// only parse the files (the floor of `who-can -f`) and to analyse them, and the analysis time
// at half the bindings, to show the analysis is a small fraction of parsing and grows linearly.
// Each measurement runs in its own process, so peak RSS (maxRSS) is its own. Times are CPU
// time of the process: the figures stay comparable on a busy machine.
import {cpuMs, median, treeBench, treeBenchChild} from './harness.js';
import {clusterRbac, describeRbac, namespaceRbac, type RbacShape} from './rbac-tree.js';
import type {ObjectSource} from '../src/kube/object-source.js';
import {whoCanInputs} from '../src/rbac/inputs.js';
import {whoCan} from '../src/rbac/who-can.js';

/** The namespace analysed: a busy one, with the same number of bindings as every other. */
const TARGET_NS = 'ns-0007';
const RUNS = Number(process.env.BENCH_RUNS ?? 21);

const ns = (i: number) => `ns-${String(i).padStart(4, '0')}`;
const SHAPE: RbacShape = {namespaces: 2_000, rolesPerNs: 5, bindingsPerNs: 50, sasPerNs: 10, clusterRoles: 2_000, clusterRoleBindings: 1_000, aggregated: 20, users: 5_000, teams: 300, ns};
const NAMESPACES = SHAPE.namespaces;

/** Each namespace file: the Namespace and its RBAC. */
export function namespaceFile(n: number): string {
  return [`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns(n)}\n`, ...namespaceRbac(SHAPE, n)].join('---\n');
}

/** Analysis time by number of RoleBindings in the cluster. */
interface Analysis {
  bindings: number;
  ms: number;
  rows: number;
}

const MARKER = '--who-can-bench-child';

/** In the child: analyse with all, half, a quarter and none of the RoleBindings. */
async function analyse(source: ObjectSource): Promise<{analysis: Analysis[]}> {
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
  const time = async (v: (typeof variants)[number]) => {
    const start = cpuMs();
    const report = whoCan(await whoCanInputs(v.source, 'secret-3', TARGET_NS));
    v.rows = report.direct.length + report.indirect.length;
    return cpuMs() - start;
  };
  // Warm up (JIT) first, then interleave the sizes so machine noise hits all of them alike.
  for (const v of variants) await time(v);
  for (let i = 0; i < RUNS; i++) for (const v of variants) v.times.push(await time(v));
  const analysis = variants.map((v) => ({bindings: v.bindings, ms: median(v.times), rows: v.rows}));
  return {analysis};
}

export async function run(): Promise<void> {
  const {bytes, parse, measured} = treeBench<{analysis: Analysis[]}>({moduleUrl: import.meta.url, marker: MARKER, prefix: 'ks-who-can-bench-', cluster: clusterRbac(SHAPE), namespaces: NAMESPACES, ns, nsText: namespaceFile});

  const [full, half, quarter, none] = measured.analysis;
  const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(0)}`;
  const pct = (x: number) => `${((100 * x) / parse.parseMs).toFixed(2)}% of parse`;
  console.log(`${NAMESPACES} namespaces, ${describeRbac(SHAPE)}`);
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
}

await treeBenchChild(import.meta.url, MARKER, analyse);
