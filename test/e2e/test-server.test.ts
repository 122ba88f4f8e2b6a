// The test server's API semantics, checked over real HTTPS the way clients see them: conflicts,
// immutability, pagination, selectors, watch, faults, authorization, SAR, proxy, rollouts, SSA and
// strategic merge. If one of these fails, tests built on the server prove nothing.
import assert from 'node:assert/strict';
import {request} from 'node:https';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, describe, it} from 'node:test';
import * as k8s from '@kubernetes/client-node';
import {startTestServer, type TestServer} from '../server/index.js';

let server: TestServer;
let dir: string;
const TOKEN = 'admin-token';

interface Resp { status: number; headers: Record<string, string | string[] | undefined>; text: string; json: any }

function call(method: string, path: string, body?: unknown, o: {token?: string | null; contentType?: string; timeoutMs?: number; accept?: string} = {}): Promise<Resp> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const u = new URL(server.url + path);
    const headers: Record<string, string> = {Accept: o.accept ?? 'application/json'};
    if (o.token !== null) headers.Authorization = `Bearer ${o.token ?? TOKEN}`;
    if (payload !== undefined) headers['Content-Type'] = o.contentType ?? 'application/json';
    const req = request({host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers, ca: server.caPem, timeout: o.timeoutMs ?? 5000}, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: any;
        try {
          json = JSON.parse(text);
        } catch {}
        resolve({status: res.statusCode ?? 0, headers: res.headers, text, json});
      });
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

const secret = (name: string, data: Record<string, string> = {k: 'dg=='}, extra: object = {}) => ({apiVersion: 'v1', kind: 'Secret', metadata: {name}, data, ...extra});
const deployment = (name: string, replicas = 2) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name, labels: {app: name}},
  spec: {replicas, selector: {matchLabels: {app: name}}, template: {metadata: {labels: {app: name}}, spec: {containers: [{name: 'app', image: 'nginx:1', env: [{name: 'A', value: '1'}]}]}}},
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 3000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

before(async () => {
  server = await startTestServer({rolloutStepMs: 20});
  server.addToken(TOKEN, {user: 'admin', groups: ['system:masters']});
  server.addToken('bob-token', {user: 'bob', groups: ['devs']});
  dir = mkdtempSync(join(tmpdir(), 'kst-ts-'));
});
after(async () => {
  await server.close();
  rmSync(dir, {recursive: true, force: true});
});

