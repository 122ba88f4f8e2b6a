// Every cluster command against the test server's fault injection, one row per command:
// a 429 with Retry-After is waited out; idempotent reads retry a 500 with bounded, jittered
// backoff; a write whose connection drops is re-read, never resent blindly; a timeout exits 3
// and says what may or may not have been applied.
import {after, before, test, type TestContext} from 'node:test';
import assert from 'node:assert/strict';
import {randomBytes} from 'node:crypto';
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {stringify} from 'yaml';
import {e2eEnv, type E2EEnv} from '../helpers/cluster.js';
import {Cluster} from '../../src/kube/cluster.js';
import {resourceFor} from '../../src/kube/resources.js';
import type {TestServer} from '../server/index.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

let env: E2EEnv;
let server: TestServer;
let work: string;
let sealedNacl = '';
let nsCounter = 0;

const secretYaml = (name: string, ns: string, values: Record<string, string>) => stringify({apiVersion: 'v1', kind: 'Secret', metadata: {name, namespace: ns}, stringData: values});

function deployment(ns: string): object {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web', namespace: ns},
    spec: {selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'web', image: 'nginx', envFrom: [{secretRef: {name: 'db'}}]}]}}},
  };
}

/**
 * A fresh namespace with Secret db (password, user), a Deployment that uses it, and a copy of the
 * nacl keys (for --key-namespace), so rows can run at once without meeting each other's faults.
 */
function seed(): string {
  const ns = `faults-${++nsCounter}`;
  server.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: ns}});
  server.create({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'db', namespace: ns}, type: 'Opaque', data: {password: b64('old'), user: b64('app')}});
  server.create(deployment(ns));
  for (const kind of ['Secret', 'ConfigMap']) {
    for (const o of server.list('v1', kind, 'kube-system').filter((x) => x.metadata.name.startsWith('kubectl-secret-'))) {
      server.create({...o, metadata: {name: o.metadata.name, namespace: ns, labels: o.metadata.labels, annotations: o.metadata.annotations}});
    }
  }
  return ns;
}

function file(name: string, text: string): string {
  const p = join(work, `${randomBytes(4).toString('hex')}-${name}`);
  writeFileSync(p, text);
  return p;
}

before(async () => {
  env = await e2eEnv({rolloutStepMs: 20, testServerOnly: true});
  if (!env.server) return;
  server = env.server;
  work = mkdtempSync(join(env.dir, 'work-'));
  server.registerCRD({group: 'bitnami.com', version: 'v1alpha1', kind: 'SealedSecret', plural: 'sealedsecrets', namespaced: true, status: true});
  server.registerCRD({group: 'kubectl-secret.dev', version: 'v1alpha1', kind: 'SealedSecret', plural: 'sealedsecrets', namespaced: true, status: true});
  assert.equal((await env.cli(['keys', 'init'])).code, 0);
  server.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'sealed'}});
  const s = await env.cli(['seal', '--scheme', 'nacl'], {input: secretYaml('db', 'sealed', {password: 'p'})});
  assert.equal(s.code, 0, s.stderr);
  sealedNacl = s.stdout;
});
after(() => env?.close());

interface Row {
  name: string;
  /** ns: a freshly seeded namespace. */
  args: (ns: string) => string[];
  input?: (ns: string) => string;
  /** A GET the command makes (prefix); the 429 and 500 faults go there. */
  read: (ns: string) => string;
  /** The write the command makes, for the dropped-connection and timeout rows. */
  write?: {method: 'PUT' | 'POST' | 'PATCH'; path: (ns: string) => string; idempotent?: boolean; timeoutCode?: number};
  ok?: number;
}

