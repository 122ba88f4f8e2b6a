// Who the API server says wrote an object. kube-apiserver records every write in
// metadata.managedFields under the request's fieldManager, or, when there is none, under the
// User-Agent up to its first '/'. Without a User-Agent of our own the HTTP library's ("undici")
// was recorded for every write of the CLI. kubectl sends `kubectl/v1.31.0 (linux/amd64)
// kubernetes/abc1234` (client-go's DefaultUserAgent); we send the same shape under our name.
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {e2eEnv, needsTestServer, type E2EEnv} from '../helpers/cluster.js';
import {REPO_ROOT} from '../helpers/cli.js';

let env: E2EEnv;
before(async () => {
  env = await e2eEnv();
});
after(() => env?.close());

const VERSION = JSON.parse(readFileSync(`${REPO_ROOT}package.json`, 'utf8')).version as string;
/** client-go's DefaultUserAgent: NAME/VERSION (OS/ARCH) NAME-OR-kubernetes/COMMIT. */
const UA_SHAPE = /^([\w.-]+)\/(v[\w.+-]+) \((linux|darwin|windows|freebsd)\/(amd64|arm64|386|arm|ppc64le|s390x|[\w]+)\) [\w.-]+\/[\w.+-]+$/;
const hasKubectl = spawnSync('kubectl', ['version', '--client'], {encoding: 'utf8'}).status === 0;

const managers = (o: any) => [...new Set<string>((o?.metadata?.managedFields ?? []).map((e: any) => e.manager))];

test('every request of the CLI carries kubectl-secret/VERSION (OS/ARCH) in kubectl\'s shape, and writes are recorded under kubectl-secret', async (t) => {
  const server = needsTestServer(t, env);
  if (!server) return;
  for (const name of ['fm', 'fm-keys']) server.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name}});
  server.create({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'db', namespace: 'fm'}, type: 'Opaque', data: {password: Buffer.from('old').toString('base64')}});
  server.create({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web', namespace: 'fm'},
    spec: {selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'web', image: 'nginx', envFrom: [{secretRef: {name: 'db'}}]}]}}}});
  const from = server.requests.length;
  for (const args of [
    ['keys', 'init', '--key-namespace', 'fm-keys'],
    ['rotate', 'db', '-n', 'fm', '--from-literal', 'password=new', '--yes', '--no-restart'],
    ['restart', 'db', '-n', 'fm', '--no-wait'],
    ['list', '-n', 'fm'],
  ]) {
    const r = await env.cli(args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  }
  const ours = server.requests.slice(from);
  assert.ok(ours.length > 5);
  for (const q of ours) {
    const m = UA_SHAPE.exec(q.userAgent ?? '');
    assert.ok(m, `${q.method} ${q.path}: User-Agent ${JSON.stringify(q.userAgent)}`);
    assert.equal(m[1], 'kubectl-secret');
    assert.equal(m[2], `v${VERSION}`);
  }
  // Writes without a fieldManager of their own (rotate's PUT, restart's patch, keys init's creates).
  for (const [what, obj] of [
    ['rotated Secret', server.get('v1', 'Secret', 'fm', 'db')],
    ['restarted Deployment', server.get('apps/v1', 'Deployment', 'fm', 'web')],
    ...server.list('v1', 'Secret', 'fm-keys').map((s) => ['key Secret', s] as const),
    ...server.list('v1', 'ConfigMap', 'fm-keys').map((s) => ['public key ConfigMap', s] as const),
  ] as Array<[string, any]>) {
    const ms = managers(obj);
    assert.ok(ms.includes('kubectl-secret'), `${what}: managers ${ms.join(', ')}`);
    assert.ok(!ms.includes('undici') && !ms.includes('node') && !ms.includes('unknown'), `${what}: managers ${ms.join(', ')}`);
  }
});

test('the User-Agent shape is kubectl\'s own (checked against the real kubectl on the same server)', async (t) => {
  const server = needsTestServer(t, env);
  if (!server || !hasKubectl) return t.skip('needs the test server and kubectl');
  const from = server.requests.length;
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn('kubectl', ['get', 'secrets', '-n', 'default', '--kubeconfig', env.kubeconfig], {stdio: 'ignore'});
    child.on('close', resolve);
    child.on('error', () => resolve(-1));
  });
  assert.equal(code, 0);
  const ua = server.requests.slice(from).find((q) => q.path.startsWith('/api/v1/namespaces/default/secrets'))?.userAgent ?? '';
  const m = UA_SHAPE.exec(ua);
  assert.ok(m, `kubectl's User-Agent ${JSON.stringify(ua)} has the shape we copy`);
  assert.equal(m[1], 'kubectl');
});
