// The canary harness: every command runs with planted secret values (in the cluster, in
// stringData and data, literals, files, env files, sealed files, a git index) on its success
// and failure paths (--debug and DEBUG=kubectl-secret*, a 500 from the server, malformed
// input), and no canary may appear, raw, base64 or hex, in stdout, stderr, any file the command
// created or changed in its working folder, its TMPDIR or the system temp folder, except the
// explicit plaintext outputs (`unseal` to stdout, `unseal -w`). One row per case: a new command
// is one more row in CASES.
import {after, before, test, type TestContext} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync, spawn} from 'node:child_process';
import {chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {stringify} from 'yaml';
import {e2eEnv, type E2EEnv} from '../helpers/cluster.js';
import {BIN, installCliInto, runCli, type CliResult} from '../helpers/cli.js';
import {GIT_ENV} from '../helpers/git-repo.js';
import {canary, findCanaries, inspect, snapshot} from '../helpers/leaks.js';
import type {TestServer} from '../server/index.js';

const FIX = new URL('../../../test/fixtures/crypto/', import.meta.url).pathname;
const RSA_CERT = join(FIX, 'golden-cert.pem');
const RSA_KEY = join(FIX, 'golden-rsa-key.pem');
const NS = 'leak';

/** Every planted value, by where it was planted. */
const C = {
  clusterPassword: canary(), clusterUser: canary(), stringData: canary(), data: canary(), literal: canary(),
  fromFile: canary(), envFile: canary(), sealedNacl: canary(), sealedRsa: canary(), rotateLiteral: canary(),
  controller: canary(), staged: canary(), execStdin: canary(), malformed: canary(),
};
const ALL = Object.values(C);
const b64 = (s: string) => Buffer.from(s).toString('base64');

const secretYaml = (name: string, ns: string, stringData: Record<string, string>, data: Record<string, string> = {}) => stringify({
  apiVersion: 'v1', kind: 'Secret', metadata: {name, namespace: ns}, type: 'Opaque', stringData,
  ...(Object.keys(data).length ? {data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)]))} : {}),
});

let env: E2EEnv;
let server: TestServer | undefined;
let sealedNacl = '';
let sealedRsa = '';
let sealedCtl = '';
let binDir = '';
const systemTmpBefore = new Set<string>();

interface Ctx {
  /** The row's working folder (its cwd). */
  dir: string;
  kubeconfig: string;
  server?: TestServer;
  /** Writes a file in the working folder and returns its path. */
  write(name: string, text: string | Buffer): string;
  git(...args: string[]): string;
}

interface Row {
  name: string;
  args: (x: Ctx) => string[];
  /** Files, git repositories, faults; may return an undo. */
  setup?: (x: Ctx) => void | (() => void) | Promise<void | (() => void)>;
  input?: (x: Ctx) => string;
  /** Expected exit code(s): success and failure paths both count, but must be the documented ones. */
  code: number | number[];
  /** `unseal` without -w prints the plaintext Secret: that is its job. */
  allowStdout?: boolean;
  /** Explicit plaintext outputs, relative to the working folder. */
  allowedFiles?: string[];
  /** Row needs the test server's knobs. */
  needsServer?: boolean;
  /**
   * 'faults': arms faults on the shared server, so runs after the ordinary rows, beside other
   * fault rows only (all of which expect exit 3); 'alone': one at a time, last.
   */
  phase?: 'faults' | 'alone';
  /** Also run without any debug switch. Default: only with --debug and DEBUG=kubectl-secret*. */
  plainToo?: boolean;
  /** Run the process for at most this long, then SIGTERM it (long-running commands). */
  runForMs?: number;
  /** With runForMs: stop it as soon as this holds (after a short grace to let it log), not at the cap. */
  doneWhen?: (x: Ctx) => boolean;
  env?: Record<string, string>;
}

const seal = (...a: string[]) => ['seal', ...a];

