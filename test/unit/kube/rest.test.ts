// KubeRest against the in-process test server's fault knobs, one behaviour per test: what is
// retried and what is not, how long it may take, and what the user is told.
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync} from 'node:fs';
import {createServer, type Server} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {startTestServer, type TestServer} from '../../server/index.js';
import {loadKubeConfig} from '../../../src/kube/config.js';
import {KubeRest, backoff} from '../../../src/kube/rest.js';
import {ClusterError} from '../../../src/errors.js';

let server: TestServer;
let kubeconfig: string;
let dir: string;
const secrets = '/api/v1/namespaces/default/secrets';
const path = `${secrets}/db`;
const describe = {verb: 'get', resource: 'secrets', namespace: 'default', name: 'db'};
/** A Node or undici error code in a message meant for users. */
const CODE = /\b(E[A-Z]{3,}|UND_ERR_[A-Z_]+|ERR_[A-Z_]+)\b/;

before(async () => {
  server = await startTestServer();
  dir = mkdtempSync(join(tmpdir(), 'ks-rest-'));
  kubeconfig = server.writeKubeconfig(join(dir, 'kubeconfig'));
  server.create({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'db', namespace: 'default'}, data: {k: Buffer.from('v').toString('base64')}});
});
after(() => server?.close());

async function client(timeoutMs = 5000, o: {maxRetryAfterMs?: number; config?: string} = {}): Promise<KubeRest> {
  return new KubeRest(await loadKubeConfig({kubeconfig: o.config ?? kubeconfig}), {timeoutMs, maxRetryAfterMs: o.maxRetryAfterMs});
}

const count = (method: string, p: string, from: number) => server.requests.slice(from).filter((r) => r.method === method && r.path === p).length;

test('a read that gets a 500 is retried and then succeeds', async () => {
  const rest = await client();
  const from = server.requests.length;
  server.fault({method: 'GET', path, status: 500, times: 2});
  assert.equal((await rest.get(path, describe)).metadata.name, 'db');
  assert.equal(count('GET', path, from), 3);
});

test('a read gives up after four attempts', async () => {
  const rest = await client();
  const from = server.requests.length;
  const undo = server.fault({method: 'GET', path, status: 503});
  await assert.rejects(rest.get(path, describe), (e: ClusterError) => e.status === 503);
  undo();
  assert.equal(count('GET', path, from), 4);
});

test('backoff is jittered and bounded: 50-100ms first, never above 2s', () => {
  const first = Array.from({length: 200}, () => backoff(1));
  assert.ok(first.every((ms) => ms >= 50 && ms <= 100));
  assert.ok(new Set(first).size > 5, 'jittered');
  assert.ok(Array.from({length: 200}, () => backoff(20)).every((ms) => ms >= 1000 && ms <= 2000));
});

test('a create that gets a 500 is not resent (it may have been applied)', async () => {
  const rest = await client();
  const from = server.requests.length;
  server.fault({method: 'POST', path: secrets, status: 500, times: 1});
  await assert.rejects(rest.create(secrets, {metadata: {name: 'once'}}, {verb: 'create', resource: 'secrets'}), (e: ClusterError) => e.status === 500);
  assert.equal(count('POST', secrets, from), 1);
});

test('a 429 is retried, even for a write (the server did not process it)', async () => {
  const rest = await client();
  const from = server.requests.length;
  server.fault({method: 'POST', path: secrets, status: 429, retryAfter: 0, times: 1});
  await rest.create(secrets, {metadata: {name: 'after-429'}, data: {}}, {verb: 'create', resource: 'secrets'});
  assert.equal(count('POST', secrets, from), 2);
  assert.ok(server.get('v1', 'Secret', 'default', 'after-429'));
});

test('a Retry-After longer than the cap is waited for the cap only', async () => {
  const rest = await client(60_000, {maxRetryAfterMs: 50});
  server.fault({method: 'GET', path, status: 429, retryAfter: 3600, times: 1});
  // Without the cap this would wait an hour (and the test time out).
  assert.equal((await rest.get(path, describe)).metadata.name, 'db');
});

