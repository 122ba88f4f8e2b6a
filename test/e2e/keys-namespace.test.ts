// -n/--namespace on a `keys` command is refused with a pointer to --key-namespace: the keys
// live in their own namespace (kube-system by default), and an -n that was silently ignored
// made `keys init -n sealing` create the keys somewhere else than the user meant.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {e2eEnv, type E2EEnv} from '../helpers/cluster.js';

let env: E2EEnv;
before(async () => {
  env = await e2eEnv({testServerOnly: true});
});
after(() => env?.close());

const COMMANDS = [['keys', 'init'], ['keys', 'rotate'], ['keys', 'list'], ['keys', 'list', '-o', 'json'], ['keys', 'export'], ['keys', 'export', '-w', 'k.pem']];

for (const full of [false, true]) {
  test(`every keys command refuses -n in each spelling with a hint to --key-namespace, exit 2, touching nothing (${full ? 'oclif' : 'fast path'})`, async () => {
    const before = env.server!.requests.length;
    // Every command with one spelling, and every spelling, before and after, with one command
    // (each spelling is parsed once, whatever the command: the same flag definition).
    const SPELLINGS = [['-n', 'sealing'], ['--namespace', 'sealing'], ['--namespace=sealing'], ['-nsealing']];
    const cases = [...COMMANDS.map((words, i) => [words, SPELLINGS[i % SPELLINGS.length], i % 2 === 0] as const),
      ...SPELLINGS.flatMap((n) => [[['keys', 'init'], n, true], [['keys', 'init'], n, false]] as const)];
    for (const [words, n, after] of cases) {
      const args = after ? [...words, ...n] : [...n, ...words];
      const r = await env.cli(args, {env: {KUBECTL_SECRET_FULL_OCLIF: full ? '1' : undefined}});
      const name = args.join(' ');
      assert.equal(r.code, 2, `${name}: ${r.stderr}`);
      assert.equal(r.stdout, '', name);
      assert.equal(r.stderr, `error: ${words.slice(0, 2).join(' ')} does not take -n/--namespace: the sealing keys live in --key-namespace (default kube-system)\n` +
        'use --key-namespace sealing to choose the keys\' namespace\n', name);
    }
    assert.equal(env.server!.requests.length, before, 'refused before any request to the cluster');
    assert.equal((await env.cli(['keys', 'list', '--key-namespace', 'sealing'])).code, 0, 'and --key-namespace is how to choose');
  });
}

test('-n is neither shown in the keys commands\' help nor offered by completion (it is only there to be refused)', async () => {
  const {spawnSync} = await import('node:child_process');
  const {join} = await import('node:path');
  const {REPO_ROOT} = await import('../helpers/cli.js');
  for (const words of [['keys', 'init'], ['keys', 'rotate'], ['keys', 'list'], ['keys', 'export']]) {
    const help = await env.cli([...words, '--help']);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /--key-namespace/);
    assert.doesNotMatch(help.stdout, /-n, --namespace|--namespace=/, `${words.join(' ')} --help`);
    const done = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'kubectl_complete-secret'), ...words, '-'], {encoding: 'utf8'});
    assert.match(done.stdout, /^--key-namespace\t/m);
    assert.doesNotMatch(done.stdout, /^(--namespace|-n)\t/m, `completion of ${words.join(' ')} -`);
  }
  // Other cluster commands still show and complete it.
  assert.match((await env.cli(['list', '--help'])).stdout, /-n, --namespace/);
});

test('keys init into a namespace that does not exist: the namespace is what is missing (as the API server says), exit 3', async () => {
  const r = await env.cli(['keys', 'init', '--key-namespace', 'no-such-ns']);
  assert.equal(r.code, 3, r.stderr);
  assert.equal(r.stderr, 'error: namespace "no-such-ns" not found\ncreate it first (kubectl create namespace no-such-ns), or choose an existing namespace\n');
});
