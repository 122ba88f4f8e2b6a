// What the benchmarks share: medians, CPU time, and running a measurement in a child process
// (so each has its own heap and its peak RSS is its own).
import {spawnSync} from 'node:child_process';
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
