// What the benchmarks share: medians, CPU time, and running a measurement in a child process
// (so each has its own heap and its peak RSS is its own).
import {spawnSync} from 'node:child_process';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** CPU time of this process: on a busy machine, wall-clock time mostly measures the neighbours. */
export const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

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
