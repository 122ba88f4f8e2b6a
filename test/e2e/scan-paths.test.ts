// `scan PATH…` names files the way the user named them (as kubectl -f and gitleaks do: a file
// argument verbatim, a folder's files joined under it), in text, JSON and warnings; SARIF keeps
// repository-relative URIs. Files it did not scan are counted apart, by reason.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync, spawnSync} from 'node:child_process';
import {chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {BIN, runCli} from '../helpers/cli.js';

const GIT_ENV = {
  GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com',
};
const leaky = (name: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\nstringData:\n  password: hunter2-${name}-x9\n`;

function tree(t: {after: (fn: () => void) => void}, git: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'ks-scanpaths-'));
  t.after(() => rmSync(dir, {recursive: true, force: true}));
  if (git) execFileSync('git', ['init', '-q', '-b', 'main'], {cwd: dir, env: {...process.env, ...GIT_ENV}});
  const write = (p: string, s: string | Buffer) => {
    mkdirSync(dirname(join(dir, p)), {recursive: true});
    writeFileSync(join(dir, p), s);
  };
  write('deploy/db.yaml', leaky('db'));
  // Not text, with Secret material: an unparseable-secret finding, named by runScan rather than by the rules.
  write('deploy/bad.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: nul\n\0data: {}\n');
  mkdirSync(join(dir, 'work'));
  return {dir, write};
}

const scan = (cwd: string, args: string[]) => runCli(['scan', ...args], {cwd, env: GIT_ENV});
const files = (stdout: string) => (JSON.parse(stdout).findings as {file: string}[]).map((f) => f.file);

for (const git of [true, false]) {
  const where = git ? 'in a git work tree' : 'outside git';
  test(`findings name a path as it was given (${where}): ../, ./, absolute, file or folder`, async (t) => {
    const {dir} = tree(t, git);
    const cwd = join(dir, 'work');
    const cases: [string[], string, string][] = [
      [['../deploy/'], '../deploy/db.yaml', '../deploy/bad.yaml'],
      [['../deploy'], '../deploy/db.yaml', '../deploy/bad.yaml'],
      [['../deploy/db.yaml', '../deploy/bad.yaml'], '../deploy/db.yaml', '../deploy/bad.yaml'],
      [['.././deploy/db.yaml', '.././deploy/bad.yaml'], '.././deploy/db.yaml', '.././deploy/bad.yaml'],
      [[join(dir, 'deploy')], join(dir, 'deploy/db.yaml'), join(dir, 'deploy/bad.yaml')],
      [[join(dir, 'deploy') + '/'], join(dir, 'deploy/db.yaml'), join(dir, 'deploy/bad.yaml')],
      [[join(dir, 'deploy/db.yaml'), join(dir, 'deploy/bad.yaml')], join(dir, 'deploy/db.yaml'), join(dir, 'deploy/bad.yaml')],
    ];
    for (const [args, finding, unparseable] of cases) {
      const text = await scan(cwd, args);
      assert.equal(text.code, 1, text.stderr);
      assert.match(text.stdout, new RegExp(`^${esc(finding)}:6:3: plaintext-secret: `, 'm'), `scan ${args.join(' ')}`);
      assert.match(text.stdout, new RegExp(`^${esc(unparseable)}:5:1: unparseable-secret: `, 'm'), `scan ${args.join(' ')}`);
      const json = await scan(cwd, [...args, '-o', 'json']);
      assert.deepEqual(files(json.stdout).sort(), [unparseable, finding].sort(), `scan ${args.join(' ')} -o json`);
    }
    // From the folder above: ./deploy/ and deploy/ as kubectl -f names them (the folder joined and cleaned).
    for (const arg of ['./deploy/', 'deploy', './deploy']) assert.deepEqual(files((await scan(dir, [arg, '-o', 'json'])).stdout).sort(), ['deploy/bad.yaml', 'deploy/db.yaml'], arg);
    assert.deepEqual(files((await scan(dir, ['./deploy/db.yaml', '-o', 'json'])).stdout), ['./deploy/db.yaml']);
    assert.deepEqual(files((await scan(dir, ['-o', 'json'])).stdout).sort(), ['deploy/bad.yaml', 'deploy/db.yaml'], 'no argument: relative to the working directory');
  });
}

test('SARIF: repository-relative URIs whatever form the path was given in; a file outside the repository gets an absolute file: URI', async (t) => {
  const {dir} = tree(t, true);
  const outside = mkdtempSync(join(tmpdir(), 'ks-scanpaths-out-'));
  t.after(() => rmSync(outside, {recursive: true, force: true}));
  writeFileSync(join(outside, 'o.yaml'), leaky('out'));
  for (const arg of ['../deploy/', join(dir, 'deploy'), '../deploy/db.yaml']) {
    const res = await scan(join(dir, 'work'), [arg, join(outside, 'o.yaml'), '-o', 'sarif']);
    assert.equal(res.code, 1, res.stderr);
    const locations = JSON.parse(res.stdout).runs[0].results.filter((r: any) => r.ruleId === 'plaintext-secret').map((r: any) => r.locations[0].physicalLocation.artifactLocation);
    assert.deepEqual(locations, [{uri: 'deploy/db.yaml', uriBaseId: '%SRCROOT%'}, {uri: `file://${join(outside, 'o.yaml')}`}], arg);
  }
});

