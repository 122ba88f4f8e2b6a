// The README's test-server recipe, run as written in bash: `npm run test-server` in the
// background, the real kubectl against it, and `kubectl secret` found by kubectl's own plugin
// lookup (kubectl-secret on PATH, as `npm link` puts it). Only the kubeconfig path is moved
// into a temporary folder, so that runs side by side do not share it.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {BIN, REPO_ROOT} from '../helpers/cli.js';

const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

test("the README's test-server recipe runs as written: the server serves examples/, kubectl and kubectl secret answer from it", async (t) => {
  const at = README.indexOf('<!-- test-server -->');
  assert.ok(at >= 0, 'README marks its test-server block');
  const block = /```sh\n([\s\S]*?)```/.exec(README.slice(at))![1]!.replace(/^ {2}/gm, '');
  assert.match(block, /^npm run test-server -- --kubeconfig-out \/tmp\/ks-kubeconfig .*&/m);
  const dir = mkdtempSync(join(tmpdir(), 'ks-readme-ts-'));
  t.after(() => rmSync(dir, {recursive: true, force: true}));
  mkdirSync(join(dir, 'bin'));
  symlinkSync(BIN, join(dir, 'bin', 'kubectl-secret'));
  // Job control on, as in the terminal the README addresses: `kill %1` signals the whole job
  // (npm and the server it runs), which is how the block says to stop it.
  const kubeconfig = join(dir, 'kubeconfig');
  const script = `set -em\ntrap 'kill %1 2>/dev/null || true; wait' EXIT\n${block.replaceAll('/tmp/ks-kubeconfig', kubeconfig)}`;
  const r = await new Promise<{code: number | null; out: string}>((resolve) => {
    const child = spawn('bash', ['-c', script], {cwd: REPO_ROOT, env: {...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH}`, HOME: dir, NO_COLOR: '1'}, stdio: ['ignore', 'pipe', 'pipe']});
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    // A server left running holds the pipes open: stop everything, so the failure is reported.
    const timer = setTimeout(() => {
      for (const pid of serversFor(kubeconfig)) process.kill(pid, 'SIGKILL');
      child.kill('SIGKILL');
    }, 90_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({code, out});
    });
  });
  const left = serversFor(kubeconfig);
  for (const pid of left) process.kill(pid, 'SIGKILL');
  assert.deepEqual(left, [], '`kill %1` stopped the server');
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /^shop\s+api\s/m, 'kubectl get deployments -A lists the example Deployment');
  assert.match(r.out, /Deployment\s.*api/i, 'kubectl secret consumers names the Deployment');
  assert.match(r.out, /CronJob\s.*backup/i, 'and the CronJob');
  assert.doesNotMatch(r.out, /internal error|\n\s+at /);
});

/** Processes still serving with this kubeconfig: none once `kill %1` has run. */
function serversFor(kubeconfig: string): number[] {
  const pids: number[] = [];
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(kubeconfig)) pids.push(Number(p));
    } catch {}
  }
  return pids;
}