const ROWS: Row[] = [
  {name: 'list', args: (ns) => ['list', '-n', ns], read: (ns) => `/api/v1/namespaces/${ns}/secrets`},
  {name: 'diff', args: (ns) => ['diff', file('s.yaml', secretYaml('db', ns, {password: 'old', user: 'app'}))], read: (ns) => `/api/v1/namespaces/${ns}/secrets/db`},
  {name: 'consumers', args: (ns) => ['consumers', 'db', '-n', ns], read: (ns) => `/apis/apps/v1/namespaces/${ns}/deployments`},
  {name: 'who-can', args: (ns) => ['who-can', 'db', '-n', ns], read: (ns) => `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`},
  {name: 'audit', args: (ns) => ['audit', '-n', ns, '--fail-on', 'none'], read: (ns) => `/api/v1/namespaces/${ns}/secrets`},
  {name: 'keys list', args: (ns) => ['keys', 'list', '--key-namespace', ns], read: (ns) => `/api/v1/namespaces/${ns}/secrets`},
  {name: 'keys export', args: (ns) => ['keys', 'export', '--key-namespace', ns], read: (ns) => `/api/v1/namespaces/${ns}/configmaps`},
  {name: 'cert', args: (ns) => ['cert', '--scheme', 'nacl', '--key-namespace', ns], read: (ns) => `/api/v1/namespaces/${ns}/configmaps`},
  {name: 'seal', args: (ns) => ['seal', '--scheme', 'nacl', '--key-namespace', ns], input: (ns) => secretYaml('db', ns, {k: 'v'}), read: (ns) => `/api/v1/namespaces/${ns}/configmaps`},
  {name: 'unseal', args: (ns) => ['unseal', file('sealed.yaml', sealedNacl), '--key-namespace', ns], read: (ns) => `/api/v1/namespaces/${ns}/secrets`},
  {name: 'verify', args: (ns) => ['verify', file('sealed.yaml', sealedNacl), '--key-namespace', ns], read: (ns) => `/api/v1/namespaces/${ns}/secrets`},
  {name: 'reencrypt', args: (ns) => ['reencrypt', file('sealed.yaml', sealedNacl), '--key-namespace', ns], read: (ns) => `/api/v1/namespaces/${ns}/`},
  {name: 'apply', args: (ns) => ['apply', file('sealed.yaml', sealedNacl), '--key-namespace', ns], read: (ns) => `/api/v1/namespaces/${ns}/secrets`,
    write: {method: 'PATCH', path: () => '/api/v1/namespaces/sealed/secrets/db', idempotent: true}},
  {name: 'rotate', args: (ns) => ['rotate', 'db', '-n', ns, '--generate', 'password', '--yes', '--no-restart'], read: (ns) => `/api/v1/namespaces/${ns}/secrets/db`,
    write: {method: 'PUT', path: (ns) => `/api/v1/namespaces/${ns}/secrets/db`}},
  // restart reports a workload whose patch failed as not completed: exit 1, as documented.
  {name: 'restart', args: (ns) => ['restart', 'db', '-n', ns, '--no-wait'], read: (ns) => `/apis/apps/v1/namespaces/${ns}/deployments`,
    write: {method: 'PATCH', path: (ns) => `/apis/apps/v1/namespaces/${ns}/deployments/web`, idempotent: true, timeoutCode: 1}},
];

/**
 * The server's requests with the time each was answered (the server stamps them: a poll of the
 * log falls behind on a loaded machine, and a late stamp of a 429 made its retry look early).
 * The log is the whole server's: rows run side by side, so a row reads only its own namespace's
 * requests (`only`).
 */
type Seen = {method: string; path: string; query: string; status: number; at: number};
function stamp(only?: string): {stop: () => Seen[]} {
  const seen: Seen[] = [];
  let i = server.requests.length;
  const take = (): void => {
    for (; i < server.requests.length; i++) {
      const r = server.requests[i];
      if (only === undefined || r.path.includes(`/namespaces/${only}/`)) seen.push({method: r.method, path: r.path, query: r.query, status: r.status, at: r.at ?? Date.now()});
    }
  };
  const poll = setInterval(take, 10);
  return {stop: () => {
    clearInterval(poll);
    take();
    return seen;
  }};
}

// Rows run side by side (each in its own namespaces); a row's cases run one after the other.
test('every cluster command under faults', {concurrency: 3}, (t) => {
  for (const row of ROWS) void t.test(row.name, (rt) => rowTests(rt, row));
});

