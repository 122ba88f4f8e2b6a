// Cluster's writes against the in-process test server's fault knobs, one behaviour per test:
// an uncertain write is re-read and never resent, and the re-read judges by what we wrote.
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {startTestServer, type TestServer} from '../../server/index.js';
import {Cluster} from '../../../src/kube/cluster.js';
import {resourceFor} from '../../../src/kube/resources.js';
import {ClusterError, InputError} from '../../../src/errors.js';

let server: TestServer;
let kubeconfig: string;
const SECRET = resourceFor('Secret');
const b64 = (s: string) => Buffer.from(s).toString('base64');
let n = 0;

before(async () => {
  server = await startTestServer();
  kubeconfig = server.writeKubeconfig(join(mkdtempSync(join(tmpdir(), 'ks-cluster-')), 'kubeconfig'));
});
after(() => server?.close());

/** A fresh Secret per test, so faults of one test never meet another's object. */
function secret(): {name: string; path: string} {
  const name = `s${++n}`;
  server.create({apiVersion: 'v1', kind: 'Secret', metadata: {name, namespace: 'default'}, data: {k: b64('old')}});
  return {name, path: `/api/v1/namespaces/default/secrets/${name}`};
}
const connect = (requestTimeoutMs = 5000) => Cluster.connect({kubeconfig, requestTimeoutMs});
const writes = (method: string, path: string, from: number) => server.requests.slice(from).filter((r) => r.method === method && r.path === path).length;

test('an update that landed but whose answer was lost is recognised by a re-read, and not resent', async () => {
  const cluster = await connect();
  const {name, path} = secret();
  const live = await cluster.get<any>(SECRET, name);
  const from = server.requests.length;
  server.fault({method: 'PUT', path, dropAfter: true, times: 1});
  const out = await cluster.update<any>({...live, data: {k: b64('new')}});
  assert.equal(out.data.k, b64('new'));
  assert.equal(writes('PUT', path, from), 1);
});

test('the re-read compares what we wrote: a label a mutating webhook added does not make a landed write look lost', async () => {
  const cluster = await connect();
  const {name, path} = secret();
  const live = await cluster.get<any>(SECRET, name);
  server.fault({method: 'PUT', path, dropAfter: true, times: 1, mutate: (o) => ({...o, metadata: {...o.metadata, labels: {...o.metadata.labels, 'policy.example.com/team': 'payments'}}})});
  const out = await cluster.update<any>({...live, data: {k: b64('new')}});
  assert.equal(out.metadata.labels['policy.example.com/team'], 'payments');
});

test('an update whose connection drops before it lands is reported as not applied', async () => {
  const cluster = await connect();
  const {name, path} = secret();
  const live = await cluster.get<any>(SECRET, name);
  server.fault({method: 'PUT', path, drop: true, times: 1});
  await assert.rejects(cluster.update({...live, data: {k: b64('new')}}), /connection to the cluster at .* dropped during update of secrets "s\d+"; a re-read shows it was not applied/);
});

test('with --request-timeout 0 an uncertain write is still re-read and reported as uncertain, not as an unreachable cluster', async () => {
  const cluster = await connect(0);
  const {name, path} = secret();
  const live = await cluster.get<any>(SECRET, name);
  const from = server.requests.length;
  server.fault({method: 'PUT', path, drop: true, times: 1});
  await assert.rejects(cluster.update({...live, data: {k: b64('new')}}), (e: ClusterError) => {
    assert.doesNotMatch(e.message, /cannot reach/);
    assert.match(e.message, /during update of secrets/);
    return true;
  });
  assert.ok(server.requests.slice(from).some((r) => r.method === 'GET' && r.path === path), 're-read');
});

test('a create whose answer was lost is found by a re-read of its name, not sent twice', async () => {
  const cluster = await connect();
  const name = `c${++n}`;
  const from = server.requests.length;
  server.fault({method: 'POST', path: '/api/v1/namespaces/default/secrets', dropAfter: true, times: 1});
  const out = await cluster.create<any>({apiVersion: 'v1', kind: 'Secret', metadata: {name, namespace: 'default'}, data: {k: b64('v')}});
  assert.equal(out.metadata.name, name);
  assert.equal(writes('POST', '/api/v1/namespaces/default/secrets', from), 1);
});

test('a delete whose answer was lost counts as done once a re-read finds the object gone', async () => {
  const cluster = await connect();
  const {name, path} = secret();
  server.fault({method: 'DELETE', path, dropAfter: true, times: 1});
  await cluster.delete(SECRET, name, 'default');
  assert.equal(server.get('v1', 'Secret', 'default', name), undefined);
});

test('resourceVersions are opaque strings: a non-numeric one works for an update and its re-read', async () => {
  const cluster = await connect();
  const {name, path} = secret();
  const live = await cluster.get<any>(SECRET, name);
  // An API server backed by another store (kine, an aggregated API) may use any string.
  server.fault({method: 'GET', path, body: {...live, metadata: {...live.metadata, resourceVersion: 'b7f1-0a'}}, times: 1});
  const odd = await cluster.get<any>(SECRET, name);
  assert.equal(odd.metadata.resourceVersion, 'b7f1-0a');
  await assert.rejects(cluster.update({...odd, data: {k: b64('x')}}), (e: ClusterError) => e.status === 409);
});

test('a Secret whose name is not a string is a cluster error (exit 3), before anything uses it', async () => {
  const cluster = await connect();
  const {name, path} = secret();
  server.fault({method: 'GET', path, body: {kind: 'Secret', apiVersion: 'v1', metadata: {name: {evil: true}, namespace: 'default'}, data: {}}, times: 1});
  await assert.rejects(cluster.get(SECRET, name), (e: ClusterError) => e instanceof ClusterError && e.exitCode === 3 && /metadata\.name is an object/.test(e.message));
});

test('a malformed label selector is an input error (exit 2) with the server\'s reason', async () => {
  const cluster = await connect();
  await assert.rejects(cluster.list(SECRET, 'default', {labelSelector: 'app in (a'}), (e: InputError) => e instanceof InputError && e.exitCode === 2 && /selector "app in \(a" is not valid/.test(e.message));
});
