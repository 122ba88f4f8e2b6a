// What we read: values are bytes, exactly; a Secret over Kubernetes' 1 MiB data limit is refused
// by seal, rotate and apply with an error naming the limit, before anything is sealed, run or
// written; and an input far beyond the limit is never loaded whole (peak RSS of the CLI, as the
// child process itself reports it, stays far below the input's size).
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {randomBytes} from 'node:crypto';
import {closeSync, existsSync, ftruncateSync, mkdtempSync, openSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {parse, stringify} from 'yaml';
import {e2eEnv, type E2EEnv} from '../helpers/cluster.js';
import {runCli} from '../helpers/cli.js';
import {libsodiumOpenBytes} from '../helpers/interop.js';

const FIX = new URL('../../../test/fixtures/crypto/', import.meta.url).pathname;
const RSA_CERT = join(FIX, 'golden-cert.pem');
const NACL_PUB = join(FIX, 'x25519-public.pem');
const NACL_PRIV = join(FIX, 'x25519-private.pem');
const MIB = 1024 * 1024;
const LIMIT_MESSAGE = /^error: .*Kubernetes' limit of 1 MiB \(1048576 bytes\) of Secret data/m;

let env: E2EEnv;
let dir: string;
before(async () => {
  env = await e2eEnv({testServerOnly: true});
  dir = mkdtempSync(join(env.dir, 'limits-'));
});
after(() => env?.close());

const file = (name: string, content: Buffer | string) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

/** Opens a SealedSecret's values with our CLI and returns them as bytes. */
async function unsealBytes(sealedYaml: string): Promise<Record<string, Buffer>> {
  const r = await runCli(['unseal', file(`u-${randomBytes(3).toString('hex')}.yaml`, sealedYaml), '--key', NACL_PRIV, '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  return Object.fromEntries(Object.entries<string>(JSON.parse(r.stdout).data).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
}

// ---- bytes ----

test('seal --raw of bytes on stdin seals exactly those bytes (no UTF-8 decoding)', async () => {
  for (const value of [Buffer.from([0xff, 0x80, 0x41]), Buffer.from([0x00, 0xc3, 0x28, 0x0a, 0x0d]), randomBytes(4096)]) {
    const r = await runCli(['seal', '--raw', '--name', 'db', '-n', 'team', '--cert', NACL_PUB], {input: value});
    assert.equal(r.code, 0, r.stderr);
    const [label, opened] = await libsodiumOpenBytes(r.stdout.trim());
    assert.equal(label, 'team/db');
    assert.deepEqual(opened, value);
  }
});

test('--from-file with binary content and stdin manifests with binary data round-trip exactly', async () => {
  const value = Buffer.concat([Buffer.from([0xff, 0x80, 0x41, 0x00]), randomBytes(1000)]);
  const bin = file('bin.dat', value);
  const a = await runCli(['seal', '--cert', NACL_PUB, '--name', 'db', '-n', 'team', '--from-file', `k=${bin}`]);
  assert.equal(a.code, 0, a.stderr);
  assert.deepEqual((await unsealBytes(a.stdout)).k, value);
  const manifest = stringify({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'db', namespace: 'team'}, data: {k: value.toString('base64')}});
  const b = await runCli(['seal', '--cert', NACL_PUB], {input: manifest});
  assert.equal(b.code, 0, b.stderr);
  assert.deepEqual((await unsealBytes(b.stdout)).k, value);
  const c = await runCli(['seal', '--raw', '--name', 'db', '-n', 'team', '--cert', NACL_PUB, '--from-file', bin]);
  assert.equal(c.code, 0, c.stderr);
  assert.deepEqual((await libsodiumOpenBytes(c.stdout.trim()))[1], value);
});

test('a manifest that is not valid UTF-8 is refused (exit 2), never sealed with replacement characters', async () => {
  const bad = Buffer.concat([Buffer.from('apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: team}\nstringData:\n  k: "'), Buffer.from([0xff, 0x80]), Buffer.from('A"\n')]);
  for (const run of [() => runCli(['seal', '--cert', NACL_PUB], {input: bad}), () => runCli(['seal', '--cert', NACL_PUB, file('bad.yaml', bad)])]) {
    const r = await run();
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^error: .* is not valid UTF-8 text/m);
    assert.equal(r.stdout, '');
  }
  // UTF-16 with a BOM is what kubectl reads too.
  const text = stringify({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'db', namespace: 'team'}, stringData: {k: 'grüße'}});
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  const r = await runCli(['seal', '--cert', NACL_PUB], {input: utf16});
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await unsealBytes(r.stdout)).k.toString('utf8'), 'grüße');
});

