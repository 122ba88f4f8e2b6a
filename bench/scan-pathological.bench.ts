// scan on pathological inputs, next to ordinary manifests of the same size, in MB/s. Each input
// is one file scanned by the built CLI (`scan FILE --format json`) with --max-file-size raised
// so the whole text goes through the YAML reader and the rules, and once more with the default
// limit, where a file over it is streamed through the Secret-material probe instead. A linear
// scanner keeps its MB/s from 1 MB to 10 MB; a quadratic one loses a factor of 10. Sizes:
// BENCH_SCAN_SIZES=1,10 (MB; the default).
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

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

function scanFile(file: string, args: string[]): {ms: number; status: number | null} {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, 'scan', file, '--format', 'json', ...args], {env: ENV, encoding: 'utf8', maxBuffer: 64 * MB});
  return {ms: performance.now() - t0, status: r.status};
}

export async function run(): Promise<void> {
  const sizes = (process.env.BENCH_SCAN_SIZES ?? '1,10').split(',').map(Number);
  const dir = mkdtempSync(join(tmpdir(), 'ks-bench-patho-'));
  try {
    // The floor: the same CLI on an empty file.
    writeFileSync(join(dir, 'empty.yaml'), '');
    const floor = Math.min(...[0, 1, 2].map(() => scanFile(join(dir, 'empty.yaml'), []).ms));
    console.log(`  start-up floor (empty file): ${floor.toFixed(0)} ms; MB/s below exclude it`);
    console.log(`  ${'input'.padEnd(38)} ${sizes.map((s) => `${s} MB full`.padStart(13)).join(' ')} ${sizes.map((s) => `${s} MB probe`.padStart(13)).join(' ')}`);
    for (const [name, make] of INPUTS) {
      const full: string[] = [];
      const probe: string[] = [];
      for (const size of sizes) {
        const file = join(dir, 'input.yaml');
        writeFileSync(file, make(size * MB));
        const a = scanFile(file, ['--max-file-size', `${size * 2}M`]);
        const b = scanFile(file, []);
        const rate = (ms: number) => `${((size) / (Math.max(ms - floor, 1) / 1000)).toFixed(1)} MB/s`;
        full.push(rate(a.ms).padStart(13));
        probe.push(size * MB > MB ? rate(b.ms).padStart(13) : '(under limit)'.padStart(13));
        if (a.status !== 1 || b.status !== 1) console.log(`  ! ${name} at ${size} MB: exit ${a.status}/${b.status}, expected 1 (a finding)`);
      }
      console.log(`  ${name.padEnd(38)} ${full.join(' ')} ${probe.join(' ')}`);
    }
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}
