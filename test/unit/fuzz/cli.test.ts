// Bad input through the built CLI, for a bounded number of runs: mutated manifests and sealed
// files through seal/unseal/verify -w, random git states through `scan --staged`, and oversized
// inputs (a 50 MB manifest, a Secret with 100,000 keys) under a heap limit with their peak RSS.
// Always a documented exit code (0/1/2/3), an `error:` line on failure, no stack trace, and no
// partially written output file.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync, spawn} from 'node:child_process';
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import fc from 'fast-check';
import {parseAllDocuments} from 'yaml';
import {BIN, runCli, type CliResult} from '../../helpers/cli.js';
import {GIT_ENV} from '../../helpers/git-repo.js';

const FIX = new URL('../../../../test/fixtures/crypto/', import.meta.url).pathname;
const RSA_CERT = join(FIX, 'golden-cert.pem');
const NACL_PUB = join(FIX, 'x25519-public.pem');
const NACL_PRIV = join(FIX, 'x25519-private.pem');
// No cluster: any command that would reach one fails fast and says so (exit 2 or 3).
const OFFLINE = {KUBECONFIG: '/nonexistent/kubeconfig', HOME: '/nonexistent'};

function assertDocumented(r: CliResult, what: string): void {
  assert.ok([0, 1, 2, 3].includes(r.code), `${what}: exit ${r.code}\n${r.stderr}`);
  if (r.code >= 2) assert.match(r.stderr, /^error: /m, `${what}: no error line\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /^\s+at .+:\d+:\d+\)?$/m, `${what}: a stack trace\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /internal error/, `${what}: an untyped error\n${r.stderr}`);
}

const SECRET = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: team\ntype: Opaque\nstringData:\n  user: app\ndata:\n  password: Q0FOQVJZ\n';

function mutate(sample: string): fc.Arbitrary<string> {
  return fc.array(fc.tuple(fc.nat(), fc.integer({min: 0, max: 8}), fc.constantFrom('', ':', '- ', '\n', '"', '{', '[', '&x ', '*x', '!!binary ', '\t', '---\n', 'kind: Secret\n', 'data: 5\n', '\u0000')), {minLength: 1, maxLength: 5}).map((edits) => {
    let s = sample;
    for (const [at, del, ins] of edits) {
      const i = at % (s.length + 1);
      s = s.slice(0, i) + ins + s.slice(i + del);
    }
    return s;
  });
}

test('seal and unseal -w on mutated input: a documented outcome, and the output file is complete or absent', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ks-fuzz-cli-'));
  try {
    const sealed = await runCli(['seal', '--cert', NACL_PUB], {input: SECRET});
    assert.equal(sealed.code, 0, sealed.stderr);
    let n = 0;
    await fc.assert(fc.asyncProperty(fc.oneof(mutate(SECRET), mutate(sealed.stdout)), fc.constantFrom('seal', 'unseal', 'verify'), async (text, cmd) => {
      const input = join(dir, `in-${++n}.yaml`);
      const out = join(dir, `out-${n}.yaml`);
      writeFileSync(input, text);
      const args = cmd === 'seal' ? ['seal', input, '--cert', NACL_PUB, '-w', out] : cmd === 'unseal' ? ['unseal', input, '--key', NACL_PRIV, '-w', out, '--force'] : ['verify', input, '--offline'];
      const r = await runCli(args, {env: OFFLINE, timeoutMs: 30_000});
      assertDocumented(r, `${cmd} of ${JSON.stringify(text).slice(0, 200)}`);
      if (cmd !== 'verify') {
        if (r.code === 0) assert.ok(parseAllDocuments(readFileSync(out, 'utf8')).every((d) => d.errors.length === 0), 'a complete YAML file');
        else assert.equal(existsSync(out), false, 'no output file on failure');
      }
      assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary file');
    }), {numRuns: 12});
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
});

type GitOp = {op: 'add' | 'modify' | 'rm-cached' | 'mv' | 'commit' | 'binary' | 'symlink' | 'delete' | 'chmod'; file: number; leaky: boolean};

