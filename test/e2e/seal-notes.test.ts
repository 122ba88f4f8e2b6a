// seal and scan --fix say, on stderr, which scheme sealed the file and how it gets into the
// cluster, and that a Secret without a namespace was sealed for the kubeconfig context's
// namespace. stdout stays exactly the sealed manifests.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {parseAllDocuments} from 'yaml';
import {e2eEnv, needsTestServer, type E2EEnv} from '../helpers/cluster.js';
import {runCli} from '../helpers/cli.js';

const FIX = new URL('../../../test/fixtures/crypto/', import.meta.url).pathname;
const NACL_PUB = join(FIX, 'x25519-public.pem');
const RSA_CERT = join(FIX, 'golden-cert.pem');
const secret = (name: string, ns?: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n${ns ? `  namespace: ${ns}\n` : ''}stringData:\n  password: pw-${name}-x7\n`;

let env: E2EEnv;
let dir: string;
before(async () => {
  env = await e2eEnv({namespace: 'payments', testServerOnly: true});
  dir = mkdtempSync(join(tmpdir(), 'ks-seal-notes-'));
});
after(async () => {
  rmSync(dir, {recursive: true, force: true});
  await env?.close();
});

const NACL_NOTE = /^note: sealed with the nacl scheme \(kubectl-secret's own\)\. To get it into the cluster: kubectl secret apply (\S+), or kubectl apply -f \1 where kubectl-secret's controller runs \(kubectl secret controller manifests \| kubectl apply -f -\)\.$/m;
const BITNAMI_NOTE = /^note: sealed with the sealed-secrets scheme \(Bitnami\)\. To get it into the cluster: kubectl apply -f (\S+); the Sealed Secrets controller opens it there\.$/m;

function sealedKinds(stdout: string): string[] {
  return parseAllDocuments(stdout).map((d) => (d.toJS() as {kind: string}).kind);
}

test('seal to stdout: the scheme and how to apply it on stderr, only the SealedSecret on stdout', async () => {
  const f = join(dir, 'a.yaml');
  writeFileSync(f, secret('a', 'payments'));
  const nacl = await runCli(['seal', '--cert', NACL_PUB, f]);
  assert.equal(nacl.code, 0, nacl.stderr);
  assert.deepEqual(sealedKinds(nacl.stdout), ['SealedSecret']);
  assert.doesNotMatch(nacl.stdout, /note:/);
  assert.equal(nacl.stderr.match(NACL_NOTE)?.[1], 'FILE', nacl.stderr);
  assert.doesNotMatch(nacl.stderr, /namespace/, 'the Secret has its own namespace');
  const bitnami = await runCli(['seal', '--cert', RSA_CERT, f, '-o', 'json']);
  assert.equal(bitnami.code, 0, bitnami.stderr);
  assert.equal(JSON.parse(bitnami.stdout).kind, 'SealedSecret');
  assert.equal(bitnami.stderr.match(BITNAMI_NOTE)?.[1], 'FILE', bitnami.stderr);
});

test('seal -w, --in-place and --merge-into name the file in the apply command', async () => {
  const f = join(dir, 'b.yaml');
  const out = join(dir, 'b-sealed.yaml');
  writeFileSync(f, secret('b', 'payments'));
  const w = await runCli(['seal', '--cert', RSA_CERT, f, '-w', out]);
  assert.equal(w.code, 0, w.stderr);
  assert.equal(w.stdout, '');
  assert.equal(w.stderr.match(BITNAMI_NOTE)?.[1], out, w.stderr);
  const merged = await runCli(['seal', '--cert', RSA_CERT, '--name', 'b', '-n', 'payments', '--from-literal', 'extra=x1', '--merge-into', out]);
  assert.equal(merged.code, 0, merged.stderr);
  assert.equal(merged.stderr.match(BITNAMI_NOTE)?.[1], out, merged.stderr);
  const inPlace = join(dir, 'c.yaml');
  writeFileSync(inPlace, secret('c', 'payments'));
  const r = await runCli(['seal', '--cert', NACL_PUB, '--in-place', inPlace]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr.match(NACL_NOTE)?.[1], inPlace, r.stderr);
});

test('seal of a Secret without a namespace: a note names the namespace it was sealed for and where it came from; -n or cluster-wide scope need none', async () => {
  const f = join(dir, 'nons.yaml');
  writeFileSync(f, secret('nons'));
  const ctx = await env.cli(['seal', '--cert', NACL_PUB, f]);
  assert.equal(ctx.code, 0, ctx.stderr);
  assert.equal((parseAllDocuments(ctx.stdout)[0].toJS() as any).metadata.namespace, 'payments');
  assert.match(ctx.stderr, /^note: a Secret without metadata\.namespace was sealed for namespace "payments", the namespace of kubeconfig context "\S+"; it opens only there \(set metadata\.namespace or pass -n to choose\)\.$/m);
  // A context that sets no namespace: "default", as kubectl uses it.
  const bare = env.server!.writeKubeconfig(join(dir, 'bare-kubeconfig'));
  const def = await runCli(['seal', '--cert', RSA_CERT, f], {env: {KUBECONFIG: bare, HOME: dir}});
  assert.equal(def.code, 0, def.stderr);
  assert.equal((parseAllDocuments(def.stdout)[0].toJS() as any).metadata.namespace, 'default');
  assert.match(def.stderr, /^note: a Secret without metadata\.namespace was sealed for namespace "default", the namespace of kubeconfig context "\S+"/m);
  for (const args of [['-n', 'payments'], ['--scope', 'cluster-wide']]) {
    const r = await env.cli(['seal', '--cert', NACL_PUB, f, ...args]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /without metadata\.namespace/, args.join(' '));
    assert.match(r.stderr, NACL_NOTE);
  }
});

test('scan --fix says which scheme sealed each file and how it gets into the cluster, and the namespace a Secret without one was sealed for', async (t) => {
  if (!needsTestServer(t, env)) return;
  const repo = mkdtempSync(join(tmpdir(), 'ks-fix-notes-'));
  t.after(() => rmSync(repo, {recursive: true, force: true}));
  writeFileSync(join(repo, 'a.yaml'), secret('a', 'payments'));
  const byCert = await runCli(['scan', '.', '--fix', '--yes', '--cert', RSA_CERT], {cwd: repo});
  assert.equal(byCert.code, 0, byCert.stderr);
  assert.match(byCert.stderr, /^sealed a\.yaml$/m);
  assert.equal(byCert.stderr.match(BITNAMI_NOTE)?.[1], 'a.yaml', byCert.stderr);
  assert.match(readFileSync(join(repo, 'a.yaml'), 'utf8'), /kind: SealedSecret/);

  // From the cluster's nacl key, with a Secret that names no namespace.
  assert.equal((await env.cli(['keys', 'init'])).code, 0);
  writeFileSync(join(repo, 'b.yaml'), secret('b'));
  const byCluster = await env.cli(['scan', 'b.yaml', '--fix', '--yes'], {cwd: repo});
  assert.equal(byCluster.code, 0, byCluster.stderr);
  assert.equal(byCluster.stderr.match(NACL_NOTE)?.[1], 'b.yaml', byCluster.stderr);
  assert.match(byCluster.stderr, /^note: b\.yaml: a Secret without metadata\.namespace was sealed for namespace "payments", the namespace of kubeconfig context "\S+"; it opens only there/m);
  assert.match(readFileSync(join(repo, 'b.yaml'), 'utf8'), /namespace: payments/);
});

test('offline, a Secret without a namespace and no kubeconfig: one line that says to name the namespace, exit 2, nothing written', async () => {
  const f = join(dir, 'nons.yaml');
  const out = join(dir, 'nons-sealed.yaml');
  writeFileSync(f, secret('nons'));
  const noKube = {KUBECONFIG: '', HOME: dir};
  const r = await runCli(['seal', '--cert', NACL_PUB, f, '-w', out], {env: noKube});
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^error: no kubeconfig found.*the Secret has no namespace/m);
  assert.match(r.stderr, /-n NAMESPACE, or metadata\.namespace/);
  assert.throws(() => readFileSync(out), /ENOENT/);
  const named = await runCli(['seal', '--cert', NACL_PUB, f, '-n', 'payments', '-w', out], {env: noKube});
  assert.equal(named.code, 0, named.stderr);
  assert.doesNotMatch(named.stderr, /sealed for the namespace/);
});