test('one client keeps one connection pool: many requests, few TLS handshakes', async () => {
  const rest = await client();
  const before = server.connections;
  for (let i = 0; i < 20; i++) await rest.get(path, describe);
  assert.ok(server.connections - before <= 2, `${server.connections - before} connections for 20 sequential requests`);
});

test('a read that times out says so, with the timeout, and not that something may have been applied', async () => {
  const rest = await client(500);
  const undo = server.fault({method: 'GET', path, latencyMs: 1500});
  await assert.rejects(rest.get(path, describe), (e: ClusterError) => {
    assert.equal(e.reason, 'Timeout');
    assert.match(e.message, /request timed out after 0.5s \(get secrets "db" in namespace "default"\)/);
    assert.doesNotMatch(e.message, /may or may not/);
    return true;
  });
  undo();
});

test('--request-timeout bounds connecting too: a server that never finishes the TLS handshake ends after it, in plain words', async () => {
  // Accepts TCP connections and never answers, as a black-holed endpoint behind a load balancer.
  const sockets: import('node:net').Socket[] = [];
  const silent: Server = createServer((s) => sockets.push(s));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
  const port = (silent.address() as {port: number}).port;
  const cfg = server.writeKubeconfig(join(dir, 'silent-kubeconfig'));
  const {readFileSync, writeFileSync} = await import('node:fs');
  writeFileSync(cfg, readFileSync(cfg, 'utf8').replace(new URL(server.url).port, String(port)));
  // Above undici's own 10 s connect timeout, which used to be retried four times (44 s).
  const rest = await client(12_000, {config: cfg});
  const started = Date.now();
  try {
    await assert.rejects(rest.get(path, describe), (e: ClusterError) => {
      assert.ok(e instanceof ClusterError);
      assert.doesNotMatch(e.message, CODE);
      assert.match(e.message, /timed out after 12s/);
      return true;
    });
    assert.ok(Date.now() - started < 20_000, 'ended near the request timeout');
  } finally {
    for (const s of sockets) s.destroy();
    silent.close();
  }
});

test('network failures are told in plain words, never as Node or undici codes', async () => {
  const {readFileSync, writeFileSync} = await import('node:fs');
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
  const closedPort = (closed.address() as {port: number}).port;
  await new Promise((r) => closed.close(r));
  const refused = join(dir, 'refused-kubeconfig');
  writeFileSync(refused, readFileSync(kubeconfig, 'utf8').replace(server.url, `https://127.0.0.1:${closedPort}`));
  await assert.rejects((await client(5000, {config: refused})).get(path, describe), (e: ClusterError) => {
    assert.match(e.message, /connection refused/);
    assert.doesNotMatch(e.message, CODE);
    return true;
  });
  // A CA of its own that did not sign the server's certificate.
  const {execFileSync} = await import('node:child_process');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=other-ca', '-days', '1', '-keyout', join(dir, 'other-ca.key'), '-out', join(dir, 'other-ca.pem')], {stdio: 'ignore'});
  const untrusted = join(dir, 'untrusted-kubeconfig');
  writeFileSync(untrusted, readFileSync(kubeconfig, 'utf8').replace(/certificate-authority-data: .*/, `certificate-authority-data: ${readFileSync(join(dir, 'other-ca.pem')).toString('base64')}`));
  await assert.rejects((await client(5000, {config: untrusted})).get(path, describe), (e: ClusterError) => {
    assert.match(e.message, /TLS certificate is not trusted/);
    assert.doesNotMatch(e.message, CODE);
    return true;
  });
});

test('a 4xx shows the server\'s own Status message (an admission webhook\'s reason)', async () => {
  const rest = await client();
  server.fault({method: 'POST', path: secrets, status: 400, message: 'admission webhook "policy.example.com" denied the request: missing team label', times: 1});
  await assert.rejects(rest.create(secrets, {metadata: {name: 'denied'}}, {verb: 'create', resource: 'secrets'}), (e: ClusterError) => {
    assert.match(e.message, /the server says: admission webhook "policy.example.com" denied the request: missing team label/);
    return true;
  });
});