test('scan --staged on random git states: exit 0 or 1 (findings), never a crash', async () => {
  const ops = fc.array(fc.record({
    op: fc.constantFrom('add', 'modify', 'rm-cached', 'mv', 'commit', 'binary', 'symlink', 'delete', 'chmod') as fc.Arbitrary<GitOp['op']>,
    file: fc.integer({min: 0, max: 4}),
    leaky: fc.boolean(),
  }), {maxLength: 12});
  await fc.assert(fc.asyncProperty(ops, async (steps) => {
    const dir = mkdtempSync(join(tmpdir(), 'ks-fuzz-git-'));
    try {
      const git = (...a: string[]) => {
        try {
          execFileSync('git', a, {cwd: dir, env: {...process.env, ...GIT_ENV}, stdio: 'pipe'});
        } catch {}
      };
      git('init', '-q', '-b', 'main');
      const name = (i: number) => (i === 4 ? 'sub dir/ü.yaml' : `f${i}.yaml`);
      for (const s of steps) {
        const p = join(dir, name(s.file));
        execFileSync('mkdir', ['-p', join(dir, 'sub dir')]);
        const text = s.leaky ? `apiVersion: v1\nkind: Secret\nmetadata: {name: s${s.file}}\nstringData: {k: CANARY-git}\n` : `kind: ConfigMap\napiVersion: v1\nmetadata: {name: c${s.file}}\n`;
        if (s.op === 'add' || s.op === 'modify') {
          writeFileSync(p, text);
          if (s.op === 'add') git('add', '--', name(s.file));
        } else if (s.op === 'rm-cached') git('rm', '-q', '--cached', '--', name(s.file));
        else if (s.op === 'mv') git('mv', '--', name(s.file), `moved-${s.file}.yaml`);
        else if (s.op === 'commit') git('commit', '-q', '--no-verify', '-m', 'x');
        else if (s.op === 'binary') {
          writeFileSync(p, Buffer.from([0, 1, 2, 255, 0, 107, 105, 110, 100, 58, 32, 83, 101, 99, 114, 101, 116]));
          git('add', '--', name(s.file));
        } else if (s.op === 'symlink') {
          try {
            unlinkSync(p);
          } catch {}
          symlinkSync(s.leaky ? '/etc/passwd' : 'nowhere', p);
          git('add', '--', name(s.file));
        } else if (s.op === 'delete') rmSync(p, {force: true});
        else git('update-index', '--chmod=+x', '--', name(s.file));
      }
      const r = await runCli(['scan', '--staged'], {cwd: dir, env: GIT_ENV, timeoutMs: 30_000});
      assertDocumented(r, `scan --staged after ${JSON.stringify(steps)}`);
      assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr}`);
      assert.doesNotMatch(r.stdout + r.stderr, /CANARY-git/);
    } finally {
      rmSync(dir, {recursive: true, force: true});
    }
  }), {numRuns: 8});
});

/** Runs the CLI under a heap limit and reports the peak RSS the child measured itself. */
function runBounded(args: string[], heapMb: number, cwd: string): Promise<{code: number; stderr: string; maxRssMb: number; ms: number}> {
  const hook = `data:text/javascript,process.on('exit',()=>process.stderr.write('MAXRSS_KB '+process.resourceUsage().maxRSS+'\\n'))`;
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, '--import', hook, BIN, ...args], {cwd, env: {...process.env, NO_COLOR: '1', ...OFFLINE}, stdio: ['ignore', 'ignore', 'pipe']});
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')} did not finish in 120s`));
    }, 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const kb = Number(/MAXRSS_KB (\d+)/.exec(stderr)?.[1] ?? NaN);
      resolve({code: code ?? -1, stderr: stderr.replace(/MAXRSS_KB \d+\n/, ''), maxRssMb: Math.round(kb / 1024), ms: Date.now() - started});
    });
  });
}

test('oversized input: a 50 MB manifest and a Secret with 100,000 keys seal under a 512 MB heap', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ks-fuzz-big-'));
  try {
    // 50 MB: 500 Secrets of 100 kB values each.
    const value = Buffer.alloc(75_000, 'x').toString('base64');
    const docs: string[] = [];
    for (let i = 0; i < 500; i++) docs.push(`apiVersion: v1\nkind: Secret\nmetadata:\n  name: s${i}\n  namespace: team\ndata:\n  v: ${value}\n`);
    writeFileSync(join(dir, 'big.yaml'), docs.join('---\n'));
    const manyKeys = ['apiVersion: v1', 'kind: Secret', 'metadata:', '  name: many', '  namespace: team', 'stringData:'];
    for (let i = 0; i < 100_000; i++) manyKeys.push(`  k${i}: v${i}`);
    writeFileSync(join(dir, 'many.yaml'), manyKeys.join('\n') + '\n');
    for (const [file, cert] of [['big.yaml', RSA_CERT], ['many.yaml', RSA_CERT]] as const) {
      const size = readFileSync(join(dir, file)).length;
      const r = await runBounded(['seal', file, '--cert', cert, '-w', `sealed-${file}`], 512, dir);
      t.diagnostic(`seal ${file} (${(size / 1e6).toFixed(1)} MB): exit ${r.code} in ${r.ms} ms, peak RSS ${r.maxRssMb} MB`);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.maxRssMb > 0 && r.maxRssMb < 1024, `peak RSS ${r.maxRssMb} MB`);
      assert.ok(existsSync(join(dir, `sealed-${file}`)));
    }
    // Malformed and oversized: a clear error, not an out-of-memory crash.
    writeFileSync(join(dir, 'bad.yaml'), docs.slice(0, 200).join('---\n') + '---\nkind: Secret\nmetadata: {name: [\n');
    const bad = await runBounded(['seal', 'bad.yaml', '--cert', RSA_CERT, '-w', 'sealed-bad.yaml'], 512, dir);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /^error: /m);
    assert.equal(existsSync(join(dir, 'sealed-bad.yaml')), false);
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
});