test('skipped files are counted apart from scanned ones, by reason, in the summary and in JSON', async (t) => {
  for (const git of [true, false]) {
    const {dir, write} = tree(t, git);
    write('deploy/logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1, 2, 3]));
    write('deploy/blob.bin', Buffer.from('abc\0\0\0\0\0def'));
    write('deploy/big.txt', 'x'.repeat(4096));
    symlinkSync(join(dir, 'deploy/db.yaml'), join(dir, 'deploy/link.yaml'));
    execFileSync('mkfifo', [join(dir, 'deploy/pipe')]);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(join(dir, 'deploy/sock'), resolve));
    t.after(() => server.close());
    const res = await scan(dir, ['deploy', '--max-file-size', '1k']);
    assert.equal(res.code, 1, res.stderr);
    // Symlinks inside a folder are not followed; FIFOs and sockets are not read (git does not list those two).
    const notFiles = git ? 1 : 3;
    // bad.yaml is not text either (and a finding for the Secret material in it).
    assert.match(res.stderr, new RegExp(`\\(1 file scanned, ${4 + notFiles} skipped: 3 binary, 1 too large, ${notFiles} not a regular file; 0 suppressed\\)`), `${git ? 'git' : 'walk'}: ${res.stderr}`);
    const json = JSON.parse((await scan(dir, ['deploy', '--max-file-size', '1k', '-o', 'json'])).stdout);
    assert.equal(json.scanned, 1);
    assert.equal(json.skipped, 4 + notFiles);
    assert.deepEqual(json.skippedBy, {binary: 3, 'too-large': 1, 'not-a-file': notFiles, unreadable: 0, ignored: 0});
    // Named explicitly: a FIFO, a socket and a link to a file (a link named is followed, as kubectl -f does).
    const named = JSON.parse((await scan(dir, ['deploy/pipe', 'deploy/sock', 'deploy/link.yaml', '-o', 'json'])).stdout);
    assert.deepEqual([named.scanned, named.skippedBy['not-a-file']], [1, 2]);
    server.close();
  }
});

test('in a git work tree, what .gitignore leaves out is counted as skipped (a folder ignored whole counts once), never scanned', async (t) => {
  const {dir, write} = tree(t, true);
  write('deploy/.gitignore', '*.log\nvendor/\n');
  write('deploy/debug.log', leaky('log'));
  write('deploy/vendor/a.yaml', leaky('vendored'));
  write('deploy/vendor/b.yaml', leaky('vendored2'));
  const res = await scan(dir, ['deploy']);
  assert.equal(res.code, 1, res.stderr);
  assert.doesNotMatch(res.stdout, /debug\.log|vendor/, 'ignored files are not scanned');
  assert.match(res.stderr, /\(2 files scanned, 3 skipped: 1 binary, 2 ignored by \.gitignore; 0 suppressed\)/);
  const json = JSON.parse((await scan(dir, ['deploy', '-o', 'json'])).stdout);
  assert.deepEqual([json.scanned, json.skipped, json.skippedBy.ignored], [2, 3, 2]);
  // Named explicitly, an ignored file is scanned (as git add -f would take it).
  assert.match((await scan(dir, ['deploy/debug.log'])).stdout, /^deploy\/debug\.log:6:3: plaintext-secret/m);
});

