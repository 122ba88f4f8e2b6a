import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {runCli, type CliResult} from '../helpers/cli.js';
import {GIT_ENV, tempRepo, type TempRepo} from '../helpers/git-repo.js';

const CANARY = `CANARY-${Math.random().toString(36).slice(2, 12).padEnd(10, '0')}`;
const outputs: string[] = [];

const repo = (t: {after: (fn: () => void) => void}): TempRepo => tempRepo(t, 'ks-scan-');

async function scan(dir: string, args: string[]): Promise<CliResult> {
  const r = await runCli(['scan', ...args], {cwd: dir, env: GIT_ENV});
  outputs.push(r.stdout, r.stderr);
  return r;
}

const leaky = (name: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\nstringData:\n  password: ${CANARY}\n`;
const clean = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: b\n';

test('--staged scans the index, not the working tree', async (t) => {
  const r = repo(t);
  r.write('s.yaml', leaky('staged'));
  r.git('add', 's.yaml');
  r.write('s.yaml', clean);
  const staged = await scan(r.dir, ['--staged']);
  assert.equal(staged.code, 1, staged.stderr);
  assert.match(staged.stdout, /^s\.yaml:6:3: plaintext-secret: Secret staged has a plaintext value in stringData\.password \[high\]$/m);
  assert.match(staged.stdout, /hint: /);
  assert.match(staged.stderr, /1 finding in 1 file \(1 file scanned, 0 suppressed\)/);
  assert.equal((await scan(r.dir, ['s.yaml'])).code, 0, 'the working tree file is clean');

  r.git('add', 's.yaml');
  r.write('s.yaml', leaky('unstaged'));
  assert.equal((await scan(r.dir, ['--staged'])).code, 0, 'an unstaged leak is not part of the commit');
});

test('--staged reads renamed and added files and skips deletions', async (t) => {
  const r = repo(t);
  r.write('old/a.yaml', leaky('renamed'));
  r.write('gone.yaml', leaky('deleted'));
  r.git('add', '.');
  r.git('commit', '-q', '-m', 'x');
  mkdirSync(join(r.dir, 'new'));
  r.git('mv', 'old/a.yaml', 'new/b.yaml');
  r.git('rm', '-q', 'gone.yaml');
  r.write('added.yaml', clean);
  r.git('add', 'added.yaml');
  const res = await scan(r.dir, ['--staged', '--format', 'json']);
  assert.equal(res.code, 1);
  const json = JSON.parse(res.stdout);
  assert.deepEqual(json.findings.map((f: any) => f.file), ['new/b.yaml']);
  assert.equal(json.scanned, 2);
});

test('--format json: findings {rule, file, line, column, message} and counts; suppressions counted', async (t) => {
  const r = repo(t);
  r.write('deploy/s.yaml', leaky('db'));
  r.write('deploy/allowed.yaml', leaky('fixture').replace('kind: Secret', 'kind: Secret # kubectl-secret:allow'));
  r.write('test/fixtures/t.yaml', leaky('fixture2'));
  r.write('.kubectl-secret.yaml', 'scan:\n  allow: ["test/fixtures/**"]\n');
  const big = leaky('big') + '#'.repeat(2048);
  // The canary's length varies (Math.random's base-36 digits), so the size is the content's.
  const bigSize = Buffer.byteLength(big);
  r.write('big.yaml', big);
  r.write('blob.bin', Buffer.from([0, 1, 2, 3]).toString('latin1'));
  r.write('.gitignore', 'ignored.yaml\n');
  r.write('ignored.yaml', leaky('ignored'));
  const res = await scan(r.dir, ['.', '--format', 'json', '--max-file-size', '1k']);
  assert.equal(res.code, 1, res.stderr);
  const json = JSON.parse(res.stdout);
  assert.deepEqual(json.findings, [
    {rule: 'unparseable-secret', severity: 'high', file: 'big.yaml', line: 2, column: 1, message: `the file is ${bigSize} bytes, over --max-file-size (1024), and may hold Secret material: it was not scanned (scan it with --max-file-size ${bigSize} or more)`},
    {rule: 'plaintext-secret', severity: 'high', file: 'deploy/s.yaml', line: 6, column: 3, message: 'Secret db has a plaintext value in stringData.password'},
  ]);
  // Skipped: big.yaml (too large, also a finding), blob.bin (binary) and ignored.yaml (.gitignore).
  assert.deepEqual([json.scanned, json.skipped, json.suppressed], [5, 3, 2]);
  assert.deepEqual(json.skippedBy, {'binary': 1, 'too-large': 1, 'not-a-file': 0, 'unreadable': 0, 'ignored': 1});
  assert.equal(typeof json.hints['plaintext-secret'], 'string');
});

test('.kubectl-secret.yaml with an unknown key: a warning with the nearest known key, and the key is ignored', async (t) => {
  const r = repo(t);
  r.write('test/fixtures/t.yaml', leaky('fixture'));
  r.write('.kubectl-secret.yaml', 'scan:\n  alow: ["test/fixtures/**"]\n');
  const res = await scan(r.dir, ['.']);
  assert.equal(res.code, 1, res.stderr);
  assert.match(res.stderr, /^warning: \.kubectl-secret\.yaml: unknown key "scan\.alow" is ignored \(did you mean allow\?\)$/m);
});

test('--format sarif: SARIF 2.1.0 with rules, repository-relative locations and suppressions', async (t) => {
  const r = repo(t);
  r.write('a/s.yaml', leaky('db'));
  r.write('a/ok.yaml', leaky('ok').replace(`password: ${CANARY}`, `password: ${CANARY} # kubectl-secret:allow`));
  const res = await scan(join(r.dir, 'a'), ['.', '--format', 'sarif']);
  assert.equal(res.code, 1);
  const sarif = JSON.parse(res.stdout);
  assert.equal(sarif.version, '2.1.0');
  const run = sarif.runs[0];
  assert.equal(run.tool.driver.name, 'kubectl-secret');
  assert.deepEqual(run.tool.driver.rules.map((x: any) => x.id), ['plaintext-secret', 'kustomize-secret-literal', 'last-applied-secret', 'private-key', 'unparseable-secret', 'kubectl-secret-literal']);
  const byUri = Object.fromEntries(run.results.map((x: any) => [x.locations[0].physicalLocation.artifactLocation.uri, x]));
  assert.deepEqual(Object.keys(byUri).sort(), ['a/ok.yaml', 'a/s.yaml']);
  assert.equal(byUri['a/s.yaml'].ruleId, 'plaintext-secret');
  assert.deepEqual(byUri['a/s.yaml'].locations[0].physicalLocation.region, {startLine: 6, startColumn: 3});
  assert.equal(byUri['a/s.yaml'].suppressions, undefined);
  assert.deepEqual(byUri['a/ok.yaml'].suppressions, [{kind: 'inSource'}]);
});

