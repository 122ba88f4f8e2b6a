// scan benchmarks. (a) What a commit feels: the whole `kubectl-secret scan --staged` process on
// a staged change of 50 YAML files, next to `node -e 0` (the floor for any Node CLI) and
// `git diff --cached --name-only` (the floor for anything that asks git what is staged), all
// measured in the same run. (b) Throughput on a 10,000-file, ~100 MB folder of manifests, and
// the number of Secrets found, next to secretlint with its k8s Secret rule when installed.
import {spawnSync} from 'node:child_process';
import {median} from './harness.js';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ENV = {...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', NO_COLOR: '1'};
const RUNS = 7;

function timed(cmd: string, args: string[], cwd: string): {ms: number; status: number | null; stdout: string} {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, {cwd, env: ENV, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024});
  return {ms: performance.now() - t0, status: r.status, stdout: r.stdout};
}


const deployment = (i: number, pad: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${i}
  labels: {app: app-${i}}
spec:
  replicas: 2
  selector: {matchLabels: {app: app-${i}}}
  template:
    metadata: {labels: {app: app-${i}}}
    spec:
      imagePullSecrets: [{name: regcred}]
      containers:
      - name: app
        image: registry.example.com/app-${i}:1.${i % 10}.0
        env:
        - name: DB_PASSWORD
          valueFrom: {secretKeyRef: {name: db-${i}, key: password}}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-${i}-config
data:
  config.yaml: |
${'    setting-line: some configuration value that is not secret at all\n'.repeat(pad)}`;

const secret = (i: number) => `---
apiVersion: v1
kind: Secret
metadata:
  name: db-${i}
type: Opaque
stringData:
  password: bench-only-${i}-not-a-real-password
`;

async function staged(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ks-bench-staged-'));
  try {
    spawnSync('git', ['init', '-q'], {cwd: dir, env: ENV});
    // 50 files; every tenth holds a Secret, so the YAML path is exercised, not just the pre-filter.
    for (let i = 0; i < 50; i++) writeFileSync(join(dir, `app-${i}.yaml`), deployment(i, 20) + (i % 10 === 0 ? secret(i) : ''));
    spawnSync('git', ['add', '.'], {cwd: dir, env: ENV});
    const rows: [string, string[], string][] = [
      ['node -e 0', ['-e', '0'], process.execPath],
      ['git diff --cached --name-only', ['diff', '--cached', '--name-only'], 'git'],
      ['kubectl-secret scan --staged', [BIN, 'scan', '--staged', '--format', 'json'], process.execPath],
    ];
    const results = rows.map(([name, args, cmd]) => {
      const times: number[] = [];
      let last;
      timed(cmd, args, dir); // warm the file cache
      for (let r = 0; r < RUNS; r++) {
        last = timed(cmd, args, dir);
        times.push(last.ms);
      }
      return {name, median: median(times), last};
    });
    const found = JSON.parse(results[2].last!.stdout).findings.length;
    console.log(`(a) staged change of 50 YAML files (5 with a Secret), median of ${RUNS} runs`);
    for (const r of results) console.log(`  ${r.name.padEnd(32)} ${r.median.toFixed(0).padStart(6)} ms`);
    const [node, git, scan] = results.map((r) => r.median);
    console.log(`  scan over the node floor: +${(scan - node).toFixed(0)} ms; git alone: ${git.toFixed(0)} ms; findings: ${found} (expected 5)`);
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}

async function folder(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ks-bench-folder-'));
  try {
    let bytes = 0;
    let secrets = 0;
    for (let i = 0; i < 10_000; i++) {
      const sub = join(dir, `team-${i % 100}`);
      if (i < 100) mkdirSync(sub);
      const withSecret = i % 50 === 0;
      const text = deployment(i, 140) + (withSecret ? secret(i) : '');
      if (withSecret) secrets++;
      bytes += Buffer.byteLength(text);
      writeFileSync(join(sub, `app-${i}.yaml`), text);
    }
    const mb = bytes / 1024 / 1024;
    console.log(`\n(b) folder of 10,000 manifest files, ${mb.toFixed(0)} MB, ${secrets} plaintext Secrets planted`);
    const ours = timed(process.execPath, [BIN, 'scan', dir, '--format', 'json'], dir);
    const report = JSON.parse(ours.stdout);
    const names = new Set(report.findings.map((f: {file: string; message: string}) => `${f.file} ${f.message.split(' has ')[0]}`));
    console.log(`  kubectl-secret scan   ${(ours.ms / 1000).toFixed(2)} s  ${(mb / (ours.ms / 1000)).toFixed(0)} MB/s  Secrets found: ${names.size}  (files scanned ${report.scanned})`);

    const probe = spawnSync('npx', ['--no-install', 'secretlint', '--version'], {cwd: ROOT, env: ENV, encoding: 'utf8'});
    if (probe.status !== 0) {
      console.log('  secretlint not installed (npm i -D secretlint @secretlint/secretlint-rule-no-k8s-kind-secret)');
      return;
    }
    const rc = join(dir, '.secretlintrc.json');
    writeFileSync(rc, JSON.stringify({rules: [{id: '@secretlint/secretlint-rule-no-k8s-kind-secret'}]}));
    const theirs = timed('npx', ['--no-install', 'secretlint', '--secretlintrc', rc, '--format', 'json', `${dir}/**/*.yaml`], ROOT);
    let count = 'unknown';
    try {
      const out = JSON.parse(theirs.stdout) as {filePath: string; messages: unknown[]}[];
      count = String(out.reduce((n, f) => n + f.messages.length, 0));
    } catch {}
    console.log(`  secretlint (k8s rule) ${(theirs.ms / 1000).toFixed(2)} s  ${(mb / (theirs.ms / 1000)).toFixed(0)} MB/s  Secrets found: ${count}`);
    // Seen with @secretlint/secretlint-rule-no-k8s-kind-secret 11.3.1: the rule looks for the
    // key `Kind` (capital K), which no Kubernetes manifest uses, so it flags none of them.
    if (count === '0') console.log('  (secretlint\'s rule matches the key "Kind", not "kind": it flags no real manifest; its time is still the baseline for reading the same files)');
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}

export async function run(): Promise<void> {
  await staged();
  await folder();
}
