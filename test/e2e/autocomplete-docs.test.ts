// docs/install.md says what `kubectl-secret autocomplete SHELL` prints and what the line it
// installs does; this runs each documented claim against the real CLI: the step-1 command of
// the table is in the output, `autocomplete script SHELL` is the one line that command appends,
// and in a real bash that line makes `kubectl-secret <TAB>` complete commands and flags.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {BIN, REPO_ROOT, runCli} from '../helpers/cli.js';

const INSTALL = readFileSync(join(REPO_ROOT, 'docs', 'install.md'), 'utf8');

/** The rows of the "step 1 of `kubectl-secret autocomplete SHELL`" table: shell → command. */
function documentedSteps(): Map<string, string> {
  const table = INSTALL.slice(INSTALL.indexOf('| shell | step 1 of `kubectl-secret autocomplete SHELL` |'));
  const rows = new Map<string, string>();
  for (const line of table.split('\n').slice(2)) {
    const m = /^\| (\w+) \| `(.+)` \|$/.exec(line);
    if (!m) break;
    rows.set(m[1]!, m[2]!);
  }
  return rows;
}

test('autocomplete SHELL prints the step documented in docs/install.md, and the line it installs is autocomplete script SHELL', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'ks-ac-'));
  t.after(() => rmSync(home, {recursive: true, force: true}));
  const steps = documentedSteps();
  assert.deepEqual([...steps.keys()], ['bash', 'zsh', 'powershell'], 'the table documents every shell the plugin supports');
  for (const [shell, step] of steps) {
    const r = await runCli(['autocomplete', shell], {env: {HOME: home}});
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.split('\n').some((l) => l.trim() === step), `autocomplete ${shell} prints the documented step 1:\n${step}\n---\n${r.stdout}`);
    assert.match(step, new RegExp(`kubectl-secret autocomplete script ${shell}`));
    const script = await runCli(['autocomplete', 'script', shell], {env: {HOME: home}});
    assert.equal(script.code, 0, script.stderr);
    assert.equal(script.stdout.trim().split('\n').length, 1, `autocomplete script ${shell} is a single line: ${script.stdout}`);
    assert.ok(script.stdout.includes(join(home, '.cache', 'kubectl-secret', 'autocomplete')), 'it sources the cache that autocomplete SHELL built');
  }
  assert.match(INSTALL, /`kubectl-secret autocomplete SHELL` \(`bash`, `zsh` or `powershell`\)/);
  const fish = await runCli(['autocomplete', 'fish'], {env: {HOME: home}});
  assert.equal(fish.code, 2, 'fish is not one of the shells, as documented');
});

test('in bash, the installed line completes kubectl-secret\'s commands and flags, as documented', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'ks-ac-bash-'));
  t.after(() => rmSync(home, {recursive: true, force: true}));
  // kubectl-secret on PATH, as npm link puts it: the documented step calls it by name.
  mkdirSync(join(home, 'bin'));
  symlinkSync(BIN, join(home, 'bin', 'kubectl-secret'));
  const env = {...process.env, HOME: home, PATH: `${join(home, 'bin')}:${process.env.PATH}`, NO_COLOR: '1'};
  assert.equal(spawnSync(process.execPath, [BIN, 'autocomplete', 'bash'], {env}).status, 0);
  const step = documentedSteps().get('bash')!.replace('; source ~/.bashrc', '');
  const complete = (words: string[]) => {
    const r = spawnSync('bash', ['--norc', '-c', `${step}; source ~/.bashrc; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; COMP_LINE='${words.join(' ')}'; COMP_POINT=\${#COMP_LINE}; _kubectl-secret_autocomplete; printf '%s\\n' "\${COMPREPLY[@]}"`], {env, encoding: 'utf8'});
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.split('\n').filter(Boolean);
  };
  assert.ok(complete(['kubectl-secret', 'se']).some((c) => c.startsWith('seal')), 'commands');
  assert.ok(complete(['kubectl-secret', 'scan', '--st']).some((c) => c.startsWith('--staged')), 'flags');
  assert.ok(complete(['kubectl-secret', 'keys', '']).some((c) => c.startsWith('init')), 'topic commands, spelled with spaces');
});

test("the autocomplete plugin's failures come in kubectl's shape too: one error line, one hint, exit 2", async () => {
  for (const args of [['autocomplete', 'fish'], ['autocomplete', 'bash', '--bogus']]) {
    const r = await runCli(args, {env: {HOME: mkdtempSync(join(tmpdir(), 'ks-ac-'))}});
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^error: .+\nSee 'kubectl secret autocomplete --help' for usage\n/m, args.join(' '));
    assert.doesNotMatch(r.stderr, /›|See more help with --help|\n\s+at /, args.join(' '));
  }
});