test('--since REV scans what the branch changed', async (t) => {
  const r = repo(t);
  r.write('base.yaml', leaky('old'));
  r.git('add', '.');
  r.git('commit', '-q', '-m', 'base');
  r.git('checkout', '-q', '-b', 'feature');
  r.write('new.yaml', leaky('new'));
  r.git('add', '.');
  r.git('commit', '-q', '-m', 'feature');
  const res = await scan(r.dir, ['--since', 'main', '--format', 'json']);
  assert.deepEqual(JSON.parse(res.stdout).findings.map((f: any) => f.file), ['new.yaml']);
  const bad = await scan(r.dir, ['--since', 'no-such-rev']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^error: --since no-such-rev: not a commit/m);
});

test('--fix refuses a file with unstaged changes, needs --yes off a terminal, and says when sealing is unavailable', async (t) => {
  const r = repo(t);
  r.write('dirty.yaml', leaky('dirty'));
  r.write('clean.yaml', leaky('clean'));
  r.git('add', '.');
  r.write('dirty.yaml', leaky('dirty') + '# more work, not staged\n');
  const noYes = await scan(r.dir, ['--staged', '--fix']);
  assert.equal(noYes.code, 2);
  assert.match(noYes.stderr, /needs --yes when not run on a terminal/);
  const res = await scan(r.dir, ['--staged', '--fix', '--yes', 'dirty.yaml']);
  assert.equal(res.code, 1, res.stderr);
  assert.match(res.stderr, /not sealing dirty\.yaml: it also has unstaged changes/);
  assert.equal(readFileSync(join(r.dir, 'dirty.yaml'), 'utf8'), leaky('dirty') + '# more work, not staged\n', 'the file is untouched');
  // With a key, the staged Secret is sealed in place, re-staged, and the scan comes out clean.
  const pub = new URL('../../../test/fixtures/crypto/x25519-public.pem', import.meta.url).pathname;
  const fixed = await scan(r.dir, ['--staged', '--fix', '--yes', '--cert', pub, '-n', 'team', 'clean.yaml']);
  assert.equal(fixed.code, 0, fixed.stderr);
  assert.match(fixed.stderr, /sealed clean\.yaml \(and staged it\)/);
  const staged = r.git('show', ':clean.yaml');
  assert.match(staged, /kind: SealedSecret/);
  assert.match(staged, /namespace: team/);
  assert.ok(!staged.includes(CANARY) && !readFileSync(join(r.dir, 'clean.yaml'), 'utf8').includes(CANARY));
  assert.equal((await scan(r.dir, ['--staged'])).code, 1, 'dirty.yaml still has its plaintext');
});

test('errors: a missing path and --staged outside a repository exit 2', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ks-norepo-'));
  t.after(() => rmSync(dir, {recursive: true, force: true}));
  const missing = await scan(dir, ['nope.yaml']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope\.yaml: no such file/);
  const staged = await scan(dir, ['--staged']);
  assert.equal(staged.code, 2);
  assert.match(staged.stderr, /--staged needs a git repository/);
  // Outside a repository folders are walked.
  writeFileSync(join(dir, 's.yml'), leaky('walked'));
  assert.equal((await scan(dir, ['.'])).code, 1);
});

test('the canary value never appears in any output', () => {
  assert.ok(outputs.length > 10);
  for (const o of outputs) assert.ok(!o.includes(CANARY), o);
});