const CASES: Row[] = [
  // seal: every input route, offline and against the cluster's nacl key.
  {name: 'seal stdin, cluster nacl key', args: () => seal('--scheme', 'nacl'), input: () => secretYaml('db', NS, {password: C.stringData}, {user: C.data}), code: 0, plainToo: true},
  {name: 'seal FILE -w, offline --cert', args: (x) => seal(x.write('s.yaml', secretYaml('db', NS, {password: C.stringData}, {user: C.data})), '--cert', RSA_CERT, '-w', join(x.dir, 'sealed.yaml')), code: 0},
  {name: 'seal from literal, file and env file', args: (x) => seal('--cert', RSA_CERT, '--name', 'db', '-n', NS, '--from-literal', `a=${C.literal}`, '--from-file', `b=${x.write('pw.txt', C.fromFile)}`, '--from-env-file', x.write('app.env', `# comment\nC=${C.envFile}\n`), '-o', 'json'), code: 0},
  {name: 'seal --raw', args: (x) => seal('--raw', '--cert', RSA_CERT, '--name', 'db', '-n', NS, '--from-file', x.write('pw.txt', C.fromFile)), code: 0},
  {name: 'seal --raw from stdin', args: () => seal('--raw', '--cert', RSA_CERT, '--name', 'db', '-n', NS), input: () => C.literal, code: 0},
  {name: 'seal --in-place', args: (x) => seal(x.write('s.yaml', secretYaml('db', NS, {password: C.stringData}, {user: C.data})), '--in-place', '--cert', RSA_CERT), code: 0},
  {name: 'seal --merge-into', args: (x) => seal('--cert', RSA_CERT, '--name', 'db', '-n', NS, '--from-literal', `password=${C.literal}`, '--merge-into', x.write('sealed.yaml', sealedRsa)), code: 0},
  {name: 'seal --merge-into a file of another scheme (fails)', args: (x) => seal('--scheme', 'nacl', '--name', 'db', '-n', NS, '--from-literal', `password=${C.literal}`, '--merge-into', x.write('sealed.yaml', sealedRsa)), code: [2, 3]},
  {name: 'seal malformed manifest', args: (x) => seal(x.write('bad.yaml', `apiVersion: v1\nkind: Secret\nmetadata: {name: x}\nstringData:\n  k: ${C.malformed}\n  - [unclosed "${C.malformed}`), '--cert', RSA_CERT), code: 2, plainToo: true},
  {name: 'seal bad base64 in data', args: (x) => seal(x.write('bad.yaml', `apiVersion: v1\nkind: Secret\nmetadata: {name: x, namespace: ${NS}}\ndata: {k: "${C.malformed}!!"}\n`), '--cert', RSA_CERT), code: 2, plainToo: true},
  {name: 'seal a duplicate key across sources', args: () => seal('--cert', RSA_CERT, '--name', 'db', '-n', NS, '--from-literal', `a=${C.literal}`, '--from-literal', `a=${C.malformed}`), code: 2},
  {name: 'seal with a malformed certificate', args: (x) => seal('--cert', x.write('c.pem', `-----BEGIN CERTIFICATE-----\n${b64(C.malformed)}\n-----END CERTIFICATE-----\n`), '--name', 'db', '-n', NS, '--from-literal', `a=${C.literal}`), code: 2},
  // Inputs refused for their size or encoding, and targets refused for what they are: the values never show.
  {name: 'seal a Secret over the 1 MiB limit (fails)', args: (x) => seal('--cert', RSA_CERT, '--name', 'db', '-n', NS, '--from-literal', `a=${C.literal}`, '--from-file', `b=${x.write('big.txt', C.fromFile.repeat(Math.ceil(1048576 / C.fromFile.length)))}`), code: 2, plainToo: true},
  {name: 'seal a value far beyond the limit on stdin (fails)', args: () => seal('--raw', '--cert', RSA_CERT, '--name', 'db', '-n', NS), input: () => C.literal.repeat(400_000), code: 2},
  {name: 'seal a manifest that is not UTF-8 (fails)', args: (x) => seal(x.write('bad.yaml', Buffer.concat([Buffer.from(secretYaml('db', NS, {password: C.stringData}).replace(C.stringData, `${C.stringData}\u0000`)), Buffer.from([0xff, 0xfe, 0x80])])), '--cert', RSA_CERT), code: 2, plainToo: true},
  {name: 'seal --in-place through a symbolic link', args: (x) => {
    x.write('real.yaml', secretYaml('db', NS, {password: C.stringData}, {user: C.data}));
    symlinkSync('real.yaml', join(x.dir, 'link.yaml'));
    return seal(join(x.dir, 'link.yaml'), '--in-place', '--cert', RSA_CERT);
  }, code: 0},
  {name: 'seal -w over a read-only file (fails)', args: (x) => {
    chmodSync(x.write('ro.yaml', 'old\n'), 0o444);
    return seal('--cert', RSA_CERT, '-w', join(x.dir, 'ro.yaml'));
  }, input: () => secretYaml('db', NS, {password: C.stringData}), code: 2},
  {name: 'unseal -w onto a symbolic link (fails)', args: (x) => {
    symlinkSync('elsewhere.yaml', join(x.dir, 'link.yaml'));
    return ['unseal', x.write('sealed.yaml', sealedNacl), '-w', join(x.dir, 'link.yaml')];
  }, code: 2, plainToo: true},
  {name: 'unseal -w where git cannot answer (fails)', args: (x) => {
    x.write('.git', 'gitdir: /nonexistent/repository\n');
    return ['unseal', x.write('sealed.yaml', sealedNacl), '-w', join(x.dir, 'plain.yaml')];
  }, code: 2},
  // unseal: stdout is its explicit output; -w writes the only allowed plaintext file.
  {name: 'unseal to stdout (stdout is the output; stderr is not)', args: (x) => ['unseal', x.write('sealed.yaml', sealedNacl)], code: 0, allowStdout: true},
  {name: 'unseal -w', args: (x) => ['unseal', x.write('sealed.yaml', sealedNacl), '-w', join(x.dir, 'plain.yaml')], code: 0, allowedFiles: ['plain.yaml'], plainToo: true},
  {name: 'unseal -o json with --recovery-private-key', args: (x) => ['unseal', x.write('sealed.yaml', sealedRsa), '--recovery-private-key', RSA_KEY, '-o', 'json'], code: 0, allowStdout: true},
  {name: 'unseal a tampered file (fails)', args: (x) => ['unseal', x.write('sealed.yaml', tamper(sealedNacl))], code: [1, 2]},
  {name: 'unseal a file sealed for another name (fails)', args: (x) => ['unseal', x.write('sealed.yaml', sealedNacl.replace('name: db', 'name: other'))], code: [1, 2]},
  // apply, verify, reencrypt, keys, cert.
  {name: 'apply nacl sealed file', args: (x) => ['apply', x.write('sealed.yaml', sealedNacl.replaceAll(`namespace: ${NS}`, 'namespace: leak-apply'))], setup: ensureNs('leak-apply'), code: [0, 1, 2]},
  {name: 'verify', args: (x) => ['verify', x.write('sealed.yaml', sealedNacl)], code: 0},
  {name: 'verify --offline of a tampered file', args: (x) => ['verify', '--offline', x.write('sealed.yaml', tamper(sealedNacl))], code: [0, 1, 2]},
  {name: 'reencrypt', args: (x) => ['reencrypt', x.write('sealed.yaml', sealedNacl)], code: 0},
  {name: 'keys init (already there)', args: () => ['keys', 'init'], code: [0, 1]},
  {name: 'keys list', args: () => ['keys', 'list', '-o', 'json'], code: 0},
  {name: 'keys export', args: (x) => ['keys', 'export', '-w', join(x.dir, 'pub.pem')], code: 0},
  {name: 'cert', args: () => ['cert', '--scheme', 'nacl'], code: 0},
  // diff: with and without differences (never --show-values, whose output is the values).
  {name: 'diff with differences', args: (x) => ['diff', x.write('s.yaml', secretYaml('db', NS, {password: C.stringData, user: C.clusterUser}))], code: 1, plainToo: true},
  {name: 'diff without differences', args: (x) => ['diff', x.write('s.yaml', secretYaml('db', NS, {password: C.clusterPassword, user: C.clusterUser}))], code: 0},
  {name: 'diff -o json of a sealed file', args: (x) => ['diff', x.write('sealed.yaml', sealedNacl), '-o', 'json'], code: [0, 1]},
  {name: 'diff against a namespace', args: () => ['diff', 'db', '-n', NS, '--against-namespace', 'leak-other'], code: 1},
  // rotate: the live values, new literals, the dry run, a failing --exec, --sealed.
  {name: 'rotate --dry-run', args: () => ['rotate', 'db', '-n', NS, '--from-literal', `password=${C.rotateLiteral}`, '--dry-run'], code: 0},
  {name: 'rotate --exec failing', args: () => ['rotate', 'db', '-n', NS, '--from-literal', `password=${C.rotateLiteral}`, '--exec', 'cat >/dev/null; exit 7', '--yes', '--no-restart'], code: 1},
  {name: 'rotate --sealed (offline cert)', args: (x) => ['rotate', '--sealed', x.write('sealed.yaml', sealedRsa), '--from-literal', `password=${C.rotateLiteral}`, '--cert', RSA_CERT, '--yes'], code: 0},
  {name: 'rotate --sealed (nacl)', args: (x) => ['rotate', 'db', '--sealed', x.write('sealed.yaml', sealedNacl), '--generate', 'password', '--yes'], code: 0},
  {name: 'rotate the live Secret', args: () => ['rotate', 'db', '-n', 'leak-rotate', '--from-literal', `password=${C.rotateLiteral}`, '--yes', '--no-restart'], setup: seedSecret('leak-rotate'), code: 0},
  {name: 'rotate a key the Secret lacks (fails)', args: () => ['rotate', 'db', '-n', NS, '--from-literal', `nokey=${C.rotateLiteral}`, '--yes'], code: 2},
  // The read-only cluster commands.
  {name: 'restart --dry-run', args: () => ['restart', 'db', '-n', NS, '--dry-run'], code: 0},
  {name: 'restart --no-wait', args: () => ['restart', 'db', '-n', 'leak-restart', '--no-wait'], setup: seedSecret('leak-restart', true), code: 0},
  {name: 'consumers', args: () => ['consumers', 'db', '-n', NS, '-o', 'json'], code: [0, 1]},
  {name: 'consumers -f', args: (x) => ['consumers', 'db', '-n', NS, '-f', x.write('m.yaml', secretYaml('db', NS, {p: C.stringData}) + '---\n' + stringify(deployment(NS)))], code: [0, 1]},
  {name: 'who-can', args: () => ['who-can', 'db', '-n', NS], code: [0, 1]},
  {name: 'who-can -o yaml -f', args: (x) => ['who-can', 'db', '-n', NS, '-o', 'yaml', '-f', x.write('m.yaml', secretYaml('db', NS, {p: C.stringData}))], code: [0, 1]},
  {name: 'audit', args: () => ['audit', '-n', NS, '--fail-on', 'none'], code: [0, 1, 2]},
  {name: 'audit -o json', args: () => ['audit', '-n', NS, '-o', 'json'], code: [0, 1]},
  {name: 'audit -f -o sarif', args: (x) => ['audit', '-f', x.write('m.yaml', secretYaml('db', NS, {p: C.stringData}, {u: C.data})), '-o', 'sarif'], code: [0, 1]},
  {name: 'list', args: () => ['list', '-n', NS, '-o', 'json'], code: 0},
  {name: 'list -A', args: () => ['list', '-A'], code: 0, plainToo: true},
  // scan and the hook, in a git repository with plaintext Secrets.
  {name: 'scan text', args: (x) => ['scan', x.dir], setup: leakyRepo, code: 1, plainToo: true},
  {name: 'scan json', args: (x) => ['scan', x.dir, '--format', 'json'], setup: leakyRepo, code: 1},
  {name: 'scan sarif', args: (x) => ['scan', x.dir, '--format', 'sarif'], setup: leakyRepo, code: 1},
  {name: 'scan --staged', args: () => ['scan', '--staged'], setup: leakyRepo, code: 1, env: GIT_ENV},
  {name: 'scan --fix --yes', args: () => ['scan', '--staged', '--fix', '--yes', '--cert', RSA_CERT, '-n', NS], setup: leakyRepo, code: [0, 1], env: GIT_ENV},
  {name: 'hook install', args: () => ['hook', 'install'], setup: leakyRepo, code: 0, env: GIT_ENV},
  // Failure paths against the server: a 500 on every Secret read, in the shared namespace.
  {name: '500: list', args: () => ['list', '-n', NS], setup: fault500(`/api/v1/namespaces/${NS}/secrets`), code: 3, phase: 'faults', plainToo: true},
  {name: '500: diff', args: (x) => ['diff', x.write('s.yaml', secretYaml('db', NS, {password: C.stringData}))], setup: fault500(`/api/v1/namespaces/${NS}/secrets`), code: 3, phase: 'faults'},
  {name: '500: rotate', args: () => ['rotate', 'db', '-n', NS, '--from-literal', `password=${C.rotateLiteral}`, '--yes'], setup: fault500(`/api/v1/namespaces/${NS}/secrets`), code: 3, phase: 'faults'},
  {name: '500 on the write: rotate', args: () => ['rotate', 'db', '-n', 'leak-rotate-500', '--from-literal', `password=${C.rotateLiteral}`, '--yes', '--no-restart'], setup: async (x) => {
    await seedSecret('leak-rotate-500')(x);
    return x.server!.fault({method: 'PUT', path: '/api/v1/namespaces/leak-rotate-500/secrets', status: 500});
  }, code: 3, phase: 'faults'},
  {name: '500: unseal (keys)', args: (x) => ['unseal', x.write('sealed.yaml', sealedNacl)], setup: fault500('/api/v1/namespaces/kube-system/secrets'), code: 3, phase: 'faults', allowStdout: true},
  {name: '500: seal (keys)', args: () => seal('--scheme', 'nacl'), input: () => secretYaml('db', NS, {password: C.stringData}), setup: fault500('/api/v1/namespaces/kube-system/configmaps'), code: 3, phase: 'faults'},
  {name: '500: apply', args: (x) => ['apply', x.write('sealed.yaml', sealedNacl)], setup: fault500(`/api/v1/namespaces/${NS}/secrets`, 'PATCH'), code: 3, phase: 'faults'},
  {name: '500: audit', args: () => ['audit', '-n', NS], setup: fault500(`/api/v1/namespaces/${NS}/secrets`), code: 3, phase: 'faults'},
  {name: '500: who-can', args: () => ['who-can', 'db', '-n', NS], setup: fault500(`/apis/rbac.authorization.k8s.io/v1`), code: 3, phase: 'faults'},
  {name: '500: consumers', args: () => ['consumers', 'db', '-n', NS], setup: fault500(`/apis/apps/v1/namespaces/${NS}/deployments`), code: 3, phase: 'faults'},
  {name: '500: restart', args: () => ['restart', 'db', '-n', NS, '--no-wait'], setup: fault500(`/apis/apps/v1/namespaces/${NS}/deployments`), code: 3, phase: 'faults'},
  {name: '500: keys rotate', args: () => ['keys', 'rotate'], setup: fault500('/api/v1/namespaces/kube-system/secrets', 'POST'), code: 3, phase: 'faults'},
  // The controller, briefly: it opens a SealedSecret carrying a canary and creates its Secret.
  {name: 'controller run', args: () => ['controller', 'run', '--listen', '127.0.0.1:0', '--no-leader-elect', '-n', 'leak-ctl'], setup: (x) => {
    ensureNs('leak-ctl')(x);
    // Each mode's run must open the value itself: the Secret an earlier run wrote goes first.
    if (x.server!.get('v1', 'Secret', 'leak-ctl', 'app')) x.server!.remove('v1', 'Secret', 'leak-ctl', 'app');
    const sealed = JSON.parse(sealedCtl);
    if (!x.server!.get(sealed.apiVersion, sealed.kind, 'leak-ctl', 'app')) x.server!.create(sealed);
  }, code: [0, 143, -1], runForMs: 30_000, doneWhen: (x) => Boolean(x.server?.get('v1', 'Secret', 'leak-ctl', 'app')), phase: 'alone'},
  {name: 'keys rotate', args: () => ['keys', 'rotate'], code: 0, phase: 'alone'},
];

