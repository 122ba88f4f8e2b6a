// Start-up time, as a user feels it in every command and every commit hook: the median wall
// time of whole processes, side by side in one run, next to `node -e 0` (the floor for any
// Node CLI) and `kubectl version --client` (a native CLI users compare us with). The single
// executable is measured too when `npm run package` has built it (build/linux_amd64/).
import {spawnSync} from 'node:child_process';
import {median} from './harness.js';
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'run.js');
const SEA = join(ROOT, 'build', 'linux_amd64', 'kubectl-secret');
const CERT = join(ROOT, 'test', 'fixtures', 'crypto', 'x25519-public.pem');
const RUNS = 11;

const SECRET = `apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: payments
stringData:
  password: bench-only-not-a-real-password
`;


interface Row {
  name: string;
  cmd: string;
  args: string[];
  input?: string;
  /** Exit codes that mean it worked (scan exits 1 on its finding). */
  ok: number[];
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ks-bench-startup-'));
  try {
    const file = join(dir, 'secret.yaml');
    writeFileSync(file, SECRET);
    const env = {...process.env, NO_COLOR: '1', DEBUG: ''};
    const rows: Row[] = [
      {name: 'node -e 0', cmd: process.execPath, args: ['-e', '0'], ok: [0]},
      {name: 'kubectl-secret --version', cmd: process.execPath, args: [BIN, '--version'], ok: [0]},
      {name: 'kubectl-secret seal --cert PUB.pem < secret.yaml (nacl)', cmd: process.execPath, args: [BIN, 'seal', '--cert', CERT], input: SECRET, ok: [0]},
      {name: 'kubectl-secret scan secret.yaml', cmd: process.execPath, args: [BIN, 'scan', file], ok: [1]},
      {name: 'kubectl-secret (overview)', cmd: process.execPath, args: [BIN], ok: [0]},
      {name: 'kubectl_complete-secret restart --', cmd: process.execPath, args: [join(ROOT, 'bin', 'kubectl_complete-secret'), 'restart', '--'], ok: [0]},
      {name: 'kubectl version --client', cmd: 'kubectl', args: ['version', '--client'], ok: [0]},
    ];
    if (existsSync(SEA)) {
      rows.push(
        {name: 'single executable: --version', cmd: SEA, args: ['--version'], ok: [0]},
        {name: 'single executable: seal --cert (nacl)', cmd: SEA, args: ['seal', '--cert', CERT], input: SECRET, ok: [0]},
        {name: 'single executable: scan secret.yaml', cmd: SEA, args: ['scan', file], ok: [1]},
      );
    }
    const results: {name: string; ms?: number; note?: string}[] = [];
    // Interleaved rounds, so a burst of load on the machine hits every row alike.
    const times = rows.map(() => [] as number[]);
    const failed = new Map<number, string>();
    for (let round = 0; round <= RUNS; round++) {
      rows.forEach((r, i) => {
        if (failed.has(i)) return;
        const t0 = performance.now();
        const res = spawnSync(r.cmd, r.args, {cwd: dir, env, input: r.input ?? '', encoding: 'utf8'});
        const ms = performance.now() - t0;
        if (res.error || !r.ok.includes(res.status ?? -1)) failed.set(i, res.error ? String(res.error.message) : `exit ${res.status}: ${res.stderr.split('\n')[0]}`);
        else if (round > 0) times[i].push(ms); // round 0 warms the file cache
      });
    }
    rows.forEach((r, i) => results.push(failed.has(i) ? {name: r.name, note: failed.get(i)} : {name: r.name, ms: median(times[i])}));
    const floor = results[0].ms ?? 1;
    const width = Math.max(...results.map((r) => r.name.length));
    console.log(`median wall time of ${RUNS} runs each, interleaved\n`);
    console.log(`${'command'.padEnd(width)}  median ms  x node -e 0`);
    for (const r of results) {
      console.log(r.ms === undefined
        ? `${r.name.padEnd(width)}  (not measured: ${r.note})`
        : `${r.name.padEnd(width)}  ${r.ms.toFixed(0).padStart(9)}  ${(r.ms / floor).toFixed(1).padStart(11)}`);
    }
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}
