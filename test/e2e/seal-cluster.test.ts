// seal and friends against a cluster: the Bitnami controller reached through the service
// proxy (a fake controller registered on the test server answers cert.pem, verify and rotate
// with OpenSSL through node:crypto), and the nacl keys kept in the cluster (on a real cluster,
// in a key namespace of this run, so that the cluster's own kube-system is left alone).
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {randomBytes} from 'node:crypto';
import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {parse} from 'yaml';
import {e2eEnv, needsTestServer, type E2EEnv} from '../helpers/cluster.js';
import {opensslOpen} from '../helpers/interop.js';

const FIX = new URL('../../../test/fixtures/crypto/', import.meta.url).pathname;
const CERT = readFileSync(join(FIX, 'golden-cert.pem'), 'utf8');

let env: E2EEnv;
/** payments on the test server; payments-<random> on a real cluster. */
let ns: string;
let keyNs: string;
let keyArgs: string[];
before(async () => {
  env = await e2eEnv();
  await env.kube.registerCRD({group: 'bitnami.com', version: 'v1alpha1', kind: 'SealedSecret', plural: 'sealedsecrets', namespaced: true, status: true});
  await env.kube.registerCRD({group: 'kubectl-secret.dev', version: 'v1alpha1', kind: 'SealedSecret', plural: 'sealedsecrets', namespaced: true, status: true});
  ns = await env.kube.namespace('payments');
  keyNs = env.real ? await env.kube.namespace('seal-keys') : 'kube-system';
  keyArgs = env.real ? ['--key-namespace', keyNs] : [];
});
after(() => env?.close());