function ensureNs(ns: string) {
  return (x: Ctx): void => {
    if (x.server && !x.server.get('v1', 'Namespace', undefined, ns)) x.server.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: ns}});
  };
}

function seedSecret(ns: string, withDeployment = false) {
  return (x: Ctx): void => {
    ensureNs(ns)(x);
    x.server!.create({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'db', namespace: ns}, type: 'Opaque', data: {password: b64(C.clusterPassword), user: b64(C.clusterUser)}});
    if (withDeployment) x.server!.create(deployment(ns));
  };
}

function fault500(path: string, method = 'GET') {
  return (x: Ctx) => x.server!.fault({method, path, status: 500});
}

function deployment(ns: string): object {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web', namespace: ns},
    spec: {
      selector: {matchLabels: {app: 'web'}},
      template: {
        metadata: {labels: {app: 'web'}},
        spec: {
          containers: [{name: 'web', image: 'nginx', env: [{name: 'PASSWORD', valueFrom: {secretKeyRef: {name: 'db', key: 'password'}}}]}],
          volumes: [{name: 's', secret: {secretName: 'db'}}],
        },
      },
    },
  };
}

/** Flips one character inside the first encrypted value. */
function tamper(sealed: string): string {
  return sealed.replace(/(password: )(\S)(\S)/, (_m, p, a, b) => `${p}${a === 'A' ? 'B' : 'A'}${b}`);
}

