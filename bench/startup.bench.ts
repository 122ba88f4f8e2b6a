// Start-up time, as a user feels it in every command and every commit hook: the median wall
// time of whole processes, side by side in one run, next to `node -e 0` (the floor for any
// Node CLI) and `kubectl version --client` (a native CLI users compare us with). The single
// executable is measured too when `npm run package` has built it (build/linux_amd64/).
// Rows with a goal (issue #17: ≤ 2.0× `node -e 0`) say whether this run met it; the hook's row
// is `scan --staged` of 50 staged files, git through simple-git included.
// On Linux each row also gets its CPU time (user + system of the process and its children, from
// this process's /proc/self/stat cutime/cstime): on a loaded machine the wall clock mostly
// measures the neighbours, and `node -e 0` inflates less than a longer process, while CPU time
// moves far less with the load.
import {spawnSync} from 'node:child_process';
import {median} from './harness.js';
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'run.js');
const SEA = join(ROOT, 'build', 'linux_amd64', 'kubectl-secret');
const CERT = join(ROOT, 'test', 'fixtures', 'crypto', 'x25519-public.pem');
const RUNS = 11;

/** CPU ms of the children this process has waited for (Linux; USER_HZ is 100 there), or undefined. */
function childrenCpuMs(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After "pid (comm) ": state is field 3, so cutime (16) and cstime (17) are at 13 and 14.
    return (Number(f[13]) + Number(f[14])) * 10;
  } catch {
    return undefined;
  }
}

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
  /** The ratio to `node -e 0` this row must stay under. */
  goal?: number;
  cwd?: string;
}