// Outside any repository a folder is walked without asking git (no `.git` at or above it); a
// repository inside such a folder, or one that GIT_DIR and GIT_WORK_TREE name, is still listed
// by git, so its .gitignore still holds.
test('a repository inside a folder that is not one, or named by GIT_DIR, still has its .gitignore honoured', async (t) => {
  const outer = mkdtempSync(join(tmpdir(), 'ks-scanpaths-outer-'));
  t.after(() => rmSync(outer, {recursive: true, force: true}));
  const put = (p: string, s: string) => {
    mkdirSync(dirname(join(outer, p)), {recursive: true});
    writeFileSync(join(outer, p), s);
  };
  execFileSync('git', ['init', '-q', '-b', 'main', join(outer, 'repo')], {env: {...process.env, ...GIT_ENV}});
  put('repo/.gitignore', '*.log\n');
  put('repo/deploy/db.yaml', leaky('db'));
  put('repo/deploy/debug.log', leaky('log'));
  put('loose/a.yaml', leaky('loose'));
  const json = JSON.parse((await scan(outer, ['repo', 'loose', '-o', 'json'])).stdout);
  assert.deepEqual((json.findings as {file: string}[]).map((f) => f.file).sort(), ['loose/a.yaml', 'repo/deploy/db.yaml']);
  assert.equal(json.skippedBy.ignored, 1);

  // A work tree without .git, whose repository GIT_DIR names.
  execFileSync('git', ['--git-dir', join(outer, 'gd'), '--work-tree', join(outer, 'wt'), 'init', '-q', '-b', 'main'], {env: {...process.env, ...GIT_ENV}});
  put('wt/.gitignore', '*.log\n');
  put('wt/db.yaml', leaky('wt'));
  put('wt/debug.log', leaky('wtlog'));
  const env = {...GIT_ENV, GIT_DIR: join(outer, 'gd'), GIT_WORK_TREE: join(outer, 'wt')};
  const res = await runCli(['scan', '.', '-o', 'json'], {cwd: join(outer, 'wt'), env});
  assert.deepEqual(files(res.stdout), ['db.yaml'], res.stderr);
  assert.equal(JSON.parse(res.stdout).skippedBy.ignored, 1);
});

test('a file the scan cannot open is counted as unreadable and said in a warning, never passed over silently', async (t) => {
  const {dir, write} = tree(t, false);
  write('deploy/locked.yaml', leaky('locked'));
  chmodSync(join(dir, 'deploy/locked.yaml'), 0);
  chmodSync(dir, 0o755);
  // Root reads every file through its DAC capabilities: run the CLI without them, as a developer
  // runs it. (Still uid 0, so the checkout and the binary stay readable wherever CI put them.)
  const root = process.getuid?.() === 0;
  const asUser = (args: string[]) => root
    ? spawnSync('setpriv', ['--bounding-set=-dac_override,-dac_read_search', '--inh-caps=-all', process.execPath, BIN, 'scan', ...args], {cwd: dir, encoding: 'utf8', env: {...process.env, ...GIT_ENV, NO_COLOR: '1'}})
    : spawnSync(process.execPath, [BIN, 'scan', ...args], {cwd: dir, encoding: 'utf8', env: {...process.env, ...GIT_ENV, NO_COLOR: '1'}});
  const probe = asUser(['--help']);
  if (probe.status !== 0) return t.skip(`cannot run the CLI without root's file capabilities (setpriv): ${probe.stderr ?? probe.error}`);
  const text = asUser(['deploy']);
  assert.equal(text.status, 1, text.stderr);
  assert.match(text.stderr, /^warning: deploy\/locked\.yaml: permission denied; not scanned for Secrets$/m);
  assert.match(text.stderr, /\(1 file scanned, 2 skipped: 1 binary, 1 unreadable; 0 suppressed\)/);
  const json = JSON.parse(asUser(['deploy', '-o', 'json']).stdout);
  assert.equal(json.skippedBy.unreadable, 1);
  assert.deepEqual(json.warnings, [{file: 'deploy/locked.yaml', message: 'permission denied; not scanned for Secrets'}]);
});

test('nothing skipped: the summary says only what was scanned', async (t) => {
  const {dir} = tree(t, true);
  const res = await scan(dir, ['deploy/db.yaml']);
  assert.match(res.stderr, /^1 finding in 1 file \(1 file scanned, 0 suppressed\); 1 high, 0 low$/m);
  assert.equal(JSON.parse((await scan(dir, ['deploy/db.yaml', '-o', 'json'])).stdout).skipped, 0);
});

function esc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