/** A git repository with a plaintext Secret staged, a kustomize literal and a last-applied annotation. */
function leakyRepo(x: Ctx): void {
  x.git('init', '-q', '-b', 'main');
  x.write('secret.yaml', secretYaml('db', NS, {password: C.staged}, {user: C.data}));
  x.write('kustomization.yaml', stringify({secretGenerator: [{name: 'app', literals: [`token=${C.literal}`]}]}));
  x.write('cm.yaml', stringify({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'c', annotations: {'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({apiVersion: 'v1', kind: 'Secret', metadata: {name: 's'}, data: {k: b64(C.stringData)}})}}}));
  // Files the scan reads by decoding or fails closed on: UTF-16, no extension, invalid YAML, a NUL byte.
  const plain = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: odd\nstringData:\n  password: ${C.staged}\n`;
  x.write('utf16.yaml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(plain, 'utf16le')]));
  x.write('secret-noext', plain);
  x.write('tabs.yaml', plain.replace('  password', '\tpassword'));
  x.write('nul.yaml', plain + '\0\n');
  x.git('add', '.');
}

before(async () => {
  for (const n of readdirSync(tmpdir())) systemTmpBefore.add(n);
  env = await e2eEnv({testServerOnly: true});
  server = env.server;
  binDir = installCliInto(mkdtempSync(join(tmpdir(), 'ks-leak-bin-')));
  if (!server) return;
  server.registerCRD({group: 'bitnami.com', version: 'v1alpha1', kind: 'SealedSecret', plural: 'sealedsecrets', namespaced: true, status: true});
  server.registerCRD({group: 'kubectl-secret.dev', version: 'v1alpha1', kind: 'SealedSecret', plural: 'sealedsecrets', namespaced: true, status: true});
  for (const ns of [NS, 'leak-other']) {
    server.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: ns}});
    server.create({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'db', namespace: ns}, type: 'Opaque', data: {password: b64(ns === NS ? C.clusterPassword : C.clusterUser), user: b64(C.clusterUser)}});
  }
  server.create(deployment(NS));
  server.create({apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: {name: 'reader', namespace: NS}, rules: [{apiGroups: [''], resources: ['secrets'], verbs: ['get']}]});
  server.create({apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: {name: 'reader', namespace: NS}, roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader'}, subjects: [{kind: 'User', name: 'alice'}]});
  const init = await env.cli(['keys', 'init']);
  assert.equal(init.code, 0, init.stderr);
  const nacl = await env.cli(['seal', '--scheme', 'nacl'], {input: secretYaml('db', NS, {password: C.sealedNacl, user: C.clusterUser})});
  assert.equal(nacl.code, 0, nacl.stderr);
  sealedNacl = nacl.stdout;
  const rsa = await runCli(['seal', '--cert', RSA_CERT], {input: secretYaml('db', NS, {password: C.sealedRsa})});
  assert.equal(rsa.code, 0, rsa.stderr);
  sealedRsa = rsa.stdout;
  const ctl = await env.cli(['seal', '--scheme', 'nacl', '-o', 'json'], {input: secretYaml('app', 'leak-ctl', {token: C.controller})});
  assert.equal(ctl.code, 0, ctl.stderr);
  sealedCtl = ctl.stdout;
  for (const s of [sealedNacl, sealedRsa, sealedCtl]) assert.deepEqual(findCanaries(s, ALL), [], 'sealing itself leaked');
});

after(async () => {
  await env?.close();
  if (binDir) rmSync(binDir, {recursive: true, force: true});
});

type Mode = 'debug' | 'plain';

async function runRow(row: Row, mode: Mode): Promise<{r: CliResult; report: ReturnType<typeof inspect>}> {
  const root = mkdtempSync(join(tmpdir(), 'ks-leak-'));
  const dir = join(root, 'work');
  const tmp = join(root, 'tmp');
  mkdirSync(dir);
  mkdirSync(tmp);
  const gitEnv = {...process.env, ...GIT_ENV};
  const x: Ctx = {
    dir, kubeconfig: env.kubeconfig, server,
    write(name, text) {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    },
    git: (...a) => execFileSync('git', a, {cwd: dir, env: gitEnv}).toString(),
  };
  let undo: void | (() => void) = undefined;
  try {
    // Arguments first: they write the row's input files, which are not the command's output.
    const args = row.args(x);
    const input = row.input?.(x);
    undo = await row.setup?.(x);
    const roots = [dir, tmp];
    const before = snapshot(roots);
    const debugEnv: Record<string, string> = mode === 'debug' ? {DEBUG: 'kubectl-secret*'} : {};
    const childEnv: Record<string, string> = {HOME: root, TMPDIR: tmp, KUBECONFIG: env.kubeconfig, PATH: `${binDir}:${process.env.PATH}`, ...debugEnv, ...row.env};
    const argv = mode === 'debug' ? [...args, '--debug'] : args;
    const r = row.runForMs ? await runFor(argv, childEnv, dir, row.runForMs, row.doneWhen && (() => row.doneWhen!(x))) : await runCli(argv, {cwd: dir, input, env: childEnv, timeoutMs: 90_000});
    // The hook row also commits, so the installed hook runs the scan as git would.
    if (row.name === 'hook install' && r.code === 0) {
      const commit = await new Promise<CliResult>((resolve) => {
        const c = spawn('git', ['commit', '-q', '-m', 'leak'], {cwd: dir, env: {...gitEnv, ...childEnv}});
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        c.stdout.on('data', (d) => out.push(d));
        c.stderr.on('data', (d) => err.push(d));
        c.on('close', (code) => resolve({code: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString()}));
      });
      assert.notEqual(commit.code, 0, 'the hook stops the commit');
      r.stdout += commit.stdout;
      r.stderr += commit.stderr;
    }
    const report = inspect({
      stdout: row.allowStdout ? undefined : r.stdout, stderr: r.stderr, roots, before, canaries: ALL, base: root,
      allowed: (row.allowedFiles ?? []).map((f) => join(dir, f)),
    });
    return {r, report};
  } finally {
    if (typeof undo === 'function') undo();
    rmSync(root, {recursive: true, force: true});
  }
}

/** Starts a long-running command, stops it with SIGTERM once `done` holds or after ms, and collects what it printed. */
function runFor(args: string[], childEnv: Record<string, string>, cwd: string, ms: number, done?: () => boolean): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {cwd, env: {...process.env, NO_COLOR: '1', ...childEnv}, stdio: ['ignore', 'pipe', 'pipe']});
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    const stop = setTimeout(() => child.kill('SIGTERM'), ms);
    // Polling what the server holds is the test's own clock, not a timed assertion: the cap only bounds a hang.
    const poll = done && setInterval(() => {
      if (!done()) return;
      clearInterval(poll);
      setTimeout(() => child.kill('SIGTERM'), 300);
    }, 50);
    const hard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')} did not stop on SIGTERM`));
    }, ms + 15_000);
    child.on('close', (code, signal) => {
      clearTimeout(stop);
      clearTimeout(hard);
      clearInterval(poll);
      resolve({code: code ?? (signal === 'SIGTERM' ? 143 : -1), stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString()});
    });
  });
}

