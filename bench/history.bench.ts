// `npm run bench history`: `kubectl secret scan --history` on a generated repository of 5,000
// commits over 2,000 files, with Secrets planted along the way (added in one commit, some
// removed later), next to git's own walk of the same objects, measured in the same run:
// `git rev-list --objects --all | git cat-file --batch-check` (the floor: git listing every
// object, without reading one). Prints blobs/s, MB/s, the ratio to the floor and how many
// planted Secrets were found. Goal: ≤ 3× the floor, every planted Secret found.
import {spawn, spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {median} from './harness.js';

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const ENV = {...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', NO_COLOR: '1', LC_ALL: 'C'};
const COMMITS = Number(process.env.BENCH_HISTORY_COMMITS ?? 5000);
const FILES = Number(process.env.BENCH_HISTORY_FILES ?? 2000);
const PLANT_EVERY = 50;
const RUNS = 3;

// A Deployment of this benchmark's own, alike in shape to startup.bench.ts's on purpose but not
// shared: each benchmark's input stays byte for byte what its recorded figures were measured on.
const deployment = (i: number, rev: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${i}
  labels: {app: app-${i}, rev: "${rev}"}
spec:
  replicas: ${1 + (rev % 3)}
  selector: {matchLabels: {app: app-${i}}}
  template:
    metadata: {labels: {app: app-${i}}}
    spec:
      containers:
      - name: app
        image: registry.example.com/app-${i}:1.${rev}.0
        env:
        - {name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: db-${i % 50}, key: password}}}
        - {name: LOG_LEVEL, value: info}
        resources: {requests: {cpu: 100m, memory: 128Mi}}
`;
const planted = (n: number) => `apiVersion: v1
kind: Secret
metadata:
  name: planted-${n}
  namespace: bench
stringData:
  password: planted-value-${n}-${(n * 2654435761) % 1e9}
`;

/** Builds the repository with one `git fast-import` stream: seconds, not minutes of `git commit`. */
async function buildRepo(dir: string): Promise<{planted: number}> {
  spawnSync('git', ['init', '-q', '-b', 'main', dir], {env: ENV});
  const child = spawn('git', ['fast-import', '--quiet'], {cwd: dir, env: ENV, stdio: ['pipe', 'inherit', 'inherit']});
  const done = new Promise<void>((resolve, reject) => child.on('close', (c) => (c === 0 ? resolve() : reject(new Error(`fast-import exit ${c}`)))));
  let mark = 0;
  const blob = (text: string) => {
    const b = Buffer.from(text);
    child.stdin.write(`blob\nmark :${++mark}\ndata ${b.length}\n`);
    child.stdin.write(b);
    child.stdin.write('\n');
    return mark;
  };
  let plantedCount = 0;
  const live: number[] = [];
  let state = 1;
  const rand = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let c = 0; c < COMMITS; c++) {
    const ops: string[] = [];
    if (c === 0) {
      for (let i = 0; i < FILES; i++) ops.push(`M 100644 :${blob(deployment(i, 0))} apps/app-${i}.yaml`);
    } else {
      for (let k = 0; k < 2; k++) {
        const i = Math.floor(rand() * FILES);
        ops.push(`M 100644 :${blob(deployment(i, c))} apps/app-${i}.yaml`);
      }
      if (c % PLANT_EVERY === 0) {
        const n = plantedCount++;
        ops.push(`M 100644 :${blob(planted(n))} secrets/planted-${n}.yaml`);
        live.push(n);
      }
      // Half of the planted Secrets are deleted again later: only history holds them.
      if (c % PLANT_EVERY === PLANT_EVERY / 2 && live.length && rand() < 0.5) {
        const n = live.shift()!;
        ops.push(`D secrets/planted-${n}.yaml`);
      }
    }
    child.stdin.write(`commit refs/heads/main\ncommitter bench <b@example.com> ${1_700_000_000 + c * 60} +0000\ndata 6\ncommit\n${c > 0 ? '' : ''}${ops.join('\n')}\n\n`);
  }
  child.stdin.end();
  await done;
  spawnSync('git', ['checkout', '-q', 'main'], {cwd: dir, env: ENV});
  return {planted: plantedCount};
}

function time(cmd: string, args: string[], cwd: string, shell = false): {ms: number; status: number | null; stdout: string} {
  const t0 = performance.now();
  const r = shell ? spawnSync('sh', ['-c', cmd], {cwd, env: ENV, encoding: 'utf8', maxBuffer: 512 << 20}) : spawnSync(cmd, args, {cwd, env: ENV, encoding: 'utf8', maxBuffer: 512 << 20});
  return {ms: performance.now() - t0, status: r.status, stdout: r.stdout};
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ks-bench-history-'));
  try {
    const t0 = performance.now();
    const {planted: plantedCount} = await buildRepo(dir);
    const stats = spawnSync('sh', ['-c', 'git rev-list --objects --all | git cat-file --batch-check="%(objecttype) %(objectsize) %(rest)" | awk \'$1=="blob"{n++; s+=$2} END{print n, s}\''], {cwd: dir, env: ENV, encoding: 'utf8'}).stdout.trim().split(' ').map(Number);
    const [blobs, bytes] = stats;
    console.log(`repository: ${COMMITS} commits over ${FILES} files, ${blobs} distinct blobs (${(bytes / 1e6).toFixed(1)} MB), ${plantedCount} planted Secrets; built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    // With its default format, --batch-check takes a whole input line as the object name, so the
    // `sha path` lines of rev-list come back "missing" without a lookup; %(rest) makes git split
    // the line and really look every object up. Both are printed; the second is the floor.
    const literal = median(Array.from({length: RUNS}, () => time('git rev-list --objects --all | git cat-file --batch-check >/dev/null', [], dir, true).ms));
    const floor = median(Array.from({length: RUNS}, () => time('git rev-list --objects --all | git cat-file --batch-check="%(objectname) %(objecttype) %(objectsize) %(rest)" >/dev/null', [], dir, true).ms));
    let found = 0;
    const ours = median(Array.from({length: RUNS}, () => {
      const r = time(process.execPath, [BIN, 'scan', '--history', '--format', 'json'], dir);
      if (r.status !== 1) throw new Error(`scan --history exited ${r.status}`);
      const paths = new Set(JSON.parse(r.stdout).findings.map((f: {path: string}) => f.path));
      found = [...Array(plantedCount).keys()].filter((n) => paths.has(`secrets/planted-${n}.yaml`)).length;
      return r.ms;
    }));
    const row = (what: string, ms: number) => `| ${what} | ${ms.toFixed(0)} ms | ${(blobs / (ms / 1000)).toFixed(0)} | ${(bytes / 1e6 / (ms / 1000)).toFixed(1)} | ${(ms / floor).toFixed(2)}× |`;
    console.log('| command | median | blobs/s | MB/s | vs floor |');
    console.log('|---|---:|---:|---:|---:|');
    console.log(row('git rev-list --objects --all \\| git cat-file --batch-check (as written: path lines answer "missing")', literal));
    console.log(row('git rev-list --objects --all \\| git cat-file --batch-check=\'… %(rest)\' (floor: every object looked up)', floor));
    console.log(row('kubectl-secret scan --history', ours));
    console.log(`\nplanted Secrets found: ${found} of ${plantedCount}; goal ≤ 3× the floor: ${ours / floor <= 3 ? 'met' : 'NOT met'}`);
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}