// ---- the 1 MiB limit ----

test('seal refuses a Secret over 1 MiB of data, naming the limit, and accepts one at exactly 1 MiB', async () => {
  const half = file('half.bin', randomBytes(MIB / 2));
  const halfPlus = file('half-plus.bin', randomBytes(MIB / 2 + 1));
  const over = await runCli(['seal', '--cert', RSA_CERT, '--name', 'db', '-n', 'team', '--from-file', `a=${half}`, '--from-file', `b=${halfPlus}`]);
  assert.equal(over.code, 2, over.stderr);
  assert.match(over.stderr, LIMIT_MESSAGE);
  assert.equal(over.stdout, '');
  const at = await runCli(['seal', '--cert', RSA_CERT, '--name', 'db', '-n', 'team', '--from-file', `a=${half}`, '--from-file', `b=${half}`]);
  assert.equal(at.code, 0, at.stderr);
  // The same through a manifest (stdin), --raw on stdin, and --merge-into an existing file.
  const manifest = stringify({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'db', namespace: 'team'}, data: {a: randomBytes(MIB / 2).toString('base64'), b: randomBytes(MIB / 2 + 1).toString('base64')}});
  const viaStdin = await runCli(['seal', '--cert', RSA_CERT], {input: manifest});
  assert.equal(viaStdin.code, 2, viaStdin.stderr);
  assert.match(viaStdin.stderr, LIMIT_MESSAGE);
  const raw = await runCli(['seal', '--raw', '--name', 'db', '-n', 'team', '--cert', RSA_CERT], {input: randomBytes(MIB + 1)});
  assert.equal(raw.code, 2, raw.stderr);
  assert.match(raw.stderr, LIMIT_MESSAGE);
  const target = join(dir, 'merge-target.yaml');
  assert.equal((await runCli(['seal', '--cert', NACL_PUB, '--name', 'db', '-n', 'team', '--from-file', `a=${half}`, '-w', target])).code, 0);
  const before = readFileSync(target, 'utf8');
  const merge = await runCli(['seal', '--cert', NACL_PUB, '--name', 'db', '-n', 'team', '--from-file', `b=${halfPlus}`, '--merge-into', target]);
  assert.equal(merge.code, 2, merge.stderr);
  assert.match(merge.stderr, LIMIT_MESSAGE);
  assert.equal(readFileSync(target, 'utf8'), before);
});

test('rotate refuses new values that take the Secret over 1 MiB, before --exec runs and before writing', async () => {
  const ns = await env.kube.namespace('limits');
  await env.kube.load([{apiVersion: 'v1', kind: 'Secret', metadata: {name: 'big', namespace: ns}, data: {a: randomBytes(900 * 1024).toString('base64')}}]);
  const before = (await env.kube.get('v1', 'Secret', ns, 'big')) as any;
  const extra = file('extra.bin', randomBytes(200 * 1024));
  const marker = join(dir, 'exec-ran');
  const r = await env.cli(['rotate', 'big', '-n', ns, '--from-file', `b=${extra}`, '--add', '--yes', '--no-restart', '--exec', `touch ${marker}`]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, LIMIT_MESSAGE);
  assert.ok(!existsSync(marker), '--exec did not run');
  const after = (await env.kube.get('v1', 'Secret', ns, 'big')) as any;
  assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion);

  // --sealed: the kept keys are counted from their ciphertext.
  const sealed = join(dir, 'rot-sealed.yaml');
  const a = file('a900.bin', randomBytes(900 * 1024));
  assert.equal((await runCli(['seal', '--cert', RSA_CERT, '--name', 'db', '-n', 'team', '--from-file', `a=${a}`, '-w', sealed])).code, 0);
  const text = readFileSync(sealed, 'utf8');
  const s = await runCli(['rotate', '--sealed', sealed, '--from-file', `b=${extra}`, '--add', '--cert', RSA_CERT, '--yes', '--exec', `touch ${marker}`]);
  assert.equal(s.code, 2, s.stderr);
  assert.match(s.stderr, LIMIT_MESSAGE);
  assert.ok(!existsSync(marker));
  assert.equal(readFileSync(sealed, 'utf8'), text);
});

