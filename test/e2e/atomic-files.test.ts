// A process killed (SIGKILL) in the middle of writing leaves the previous file intact. The
// test-only pause in src/io/atomic-write.ts holds the CLI with its temporary file complete and
// the target not yet replaced; we kill it there, then check the target, and that the next write
// to the same path clears the dead process's temporary file (it may hold plaintext).
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {stringify} from 'yaml';
import {e2eEnv, type E2EEnv} from '../helpers/cluster.js';
import {BIN, runCli} from '../helpers/cli.js';

const FIX = new URL('../../../test/fixtures/crypto/', import.meta.url).pathname;
const RSA_CERT = join(FIX, 'golden-cert.pem');
const NACL_PUB = join(FIX, 'x25519-public.pem');
const NACL_PRIV = join(FIX, 'x25519-private.pem');
const PAUSE = {KUBECTL_SECRET_TEST_PAUSE_BEFORE_RENAME_MS: '30000'};

let env: E2EEnv;
let dirN = 0;
before(async () => {
  env = await e2eEnv({testServerOnly: true});
});
after(() => env?.close());

const secretYaml = (values: Record<string, string>, name = 'db', ns = 'team') => stringify({apiVersion: 'v1', kind: 'Secret', metadata: {name, namespace: ns}, stringData: values});
const temporaries = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.tmp'));

function folder(): string {
  return mkdtempSync(join(env.dir, `atomic-${++dirN}-`));
}

/** Runs the CLI paused before its rename, kills it once the temporary file is there. */
async function killMidWrite(args: string[], dir: string, input?: string): Promise<string[]> {
  const child = spawn(process.execPath, [BIN, ...args], {cwd: dir, env: {...process.env, NO_COLOR: '1', HOME: env.dir, KUBECONFIG: env.kubeconfig, ...PAUSE}, stdio: ['pipe', 'ignore', 'pipe']});
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.end(input ?? '');
  const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>((r) => child.on('close', (code, signal) => r({code, signal})));
  let done = false;
  void exited.then(() => (done = true));
  const end = Date.now() + 60_000;
  let tmps: string[] = [];
  while ((tmps = temporaries(dir)).length === 0) {
    if (done) assert.fail(`${args.join(' ')} exited before writing: ${stderr}`);
    if (Date.now() > end) {
      child.kill('SIGKILL');
      assert.fail(`no temporary file appeared for ${args.join(' ')}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill('SIGKILL');
  const {signal} = await exited;
  assert.equal(signal, 'SIGKILL');
  return tmps;
}

interface Case {
  name: string;
  /** Writes the previous file(s); returns the target path and the CLI arguments. */
  setup: (dir: string) => {target: string; args: string[]; input?: string} | Promise<{target: string; args: string[]; input?: string}>;
  /** Mode the target must keep. */
  mode?: number;
}

const CASES: Case[] = [
  {name: 'seal -w', setup: (dir) => {
    const target = join(dir, 'sealed.yaml');
    writeFileSync(target, 'previous sealed file\n');
    return {target, args: ['seal', '--cert', RSA_CERT, '-w', target], input: secretYaml({k: 'v'})};
  }},
  {name: 'seal --in-place', setup: (dir) => {
    const target = join(dir, 'secret.yaml');
    writeFileSync(target, secretYaml({password: 'CANARY-inplace'}));
    return {target, args: ['seal', target, '--in-place', '--cert', RSA_CERT]};
  }},
  {name: 'seal --merge-into', setup: async (dir) => {
    const target = join(dir, 'sealed.yaml');
    const first = await runCli(['seal', '--cert', NACL_PUB, '-w', target], {input: secretYaml({a: '1'})});
    assert.equal(first.code, 0, first.stderr);
    return {target, args: ['seal', '--cert', NACL_PUB, '--name', 'db', '-n', 'team', '--from-literal', 'b=2', '--merge-into', target]};
  }},
  {name: 'rotate --sealed', setup: async (dir) => {
    const target = join(dir, 'sealed.yaml');
    const first = await runCli(['seal', '--cert', RSA_CERT, '-w', target], {input: secretYaml({a: '1'})});
    assert.equal(first.code, 0, first.stderr);
    return {target, args: ['rotate', '--sealed', target, '--generate', 'a', '--cert', RSA_CERT, '--yes']};
  }},
  {name: 'reencrypt', setup: async (dir) => {
    if (!env.server?.list('v1', 'Secret', 'kube-system').some((s) => s.metadata.name.startsWith('kubectl-secret-key-'))) {
      assert.equal((await env.cli(['keys', 'init'])).code, 0);
      assert.equal((await env.cli(['keys', 'rotate'])).code, 0);
    }
    const target = join(dir, 'sealed.yaml');
    const first = await env.cli(['seal', '--scheme', 'nacl', '-w', target], {input: secretYaml({a: '1'})});
    assert.equal(first.code, 0, first.stderr);
    // Sealed to an older key, so reencrypt has something to do.
    assert.equal((await env.cli(['keys', 'rotate'])).code, 0);
    return {target, args: ['reencrypt', target]};
  }},
  {name: 'unseal -w', mode: 0o600, setup: async (dir) => {
    const sealed = join(dir, 'sealed.yaml');
    const first = await runCli(['seal', '--cert', NACL_PUB, '-w', sealed], {input: secretYaml({password: 'CANARY-unseal'})});
    assert.equal(first.code, 0, first.stderr);
    const target = join(dir, 'plain.yaml');
    writeFileSync(target, 'previous plaintext\n', {mode: 0o600});
    return {target, args: ['unseal', sealed, '--key', NACL_PRIV, '-w', target]};
  }},
];

for (const c of CASES) {
  test(`${c.name}: killed mid-write, the previous file is intact; the next write clears the dead temporary`, async () => {
    const dir = folder();
    const {target, args, input} = await c.setup(dir);
    const before = readFileSync(target);
    const tmps = await killMidWrite(args, dir, input);
    assert.deepEqual(readFileSync(target), before, 'the previous file is intact');
    assert.equal(tmps.length, 1);
    // The temporary is private to its owner, never wider than the target.
    assert.ok((statSync(join(dir, tmps[0])).mode & 0o077) <= (statSync(target).mode & 0o077));
    const again = args[0] === 'unseal' || args[0] === 'reencrypt' ? await env.cli(args, {cwd: dir}) : await runCli(args, {cwd: dir, input});
    assert.equal(again.code, 0, again.stderr);
    assert.notDeepEqual(readFileSync(target), before, 'the uninterrupted run replaced the file');
    assert.deepEqual(temporaries(dir), [], 'no temporary file left, the dead one included');
    if (c.mode !== undefined) assert.equal(statSync(target).mode & 0o777, c.mode);
  });
}
