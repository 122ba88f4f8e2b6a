import {test} from 'node:test';
import assert from 'node:assert/strict';
import {spawnSync, execFileSync} from 'node:child_process';
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {installCliInto, runCli} from '../helpers/cli.js';
import {GIT_ENV, tempRepo} from '../helpers/git-repo.js';

const CANARY = `CANARY-${Math.random().toString(36).slice(2, 12).padEnd(10, '0')}`;
const SYSTEM_PATH = dirname(execFileSync('sh', ['-c', 'command -v git']).toString().trim()) + ':/usr/bin:/bin';

function repo(t: {after: (fn: () => void) => void}) {
  const r = tempRepo(t, 'ks-hook-');
  return {...r, hooks: join(r.dir, '.git', 'hooks')};
}

/** A folder holding `kubectl-secret`, a wrapper around this checkout's bin/run.js, as an install would. */
function binDir(t: {after: (fn: () => void) => void}): string {
  const dir = mkdtempSync(join(tmpdir(), 'ks-bin-'));
  t.after(() => rmSync(dir, {recursive: true, force: true}));
  return installCliInto(dir);
}

const hook = (dir: string, args: string[]) => runCli(['hook', ...args], {cwd: dir, env: GIT_ENV});
const commit = (dir: string, path: string, env: Record<string, string> = {}) =>
  spawnSync('git', ['commit', '-q', '-m', 'm'], {cwd: dir, env: {...process.env, ...GIT_ENV, PATH: path, ...env}, encoding: 'utf8', timeout: 60_000});
const snapshot = (p: string) => ({bytes: readFileSync(p).toString('base64'), mode: statSync(p).mode & 0o7777});

test('install writes an executable hook; installing twice changes nothing; uninstall removes it', async (t) => {
  const r = repo(t);
  const first = await hook(r.dir, ['install']);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /installed the pre-commit hook/);
  const p = join(r.hooks, 'pre-commit');
  const before = snapshot(p);
  assert.equal(before.mode, 0o755);
  assert.match(readFileSync(p, 'utf8'), /^ {2}kubectl-secret scan --staged$/m);
  const again = await hook(r.dir, ['install']);
  assert.match(again.stdout, /already installed.*nothing changed/);
  assert.deepEqual(snapshot(p), before);
  const status = await hook(r.dir, ['status', '-o', 'json']);
  assert.equal(JSON.parse(status.stdout).state, 'ours');
  const un = await hook(r.dir, ['uninstall']);
  assert.match(un.stdout, /removed the pre-commit hook/);
  assert.equal(existsSync(p), false);
  assert.match((await hook(r.dir, ['status'])).stdout, /pre-commit:\s+not installed/);
});

test('an existing hook is chained, still runs, and is restored byte for byte with its mode', async (t) => {
  const r = repo(t);
  const p = join(r.hooks, 'pre-commit');
  writeFileSync(p, '#!/bin/sh\n# the team hook\ntouch "$(git rev-parse --show-toplevel)/team-hook-ran"\n');
  chmodSync(p, 0o750);
  const original = snapshot(p);
  const res = await hook(r.dir, ['install']);
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stdout, /kept as .*pre-commit\.kubectl-secret-chained and runs first/);
  assert.deepEqual(snapshot(p + '.kubectl-secret-chained'), original);
  assert.match((await hook(r.dir, ['status'])).stdout, /chained hook:\s+.*pre-commit\.kubectl-secret-chained/);

  writeFileSync(join(r.dir, 'ok.yaml'), 'kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: c\n');
  r.git('add', 'ok.yaml');
  const c = commit(r.dir, `${binDir(t)}:${SYSTEM_PATH}`);
  assert.equal(c.status, 0, c.stderr);
  assert.ok(existsSync(join(r.dir, 'team-hook-ran')), 'the chained hook ran');

  await hook(r.dir, ['uninstall']);
  assert.deepEqual(snapshot(p), original);
  assert.equal(existsSync(p + '.kubectl-secret-chained'), false);
});