test('apply refuses a SealedSecret whose data is over 1 MiB (either scheme), applying none of the file', async () => {
  const ns = await env.kube.namespace('limits-apply');
  for (const [scheme, cert, extraFlags] of [['sealed-secrets', RSA_CERT, []], ['nacl', NACL_PUB, ['--key', NACL_PRIV]]] as const) {
    // Two halves sealed apart, joined into one object: what a hand edit or another tool can produce.
    const halves = [];
    for (const k of ['a', 'b']) {
      const r = await runCli(['seal', '--cert', cert, '--name', 'big', '-n', ns, '--from-file', `${k}=${file(`${k}.bin`, randomBytes(600 * 1024))}`]);
      assert.equal(r.code, 0, r.stderr);
      halves.push(parse(r.stdout));
    }
    const joined = {...halves[0], spec: {...halves[0].spec, encryptedData: {...halves[0].spec.encryptedData, ...halves[1].spec.encryptedData}}};
    const small = (await runCli(['seal', '--cert', cert, '--name', 'small', '-n', ns, '--from-literal', 'k=v'])).stdout;
    const path = file(`apply-${scheme}.yaml`, `${small}---\n${stringify(joined)}`);
    const r = await env.cli(['apply', path, ...extraFlags, '--timeout', '1s']);
    assert.equal(r.code, 2, `${scheme}: ${r.stderr}`);
    assert.match(r.stderr, LIMIT_MESSAGE);
    assert.equal(await env.kube.get(scheme === 'nacl' ? 'v1' : 'bitnami.com/v1alpha1', scheme === 'nacl' ? 'Secret' : 'SealedSecret', ns, 'small').catch(() => undefined), undefined, `${scheme}: nothing applied`);
  }
});

// ---- bounded reading: peak memory ----

/**
 * Runs the CLI with a preload that writes the process's peak RSS (VmHWM, KiB) when it exits.
 * Not getrusage's maxRSS: Linux carries that over from the forking parent (this test process,
 * which holds the large inputs) across exec.
 */
async function peakRss(args: string[], input?: Buffer): Promise<{code: number; stderr: string; maxRssMiB: number}> {
  const preload = file('rss.cjs', "process.on('exit', () => { const fs = require('node:fs'); fs.writeFileSync(process.env.RSS_OUT, /VmHWM:\\s*(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]); });\n");
  const out = join(dir, `rss-${randomBytes(3).toString('hex')}`);
  const r = await runCli(args, {input, env: {NODE_OPTIONS: `--require ${preload}`, RSS_OUT: out}, timeoutMs: 120_000});
  return {code: r.code, stderr: r.stderr, maxRssMiB: Number(readFileSync(out, 'utf8')) / 1024};
}

test('inputs far beyond the limit are refused without loading them: peak RSS stays far below their size', async () => {
  const big = join(dir, 'big.bin');
  const fd = openSync(big, 'w');
  ftruncateSync(fd, 300 * MIB); // sparse: reading it whole would still cost 300 MiB
  closeSync(fd);
  const baseline = await peakRss(['seal', '--cert', RSA_CERT, '--name', 'db', '-n', 'team', '--from-literal', 'k=v']);
  assert.equal(baseline.code, 0, baseline.stderr);
  const runs: Array<[string, string[], Buffer?]> = [
    ['--from-file', ['seal', '--cert', RSA_CERT, '--name', 'db', '-n', 'team', '--from-file', `k=${big}`]],
    ['--raw --from-file', ['seal', '--raw', '--cert', RSA_CERT, '--name', 'db', '-n', 'team', '--from-file', big]],
    ['a manifest file', ['seal', '--cert', RSA_CERT, big]],
    ['--raw on stdin', ['seal', '--raw', '--cert', RSA_CERT, '--name', 'db', '-n', 'team'], Buffer.alloc(300 * MIB, 0x41)],
    // A manifest may be up to 64 MiB (many Secrets): that much is read, no more.
    ['a manifest on stdin', ['seal', '--cert', RSA_CERT], Buffer.alloc(300 * MIB, 0x41)],
  ];
  for (const [what, args, input] of runs) {
    const r = await peakRss(args, input);
    assert.equal(r.code, 2, `${what}: ${r.stderr}`);
    assert.match(r.stderr, /^error: .* is larger than/m, what);
    assert.doesNotMatch(r.stderr, /internal error|heap/i, what);
    assert.ok(r.maxRssMiB < baseline.maxRssMiB + 100, `${what}: peak RSS ${r.maxRssMiB.toFixed(0)} MiB, baseline ${baseline.maxRssMiB.toFixed(0)} MiB`);
  }
});