async function rowTests(parent: TestContext, row: Row): Promise<void> {
  const cases: Array<[string, (t: TestContext) => Promise<void>]> = [];
  const test = (name: string, fn: (t: TestContext) => Promise<void>) => void cases.push([name, fn]);
  test(`${row.name}: a 429 with Retry-After is waited out, then the command succeeds`, async (t) => {
    if (!env.server) return t.skip('needs the test server');
    const ns = seed();
    const path = row.read(ns);
    const undo = server.fault({method: 'GET', path, status: 429, retryAfter: 1, times: 1});
    // Another row's 429 (audit lists Secrets several times at once, by type) was once taken for
    // this row's, and its next list for a retry sent at once: only this namespace counts, and a
    // retry is the same path and query.
    const log = stamp(ns);
    const r = await env.cli(row.args(ns), {input: row.input?.(ns)});
    const seen = log.stop();
    undo();
    assert.equal(r.code, row.ok ?? 0, r.stderr);
    const i = seen.findIndex((q) => q.status === 429);
    assert.ok(i >= 0, `the 429 fault on ${path} was hit`);
    const retry = seen.slice(i + 1).find((q) => q.method === 'GET' && q.path === seen[i].path && q.query === seen[i].query);
    assert.ok(retry, 'the same request was sent again');
    assert.ok(retry.at - seen[i].at >= 900, `waited ${retry.at - seen[i].at}ms, Retry-After said 1s`);
  });

  test(`${row.name}: idempotent reads retry a 500 and a dropped connection`, async (t) => {
    if (!env.server) return t.skip('needs the test server');
    const ns = seed();
    const path = row.read(ns);
    server.fault({method: 'GET', path, status: 500, times: 1});
    server.fault({method: 'GET', path, drop: true, times: 1});
    const r = await env.cli(row.args(ns), {input: row.input?.(ns)});
    assert.equal(r.code, row.ok ?? 0, r.stderr);
  });

  if (row.write) {
    const w = row.write;
    test(`${row.name}: a write whose connection drops is re-read, not resent blindly`, async (t) => {
      if (!env.server) return t.skip('needs the test server');
      const ns = seed();
      const path = w.path(ns);
      const before = server.requests.length;
      server.fault({method: w.method, path, drop: true, times: 1});
      const r = await env.cli(row.args(ns));
      const writes = server.requests.slice(before).filter((q) => q.method === w.method && q.path === path);
      if (w.idempotent) {
        // Server-side apply and merge patches set fixed values: resending once is safe.
        assert.equal(r.code, 0, r.stderr);
        assert.equal(writes.length, 2, 'resent exactly once');
      } else {
        assert.equal(r.code, 3, r.stderr);
        assert.equal(writes.length, 1, 'never resent');
        assert.ok(server.requests.slice(before).some((q, k) => q.method === 'GET' && q.path === path && k > server.requests.slice(before).findIndex((x) => x.method === w.method)), 're-read after the drop');
        assert.match(r.stderr, /a re-read shows it was not applied|may or may not have been applied/);
      }
    });

    test(`${row.name}: a write that times out exits 3 and says it may or may not have been applied`, async (t) => {
      if (!env.server) return t.skip('needs the test server');
      const ns = seed();
      const path = w.path(ns);
      const undo = server.fault({method: w.method, path, latencyMs: 2500});
      const r = await env.cli([...row.args(ns), '--request-timeout', '1s']);
      undo();
      assert.equal(r.code, w.timeoutCode ?? 3, r.stdout + r.stderr);
      // restart reports each workload on stdout, then the summary error.
      const said = r.stdout + r.stderr;
      assert.match(said, /request timed out after 1s/);
      assert.match(said, /may or may not have been applied/);
      assert.doesNotMatch(said, /shows it was not applied|nothing changed/, 'a timed-out write can still land: never claim it did not');
    });
  }

  test(`${row.name}: a read that times out exits 3 with what to do`, async (t) => {
    if (!env.server) return t.skip('needs the test server');
    const ns = seed();
    const undo = server.fault({method: 'GET', path: row.read(ns), latencyMs: 2500});
    const r = await env.cli([...row.args(ns), '--request-timeout', '1s'], {input: row.input?.(ns)});
    undo();
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stderr, /^error: request timed out after 1s/m);
    assert.match(r.stderr, /--request-timeout/);
  });
  for (const [name, fn] of cases) await parent.test(name, fn);
}

