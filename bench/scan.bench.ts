// scan benchmarks. (a) What a commit feels: the whole `kubectl-secret scan --staged` process on
// a staged change of 50 YAML files, next to `node -e 0` (the floor for any Node CLI) and
// `git diff --cached --name-only` (the floor for anything that asks git what is staged), all
// measured in the same run. (b) Throughput on a 10,000-file, ~100 MB folder of manifests, and
// the number of Secrets found, next to secretlint with its k8s Secret rule when installed.
// (c) The real-world corpus (test/fixtures/scan-corpus/ plus the shared scan-positive/negative
// fixtures), whose verdicts were judged by hand: precision, recall, files/s and MB/s, next to
// secretlint (recommended preset + k8s rule) on the same files, both run as their npm bin
// scripts under the same node, ours as it runs and in one and two threads, with the ratio to
// secretlint by wall time and by CPU time each said to meet the 5x goal or not; and (d) where
// the time of (c) goes, phase by phase.
import {spawnSync} from 'node:child_process';
import {childrenCpuMs, cpuMs, median} from './harness.js';
import {TRIGGER_RE, isMarkdownPath, mightFind, parseCost, readAsManifest, splitDocuments} from '../src/scan/documents.js';
import {readWorkingFile} from '../src/scan/files.js';
import {kustomizeSecretLiteral} from '../src/scan/kustomize-secret-literal.js';
import {lastAppliedSecret} from '../src/scan/last-applied-secret.js';
import {readManifest} from '../src/scan/manifest-view.js';
import {markdownManifests} from '../src/scan/markdown.js';
import {readTree, templateRejected} from '../src/scan/plain-yaml.js';
import {containsTemplate} from '../src/scan/exceptions.js';
import {plaintextSecret} from '../src/scan/plaintext-secret.js';
import {privateKey} from '../src/scan/private-key.js';
import {secretMaterial, unparseableSecret} from '../src/scan/unparseable-secret.js';
import type {ParseCache} from '../src/scan/yaml-parse.js';
import {copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {availableParallelism, loadavg, tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ENV = {...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', NO_COLOR: '1'};
const RUNS = 7;

function timed(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = ENV): {ms: number; status: number | null; stdout: string} {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, {cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024});
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

    if (!existsSync(SECRETLINT_BIN)) {
      console.log('  secretlint not installed (npm i -D secretlint @secretlint/secretlint-rule-no-k8s-kind-secret)');
      return;
    }
    const rc = join(dir, '.secretlintrc.json');
    writeFileSync(rc, JSON.stringify({rules: [{id: '@secretlint/secretlint-rule-no-k8s-kind-secret'}]}));
    const theirs = timed(process.execPath, [SECRETLINT_BIN, '--secretlintrc', rc, '--format', 'json', `${dir}/**/*.yaml`], ROOT);
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

const CORPUS = join(ROOT, 'test/fixtures/scan-corpus');
const SHARED = join(ROOT, '../shared/fixtures');
/** Copies of the corpus for the timing runs, so start-up does not dominate the throughput. */
const COPIES = 10;
const CORPUS_RUNS = 5;

interface CorpusFile {
  src: string;
  name: string;
  flag: boolean;
}

function corpusFiles(): CorpusFile[] {
  const expected = JSON.parse(readFileSync(join(CORPUS, 'expected.json'), 'utf8')) as {files: {file: string; verdict: string}[]};
  const out = expected.files.map((f) => ({src: join(CORPUS, f.file), name: `corpus/${f.file}`, flag: f.verdict === 'flag'}));
  for (const [folder, flag] of [['scan-positive', true], ['scan-negative', false]] as const) {
    for (const n of readdirSync(join(SHARED, folder))) out.push({src: join(SHARED, folder, n), name: `shared/${folder}/${n}`, flag});
  }
  return out;
}

interface Tool {
  name: string;
  /** Flagged files (relative names) of a run over `dir`, or an error line. */
  flagged: (dir: string) => {files: Set<string>; ms: number; crashed: string | undefined};
}

function measured(tool: Tool, dir: string): ReturnType<Tool['flagged']> & {cpu?: number} {
  const before = childrenCpuMs();
  const r = tool.flagged(dir);
  const after = childrenCpuMs();
  return {...r, cpu: before === undefined || after === undefined ? undefined : after - before};
}

/** `threads`: KUBECTL_SECRET_SCAN_WORKERS (1: the main thread alone); unset, the scan chooses (src/scan/parallel.ts). */
function ours(threads?: number): Tool {
  const env = threads === undefined ? ENV : {...ENV, KUBECTL_SECRET_SCAN_WORKERS: String(threads)};
  return {
    name: threads === undefined ? 'kubectl-secret scan' : `kubectl-secret scan, ${threads} thread${threads > 1 ? 's' : ''}`,
    flagged(dir) {
      const r = timed(process.execPath, [BIN, 'scan', '.', '--format', 'json'], dir, env);
      if (r.status !== 0 && r.status !== 1) return {files: new Set(), ms: r.ms, crashed: `exit ${r.status}`};
      const report = JSON.parse(r.stdout) as {findings: {file: string}[]};
      return {files: new Set(report.findings.map((f) => f.file)), ms: r.ms, crashed: undefined};
    },
  };
}

/**
 * secretlint as its own bin script under the same `node`, as ours is run: through `npx` it
 * would also pay npx's start-up (~0.3 s a run here), which is npx's, not secretlint's.
 */
const SECRETLINT_BIN = join(ROOT, 'node_modules/secretlint/bin/secretlint.js');

function secretlint(rc: string): Tool {
  return {
    name: 'secretlint (recommend + k8s)',
    flagged(dir) {
      const r = timed(process.execPath, [SECRETLINT_BIN, '--secretlintrc', rc, '--format', 'json', '--no-color', `${dir}/**/*`], ROOT);
      try {
        const out = JSON.parse(r.stdout) as {filePath: string; messages: unknown[]}[];
        return {files: new Set(out.filter((f) => f.messages.length > 0).map((f) => f.filePath.slice(dir.length + 1))), ms: r.ms, crashed: undefined};
      } catch {
        return {files: new Set(), ms: r.ms, crashed: `exit ${r.status}, output not JSON`};
      }
    },
  };
}

async function corpus(): Promise<void> {
  const files = corpusFiles();
  const dir = mkdtempSync(join(tmpdir(), 'ks-bench-corpus-'));
  try {
    let bytes = 0;
    for (let k = 0; k < COPIES; k++) {
      for (const f of files) {
        const to = join(dir, `copy-${k}`, f.name);
        mkdirSync(dirname(to), {recursive: true});
        copyFileSync(f.src, to);
        if (k === 0) bytes += statSync(f.src).size;
      }
    }
    // The start-up floor of each tool: the same command on a folder holding one empty file.
    mkdirSync(join(dir, 'empty'));
    writeFileSync(join(dir, 'empty', 'empty.yaml'), '');
    const rc = join(dir, '.secretlintrc.json');
    writeFileSync(rc, JSON.stringify({rules: [{id: '@secretlint/secretlint-rule-preset-recommend'}, {id: '@secretlint/secretlint-rule-no-k8s-kind-secret'}]}));
    const positives = files.filter((f) => f.flag).length;
    const mb = (bytes * COPIES) / 1024 / 1024;
    console.log(`\n(c) real-world corpus: ${files.length} files (${positives} to flag, ${files.length - positives} not), ${(bytes / 1024).toFixed(0)} KB; timing over ${COPIES} copies (${files.length * COPIES} files, ${mb.toFixed(1)} MB), median of ${CORPUS_RUNS} runs, interleaved`);
    // The scan as it runs (worker threads for a folder this size when the load leaves cores
    // idle, src/scan/parallel.ts), then in one thread and in two whatever the load, so what the
    // threads cost and gain is measured in the same run.
    const tools = [ours(), ours(1), ours(2)];
    const theirs = tools.length;
    if (existsSync(SECRETLINT_BIN)) tools.push(secretlint(rc));
    else console.log('  secretlint not installed (npm i -D secretlint @secretlint/secretlint-rule-preset-recommend)');
    const verdicts = tools.map((tool) => {
      const one = tool.flagged(join(dir, 'copy-0'));
      return {
        one,
        tp: files.filter((f) => f.flag && one.files.has(f.name)).length,
        fp: files.filter((f) => !f.flag && one.files.has(f.name)).length,
        missed: files.filter((f) => f.flag && !one.files.has(f.name)).map((f) => f.name),
        wrong: files.filter((f) => !f.flag && one.files.has(f.name)).map((f) => f.name),
      };
    });
    // Interleaved, so a burst of load on the shared machine hits both tools alike.
    const runs = tools.map(() => ({ms: [] as number[], cpu: [] as number[], floorMs: [] as number[], floorCpu: [] as number[], crashed: undefined as string | undefined}));
    for (let r = 0; r < CORPUS_RUNS; r++) {
      tools.forEach((tool, i) => {
        const all = measured(tool, dir);
        runs[i].crashed ??= all.crashed;
        runs[i].ms.push(all.ms);
        if (all.cpu !== undefined) runs[i].cpu.push(all.cpu);
        const floor = measured(tool, join(dir, 'empty'));
        runs[i].floorMs.push(floor.ms);
        if (floor.cpu !== undefined) runs[i].floorCpu.push(floor.cpu);
      });
    }
    console.log(`  ${'tool'.padEnd(30)} ${'precision'.padStart(9)} ${'recall'.padStart(7)} ${'files/s'.padStart(8)} ${'MB/s'.padStart(6)} ${'MB/s CPU'.padStart(9)} ${'start-up'.padStart(9)} ${'MB/s CPU past start-up'.padStart(23)}  crashes`);
    const rows = tools.map((tool, i) => {
      const {tp, fp, missed, wrong} = verdicts[i];
      const run = runs[i];
      const s = median(run.ms) / 1000;
      const cpu = run.cpu.length ? median(run.cpu) / 1000 : NaN;
      const floorCpu = run.floorCpu.length ? median(run.floorCpu) / 1000 : NaN;
      const row = {name: tool.name, fps: (files.length * COPIES) / s, cpuMbps: mb / cpu, pastMbps: mb / (cpu - floorCpu)};
      const precision = tp + fp ? tp / (tp + fp) : 1;
      console.log(`  ${tool.name.padEnd(30)} ${(precision * 100).toFixed(1).padStart(8)}% ${((tp / positives) * 100).toFixed(1).padStart(6)}% ${row.fps.toFixed(0).padStart(8)} ${(mb / s).toFixed(1).padStart(6)} ${row.cpuMbps.toFixed(1).padStart(9)} ${`${(floorCpu * 1000).toFixed(0)} ms`.padStart(9)} ${row.pastMbps.toFixed(1).padStart(23)}  ${run.crashed ?? verdicts[i].one.crashed ?? 0}`);
      if (i < theirs) for (const n of [...missed.map((m) => `missed ${m}`), ...wrong.map((w) => `false positive ${w}`)]) console.log(`    ${n}`);
      return {...row, wallMs: median(run.ms)};
    });
    if (rows.length > theirs) {
      const b = rows[theirs];
      const verdict = (x: number) => `${x.toFixed(1)}x`.padStart(6) + (x >= 5 ? '  meets the 5x goal' : '  does NOT meet the 5x goal');
      for (const a of rows.slice(0, theirs)) {
        console.log(`  ${a.name} against secretlint (goal: 5x its throughput):`);
        console.log(`    ${`by wall time (median whole runs: ${a.wallMs.toFixed(0)} vs ${b.wallMs.toFixed(0)} ms)`.padEnd(56)} ${verdict(a.fps / b.fps)}`);
        console.log(`    ${'by CPU time (whole processes, all threads)'.padEnd(56)} ${verdict(a.cpuMbps / b.cpuMbps)}`);
        console.log(`    ${"by CPU time past each tool's start-up".padEnd(56)} ${verdict(a.pastMbps / b.pastMbps)}`);
      }
    }
    console.log(`  load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${availableParallelism()} cores (wall time measures the neighbours too; the first row uses threads only for idle cores)`);
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}

/**
 * Where the time of a scan of the corpus goes, phase by phase, in this process: the corpus
 * files read from disk COPIES times over, as the CLI reads the copies (the first pass pays for
 * compiling and optimising the parsers, as a CLI run does), by CPU time.
 */
async function phases(): Promise<void> {
  const files = corpusFiles();
  // As scanText does: the parsers' Errors would capture stack traces nobody reads.
  Error.stackTraceLimit = 0;
  const t: Record<string, number> = {};
  const count: Record<string, number> = {'documents in manifest files': 0, 'with Secret material': 0, 'read by our block-YAML or JSON reader': 0, 'parsed by yaml for unparseable-secret': 0, 'templates yaml is proven to reject (tolerant reader, no parse)': 0, 'left to js-yaml or yaml (Markdown blocks included)': 0};
  const time = <T>(phase: string, fn: () => T): T => {
    const c0 = cpuMs();
    const r = fn();
    t[phase] = (t[phase] ?? 0) + cpuMs() - c0;
    return r;
  };
  let bytes = 0;
  const total0 = cpuMs();
  for (let k = 0; k < COPIES; k++) {
    for (const f of files) {
      // As the CLI reads a file (files.ts), with the default --max-file-size.
      const read = time('read files', () => readWorkingFile(f.src, 1024 * 1024));
      const text = read && 'text' in read ? read.text : '';
      bytes += text.length;
      if (!time('file pre-filter (mightFind)', () => mightFind(f.name, text, false))) continue;
      const manifest = readAsManifest(f.name);
      const md = !manifest && isMarkdownPath(f.name) ? time('Markdown code blocks', () => markdownManifests(text)) : undefined;
      const parses: ParseCache = new Map();
      if (manifest) {
        time('unparseable-secret (split, checks, yaml parses)', () => unparseableSecret(text, parses));
        if (k === 0) {
          for (const c of splitDocuments(text)) {
            count['documents in manifest files']++;
            if (!secretMaterial(c.text)) continue;
            count['with Secret material']++;
            if (readTree(c.text)) count['read by our block-YAML or JSON reader']++;
          }
          count['parsed by yaml for unparseable-secret'] += [...parses.values()].filter((p) => 'docs' in p).length;
        }
      }
      const views = time('manifest reader (own block reader; else js-yaml or yaml)', () => readManifest(md?.text ?? text, {cache: parses}));
      if (k === 0) {
        for (const c of splitDocuments(md?.text ?? text)) {
          if (!TRIGGER_RE.test(c.text) || parseCost(c.text) || readTree(c.text)) continue;
          count[containsTemplate(c.text) && templateRejected(c.text) ? 'templates yaml is proven to reject (tolerant reader, no parse)' : 'left to js-yaml or yaml (Markdown blocks included)']++;
        }
      }
      time('rules on the objects read', () => views.views.flatMap((v) => [...plaintextSecret(v), ...lastAppliedSecret(v), ...kustomizeSecretLiteral(v)]));
      time('private-key', () => privateKey(text));
    }
  }
  const total = cpuMs() - total0;
  console.log(`\n(d) where the time of (c) goes: the corpus ${COPIES} times in one process (${(bytes / 1024 / 1024).toFixed(1)} MB), CPU ms`);
  for (const [phase, ms] of Object.entries(t)) console.log(`  ${phase.padEnd(56)} ${ms.toFixed(0).padStart(6)} ms ${((ms / total) * 100).toFixed(0).padStart(3)}%`);
  console.log(`  ${'total'.padEnd(56)} ${total.toFixed(0).padStart(6)} ms`);
  console.log(`  per copy of the corpus: ${Object.entries(count).map(([k, v]) => `${v} ${k}`).join(', ')}`);
}

export async function run(): Promise<void> {
  // `npm run bench scan-corpus`-style filters are not supported by run.mjs; SCAN_BENCH picks parts.
  const parts = (process.env.SCAN_BENCH ?? 'staged,folder,corpus').split(',');
  if (parts.includes('staged')) await staged();
  if (parts.includes('folder')) await folder();
  if (parts.includes('corpus')) await corpus();
  if (parts.includes('corpus') || parts.includes('phases')) await phases();
}
