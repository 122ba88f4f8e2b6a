// What the benchmarks share: medians, CPU time, and running a measurement in a child process
// (so each has its own heap and its peak RSS is its own).
import {spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {fileSource, type ObjectSource} from '../src/kube/object-source.js';

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** CPU time of this process: on a busy machine, wall-clock time mostly measures the neighbours. */
export const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * CPU time (user + system) of this process's waited-for children, from /proc (Linux): on a
 * shared machine the wall clock mostly measures the neighbours. Undefined elsewhere.
 */
export function childrenCpuMs(): number | undefined {
  try {
    const f = readFileSync('/proc/self/stat', 'utf8').split(')').pop()!.trim().split(' ');
    // Fields 16 and 17 of stat (cutime, cstime), counted from field 3 after the command name.
    return ((Number(f[13]) + Number(f[14])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

/**
 * Runs `moduleUrl` as a child with `marker mode dir`; the child prints its result as JSON on
 * its last line. The module decides what to do when it sees the marker in process.argv.
 */
export function runBenchChild<T>(moduleUrl: string, marker: string, mode: string, dir: string): T {
  const res = spawnSync(process.execPath, ['--max-old-space-size=8192', fileURLToPath(moduleUrl), marker, mode, dir], {encoding: 'utf8', maxBuffer: 1 << 20});
  if (res.status !== 0) throw new Error(`bench child (${mode}) failed: ${res.stderr}`);
  return JSON.parse(res.stdout.trim().split('\n').pop()!);
}

/** Writes a generated cluster as manifests: one cluster-scoped file and one file per namespace. */
export function writeClusterTree(prefix: string, clusterText: string, namespaces: number, nsName: (i: number) => string, nsText: (i: number) => string): {dir: string; bytes: number} {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let bytes = 0;
  const write = (name: string, text: string) => {
    bytes += Buffer.byteLength(text);
    writeFileSync(join(dir, name), text);
  };
  write('cluster.yaml', clusterText);
  for (let n = 0; n < namespaces; n++) write(`${nsName(n)}.yaml`, nsText(n));
  return {dir, bytes};
}

export interface TreeChildResult {
  parseMs: number;
  maxRssMb: number;
}

/**
 * The child side of the offline benches over a generated cluster tree: when this module was
 * started by `runBenchChild` with `marker`, parse the tree (timed with `clock`), run `analyse`
 * unless the mode is `parse`, and print the result as the child's last line.
 */
export async function treeBenchChild<R extends object>(moduleUrl: string, marker: string, analyse: (source: ObjectSource) => Promise<R>, clock: () => number = cpuMs): Promise<void> {
  if (process.argv[2] !== marker || process.argv[1] !== fileURLToPath(moduleUrl)) return;
  const t0 = clock();
  const source = fileSource([process.argv[4]], true, 'default');
  const parseMs = clock() - t0;
  const extra = process.argv[3] === 'parse' ? {} : await analyse(source);
  console.log(JSON.stringify({parseMs, maxRssMb: process.resourceUsage().maxRSS / 1024, ...extra}));
}

/** The parent side: writes the tree, measures parse-only and the analysis in children of their own, removes the tree. */
export function treeBench<R extends object>(o: {moduleUrl: string; marker: string; prefix: string; cluster: string; namespaces: number; ns: (i: number) => string; nsText: (i: number) => string}): {bytes: number; parse: TreeChildResult; measured: TreeChildResult & R} {
  const {dir, bytes} = writeClusterTree(o.prefix, o.cluster, o.namespaces, o.ns, o.nsText);
  try {
    const parse = runBenchChild<TreeChildResult>(o.moduleUrl, o.marker, 'parse', dir);
    const measured = runBenchChild<TreeChildResult & R>(o.moduleUrl, o.marker, 'analyse', dir);
    return {bytes, parse, measured};
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}