const canary = () => `CANARY-${randomBytes(6).toString('hex')}`;
const secretYaml = (name: string, ns: string, values: Record<string, string>) =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nstringData:\n${Object.entries(values).map(([k, v]) => `  ${k}: "${v}"`).join('\n')}\n`;


/** A stand-in for the Bitnami controller's HTTP API behind the service proxy. */
function fakeController(ns: string, name: string, port = 'http', labels?: Record<string, string>) {
  const server = env.server!;
  server.create({apiVersion: 'v1', kind: 'Service', metadata: {name, namespace: ns, ...(labels ? {labels} : {})}, spec: {ports: [{name: port, port: 8080}]}});
  const calls: string[] = [];
  server.proxy(ns, name, (req) => {
    calls.push(`${req.method} ${req.path}`);
    if (req.path === '/v1/cert.pem') return {status: 200, headers: {'content-type': 'application/x-pem-file'}, body: CERT};
    const o = JSON.parse(req.body.toString('utf8'));
    const label = `${o.metadata.namespace}/${o.metadata.name}`;
    const opens = Object.values<string>(o.spec.encryptedData).every((v) => {
      try {
        opensslOpen(v, label);
        return true;
      } catch {
        return false;
      }
    });
    if (req.path === '/v1/verify') return opens ? {status: 200, body: ''} : {status: 409, body: 'Forbidden'};
    if (req.path === '/v1/rotate') {
      if (!opens) return {status: 409, body: 'cannot decrypt'};
      return {status: 200, headers: {'content-type': 'application/json'}, body: JSON.stringify({...o, metadata: {...o.metadata, annotations: {...o.metadata.annotations, rotated: 'by-controller'}}})};
    }
    return {status: 404, body: 'not found'};
  });
  return {calls, remove: () => {
    server.proxy(ns, name, undefined as any);
    server.remove('v1', 'Service', ns, name);
  }};
}

test('cert and seal find the Bitnami controller by either Service name and by the chart label, through the service proxy', async (t) => {
  if (!needsTestServer(t, env)) return;
  for (const [ns, name, labels] of [
    ['kube-system', 'sealed-secrets-controller', undefined],
    ['kube-system', 'sealed-secrets', undefined],
    ['sealing', 'my-release-sealed-secrets', {'app.kubernetes.io/name': 'sealed-secrets'}],
  ] as const) {
    if (ns === 'sealing' && !env.server!.get('v1', 'Namespace', undefined, 'sealing')) env.server!.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'sealing'}});
    const ctl = fakeController(ns, name, 'http', labels);
    const r = await env.cli(['cert', '--scheme', 'sealed-secrets']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), CERT.trim());
    assert.match(r.stderr, /fingerprint [0-9a-f]{64}/);
    const c = canary();
    const sealed = await env.cli(['seal', '-n', 'payments'], {input: secretYaml('db', 'payments', {password: c})});
    assert.equal(sealed.code, 0, sealed.stderr);
    assert.ok(!sealed.stdout.includes(c));
    assert.equal(opensslOpen(parse(sealed.stdout).spec.encryptedData.password, 'payments/db').toString(), c);
    assert.ok(env.server!.requests.some((q) => q.path === `/api/v1/namespaces/${ns}/services/http:${name}:http/proxy/v1/cert.pem`), 'kubeseal-style proxy path');
    assert.ok(ctl.calls.includes('GET /v1/cert.pem'));
    ctl.remove();
  }
});

test('verify asks the controller, and reencrypt replaces the file with what /v1/rotate returns', async (t) => {
  if (!needsTestServer(t, env)) return;
  const ctl = fakeController('kube-system', 'sealed-secrets-controller');
  const file = join(env.dir, 'bitnami-sealed.yaml');
  const r = await env.cli(['seal', '--cert', join(FIX, 'golden-cert.pem'), '-w', file], {input: secretYaml('api', 'payments', {token: canary()})});
  assert.equal(r.code, 0, r.stderr);
  const ok = await env.cli(['verify', file]);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /ok\s+SealedSecret payments\/api/);
  // Sealed for another name: the controller cannot decrypt it.
  const other = join(env.dir, 'other.yaml');
  writeFileSync(other, readFileSync(file, 'utf8').replaceAll('name: api', 'name: api2'));
  const bad = await env.cli(['verify', other]);
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /FAIL\s+SealedSecret payments\/api2/);
  const re = await env.cli(['reencrypt', file]);
  assert.equal(re.code, 0, re.stderr);
  assert.equal(parse(readFileSync(file, 'utf8')).metadata.annotations.rotated, 'by-controller');
  assert.ok(ctl.calls.includes('POST /v1/rotate'));
  ctl.remove();
});

test('an unreachable controller says how to seal offline; no key at all says how to get one', async (t) => {
  const server = needsTestServer(t, env);
  if (!server) return;
  server.create({apiVersion: 'v1', kind: 'Service', metadata: {name: 'sealed-secrets-controller', namespace: 'kube-system'}, spec: {ports: [{name: 'http', port: 8080}]}});
  const remove = server.fault({path: '/api/v1/namespaces/kube-system/services/http:sealed-secrets-controller:http/proxy', status: 503});
  const r = await env.cli(['seal', '--scheme', 'sealed-secrets'], {input: secretYaml('db', 'payments', {k: 'v'})});
  remove();
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /--cert/);
  server.remove('v1', 'Service', 'kube-system', 'sealed-secrets-controller');
  const none = await env.cli(['seal'], {input: secretYaml('db', 'payments', {k: 'v'})});
  assert.equal(none.code, 2, none.stderr);
  assert.match(none.stderr, /no sealing key|found no sealing key/);
  assert.match(none.stderr, /keys init|--cert/);
});

test('nacl: keys init is idempotent, seal uses the published key, unseal and apply open with the cluster keys, rotation keeps old files working', async () => {
  const init = await env.cli(['keys', 'init', ...keyArgs]);
  assert.equal(init.code, 0, init.stderr);
  assert.match(init.stdout, new RegExp(`created Secret ${keyNs}/kubectl-secret-key-[0-9a-f]{16}`));
  assert.match(init.stdout, new RegExp(`created ConfigMap ${keyNs}/kubectl-secret-public-key`));
  assert.match(init.stdout, /created Role/);
  const again = await env.cli(['keys', 'init', ...keyArgs]);
  assert.equal(again.code, 0);
  assert.match(again.stdout, /nothing changed/);
  const rb = await env.kube.get('rbac.authorization.k8s.io/v1', 'RoleBinding', keyNs, 'kubectl-secret-public-key-reader');
  assert.deepEqual(rb.subjects.map((s: any) => s.name), ['system:authenticated']);

  const c = canary();
  const file = join(env.dir, 'nacl-sealed.yaml');
  const sealed = await env.cli(['seal', '--scheme', 'nacl', '-w', file, ...keyArgs], {input: secretYaml('db', ns, {password: c})});
  assert.equal(sealed.code, 0, sealed.stderr);
  assert.ok(!readFileSync(file, 'utf8').includes(c));
  const listed = JSON.parse((await env.cli(['keys', 'list', '-o', 'json', ...keyArgs])).stdout);
  assert.equal(listed.keys.length, 1);
  assert.equal(listed.keys[0].active, true);

  const unsealed = await env.cli(['unseal', file, ...keyArgs]);
  assert.equal(unsealed.code, 0, unsealed.stderr);
  assert.equal(Buffer.from(parse(unsealed.stdout).data.password, 'base64').toString(), c);

  const applied = await env.cli(['apply', file, ...keyArgs]);
  assert.equal(applied.code, 0, applied.stderr);
  assert.ok(!applied.stdout.includes(c) && !applied.stderr.includes(c));
  const live = await env.kube.get('v1', 'Secret', ns, 'db');
  assert.equal(Buffer.from(live.data.password, 'base64').toString(), c);

  const verified = await env.cli(['verify', file, ...keyArgs]);
  assert.equal(verified.code, 0, verified.stdout);

  const rotated = await env.cli(['keys', 'rotate', ...keyArgs]);
  assert.equal(rotated.code, 0, rotated.stderr);
  const keys = JSON.parse((await env.cli(['keys', 'list', '-o', 'json', ...keyArgs])).stdout).keys;
  assert.equal(keys.length, 2);
  const active = keys.find((k: any) => k.active).keyId;
  assert.notEqual(active, listed.keys[0].keyId);
  const exported = await env.cli(['keys', 'export', ...keyArgs]);
  assert.match(exported.stdout, /BEGIN PUBLIC KEY/);

  // Files sealed with the old key still open; reencrypt moves them to the new one.
  assert.equal((await env.cli(['unseal', file, ...keyArgs])).code, 0);
  const re = await env.cli(['reencrypt', file, ...keyArgs]);
  assert.equal(re.code, 0, re.stderr);
  const value = parse(readFileSync(file, 'utf8')).spec.encryptedData.password;
  assert.equal(Buffer.from(value, 'base64').subarray(1, 9).toString('hex'), active);
  const after = await env.cli(['unseal', file, ...keyArgs]);
  assert.equal(Buffer.from(parse(after.stdout).data.password, 'base64').toString(), c);
});

test('apply of a Bitnami SealedSecret waits for the controller to report Synced, and fails when it reports an error', async () => {
  const file = join(env.dir, 'bitnami-apply.yaml');
  await env.cli(['seal', '--cert', join(FIX, 'golden-cert.pem'), '-w', file], {input: secretYaml('web', ns, {k: canary()})});
  for (const [status, code] of [['True', 0], ['False', 1]] as const) {
    // The fake controller: mark the object as its real controller would, a moment later.
    // (On a real cluster that runs Bitnami's controller, the real one would answer too.)
    let stop = false;
    const fake = (async () => {
      while (!stop) {
        const o = await env.kube.get('bitnami.com/v1alpha1', 'SealedSecret', ns, 'web');
        if (o && o.status?.observedGeneration !== o.metadata.generation) {
          await env.kube.apply({...o, status: {observedGeneration: o.metadata.generation, conditions: [{type: 'Synced', status, reason: status === 'True' ? '' : 'ErrUnsealFailed', message: status === 'True' ? '' : 'no key could decrypt secret'}]}});
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    // A Synced=False is waited through (the controller retries), so that case ends at the timeout.
    const r = await env.cli(['apply', file, '--timeout', status === 'True' ? '10s' : '3s']).finally(() => (stop = true));
    await fake;
    assert.equal(r.code, code, r.stdout + r.stderr);
    assert.match(r.stdout, status === 'True' ? /sealedsecret\/web Synced/ : /not synced: ErrUnsealFailed/);
    await env.kube.remove('bitnami.com/v1alpha1', 'SealedSecret', ns, 'web');
  }
});

/** Seals `name` with the golden certificate into a file; returns the path. */
async function sealBitnami(name: string, extra = ''): Promise<string> {
  const file = join(env.dir, `${name}.yaml`);
  const r = await env.cli(['seal', '--cert', join(FIX, 'golden-cert.pem'), '-w', file], {input: secretYaml(name, ns, {k: canary(), user: 'app'})});
  assert.equal(r.code, 0, r.stderr);
  if (extra) writeFileSync(file, readFileSync(file, 'utf8') + extra);
  return file;
}

test('apply of a Bitnami SealedSecret succeeds by the Secret the controller owns when it writes no status (before v0.17.0), or none for a re-sealed object', async (t) => {
  const server = needsTestServer(t, env);
  if (!server) return; // a real cluster answers with the Bitnami controller it runs, in its own configuration
  for (const knobs of [{updateStatus: false}, {statusOnlyOnChange: true}]) {
    const stop = server.bitnamiController(knobs);
    try {
      const name = `quiet-${knobs.updateStatus === false ? 'nostatus' : 'onchange'}`;
      const file = await sealBitnami(name);
      const first = await env.cli(['apply', file, '--timeout', '5s']);
      assert.equal(first.code, 0, first.stdout + first.stderr);
      // Re-sealed values: a new generation, for which a controller that writes status only when Synced flips says nothing.
      const again = await sealBitnami(name);
      const second = await env.cli(['apply', again, '--timeout', '5s']);
      assert.equal(second.code, 0, second.stdout + second.stderr);
      assert.equal((await env.kube.get('bitnami.com/v1alpha1', 'SealedSecret', ns, name)).metadata.generation, 2);
      assert.match(second.stdout, new RegExp(`sealedsecret/${name} (Synced|unsealed: the controller wrote Secret ${name})`));
      for (const r of [first, second]) assert.doesNotMatch(r.stdout + r.stderr, /CANARY-/);
    } finally {
      stop();
    }
  }
});

test('apply waits through a first Synced=False that the controller retries, and fails on a lasting one at the timeout, naming the reason', async (t) => {
  const server = needsTestServer(t, env);
  if (!server) return;
  let stop = server.bitnamiController({failFirst: true, delayMs: 200});
  try {
    const ok = await env.cli(['apply', await sealBitnami('flaky'), '--timeout', '10s']);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /sealedsecret\/flaky Synced/);
  } finally {
    stop();
  }
  stop = server.bitnamiController({failAlways: true});
  try {
    const started = Date.now();
    const bad = await env.cli(['apply', await sealBitnami('broken'), '--timeout', '2s']);
    assert.equal(bad.code, 1, bad.stdout + bad.stderr);
    assert.ok(Date.now() - started >= 2000, 'waited for the timeout');
    assert.match(bad.stdout + bad.stderr, /not synced: ErrUnsealFailed \(no key could decrypt secret/);
  } finally {
    stop();
  }
});

test('apply never sends the file\'s status: a stale Synced=True in the file is not taken for the controller\'s word', async (t) => {
  const server = needsTestServer(t, env);
  if (!server) return;
  // A CRD without the status subresource (as Bitnami's before v0.13) stores whatever status a write carries.
  server.registerCRD({group: 'bitnami.com', version: 'v1alpha1', kind: 'SealedSecret', plural: 'sealedsecrets', namespaced: true, status: false});
  const stop = server.bitnamiController({failAlways: true, updateStatus: false});
  try {
    const file = await sealBitnami('stale', 'status:\n  observedGeneration: 7\n  conditions:\n  - type: Synced\n    status: "True"\n');
    const r = await env.cli(['apply', file, '--timeout', '2s']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /did not report Synced nor write Secret stale within 2s/);
    assert.equal((await env.kube.get('bitnami.com/v1alpha1', 'SealedSecret', ns, 'stale')).status, undefined);
  } finally {
    stop();
    server.registerCRD({group: 'bitnami.com', version: 'v1alpha1', kind: 'SealedSecret', plural: 'sealedsecrets', namespaced: true, status: true});
  }
});

test('both key sources present asks for --scheme; a user who may not read the keys gets a 403 naming what was denied', async (t) => {
  const server = needsTestServer(t, env);
  if (!server) return;
  server.create({apiVersion: 'v1', kind: 'Service', metadata: {name: 'sealed-secrets-controller', namespace: 'kube-system'}, spec: {ports: [{name: 'http', port: 8080}]}});
  const both = await env.cli(['seal'], {input: secretYaml('db', 'payments', {k: 'v'})});
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--scheme/);
  server.remove('v1', 'Service', 'kube-system', 'sealed-secrets-controller');

  const kc = server.writeKubeconfig(join(env.dir, 'dev-kubeconfig'), {user: 'dev', groups: ['system:authenticated']});
  const undo = server.deny({user: 'dev', resource: 'secrets', namespace: 'kube-system'});
  const file = join(env.dir, 'dev-sealed.yaml');
  const sealed = await env.cli(['seal', '--scheme', 'nacl', '--kubeconfig', kc, '-w', file], {input: secretYaml('db', 'payments', {k: 'v'})});
  assert.equal(sealed.code, 0, sealed.stderr);
  const denied = await env.cli(['unseal', file, '--kubeconfig', kc]);
  undo();
  assert.equal(denied.code, 3, denied.stderr);
  assert.match(denied.stderr, /forbidden: you may not list secrets in namespace "kube-system"/);
});
