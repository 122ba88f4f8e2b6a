// A large `scan PATH` is split over worker threads (src/scan/parallel.ts). The report must be the
// one a single thread makes, byte for byte, in every format and with the same exit status, on
// the hand-judged corpus and the shared fixtures; and a worker that fails must fail the scan
// (exit 2, one `error:` line), never give a smaller report. KUBECTL_SECRET_TEST_SCAN_PARALLEL is
// a test-only knob (documented in parallel.ts): `throw`/`exit` make every worker fail, so a run
// that succeeds without it started workers; `workers-only` leaves every file to the workers.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {availableParallelism, loadavg, tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {REPO_ROOT, runCli, type CliResult} from '../helpers/cli.js';
import {GIT_ENV, tempRepo} from '../helpers/git-repo.js';

const CORPUS = join(REPO_ROOT, 'test/fixtures/scan-corpus');
const SHARED = fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));
const CANARY = `CANARY-${Math.random().toString(36).slice(2, 12).padEnd(10, '0')}`;
const SECRET = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: ${CANARY}\n`;

/** COPIES copies of the corpus and the shared scan fixtures, plus one Secret holding CANARY. */
function corpusTree(t: {after: (fn: () => void) => void}, copies: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'ks-parallel-'));
  t.after(() => rmSync(dir, {recursive: true, force: true}));
  for (let k = 0; k < copies; k++) {
    cpSync(CORPUS, join(dir, `copy-${k}`, 'corpus'), {recursive: true});
    for (const f of ['scan-positive', 'scan-negative']) cpSync(join(SHARED, f), join(dir, `copy-${k}`, f), {recursive: true});
  }
  writeFileSync(join(dir, 'canary.yaml'), SECRET);
  return dir;
}

const scan = (cwd: string, args: string[], env: Record<string, string | undefined>) => runCli(['scan', ...args], {cwd, env: {...GIT_ENV, ...env}, timeoutMs: 120_000});
const workers = (n: number, more: Record<string, string> = {}) => ({KUBECTL_SECRET_SCAN_WORKERS: String(n), ...more});
const TEST = 'KUBECTL_SECRET_TEST_SCAN_PARALLEL';

function assertFailedClosed(r: CliResult): void {
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stdout, '', 'no report at all, not a smaller one');
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.filter((l) => l.startsWith('error: ')).length, 1, r.stderr);
  assert.match(lines[0], /^error: the scan did not finish: a worker thread (failed|stopped).*; no report was made$/);
  assert.equal(lines.length, 2, 'one error line and one hint line');
  assert.ok(!r.stderr.includes(CANARY));
}

test('the corpus and the shared fixtures: the same report in every format and the same exit status, 1 thread or 2 or 3', async (t) => {
  const dir = corpusTree(t, 2);
  for (const format of ['json', 'sarif', 'text']) {
    const one = await scan(dir, ['.', '--format', format], workers(1));
    assert.equal(one.code, 1, one.stderr);
    assert.ok(JSON.stringify(one.stdout).length > 1000);
    // workers-only: the main thread scans nothing, so every outcome in the report is a worker's.
    for (const env of [workers(2), workers(3), workers(2, {[TEST]: 'workers-only'}), workers(3, {[TEST]: 'workers-only'})]) {
      const many = await scan(dir, ['.', '--format', format], env);
      const what = `${format}, ${JSON.stringify(env)}`;
      assert.equal(many.code, one.code, `${what}: ${many.stderr}`);
      assert.equal(many.stdout, one.stdout, what);
      assert.equal(many.stderr, one.stderr, what);
    }
  }
  // The knob below fails every worker: that the runs above succeeded means workers scanned in them.
  assertFailedClosed(await scan(dir, ['.', '--format', 'json'], workers(2, {[TEST]: 'throw'})));
  assert.equal((await scan(dir, ['.', '--format', 'json'], workers(1, {[TEST]: 'throw'}))).code, 1, 'one thread starts no worker');
});

test('in a git work tree (files listed by git, .gitignore kept), with folder and file arguments, and through oclif', async (t) => {
  const repo = tempRepo(t, 'ks-parallel-git-');
  cpSync(CORPUS, join(repo.dir, 'corpus'), {recursive: true});
  cpSync(join(SHARED, 'scan-positive'), join(repo.dir, 'positive'), {recursive: true});
  repo.write('ignored/leak.yaml', SECRET);
  repo.write('.gitignore', 'ignored/\n');
  repo.write('.kubectl-secret.yaml', 'scan:\n  allow:\n    - corpus/bitnami+charts/**\n');
  const args = ['corpus', 'positive/' + readdirSync(join(repo.dir, 'positive'))[0], './positive', '--format', 'json'];
  const one = await scan(repo.dir, args, workers(1));
  assert.equal(one.code, 1, one.stderr);
  const report = JSON.parse(one.stdout);
  assert.ok(report.suppressed > 0, 'the allow list is applied');
  assert.ok(!report.findings.some((f: {file: string}) => f.file.startsWith('ignored/')), '.gitignore is kept');
  for (const env of [workers(2), workers(4, {[TEST]: 'workers-only'}), workers(2, {[TEST]: 'workers-only', KUBECTL_SECRET_FULL_OCLIF: '1'})]) {
    const many = await scan(repo.dir, args, env);
    assert.deepEqual({code: many.code, stdout: many.stdout, stderr: many.stderr}, {code: one.code, stdout: one.stdout, stderr: one.stderr}, JSON.stringify(env));
  }
  assertFailedClosed(await scan(repo.dir, args, workers(2, {[TEST]: 'throw', KUBECTL_SECRET_FULL_OCLIF: '1'})));
  // --since reads the changed files from the work tree too, so it is split the same way.
  repo.commit('corpus');
  for (const n of ['a', 'b', 'c']) repo.write(`positive/extra-${n}.yaml`, SECRET.replace('name: db', `name: ${n}`));
  repo.commit('more');
  const since = ['--since', 'HEAD~1', '--format', 'json'];
  const sinceOne = await scan(repo.dir, since, workers(1));
  assert.equal(sinceOne.code, 1, sinceOne.stderr);
  const sinceMany = await scan(repo.dir, since, workers(2, {[TEST]: 'workers-only'}));
  assert.equal(JSON.parse(sinceOne.stdout).findings.length, 3);
  assert.deepEqual({code: sinceMany.code, stdout: sinceMany.stdout}, {code: sinceOne.code, stdout: sinceOne.stdout});
  assertFailedClosed(await scan(repo.dir, since, workers(2, {[TEST]: 'exit'})));
});

test('a worker that throws, or whose thread ends, fails the scan: exit 2, one error line, no report', async (t) => {
  const dir = corpusTree(t, 1);
  for (const fault of ['throw', 'exit']) {
    for (const format of ['json', 'text', 'sarif']) assertFailedClosed(await scan(dir, ['.', '--format', format], workers(2, {[TEST]: fault})));
  }
});

test('threads by size: a large folder is split when cores are idle; small scans, one file and --staged never start a worker', async (t) => {
  // `idle`: the load average taken as 0, as on an idle machine; the policy itself (cores, load)
  // is tested in test/unit/scan/parallel.test.ts, here that the CLI applies it.
  const small = corpusTree(t, 1);
  // ~100 files: under the threshold, so the failing-worker knob changes nothing.
  assert.equal((await scan(small, ['.', '--format', 'json'], {[TEST]: 'idle,throw'})).code, 1);
  assert.equal((await scan(small, ['canary.yaml', '--format', 'json'], {[TEST]: 'idle,throw'})).code, 1);
  const repo = tempRepo(t, 'ks-parallel-staged-');
  for (let i = 0; i < 40; i++) repo.write(`app-${i}.yaml`, i === 7 ? SECRET : `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\n`);
  repo.git('add', '-A');
  const staged = await scan(repo.dir, ['--staged', '--format', 'json'], workers(2, {[TEST]: 'throw'}));
  assert.equal(staged.code, 1, `--staged scans in one thread: ${staged.stderr}`);
  assert.equal(JSON.parse(staged.stdout).findings.length, 1);
  const large = corpusTree(t, 6);
  if (availableParallelism() < 2) {
    assert.equal((await scan(large, ['.', '--format', 'json'], {[TEST]: 'idle,throw'})).code, 1, 'one core: one thread');
    return;
  }
  assertFailedClosed(await scan(large, ['.', '--format', 'json'], {[TEST]: 'idle,throw'}));
  // The real load average decides without the knob: a busy machine keeps one thread.
  if (availableParallelism() - loadavg()[0] <= -1.5) assert.equal((await scan(large, ['.', '--format', 'json'], {[TEST]: 'throw'})).code, 1, `load ${loadavg()[0]}`);
});

test('KUBECTL_SECRET_SCAN_WORKERS must be a number of threads', async (t) => {
  const dir = corpusTree(t, 1);
  for (const bad of ['0', 'two', '-1', '1.5']) {
    const r = await scan(dir, ['.', '--format', 'json'], {KUBECTL_SECRET_SCAN_WORKERS: bad});
    assert.equal(r.code, 2, bad);
    assert.match(r.stderr, /^error: KUBECTL_SECRET_SCAN_WORKERS=.*: not a number of threads from 1 to 999\n[^\n]+\n$/);
  }
});
