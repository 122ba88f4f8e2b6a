// Prompts belong to the terminal, tested in a real pseudo-terminal: questions, plans and
// confirmations go to /dev/tty, never to stdout (so `> out.yaml` holds only YAML); hidden input
// shows nothing per keystroke; Ctrl-C and Ctrl-D cancel with exit 130 and write nothing; an
// empty value is refused unless --allow-empty-data; a confirmation defaults to No and comes
// after the values are typed.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {randomBytes} from 'node:crypto';
import {existsSync, mkdtempSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {parse} from 'yaml';
import {REPO_ROOT, runCli} from '../helpers/cli.js';
import {fileE2EEnv} from '../helpers/cluster.js';
import {runInPty} from '../helpers/pty.js';

const FIX = join(REPO_ROOT, 'test', 'fixtures', 'crypto');
const NACL_PUB = join(FIX, 'x25519-public.pem');
const NACL_PRIV = join(FIX, 'x25519-private.pem');
const dir = mkdtempSync(join(tmpdir(), 'ks-prompts-'));
const canary = () => `CANARY${randomBytes(6).toString('hex')}`;
const offlineEnv = {KUBECONFIG: '/nonexistent/kubeconfig'};
const sealArgs = ['seal', '--name', 'db', '-n', 'payments', '--prompt', 'password', '--cert', NACL_PUB];
const unb64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

async function opened(sealedFile: string): Promise<Record<string, string>> {
  const r = await runCli(['unseal', sealedFile, '--key', NACL_PRIV], {env: offlineEnv});
  assert.equal(r.code, 0, r.stderr);
  return Object.fromEntries(Object.entries(parse(r.stdout).data as Record<string, string>).map(([k, v]) => [k, unb64(v)]));
}

test('seal --prompt KEY > out.yaml: the prompt is on the terminal, the file holds only the SealedSecret, and typing shows nothing', async () => {
  const value = canary();
  const out = join(dir, 'out.yaml');
  const r = await runInPty(sealArgs, {env: offlineEnv, stdout: out, script: [['Value for password', `${value}\r`], ['Again, to confirm password', `${value}\r`]]});
  assert.equal(r.code, 0, r.tty);
  const text = readFileSync(out, 'utf8');
  assert.doesNotMatch(text, /Value for|Again|\*/, 'no prompt in the file');
  assert.ok(!text.includes('\u001B'), 'no escape codes in the file');
  assert.equal(parse(text).kind, 'SealedSecret');
  assert.match(r.tty, /Value for password \(input hidden\): /);
  assert.ok(!r.tty.includes(value), 'the typed value is not echoed');
  assert.doesNotMatch(r.tty.replace(/\(input hidden\)/g, ''), /\*/, 'no mask characters: the length does not show');
  assert.deepEqual(await opened(out), {password: value});
});

test('hidden input: backspace edits, arrow keys are ignored, nothing is shown for either', async () => {
  const out = join(dir, 'edit.yaml');
  const r = await runInPty(sealArgs, {env: offlineEnv, stdout: out, script: [
    ['Value for password', 'abcX\u007F\u001B[Dd\r'],
    ['Again, to confirm password', 'abcd\r'],
  ]});
  assert.equal(r.code, 0, r.tty);
  assert.deepEqual(await opened(out), {password: 'abcd'});
  assert.doesNotMatch(r.tty, /abc|\[D/);
});

test('Ctrl-C or Ctrl-D at a prompt: "cancelled; nothing was written", exit 130, no file, never an internal error', async () => {
  for (const key of ['\u0003', '\u0004']) {
    for (const step of [0, 1]) {
      const out = join(dir, `cancelled-${key.charCodeAt(0)}-${step}.yaml`);
      const script: Array<[string, string]> = step === 0
        ? [['Value for password', key]]
        : [['Value for password', 'abc\r'], ['Again, to confirm password', `ab${key}`]];
      const r = await runInPty([...sealArgs, '-w', out], {env: offlineEnv, script});
      assert.equal(r.code, 130, r.tty);
      assert.match(r.tty, /error: cancelled; nothing was written/);
      assert.doesNotMatch(r.tty, /internal error|report it/);
      assert.ok(!existsSync(out), 'nothing was written');
    }
  }
});

test('an empty value is refused unless --allow-empty-data', async () => {
  const refused = await runInPty([...sealArgs, '-w', join(dir, 'empty.yaml')], {env: offlineEnv, script: [
    ['Value for password', '\r'], ['An empty value for password is refused', ''], ['Value for password', '\u0003'],
  ]});
  assert.equal(refused.code, 130, refused.tty);
  assert.match(refused.tty, /An empty value for password is refused; type one, or rerun with --allow-empty-data/);
  const out = join(dir, 'allowed.yaml');
  const allowed = await runInPty([...sealArgs, '--allow-empty-data'], {env: offlineEnv, stdout: out, script: [
    ['Value for password', '\r'], ['Again, to confirm password', '\r'],
  ]});
  assert.equal(allowed.code, 0, allowed.tty);
  assert.deepEqual(await opened(out), {password: ''});
});

const env = fileE2EEnv();

async function seed(password: string): Promise<string> {
  const ns = await env.kube.namespace('prompts');
  await env.kube.apply({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'db', namespace: ns}, data: {password: Buffer.from(password).toString('base64')}});
  return ns;
}

const live = async (ns: string) => unb64((await env.kube.get('v1', 'Secret', ns, 'db')).data.password);

test('rotate … > log: plan, value prompts and the question are on the terminal; values first, then the confirmation, which defaults to No', async () => {
  const old = canary();
  const ns = await seed(old);
  const next = canary();
  const log = join(dir, 'rotate.log');
  const ptyEnv = {HOME: env.dir, KUBECONFIG: env.kubeconfig};
  const args = ['rotate', 'db', '-n', ns, '--prompt', 'password', '--no-restart'];
  const declined = await runInPty(args, {env: ptyEnv, stdout: log, script: [
    ['Value for password', `${next}\r`], ['Again, to confirm password', `${next}\r`], ['Rotate these keys? (y/N)', '\r'],
  ]});
  assert.equal(declined.code, 1, declined.tty);
  const plan = declined.tty.indexOf(`Rotate Secret ${ns}/db`);
  const valueAsked = declined.tty.indexOf('Value for password');
  const question = declined.tty.indexOf('Rotate these keys? (y/N)');
  assert.ok(plan >= 0 && plan < valueAsked && valueAsked < question, `plan, then values, then the question:\n${declined.tty}`);
  assert.match(declined.tty, /rotation cancelled; nothing was written/);
  assert.equal(await live(ns), old, 'Enter alone is No: nothing written');
  assert.doesNotMatch(readFileSync(log, 'utf8'), /Rotate these keys|Value for|Rotate Secret/, 'nothing of the dialogue in the redirected stdout');

  const accepted = await runInPty(args, {env: ptyEnv, stdout: log, script: [
    ['Value for password', `${next}\r`], ['Again, to confirm password', `${next}\r`], ['Rotate these keys? (y/N)', 'y\r'],
  ]});
  assert.equal(accepted.code, 0, accepted.tty);
  assert.equal(await live(ns), next);
  const written = readFileSync(log, 'utf8');
  assert.match(written, /Rotated password: written to Secret/);
  assert.doesNotMatch(written, /Rotate these keys|Value for|Rotate Secret/);
  assert.ok(!accepted.tty.includes(next) && !written.includes(next), 'the typed value is never shown');
});

test('Ctrl-C at rotate\'s confirmation: cancelled, exit 130, the Secret unchanged', async () => {
  const old = canary();
  const ns = await seed(old);
  const r = await runInPty(['rotate', 'db', '-n', ns, '--generate', 'password', '--no-restart'], {
    env: {HOME: env.dir, KUBECONFIG: env.kubeconfig}, script: [['Rotate these keys? (y/N)', '\u0003']],
  });
  assert.equal(r.code, 130, r.tty);
  assert.match(r.tty, /error: cancelled; nothing was written/);
  assert.equal(await live(ns), old);
});