test('reads retry with exponential backoff and jitter, and give up after a bound', async (t) => {
  if (!env.server) return t.skip('needs the test server');
  const cluster = await Cluster.connect({kubeconfig: env.kubeconfig, requestTimeoutMs: 5000});
  const ns = seed();
  const path = `/api/v1/namespaces/${ns}/secrets/db`;
  const firstGaps: number[] = [];
  for (let run = 0; run < 6; run++) {
    server.fault({method: 'GET', path, status: 503, times: 1});
    const log = stamp();
    assert.ok(await cluster.get(resourceFor('Secret'), 'db', ns));
    const seen = log.stop().filter((q) => q.path === path);
    firstGaps.push(seen[1].at - seen[0].at);
  }
  // backoff(1) is 50-100ms (full jitter over the upper half of 100ms).
  for (const g of firstGaps) assert.ok(g >= 40 && g < 1000, `first retry after ${g}ms`);
  assert.ok(Math.max(...firstGaps) - Math.min(...firstGaps) >= 3, `jitter: ${firstGaps.join(', ')}`);
  const undo = server.fault({method: 'GET', path, status: 500});
  const log = stamp();
  await assert.rejects(cluster.get(resourceFor('Secret'), 'db', ns));
  undo();
  const seen = log.stop().filter((q) => q.path === path);
  assert.equal(seen.length, 4, 'four attempts, then the error');
  const gaps = seen.slice(1).map((q, k) => q.at - seen[k].at);
  assert.ok(gaps[2] >= 180, `growing backoff: ${gaps.join(', ')}`);
});

test('rotate after a timed-out write: the write can land later, so the message must not say it did not', async (t) => {
  if (!env.server) return t.skip('needs the test server');
  const ns = seed();
  const path = `/api/v1/namespaces/${ns}/secrets/db`;
  const undo = server.fault({method: 'PUT', path, latencyMs: 1800, times: 1});
  const r = await env.cli(['rotate', 'db', '-n', ns, '--from-literal', 'password=new', '--yes', '--no-restart', '--request-timeout', '1s']);
  undo();
  assert.equal(r.code, 3);
  await new Promise((res) => setTimeout(res, 1500));
  const landed = Buffer.from(server.get('v1', 'Secret', ns, 'db').data.password, 'base64').toString() === 'new';
  assert.ok(landed, 'the test server applies a write after its latency, as an API server can');
  assert.match(r.stderr, /may or may not have been applied/);
  assert.doesNotMatch(r.stderr, /not applied; |nothing changed/);
});

test('a dropped create (keys init) is not resent; the message says whether it applied', async (t) => {
  if (!env.server) return t.skip('needs the test server');
  server.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'keys-drop'}});
  const before = server.requests.length;
  server.fault({method: 'POST', path: '/api/v1/namespaces/keys-drop/secrets', drop: true, times: 1});
  const r = await env.cli(['keys', 'init', '--key-namespace', 'keys-drop']);
  assert.equal(r.code, 3, r.stderr);
  assert.equal(server.requests.slice(before).filter((q) => q.method === 'POST' && q.path === '/api/v1/namespaces/keys-drop/secrets').length, 1, 'not resent');
  assert.match(r.stderr, /during create of secrets .*(a re-read shows it was not applied|may or may not have been applied)/);
});

test('seal -w after a failed read leaves no file', async (t) => {
  if (!env.server) return t.skip('needs the test server');
  const out = join(work, 'never.yaml');
  const undo = server.fault({method: 'GET', path: '/api/v1/namespaces/kube-system/configmaps', status: 500});
  const r = await env.cli(['seal', '--scheme', 'nacl', '-w', out], {input: secretYaml('db', 'x', {k: 'v'})});
  undo();
  assert.equal(r.code, 3);
  assert.throws(() => readFileSync(out));
});