describe('test server API', {timeout: 30_000}, () => {
  it('serves discovery documents', async () => {
    const v = await call('GET', '/version', undefined, {token: null});
    assert.equal(v.status, 200);
    assert.match(v.json.gitVersion, /^v1\.\d+/);
    const groups = await call('GET', '/apis');
    assert.ok(groups.json.groups.some((g: any) => g.name === 'apps'));
    const core = await call('GET', '/api/v1');
    assert.ok(core.json.resources.some((r: any) => r.name === 'secrets' && r.namespaced && r.verbs.includes('watch')));
    assert.ok(core.json.resources.some((r: any) => r.name === 'services/proxy'));
  });

  it('rejects unauthenticated requests with 401', async () => {
    assert.equal((await call('GET', '/api/v1/namespaces/default/secrets', undefined, {token: null})).status, 401);
    assert.equal((await call('GET', '/api/v1/namespaces/default/secrets', undefined, {token: 'nope'})).status, 401);
  });

  it('creates, gets, conflicts on a stale resourceVersion, and 404s after delete', async () => {
    const c = await call('POST', '/api/v1/namespaces/default/secrets', secret('s1'));
    assert.equal(c.status, 201);
    assert.ok(c.json.metadata.uid);
    assert.match(c.json.metadata.resourceVersion, /^\d+$/);
    assert.equal(c.json.type, 'Opaque');
    const dup = await call('POST', '/api/v1/namespaces/default/secrets', secret('s1'));
    assert.equal(dup.status, 409);
    assert.equal(dup.json.reason, 'AlreadyExists');
    assert.equal(dup.json.message, 'secrets "s1" already exists');
    const stale = c.json;
    const u1 = await call('PUT', '/api/v1/namespaces/default/secrets/s1', {...stale, data: {k: 'dzE='}});
    assert.equal(u1.status, 200);
    assert.notEqual(u1.json.metadata.resourceVersion, stale.metadata.resourceVersion);
    const u2 = await call('PUT', '/api/v1/namespaces/default/secrets/s1', {...stale, data: {k: 'dzI='}});
    assert.equal(u2.status, 409);
    assert.equal(u2.json.reason, 'Conflict');
    assert.match(u2.json.message, /Operation cannot be fulfilled on secrets "s1": the object has been modified/);
    const d = await call('DELETE', '/api/v1/namespaces/default/secrets/s1');
    assert.equal(d.status, 200);
    const g = await call('GET', '/api/v1/namespaces/default/secrets/s1');
    assert.equal(g.status, 404);
    assert.deepEqual({kind: g.json.kind, status: g.json.status, reason: g.json.reason, code: g.json.code, details: g.json.details}, {kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404, details: {name: 's1', kind: 'secrets'}});
  });

  it('requires the namespace to exist', async () => {
    const r = await call('POST', '/api/v1/namespaces/nowhere/secrets', secret('x'));
    assert.equal(r.status, 404);
    assert.equal(r.json.message, 'namespaces "nowhere" not found');
  });

  it('folds stringData into data, never returns it, and rejects bad base64 and keys', async () => {
    const r = await call('POST', '/api/v1/namespaces/default/secrets', {apiVersion: 'v1', kind: 'Secret', metadata: {name: 'sd'}, stringData: {user: 'alice'}});
    assert.equal(r.status, 201);
    assert.deepEqual(r.json.data, {user: Buffer.from('alice').toString('base64')});
    assert.equal(r.json.stringData, undefined);
    assert.equal(server.get('v1', 'Secret', 'default', 'sd').stringData, undefined);
    const bad = await call('POST', '/api/v1/namespaces/default/secrets', secret('bad64', {k: 'not base64!'}));
    assert.equal(bad.status, 400);
    assert.match(bad.json.message, /illegal base64 data at input byte/);
    const badKey = await call('POST', '/api/v1/namespaces/default/secrets', secret('badkey', {'a b': 'dg=='}));
    assert.equal(badKey.status, 422);
    assert.equal(badKey.json.reason, 'Invalid');
    assert.match(badKey.json.message, /^Secret "badkey" is invalid: data\[a b\]: Invalid value/);
  });

  it('freezes immutable Secrets', async () => {
    const c = await call('POST', '/api/v1/namespaces/default/secrets', secret('frozen', {k: 'dg=='}, {immutable: true}));
    assert.equal(c.status, 201);
    const p = await call('PATCH', '/api/v1/namespaces/default/secrets/frozen', {data: {k: 'dzI='}}, {contentType: 'application/merge-patch+json'});
    assert.equal(p.status, 422);
    assert.match(p.json.message, /data: Forbidden: field is immutable when `immutable` is set/);
    const p2 = await call('PATCH', '/api/v1/namespaces/default/secrets/frozen', {immutable: false}, {contentType: 'application/merge-patch+json'});
    assert.equal(p2.status, 422);
    const labels = await call('PATCH', '/api/v1/namespaces/default/secrets/frozen', {metadata: {labels: {ok: 'yes'}}}, {contentType: 'application/merge-patch+json'});
    assert.equal(labels.status, 200, 'metadata stays mutable');
  });

  it('paginates with limit/continue and filters by label and field selectors', async () => {
    server.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'pages'}});
    for (let i = 0; i < 7; i++) server.create({...secret(`p${i}`), metadata: {name: `p${i}`, namespace: 'pages', labels: {tier: i % 2 ? 'odd' : 'even', ...(i === 3 ? {special: 'x'} : {})}}});
    const seen: string[] = [];
    let cont = '';
    let pages = 0;
    do {
      const r = await call('GET', `/api/v1/namespaces/pages/secrets?limit=3${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
      assert.equal(r.status, 200);
      assert.ok(r.json.items.length <= 3);
      seen.push(...r.json.items.map((o: any) => o.metadata.name));
      cont = r.json.metadata.continue ?? '';
      pages++;
    } while (cont);
    assert.equal(pages, 3);
    assert.deepEqual(seen, ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
    const names = async (q: string) => (await call('GET', `/api/v1/namespaces/pages/secrets?${q}`)).json.items.map((o: any) => o.metadata.name);
    assert.deepEqual(await names('labelSelector=tier%3Dodd'), ['p1', 'p3', 'p5']);
    assert.deepEqual(await names('labelSelector=tier!%3Dodd'), ['p0', 'p2', 'p4', 'p6']);
    assert.deepEqual(await names(`labelSelector=${encodeURIComponent('tier in (odd),special')}`), ['p3']);
    assert.deepEqual(await names(`labelSelector=${encodeURIComponent('tier notin (odd),!special')}`), ['p0', 'p2', 'p4', 'p6']);
    assert.deepEqual(await names('fieldSelector=metadata.name%3Dp4'), ['p4']);
    const all = await call('GET', '/api/v1/secrets?fieldSelector=metadata.namespace%3Dpages');
    assert.equal(all.json.items.length, 7);
    assert.equal((await call('GET', '/api/v1/namespaces/pages/secrets?continue=garbage')).status, 400);
    assert.equal((await call('GET', '/api/v1/namespaces/pages/secrets?fieldSelector=spec.foo%3Dx')).status, 400);
  });

  it('streams watch events from a resourceVersion and ends at timeoutSeconds', async () => {
    const start = await call('GET', '/api/v1/namespaces/default/configmaps');
    const rv = start.json.metadata.resourceVersion;
    server.create({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'w1', namespace: 'default'}, data: {a: '1'}});
    const t0 = Date.now();
    const w = call('GET', `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}&timeoutSeconds=1`);
    await sleep(100);
    const cm = server.get('v1', 'ConfigMap', 'default', 'w1');
    server.update({...cm, data: {a: '2'}});
    server.remove('v1', 'ConfigMap', 'default', 'w1');
    const r = await w;
    assert.ok(Date.now() - t0 >= 900, 'the watch stays open until timeoutSeconds');
    const events = r.text.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(events.map((e) => [e.type, e.object.metadata.name]), [['ADDED', 'w1'], ['MODIFIED', 'w1'], ['DELETED', 'w1']]);
    assert.equal(events[1].object.data.a, '2');
  });

  it('a burst of writes in one turn reaches a watch whole and in order; a resourceVersion 5,000 events back resumes, a compacted one is 410 Expired', async () => {
    const rv = (await call('GET', '/api/v1/namespaces/default/configmaps')).json.metadata.resourceVersion;
    const w = call('GET', `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}&timeoutSeconds=1`);
    await sleep(100);
    // One turn of the event loop: the server writes these events out together (as the
    // apiserver flushes only when no event is queued), and none may be lost or reordered.
    for (let i = 0; i < 50; i++) server.create({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: `burst-${i}`, namespace: 'default'}, data: {i: String(i)}});
    const events = (await w).text.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(events.map((e) => e.object.metadata.name), Array.from({length: 50}, (_, i) => `burst-${i}`));

    const listRv = async (): Promise<number> => Number((await call('GET', '/api/v1/namespaces/default/configmaps?limit=1')).json.metadata.resourceVersion);
    const mark = await listRv();
    for (let i = 0; i < 6100; i++) server.create({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: `h-${i}`, namespace: 'history'}});
    const recent = await call('GET', `/api/v1/namespaces/history/configmaps?watch=1&resourceVersion=${(await listRv()) - 5000}&timeoutSeconds=1`);
    assert.equal(recent.text.trim().split('\n').length, 5000, 'the last 5,000 events are kept');
    const old = await call('GET', `/api/v1/namespaces/history/configmaps?watch=1&resourceVersion=${mark}&timeoutSeconds=1`);
    const gone = JSON.parse(old.text.trim());
    assert.deepEqual([gone.type, gone.object.code, gone.object.reason], ['ERROR', 410, 'Expired']);
  });

  it('a watch asked for PartialObjectMetadata sends every object as metadata only (no Secret data), as for client-go\'s metadata informers', async () => {
    // kubectl never asks for this on a watch (`get -w -o name` sends application/json), so the
    // check is the request a metadata informer sends.
    const rv = (await call('GET', '/api/v1/namespaces/default/secrets?limit=1')).json.metadata.resourceVersion;
    const q = `/api/v1/namespaces/default/secrets?watch=1&resourceVersion=${rv}&timeoutSeconds=1`;
    const meta = call('GET', q, undefined, {accept: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json'});
    const full = call('GET', q);
    await sleep(100);
    server.create({...secret('meta-only', {password: 'c2VjcmV0'}), metadata: {name: 'meta-only', namespace: 'default', labels: {app: 'm'}}});
    const [m] = (await meta).text.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual([m.type, m.object.kind, m.object.apiVersion, m.object.metadata.name, m.object.metadata.labels], ['ADDED', 'PartialObjectMetadata', 'meta.k8s.io/v1', 'meta-only', {app: 'm'}]);
    assert.equal(m.object.data, undefined);
    assert.ok(m.object.metadata.resourceVersion);
    const [f] = (await full).text.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual([f.object.kind, f.object.data], ['Secret', {password: 'c2VjcmV0'}]);
  });

  it('injects faults: 500, 429 with Retry-After, latency, dropped connections, limited in number', async () => {
    server.fault({status: 500, method: 'GET', path: '/api/v1/namespaces/default/configmaps', times: 1});
    const a = await call('GET', '/api/v1/namespaces/default/configmaps');
    assert.equal(a.status, 500);
    assert.equal(a.json.reason, 'InternalError');
    assert.equal((await call('GET', '/api/v1/namespaces/default/configmaps')).status, 200, 'times: 1 fires once');
    const rm = server.fault({status: 429, retryAfter: 2, path: /\/configmaps$/});
    const b = await call('GET', '/api/v1/namespaces/default/configmaps');
    assert.equal(b.status, 429);
    assert.equal(b.headers['retry-after'], '2');
    rm();
    server.fault({latencyMs: 300, path: '/api/v1/namespaces/default/configmaps', times: 1});
    const t0 = Date.now();
    assert.equal((await call('GET', '/api/v1/namespaces/default/configmaps')).status, 200);
    assert.ok(Date.now() - t0 >= 280);
    server.fault({drop: true, path: '/api/v1/namespaces/default/configmaps', times: 1});
    await assert.rejects(call('GET', '/api/v1/namespaces/default/configmaps'), /socket hang up|ECONNRESET/);
    assert.equal(server.requests.at(-1)?.status, 0);
    server.clearFaults();
  });

  it('denies by rule with a real 403 Status', async () => {
    const undo = server.deny({user: 'bob', verb: 'get', resource: 'secrets', namespace: 'default'});
    const r = await call('GET', '/api/v1/namespaces/default/secrets/sd', undefined, {token: 'bob-token'});
    assert.equal(r.status, 403);
    assert.equal(r.json.reason, 'Forbidden');
    assert.equal(r.json.message, 'secrets "sd" is forbidden: User "bob" cannot get resource "secrets" in API group "" in the namespace "default"');
    assert.equal((await call('GET', '/api/v1/namespaces/default/secrets/sd')).status, 200, 'other users are not affected');
    assert.equal((await call('GET', '/api/v1/namespaces/default/secrets', undefined, {token: 'bob-token'})).status, 200, 'list is another verb');
    undo();
    assert.equal((await call('GET', '/api/v1/namespaces/default/secrets/sd', undefined, {token: 'bob-token'})).status, 200);
  });

  it('answers SubjectAccessReviews from deny rules or a callback, and SelfSubjectAccessReviews for the caller', async () => {
    const undo = server.deny({group: 'devs', verb: 'list', resource: 'secrets'});
    const sar = (spec: object) => call('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec});
    const no = await sar({user: 'carol', groups: ['devs'], resourceAttributes: {verb: 'list', resource: 'secrets', namespace: 'x'}});
    assert.equal(no.status, 201);
    assert.equal(no.json.status.allowed, false);
    assert.equal((await sar({user: 'carol', groups: [], resourceAttributes: {verb: 'list', resource: 'secrets'}})).json.status.allowed, true);
    const self = await call('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: {resourceAttributes: {verb: 'list', resource: 'secrets'}}}, {token: 'bob-token'});
    assert.equal(self.json.status.allowed, false);
    undo();
    const specs: any[] = [];
    server.onSubjectAccessReview((spec) => {
      specs.push(spec);
      return {allowed: spec.user === 'dave', reason: 'programmed'};
    });
    assert.equal((await sar({user: 'dave', resourceAttributes: {verb: 'get', resource: 'pods'}})).json.status.allowed, true);
    assert.equal((await sar({user: 'erin', resourceAttributes: {verb: 'get', resource: 'pods'}})).json.status.reason, 'programmed');
    assert.equal(specs.length, 2);
    server.onSubjectAccessReview(undefined);
  });

  it('routes services/proxy to registered handlers', async () => {
    const seen: any[] = [];
    server.proxy('default', 'sealed-secrets', (req) => {
      seen.push(req);
      return {status: 200, headers: {'Content-Type': 'text/plain'}, body: `cert for ${req.path}?${req.query}`};
    });
    const r = await call('GET', '/api/v1/namespaces/default/services/http:sealed-secrets:8080/proxy/v1/cert.pem?x=1');
    assert.equal(r.status, 200);
    assert.equal(r.text, 'cert for /v1/cert.pem?x=1');
    const post = await call('POST', '/api/v1/namespaces/default/services/sealed-secrets:8080/proxy/v1/verify', 'body!', {contentType: 'text/plain'});
    assert.equal(post.status, 200);
    assert.equal(seen[1].method, 'POST');
    assert.equal(seen[1].body.toString(), 'body!');
    assert.equal((await call('GET', '/api/v1/namespaces/default/services/missing/proxy/')).status, 404);
  });

  it('simulates rollouts, stalls and failures', async () => {
    const c = await call('POST', '/apis/apps/v1/namespaces/default/deployments', deployment('web'));
    assert.equal(c.status, 201);
    assert.equal(c.json.metadata.generation, 1);
    assert.equal(c.json.spec.strategy.type, 'RollingUpdate', 'defaults are applied');
    const done = (d: any) => d?.status?.observedGeneration === d?.metadata.generation && d.status.updatedReplicas === 2 && d.status.availableReplicas === 2
      && d.status.conditions.some((x: any) => x.type === 'Progressing' && x.reason === 'NewReplicaSetAvailable');
    await until('rollout', () => done(server.get('apps/v1', 'Deployment', 'default', 'web')));
    const restart = {spec: {template: {metadata: {annotations: {'kubectl.kubernetes.io/restartedAt': new Date().toISOString()}}}}};
    const p = await call('PATCH', '/apis/apps/v1/namespaces/default/deployments/web', restart, {contentType: 'application/strategic-merge-patch+json'});
    assert.equal(p.status, 200);
    assert.equal(p.json.metadata.generation, 2);
    assert.deepEqual(p.json.spec.template.spec.containers.map((x: any) => x.name), ['app'], 'containers survive the strategic merge');
    await until('second rollout', () => done(server.get('apps/v1', 'Deployment', 'default', 'web')));

    server.rollout.fail('Deployment', 'default', 'web');
    await call('PATCH', '/apis/apps/v1/namespaces/default/deployments/web', {spec: {template: {metadata: {annotations: {x: '1'}}}}}, {contentType: 'application/strategic-merge-patch+json'});
    await until('failure', () => server.get('apps/v1', 'Deployment', 'default', 'web').status.conditions.some((x: any) => x.reason === 'ProgressDeadlineExceeded'));
    server.rollout.reset('Deployment', 'default', 'web');
    await until('recovery', () => done(server.get('apps/v1', 'Deployment', 'default', 'web')));

    server.rollout.stall('Deployment', 'default', 'web');
    await call('PATCH', '/apis/apps/v1/namespaces/default/deployments/web', {spec: {template: {metadata: {annotations: {x: '2'}}}}}, {contentType: 'application/strategic-merge-patch+json'});
    await sleep(200);
    const stalled = server.get('apps/v1', 'Deployment', 'default', 'web');
    assert.equal(stalled.status.observedGeneration, stalled.metadata.generation);
    assert.ok(stalled.status.updatedReplicas !== 2 || stalled.status.availableReplicas !== 2, 'a stalled rollout never finishes');
    server.rollout.reset('Deployment', 'default', 'web');
  });

  it('merges strategically by merge key, and applies JSON merge and JSON patches', async () => {
    const path = '/apis/apps/v1/namespaces/default/deployments/web';
    const smp = await call('PATCH', path, {spec: {template: {spec: {containers: [{name: 'app', env: [{name: 'B', value: '2'}]}, {name: 'side', image: 'busybox'}]}}}}, {contentType: 'application/strategic-merge-patch+json'});
    assert.equal(smp.status, 200);
    const cs = smp.json.spec.template.spec.containers;
    assert.deepEqual(cs.map((x: any) => x.name), ['app', 'side']);
    assert.equal(cs[0].image, 'nginx:1');
    assert.deepEqual(cs[0].env.map((e: any) => e.name), ['A', 'B']);
    const del = await call('PATCH', path, {spec: {template: {spec: {containers: [{name: 'side', $patch: 'delete'}]}}}}, {contentType: 'application/strategic-merge-patch+json'});
    assert.deepEqual(del.json.spec.template.spec.containers.map((x: any) => x.name), ['app']);
    const merge = await call('PATCH', path, {metadata: {labels: {extra: 'y'}}}, {contentType: 'application/merge-patch+json'});
    assert.equal(merge.json.metadata.labels.extra, 'y');
    const jp = await call('PATCH', path, [{op: 'test', path: '/spec/replicas', value: 2}, {op: 'replace', path: '/spec/replicas', value: 3}], {contentType: 'application/json-patch+json'});
    assert.equal(jp.json.spec.replicas, 3);
    const failed = await call('PATCH', path, [{op: 'test', path: '/spec/replicas', value: 99}], {contentType: 'application/json-patch+json'});
    assert.equal(failed.status, 422);
    const crPatch = await call('PATCH', '/api/v1/namespaces/default/secrets/sd', {data: {x: 'eA=='}}, {contentType: 'application/strategic-merge-patch+json'});
    assert.equal(crPatch.status, 200);
  });

  it('serves /status separately from the main resource for custom resources', async () => {
    server.registerCRD({group: 'kubectl-secret.dev', version: 'v1alpha1', kind: 'SealedSecret', plural: 'sealedsecrets', status: true});
    const base = '/apis/kubectl-secret.dev/v1alpha1/namespaces/default/sealedsecrets';
    const c = await call('POST', base, {apiVersion: 'kubectl-secret.dev/v1alpha1', kind: 'SealedSecret', metadata: {name: 'ss'}, spec: {encryptedData: {a: 'x'}}, status: {ignored: true}});
    assert.equal(c.status, 201);
    assert.equal(c.json.status, undefined, 'status is dropped on create');
    const s = await call('PUT', `${base}/ss/status`, {...c.json, spec: {encryptedData: {a: 'changed'}}, status: {conditions: [{type: 'Synced', status: 'True'}]}});
    assert.equal(s.status, 200);
    assert.equal(s.json.spec.encryptedData.a, 'x', '/status ignores spec');
    assert.equal(s.json.metadata.generation, 1);
    const m = await call('PUT', `${base}/ss`, {...s.json, spec: {encryptedData: {a: 'y'}}, status: {}});
    assert.equal(m.json.metadata.generation, 2);
    assert.equal(m.json.status.conditions[0].type, 'Synced', 'the main resource ignores status');
    const smp = await call('PATCH', `${base}/ss`, {spec: {}}, {contentType: 'application/strategic-merge-patch+json'});
    assert.equal(smp.status, 415, 'custom resources do not take strategic merge patches');
  });

  it('server-side applies Secrets with field ownership and conflicts', async () => {
    const path = '/api/v1/namespaces/default/secrets/ssa?fieldManager=tool-a';
    const applyBody = (data: Record<string, string>) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ssa\ndata:\n${Object.entries(data).map(([k, v]) => `  ${k}: ${v}`).join('\n')}\n`;
    const a = await call('PATCH', path, applyBody({a: 'YQ==', b: 'Yg=='}), {contentType: 'application/apply-patch+yaml'});
    assert.equal(a.status, 201);
    assert.equal(a.json.metadata.managedFields[0].manager, 'tool-a');
    const a2 = await call('PATCH', path, applyBody({a: 'YQ=='}), {contentType: 'application/apply-patch+yaml'});
    assert.equal(a2.status, 200);
    assert.deepEqual(a2.json.data, {a: 'YQ=='}, 'a field the manager stops applying is removed');
    const other = await call('PATCH', '/api/v1/namespaces/default/secrets/ssa?fieldManager=tool-b', applyBody({a: 'Yw=='}), {contentType: 'application/apply-patch+yaml'});
    assert.equal(other.status, 409);
    assert.match(other.json.message, /conflict with "tool-a"/);
    const forced = await call('PATCH', '/api/v1/namespaces/default/secrets/ssa?fieldManager=tool-b&force=true', applyBody({a: 'Yw=='}), {contentType: 'application/apply-patch+yaml'});
    assert.equal(forced.status, 200);
    assert.equal(forced.json.data.a, 'Yw==');
    const noManager = await call('PATCH', '/api/v1/namespaces/default/secrets/ssa', applyBody({a: 'YQ=='}), {contentType: 'application/apply-patch+yaml'});
    assert.equal(noManager.status, 400);
  });

  it('honours dryRun=All', async () => {
    const r = await call('POST', '/api/v1/namespaces/default/secrets?dryRun=All', secret('dry'));
    assert.equal(r.status, 201);
    assert.equal(server.get('v1', 'Secret', 'default', 'dry'), undefined);
  });

  it('runs beforeWrite hooks so a concurrent writer makes the write conflict', async () => {
    const cur = (await call('GET', '/api/v1/namespaces/default/secrets/sd')).json;
    const off = server.beforeWrite((req) => {
      if (req.kind === 'Secret' && req.name === 'sd') server.update({...server.get('v1', 'Secret', 'default', 'sd'), data: {other: 'bw=='}});
    });
    const r = await call('PUT', '/api/v1/namespaces/default/secrets/sd', {...cur, data: {mine: 'bQ=='}});
    off();
    assert.equal(r.status, 409);
    assert.deepEqual(server.get('v1', 'Secret', 'default', 'sd').data, {other: 'bw=='});
  });

  it('garbage-collects dependents by ownerReference', async () => {
    const owner = server.create({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'owner', namespace: 'default'}});
    server.create({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'child', namespace: 'default', ownerReferences: [{apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid}]}});
    assert.equal((await call('DELETE', '/api/v1/namespaces/default/configmaps/owner')).status, 200);
    assert.equal(server.get('v1', 'Secret', 'default', 'child'), undefined);
  });

  it('works with @kubernetes/client-node over token, client certificate and exec plugin kubeconfigs', async () => {
    for (const auth of ['token', 'client-cert', 'exec'] as const) {
      const kc = new k8s.KubeConfig();
      kc.loadFromFile(server.writeKubeconfig(join(dir, `kc-${auth}`), {user: 'frank', groups: ['ops'], auth}));
      const core = kc.makeApiClient(k8s.CoreV1Api);
      const name = `via-${auth}`;
      await core.createNamespacedSecret({namespace: 'default', body: {metadata: {name}, stringData: {a: 'b'}}});
      const got = await core.readNamespacedSecret({namespace: 'default', name});
      assert.equal(got.data?.a, 'Yg==');
      assert.equal(server.requests.filter((q) => q.method === 'POST' && q.path.endsWith('/secrets')).at(-1)?.user, 'frank');
      const undo = server.deny({group: 'ops', verb: 'delete', resource: 'secrets'});
      await assert.rejects(core.deleteNamespacedSecret({namespace: 'default', name}), (e: any) => e.code === 403);
      undo();
    }
  });

  it('loads manifests from files', async () => {
    const f = join(dir, 'm.yaml');
    writeFileSync(f, 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: loaded\n---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a, namespace: loaded}\n');
    server.load([f]);
    assert.ok(server.get('v1', 'ConfigMap', 'loaded', 'a'));
  });
});
