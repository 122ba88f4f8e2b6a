// The README's first minute, run as written: its first command's main job, and the demo
// walkthrough line by line against `npm run demo`'s server (the test server with examples/
// loaded). `kubectl secret …` runs the built CLI, as kubectl's plugin lookup would; other
// `kubectl …` lines run the real kubectl. A line's expected exit status is 0 unless its
// comment says `exit N`.
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {REPO_ROOT, runCli} from '../helpers/cli.js';

const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'ks-walkthrough-'));
const kubeconfig = join(dir, 'kubeconfig');
let demo: ChildProcess | undefined;
let demoOut = '';

before(async () => {
  demo = spawn(process.execPath, [join(REPO_ROOT, 'dist/test/server/demo.js'), kubeconfig], {stdio: ['ignore', 'pipe', 'pipe']});
  demo.stdout!.on('data', (d) => (demoOut += d));
  demo.stderr!.on('data', (d) => (demoOut += d));
  const deadline = Date.now() + 30_000;
  while (!/Ctrl-C stops it/.test(demoOut)) {
    if (Date.now() > deadline || demo.exitCode !== null) throw new Error(`the demo did not start: ${demoOut}`);
    await new Promise((r) => setTimeout(r, 50));
  }
});
after(() => {
  demo?.kill('SIGTERM');
  rmSync(dir, {recursive: true, force: true});
});

function block(marker: string): string[] {
  const at = README.indexOf(marker);
  assert.ok(at >= 0, `README has ${marker}`);
  const m = /```sh\n([\s\S]*?)```/.exec(README.slice(at));
  assert.ok(m, `a sh block follows ${marker}`);
  return m[1].split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
}

test("the README's first command installs and runs the main job: scan of examples/ finds the plaintext Secret", async () => {
  const first = /## Get started[\s\S]*?```sh\n(.*)\n```/.exec(README)?.[1];
  assert.equal(first, 'npm ci && npm link && kubectl secret scan examples/');
  const r = await runCli(['scan', 'examples/']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^examples\/shop\/db-credentials\.yaml:\d+:\d+: plaintext-secret: Secret shop\/db-credentials has a plaintext value in stringData\.password( \[high\])?$/m);
});

test('the demo walkthrough runs as written, each line with the exit status it promises', async () => {
  const lines = block('<!-- walkthrough -->');
  assert.match(lines[0], /^npm run demo &/);
  assert.match(lines[1], /^export KUBECONFIG=\$PWD\/\.demo\/kubeconfig/);
  // The demo prints the same export line the README shows.
  assert.match(demoOut, /export KUBECONFIG=/);
  const written: string[] = [];
  for (const line of lines.slice(2)) {
    const [command, comment = ''] = line.split(/\s+#\s+/, 2);
    const expected = Number(/\bexit (\d+)/.exec(comment)?.[1] ?? 0);
    const words = command.split(/\s+/);
    let code: number;
    let output: string;
    if (words[0] === 'kubectl' && words[1] === 'secret') {
      const r = await runCli(words.slice(2), {env: {KUBECONFIG: kubeconfig}, timeoutMs: 120_000});
      [code, output] = [r.code, r.stdout + r.stderr];
      const w = words.indexOf('-w');
      if (w > 0) written.push(words[w + 1]);
    } else {
      assert.equal(words[0], 'kubectl', `walkthrough line runs something other than kubectl: ${line}`);
      const r = spawnSync('kubectl', words.slice(1), {env: {...process.env, KUBECONFIG: kubeconfig}, encoding: 'utf8'});
      [code, output] = [r.status ?? -1, r.stdout + r.stderr];
    }
    assert.equal(code, expected, `${command}\n${output}`);
    assert.doesNotMatch(output, /internal error|\n\s+at /, command);
  }
  for (const f of written) {
    assert.ok(existsSync(f), `${f} was written`);
    assert.doesNotMatch(readFileSync(f, 'utf8'), /demo-Ju7vQ2mX9rT4/, 'the sealed file holds no plaintext');
    rmSync(f, {force: true});
  }
});