// A Deployment of this benchmark's own, alike in shape to history.bench.ts's on purpose but not
// shared: each benchmark's input stays byte for byte what its recorded figures were measured on.
const deployment = (i: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${i}
spec:
  selector: {matchLabels: {app: app-${i}}}
  template:
    metadata: {labels: {app: app-${i}}}
    spec:
      containers:
      - name: app
        image: registry.example.com/app-${i}:1.0.0
        env:
        - name: DB_PASSWORD
          valueFrom: {secretKeyRef: {name: db-${i}, key: password}}
`;

// The hook's floor without us: node, then the two git processes the hook runs (`git diff --cached`
// for the names, one `git cat-file --batch-command` for the contents), started in parallel as
// the hook starts them, through child_process alone. What the hook costs over this row is ours.
const GIT_FLOOR = `const {spawn} = require('node:child_process');
const cat = spawn('git', ['cat-file', '--batch-command', '--buffer']);
let n = 0;
cat.stdout.on('data', (d) => (n += d.length));
const diff = spawn('git', ['diff', '--raw', '-z', '--no-abbrev', '--no-renames', '--no-ext-diff', '--diff-filter=ACMRT', '--cached']);
let raw = '';
diff.stdout.on('data', (d) => (raw += d));
diff.on('close', () => {
  const shas = raw.split('\\0').filter((x) => x.startsWith(':')).map((x) => x.split(' ')[3]);
  cat.stdin.end(shas.map((s) => 'contents ' + s + '\\n').join('') + 'flush\\n');
  cat.on('close', () => process.exit(n > 0 ? 0 : 3));
});
`;

/** A repository with 50 staged manifests, every tenth with a plaintext Secret: what a commit hook sees. */
function stagedRepo(dir: string): string {
  const repo = join(dir, 'repo');
  mkdirSync(repo);
  const env = {...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1'};
  spawnSync('git', ['init', '-q'], {cwd: repo, env});
  for (let i = 0; i < 50; i++) writeFileSync(join(repo, `app-${i}.yaml`), deployment(i) + (i % 10 === 0 ? `---\n${SECRET}` : ''));
  spawnSync('git', ['add', '.'], {cwd: repo, env});
  return repo;
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ks-bench-startup-'));
  try {
    const file = join(dir, 'secret.yaml');
    writeFileSync(file, SECRET);
    // A code cache of our own (bin/fast-loader.js writes it in the first, unmeasured round): the
    // user's is shared with every other checkout and build on the machine, which can evict ours
    // mid-run (only the last few builds are kept) and make a round compile everything again.
    const env = {...process.env, NO_COLOR: '1', DEBUG: '', XDG_CACHE_HOME: join(dir, 'cache')};
    const repo = stagedRepo(dir);
    const floorScript = join(dir, 'git-floor.cjs');
    writeFileSync(floorScript, GIT_FLOOR);
    const COMPLETER = join(ROOT, 'bin', 'kubectl_complete-secret');
    const rows: Row[] = [
      {name: 'node -e 0', cmd: process.execPath, args: ['-e', '0'], ok: [0]},
      {name: 'kubectl-secret --version', cmd: process.execPath, args: [BIN, '--version'], ok: [0], goal: 2},
      {name: 'kubectl-secret seal --cert PUB.pem < secret.yaml (nacl)', cmd: process.execPath, args: [BIN, 'seal', '--cert', CERT], input: SECRET, ok: [0], goal: 2},
      {name: 'kubectl-secret scan secret.yaml', cmd: process.execPath, args: [BIN, 'scan', file], ok: [1], goal: 2},
      {name: 'kubectl-secret (overview)', cmd: process.execPath, args: [BIN], ok: [0], goal: 2},
      {name: 'kubectl-secret scan --staged (hook, 50 files)', cmd: process.execPath, args: [BIN, 'scan', '--staged'], ok: [1], goal: 2, cwd: repo},
      {name: 'kubectl_complete-secret restart -- (flags)', cmd: process.execPath, args: [COMPLETER, 'restart', '--'], ok: [0], goal: 2},
      {name: 'kubectl version --client', cmd: 'kubectl', args: ['version', '--client'], ok: [0]},
      {name: 'git diff --cached --name-only (50 files)', cmd: 'git', args: ['diff', '--cached', '--name-only'], ok: [0], cwd: repo},
      {name: 'hook floor: node + the same two git processes', cmd: process.execPath, args: [floorScript], ok: [0], cwd: repo},
    ];
    if (existsSync(SEA)) {
      rows.push(
        {name: 'single executable: --version', cmd: SEA, args: ['--version'], ok: [0], goal: 2},
        {name: 'single executable: seal --cert (nacl)', cmd: SEA, args: ['seal', '--cert', CERT], input: SECRET, ok: [0], goal: 2},
        {name: 'single executable: scan secret.yaml', cmd: SEA, args: ['scan', file], ok: [1], goal: 2},
        {name: 'single executable: (overview)', cmd: SEA, args: [], ok: [0], goal: 2},
        {name: 'single executable: scan --staged (50 files)', cmd: SEA, args: ['scan', '--staged'], ok: [1], goal: 2, cwd: repo},
        {name: 'single executable: __complete restart --', cmd: SEA, args: ['__complete', 'restart', '--'], ok: [0], goal: 2},
      );
    }
    const results: {name: string; ms?: number; cpu?: number; note?: string; goal?: number}[] = [];
    // Interleaved rounds, so a burst of load on the machine hits every row alike.
    const times = rows.map(() => [] as number[]);
    const cpu = rows.map(() => 0);
    const failed = new Map<number, string>();
    for (let round = 0; round <= RUNS; round++) {
      rows.forEach((r, i) => {
        if (failed.has(i)) return;
        const c0 = childrenCpuMs();
        const t0 = performance.now();
        const res = spawnSync(r.cmd, r.args, {cwd: r.cwd ?? dir, env, input: r.input ?? '', encoding: 'utf8'});
        const ms = performance.now() - t0;
        const c1 = childrenCpuMs();
        if (res.error || !r.ok.includes(res.status ?? -1)) failed.set(i, res.error ? String(res.error.message) : `exit ${res.status}: ${res.stderr.split('\n')[0]}`);
        else if (round > 0) { // round 0 warms the file cache
          times[i].push(ms);
          if (c0 !== undefined && c1 !== undefined) cpu[i] += c1 - c0;
        }
      });
    }
    const haveCpu = childrenCpuMs() !== undefined;
    rows.forEach((r, i) => results.push(failed.has(i) ? {name: r.name, note: failed.get(i)} : {name: r.name, ms: median(times[i]), cpu: haveCpu ? cpu[i] / RUNS : undefined, goal: r.goal}));
    const floor = results[0].ms ?? 1;
    const cpuFloor = results[0].cpu ?? 1;
    const width = Math.max(...results.map((r) => r.name.length));
    console.log(`median wall time of ${RUNS} runs each, interleaved; mean CPU time (user + system) of the same runs\n`);
    console.log(`${'command'.padEnd(width)}  median ms  x node -e 0  goal          CPU ms  x node -e 0`);
    for (const r of results) {
      const verdict = r.goal === undefined || r.ms === undefined ? '' : `≤ ${r.goal.toFixed(1)} ${r.ms / floor <= r.goal ? 'met' : 'NOT met'}`;
      const cpuCols = r.cpu === undefined ? '' : `  ${r.cpu.toFixed(0).padStart(6)}  ${(r.cpu / cpuFloor).toFixed(1).padStart(11)}`;
      console.log(r.ms === undefined
        ? `${r.name.padEnd(width)}  (not measured: ${r.note})`
        : `${r.name.padEnd(width)}  ${r.ms.toFixed(0).padStart(9)}  ${(r.ms / floor).toFixed(1).padStart(11)}  ${verdict.padEnd(12)}${cpuCols}`);
    }
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}
