// scan on pathological inputs, next to ordinary manifests of the same size, in MB/s. Each input
// is one file scanned by the built CLI (`scan FILE --format json`) with --max-file-size raised
// so the whole text goes through the YAML reader and the rules, and once more with the default
// limit, where a file over it is streamed through the Secret-material probe instead. A linear
// scanner keeps its MB/s from 1 MB to 10 MB; a quadratic one loses a factor of 10. The goal
// (issue #16) is that no pathological input is slower per MB than the ordinary manifests.
// Each figure is the best of 3 runs, by CPU time (user + system, less sensitive to the
// neighbours on a shared machine than the wall clock), less the start-up floor measured the
// same way. Sizes: BENCH_SCAN_SIZES=1,10 (MB; the default).
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {childrenCpuMs} from './harness.js';

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const ENV = {...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', NO_COLOR: '1'};
const MB = 1024 * 1024;

const SECRET_HEAD = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  password: ';
const repeatTo = (head: string, unit: string, size: number) => head + unit.repeat(Math.max(1, Math.ceil((size - head.length) / unit.length))) + '\n';

const INPUTS: [string, (size: number) => string][] = [
  ['ordinary manifests (1 Secret in 20)', (size) => {
    const doc = (i: number) => `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c-${i}\ndata:\n  setting: value-${i}\n  other: some configuration that is not secret\n`;
    const sec = (i: number) => `---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s-${i}\nstringData:\n  password: bench-only-${i}\n`;
    const parts: string[] = [];
    let n = 0;
    for (let i = 0; n < size; i++) {
      const d = i % 20 === 0 ? sec(i) : doc(i);
      parts.push(d);
      n += d.length;
    }
    return parts.join('');
  }],
  ['unclosed ${A:-x repeated', (size) => repeatTo(SECRET_HEAD, '${A:-x', size)],
  ['long line of spaces in a template', (size) => SECRET_HEAD + '{{ .Values.x }}\n  b: x' + ' '.repeat(size) + 'c\n'],
  ['{{ without }}', (size) => repeatTo(SECRET_HEAD, '{{', size)],
  ['one invalid line after another', (size) => repeatTo(SECRET_HEAD, 'x\n', size)],
  ['unclosed quote of escapes', (size) => SECRET_HEAD + '"' + '\\"'.repeat(size / 2) + '\n'],
  ['unclosed flow mappings', (size) => repeatTo(SECRET_HEAD, '{a: ', size)],
  ['allow markers in one comment', (size) => repeatTo(SECRET_HEAD + 'x\n', '# kubectl-secret:allow ', size)],
];

/** Best of `runs`: wall ms, CPU ms (NaN where /proc is missing) and the exit status. */
function scanFile(file: string, args: string[], runs = 3): {ms: number; cpu: number; status: number | null} {
  let best = {ms: Infinity, cpu: Infinity, status: null as number | null};
  for (let i = 0; i < runs; i++) {
    const c0 = childrenCpuMs();
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [BIN, 'scan', file, '--format', 'json', ...args], {env: ENV, encoding: 'utf8', maxBuffer: 64 * MB});
    const ms = performance.now() - t0;
    const c1 = childrenCpuMs();
    const cpu = c0 === undefined || c1 === undefined ? NaN : c1 - c0;
    best = {ms: Math.min(best.ms, ms), cpu: Math.min(best.cpu, cpu), status: r.status};
  }
  return best;
}

export async function run(): Promise<void> {
  const sizes = (process.env.BENCH_SCAN_SIZES ?? '1,10').split(',').map(Number);
  const dir = mkdtempSync(join(tmpdir(), 'ks-bench-patho-'));
  try {
    // The floor: the same CLI on an empty file.
    writeFileSync(join(dir, 'empty.yaml'), '');
    const floor = scanFile(join(dir, 'empty.yaml'), [], 5);
    const byCpu = Number.isFinite(floor.cpu);
    const cost = (r: {ms: number; cpu: number}) => (byCpu ? r.cpu - floor.cpu : r.ms - floor.ms);
    console.log(`  start-up floor (empty file): ${floor.ms.toFixed(0)} ms wall, ${floor.cpu.toFixed(0)} ms CPU; MB/s below are per ${byCpu ? 'CPU' : 'wall'} second, floor excluded, best of 3`);
    console.log(`  ${'input'.padEnd(38)} ${sizes.map((s) => `${s} MB full`.padStart(13)).join(' ')} ${sizes.map((s) => `${s} MB probe`.padStart(13)).join(' ')}`);
    const rates: {name: string; full: number[]}[] = [];
    for (const [name, make] of INPUTS) {
      const full: number[] = [];
      const probe: string[] = [];
      for (const size of sizes) {
        const file = join(dir, 'input.yaml');
        writeFileSync(file, make(size * MB));
        const a = scanFile(file, ['--max-file-size', `${size * 2}M`]);
        const b = scanFile(file, []);
        const rate = (r: {ms: number; cpu: number}) => size / (Math.max(cost(r), 1) / 1000);
        full.push(rate(a));
        probe.push(size * MB > MB ? `${rate(b).toFixed(1)} MB/s`.padStart(13) : '(under limit)'.padStart(13));
        if (a.status !== 1 || b.status !== 1) console.log(`  ! ${name} at ${size} MB: exit ${a.status}/${b.status}, expected 1 (a finding)`);
      }
      rates.push({name, full});
      console.log(`  ${name.padEnd(38)} ${full.map((r) => `${r.toFixed(1)} MB/s`.padStart(13)).join(' ')} ${probe.join(' ')}`);
    }
    // The goal, at the largest size: the slowest pathological input against the ordinary manifests.
    const last = sizes.length - 1;
    const [ordinary, ...rest] = rates;
    const slowest = rest.reduce((a, b) => (b.full[last] < a.full[last] ? b : a));
    const ratio = slowest.full[last] / ordinary.full[last];
    console.log(`  at ${sizes[last]} MB the slowest pathological input (${slowest.name}) runs at ${ratio.toFixed(2)}x the ordinary manifests' MB/s: ${ratio >= 0.9 ? 'met' : 'not met'} (goal: the same MB/s, within 10% for noise)`);
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}