function check(row: Row, mode: Mode, {r, report}: Awaited<ReturnType<typeof runRow>>): void {
  const codes = Array.isArray(row.code) ? row.code : [row.code];
  const where = `${row.name} (${mode})`;
  assert.ok(codes.includes(r.code), `${where}: exit ${r.code}, expected ${codes.join('|')}\nstdout: ${r.stdout.slice(0, 2000)}\nstderr: ${r.stderr.slice(0, 2000)}`);
  assert.deepEqual(report.leaks, [], `${where}: a canary leaked`);
  assert.deepEqual(report.leftovers, [], `${where}: temporary files left behind`);
  // A failure is a typed error line, never a crash.
  assert.doesNotMatch(r.stderr, /^error: internal error|^(TypeError|ReferenceError|RangeError)\b/m, `${where}: an untyped error\n${r.stderr.slice(0, 2000)}`);
  if (mode === 'plain') assert.doesNotMatch(r.stderr, /^\s+at .+:\d+:\d+\)?$/m, `${where}: a stack trace without --debug`);
  if (r.code === 2 || r.code === 3) assert.match(r.stderr, /^error: /m, `${where}: failure without an error line`);
}

function rows(t: TestContext, phase: Row['phase']): void {
  for (const row of CASES.filter((c) => c.phase === phase)) {
    for (const mode of (row.plainToo ? ['debug', 'plain'] : ['debug']) as Mode[]) {
      void t.test(`${row.name} [${mode}]`, async (st) => {
        if (!server) return st.skip('needs the test server');
        check(row, mode, await runRow(row, mode));
      });
    }
  }
}

test('no canary leaks from any command', {concurrency: 3}, (t) => rows(t, undefined));
test('no canary leaks when the server fails', {concurrency: 3}, (t) => rows(t, 'faults'));
test('no canary leaks from long runs and key rotation', {concurrency: 1}, (t) => rows(t, 'alone'));

test('the controller wrote the Secret it opened (the row exercised the value path)', (t) => {
  if (!server) return t.skip('needs the test server');
  const s = server.get('v1', 'Secret', 'leak-ctl', 'app');
  assert.ok(s, 'the controller created leak-ctl/app');
  assert.equal(Buffer.from(s.data.token, 'base64').toString(), C.controller);
});

test('nothing with a canary was left in the system temp folder', () => {
  const fresh = readdirSync(tmpdir()).filter((n) => !systemTmpBefore.has(n));
  const files = [...snapshot(fresh.map((n) => join(tmpdir(), n))).keys()];
  const leaks: string[] = [];
  for (const f of files) {
    let text: Buffer;
    try {
      text = readFileSync(f);
    } catch {
      continue;
    }
    for (const h of findCanaries(text, ALL)) leaks.push(`${f}: ${h}`);
  }
  assert.deepEqual(leaks, []);
});
