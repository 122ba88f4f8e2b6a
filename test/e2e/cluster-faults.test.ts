// How the kube client behaves when the server misbehaves, over real HTTP against the test
// server: retries that are safe, writes that are never resent blindly, and messages that say
// what may or may not have happened.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {join} from 'node:path';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {startTestServer, type TestServer} from '../server/index.js';
import {Cluster} from '../../src/kube/cluster.js';
import {resourceFor} from '../../src/kube/resources.js';
import {ClusterError} from '../../src/errors.js';
import {runCli} from '../helpers/cli.js';

let server: TestServer;
let kubeconfig: string;
const SECRET = resourceFor('Secret');
const path = '/api/v1/namespaces/default/secrets/db';

before(async () => {
  server = await startTestServer();
  kubeconfig = server.writeKubeconfig(join(mkdtempSync(join(tmpdir(), 'ks-faults-')), 'kubeconfig'));
  server.create({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'db', namespace: 'default'}, data: {k: Buffer.from('v').toString('base64')}});
});
after(() => server?.close());

const connect = (timeoutMs = 5000) => Cluster.connect({kubeconfig, requestTimeoutMs: timeoutMs});

test('a 429 with Retry-After is waited out and the request then succeeds', async () => {
  const cluster = await connect();
  server.fault({method: 'GET', path, status: 429, retryAfter: 1, times: 1});
  const started = Date.now();
  const s = await cluster.get(SECRET, 'db');
  assert.equal(s?.metadata?.name, 'db');
  assert.ok(Date.now() - started >= 900, 'waited for Retry-After');
});

test('idempotent reads retry a 500 and a dropped connection, up to a bound', async () => {
  const cluster = await connect();
  server.fault({method: 'GET', path, status: 500, times: 1});
  server.fault({method: 'GET', path, drop: true, times: 1});
  assert.equal((await cluster.get(SECRET, 'db'))?.metadata?.name, 'db');
  const undo = server.fault({method: 'GET', path, status: 500});
  await assert.rejects(cluster.get(SECRET, 'db'), (e: ClusterError) => e instanceof ClusterError && e.status === 500);
  undo();
  const attempts = server.requests.filter((r) => r.method === 'GET' && r.path === path && r.status === 500).length;
  assert.ok(attempts >= 4 && attempts <= 6, `bounded retries, got ${attempts}`);
});

test('an update whose connection drops is not resent: a re-read tells that it was not applied', async () => {
  const cluster = await connect();
  const live = await cluster.get<any>(SECRET, 'db');
  const before = server.requests.filter((r) => r.method === 'PUT').length;
  server.fault({method: 'PUT', path, drop: true, times: 1});
  await assert.rejects(cluster.update({...live, data: {k: Buffer.from('new').toString('base64')}}), (e: ClusterError) => {
    assert.match(e.message, /connection to the cluster at \S+ dropped during update of secrets "db"; a re-read shows it was not applied/);
    return true;
  });
  assert.equal(server.requests.filter((r) => r.method === 'PUT').length - before, 1, 'sent once');
  assert.equal(Buffer.from(server.get('v1', 'Secret', 'default', 'db').data.k, 'base64').toString(), 'v');
});

test('a merge patch whose connection drops is resent once (it is idempotent); a JSON patch is not', async () => {
  const cluster = await connect();
  server.fault({method: 'PATCH', path, drop: true, times: 1});
  const patched = await cluster.patch<any>(SECRET, 'db', 'default', {metadata: {annotations: {a: 'b'}}}, 'merge');
  assert.equal(patched.metadata.annotations.a, 'b');
  server.fault({method: 'PATCH', path, drop: true, times: 1});
  await assert.rejects(cluster.patch(SECRET, 'db', 'default', [{op: 'add', path: '/metadata/labels', value: {x: 'y'}}], 'json'), /may or may not have been applied/);
});

test('the CLI turns a timeout and an unreachable server into exit 3 with what to do', async () => {
  const undo = server.fault({method: 'GET', path: '/api/v1/namespaces/default/secrets', latencyMs: 3000});
  const slow = await runCli(['list', '--kubeconfig', kubeconfig, '--request-timeout', '1s']);
  undo();
  assert.equal(slow.code, 3, slow.stderr);
  assert.match(slow.stderr, /^error: request timed out after 1s \(list secrets in namespace "default"\)/);
  assert.match(slow.stderr, /--request-timeout/);
  const dead = await runCli(['list', '--kubeconfig', kubeconfig, '--context', 'nope']);
  assert.equal(dead.code, 2);
  assert.match(dead.stderr, /context "nope" does not exist/);
});

test('the CLI with no kubeconfig at all says so (exit 2) instead of trying localhost:8080', async () => {
  const home = mkdtempSync(join(tmpdir(), 'ks-nohome-'));
  const r = await runCli(['list'], {env: {HOME: home, KUBECONFIG: ''}});
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^error: no kubeconfig found/m);
  assert.doesNotMatch(r.stderr, /localhost|8080|\bE[A-Z]{4,}\b|UND_ERR/);
});

test('the CLI: a malformed label selector is exit 2; a 4xx shows the server\'s own message', async () => {
  const bad = await runCli(['list', '--kubeconfig', kubeconfig, '-l', 'app in (a']);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /selector "app in \(a" is not valid/);
  const undo = server.fault({method: 'GET', path: '/api/v1/namespaces/default/secrets', status: 403, message: 'secrets is forbidden: policy "no-list" of the example authorizer says no'});
  const denied = await runCli(['list', '--kubeconfig', kubeconfig]);
  undo();
  assert.equal(denied.code, 3, denied.stderr);
  assert.match(denied.stderr, /the server says: secrets is forbidden: policy "no-list" of the example authorizer says no/);
});