test('an error answer that is not a Status is described by its size, never quoted', async () => {
  const rest = await client();
  server.fault({method: 'GET', path, status: 403, rawBody: '<html>proxy says no; token=CANARY-body</html>', times: 1});
  await assert.rejects(rest.get(path, describe), (e: ClusterError) => {
    assert.equal(e.status, 403);
    assert.doesNotMatch(e.message, /CANARY|html/);
    assert.match(e.message, /\d+ bytes, is not a Kubernetes Status/);
    return true;
  });
});

test('a 2xx answer that is not JSON is a cluster error naming its size, not a parser crash', async () => {
  const rest = await client();
  server.fault({method: 'GET', path, rawBody: '<html>login page CANARY-html</html>', times: 1});
  await assert.rejects(rest.get(path, describe), (e: ClusterError) => {
    assert.ok(e instanceof ClusterError);
    assert.equal(e.exitCode, 3);
    assert.match(e.message, /is not JSON \(\d+ bytes/);
    assert.doesNotMatch(e.message, /CANARY/);
    return true;
  });
});

test('an object whose name is not a string is refused before use', async () => {
  const rest = await client();
  server.fault({method: 'GET', path, body: {kind: 'Secret', apiVersion: 'v1', metadata: {name: {a: 1}, namespace: 'default'}, data: {}}, times: 1});
  await assert.rejects(rest.get(path, describe), (e: ClusterError) => e instanceof ClusterError && /malformed: metadata\.name is an object/.test(e.message));
});

test('Secret data that is not a map of strings is refused, in a list too', async () => {
  const rest = await client();
  server.fault({method: 'GET', path: secrets, body: {kind: 'SecretList', apiVersion: 'v1', metadata: {resourceVersion: '1'}, items: [{metadata: {name: 'x', namespace: 'default'}, data: {k: 5}}]}, times: 1});
  await assert.rejects(rest.list(secrets, {verb: 'list', resource: 'secrets', namespace: 'default'}), (e: ClusterError) => /malformed: items\[0\]\.data\["k"\] is a number/.test(e.message));
});

test('an expired continue token (410) falls back to one full list', async () => {
  const rest = await client();
  for (let i = 0; i < 5; i++) server.create({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: `page-${i}`, namespace: 'default'}});
  const cms = '/api/v1/namespaces/default/configmaps';
  const from = server.requests.length;
  server.fault({method: 'GET', path: cms, query: /continue=/, status: 410, message: 'The provided continue parameter is too old to display a consistent list result.', times: 1});
  const res = await rest.list(cms, {verb: 'list', resource: 'configmaps', namespace: 'default'}, {}, 2);
  assert.deepEqual(res.items.map((o: any) => o.metadata.name).filter((n: string) => n.startsWith('page-')), ['page-0', 'page-1', 'page-2', 'page-3', 'page-4']);
  const last = server.requests.slice(from).filter((r) => r.path === cms).at(-1)!;
  assert.doesNotMatch(last.query, /limit=|continue=/, 'the fallback is one list without limit');
});

test('a watch asks the server to end it (timeoutSeconds), so the client\'s own body timeout never cuts a quiet watch', async () => {
  const rest = await client();
  const from = server.requests.length;
  const ac = new AbortController();
  const watching = rest.watch('/api/v1/namespaces/default/configmaps', {}, {verb: 'watch', resource: 'configmaps', namespace: 'default'}, () => {}, ac.signal);
  await new Promise((r) => setTimeout(r, 200));
  ac.abort();
  await watching;
  await new Promise((r) => setTimeout(r, 200));
  const w = server.requests.slice(from).find((r) => r.path === '/api/v1/namespaces/default/configmaps' && /watch=/.test(r.query))!;
  const seconds = Number(new URLSearchParams(w.query).get('timeoutSeconds'));
  assert.ok(seconds >= 300 && seconds <= 600, `timeoutSeconds=${seconds}`);
});

test('a watch the server ends after its timeoutSeconds returns normally', async () => {
  const rest = await client(500);
  const events: string[] = [];
  await rest.watch('/api/v1/namespaces/default/configmaps', {timeoutSeconds: 2}, {verb: 'watch', resource: 'configmaps', namespace: 'default'}, (e) => {
    events.push(e.type);
  });
  // Longer than the request timeout: a watch is not bound by it.
  assert.ok(events.includes('ADDED'));
});