test('a commit with a plaintext Secret is blocked, one without passes', async (t) => {
  const r = repo(t);
  await hook(r.dir, ['install']);
  const path = `${binDir(t)}:${SYSTEM_PATH}`;
  writeFileSync(join(r.dir, 's.yaml'), `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: ${CANARY}\n`);
  r.git('add', 's.yaml');
  const blocked = commit(r.dir, path);
  assert.equal(blocked.status, 1, blocked.stderr);
  assert.match(blocked.stdout + blocked.stderr, /s\.yaml:6:3: plaintext-secret: Secret db/);
  assert.ok(!(blocked.stdout + blocked.stderr).includes(CANARY));
  assert.throws(() => r.git('rev-parse', '--verify', '-q', 'HEAD'), 'nothing was committed');
  // The last line says who stopped the commit, how to fix it and how to bypass it once.
  const last = blocked.stderr.trimEnd().split('\n').at(-1);
  assert.equal(last, 'commit blocked by kubectl-secret: fix with `kubectl secret scan --staged --fix`, or bypass once with `git commit --no-verify`');

  // A Secret the hook cannot read in full (UTF-16 without BOM, over the size limit) is stopped too.
  writeFileSync(join(r.dir, 's.yaml'), Buffer.from(`apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: ${CANARY}\n`, 'utf16le'));
  writeFileSync(join(r.dir, 'big.yaml'), `# ${'x'.repeat(1100)}\n`.repeat(1000) + `kind: Secret\nstringData:\n  password: ${CANARY}\n`);
  r.git('add', 's.yaml', 'big.yaml');
  const blocked2 = commit(r.dir, path);
  assert.equal(blocked2.status, 1, blocked2.stderr);
  assert.match(blocked2.stdout + blocked2.stderr, /^s\.yaml:6:3: plaintext-secret: /m);
  assert.match(blocked2.stdout + blocked2.stderr, /^big\.yaml:1001:1: unparseable-secret: the file is \d+ bytes, over --max-file-size/m);
  assert.match(blocked2.stderr.trimEnd().split('\n').at(-1)!, /^commit blocked by kubectl-secret/);
  r.git('rm', '-q', '--cached', 'big.yaml');

  r.git('rm', '-q', '--cached', 's.yaml');
  writeFileSync(join(r.dir, 'c.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: b\n');
  r.git('add', 'c.yaml');
  const passed = commit(r.dir, path);
  assert.equal(passed.status, 0, passed.stderr);
});

test('without kubectl-secret on PATH the hook fails closed, unless KUBECTL_SECRET_HOOK_OPTIONAL=1', async (t) => {
  const r = repo(t);
  await hook(r.dir, ['install']);
  writeFileSync(join(r.dir, 'c.yaml'), 'a: b\n');
  r.git('add', 'c.yaml');
  // A PATH with only what git and the hook script need, so a kubectl-secret installed on the
  // machine (e.g. by npm link into /usr/bin) cannot make this pass for the wrong reason.
  const bare = mkdtempSync(join(tmpdir(), 'ks-bare-path-'));
  t.after(() => rmSync(bare, {recursive: true, force: true}));
  for (const tool of ['git', 'dirname', 'cat', 'sh']) symlinkSync(execFileSync('sh', ['-c', `command -v ${tool}`]).toString().trim(), join(bare, tool));
  const closed = commit(r.dir, bare);
  assert.notEqual(closed.status, 0);
  assert.match(closed.stderr, /kubectl-secret is not on PATH[\s\S]*npm install -g kubectl-secret[\s\S]*KUBECTL_SECRET_HOOK_OPTIONAL=1/);
  const optional = commit(r.dir, bare, {KUBECTL_SECRET_HOOK_OPTIONAL: '1'});
  assert.equal(optional.status, 0, optional.stderr);
  assert.match(optional.stderr, /NOT scanned/);
});

test('core.hooksPath is honoured; a folder we created is removed again on uninstall', async (t) => {
  const r = repo(t);
  r.git('config', 'core.hooksPath', '.githooks');
  const res = await hook(r.dir, ['install']);
  assert.equal(res.code, 0, res.stderr);
  assert.ok(existsSync(join(r.dir, '.githooks', 'pre-commit')));
  assert.equal(existsSync(join(r.hooks, 'pre-commit')), false);
  await hook(r.dir, ['uninstall']);
  assert.equal(existsSync(join(r.dir, '.githooks')), false);
});

test('a hook owned by a hook manager is not chained without --force; an edited hook needs --force', async (t) => {
  const r = repo(t);
  mkdirSync(r.hooks, {recursive: true});
  const p = join(r.hooks, 'pre-commit');
  writeFileSync(p, '#!/usr/bin/env bash\n# File generated by pre-commit: https://pre-commit.com\n', {mode: 0o755});
  const refused = await hook(r.dir, ['install']);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /managed by pre-commit[\s\S]*--force/);
  assert.equal(existsSync(p + '.kubectl-secret-chained'), false);
  assert.equal((await hook(r.dir, ['install', '--force'])).code, 0);
  writeFileSync(p, readFileSync(p, 'utf8') + 'echo edited\n');
  const edited = await hook(r.dir, ['install']);
  assert.equal(edited.code, 2);
  assert.match(edited.stderr, /was edited/);
  assert.equal((await hook(r.dir, ['uninstall', '--force'])).code, 0);
  assert.match(readFileSync(p, 'utf8'), /pre-commit\.com/);
});
