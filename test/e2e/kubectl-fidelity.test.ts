// The real kubectl against the test server: if kubectl cannot use it, the server is wrong, not
// the test. Runs for the kubectl on PATH and for kubectl.1.27 and kubectl.1.33 beside it (the
// Google Cloud SDK layout); a version is skipped only when its binary is absent.
import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {accessSync, constants, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {delimiter, dirname, join} from 'node:path';
import {after, before, describe, it} from 'node:test';
import {startTestServer, type TestServer} from '../server/index.js';

function onPath(bin: string): string | undefined {
  for (const d of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(d, bin);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {}
  }
  return undefined;
}

const kubectl = onPath('kubectl');
const sdkDir = kubectl ? dirname(realpathSync(kubectl)) : undefined;
const exists = (p: string): boolean => {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};
const VERSIONS: Array<{label: string; bin: string | undefined}> = [
  {label: 'kubectl', bin: kubectl},
  {label: 'kubectl.1.27', bin: sdkDir && exists(join(sdkDir, 'kubectl.1.27')) ? join(sdkDir, 'kubectl.1.27') : undefined},
  {label: 'kubectl.1.33', bin: sdkDir && exists(join(sdkDir, 'kubectl.1.33')) ? join(sdkDir, 'kubectl.1.33') : undefined},
];

let server: TestServer;
let dir: string;

interface Run { code: number; stdout: string; stderr: string }

function run(bin: string, home: string, kubeconfig: string, args: string[], timeoutMs = 20_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(bin, ['--kubeconfig', kubeconfig, ...args], {timeout: timeoutMs, env: {PATH: process.env.PATH ?? '', HOME: home}}, (err, stdout, stderr) => {
      const code = err ? (typeof (err as any).code === 'number' ? (err as any).code : -1) : 0;
      resolve({code, stdout: String(stdout), stderr: String(stderr)});
    });
  });
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');

function manifest(ns: string, image: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${ns}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: app
        image: ${image}
        env:
        - {name: MODE, value: prod}
---
apiVersion: v1
kind: Secret
metadata:
  name: applied
  namespace: ${ns}
stringData:
  token: "abc"
`;
}

before(async () => {
  server = await startTestServer({rolloutStepMs: 30});
  dir = mkdtempSync(join(tmpdir(), 'kst-kubectl-'));
});
after(async () => {
  await server?.close();
  if (dir) rmSync(dir, {recursive: true, force: true});
});

describe('real kubectl against the test server', {timeout: 60_000}, () => {
  for (const v of VERSIONS) {
    it(`${v.label}: get/create/apply/patch/delete, rollout restart/status, auth can-i`, {skip: v.bin ? false : `${v.label} not installed`, timeout: 45_000}, async () => {
      const bin = v.bin!;
      const ns = `fid-${v.label.replace(/\W/g, '-')}`;
      const home = join(dir, `home-${ns}`);
      mkdirSync(home, {recursive: true});
      const kc = server.writeKubeconfig(join(dir, `${ns}.kubeconfig`), {namespace: ns});
      const k = (...args: string[]) => run(bin, home, kc, args);
      const ok = async (...args: string[]): Promise<string> => {
        const r = await k(...args);
        assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
        return r.stdout;
      };

      assert.match(await ok('create', 'namespace', ns), new RegExp(`namespace/${ns} created`));
      assert.match(await ok('create', 'secret', 'generic', 's1', '--from-literal=user=alice'), /secret\/s1 created/);
      assert.equal(server.get('v1', 'Secret', ns, 's1')?.data?.user, b64('alice'));
      const again = await k('create', 'secret', 'generic', 's1', '--from-literal=user=bob');
      assert.notEqual(again.code, 0);
      assert.match(again.stderr, /AlreadyExists|already exists/);

      const json = JSON.parse(await ok('get', 'secret', 's1', '-o', 'json'));
      assert.equal(json.data.user, b64('alice'));
      assert.equal(json.metadata.namespace, ns);
      const table = await ok('get', 'secrets');
      assert.match(table, /NAME\s+TYPE\s+DATA\s+AGE/);
      assert.match(table, /s1\s+Opaque\s+1\s/);

      const file = join(dir, `${ns}.yaml`);
      writeFileSync(file, manifest(ns, 'nginx:1'));
      const applied = await ok('apply', '-f', file);
      assert.match(applied, /deployment.apps\/web created/);
      assert.match(applied, /secret\/applied created/);
      assert.equal(server.get('v1', 'Secret', ns, 'applied')?.data?.token, b64('abc'));
      assert.match(await ok('rollout', 'status', 'deployment/web', '--timeout=20s'), /successfully rolled out/);
      writeFileSync(file, manifest(ns, 'nginx:2'));
      assert.match(await ok('apply', '-f', file), /deployment.apps\/web configured/);
      const dep = server.get('apps/v1', 'Deployment', ns, 'web');
      assert.equal(dep.spec.template.spec.containers[0].image, 'nginx:2');
      assert.deepEqual(dep.spec.template.spec.containers[0].env, [{name: 'MODE', value: 'prod'}]);
      assert.equal(dep.metadata.generation, 2);
      assert.match(await ok('apply', '-f', file), /deployment.apps\/web unchanged/);

      assert.match(await ok('patch', 'secret', 's1', '--type=merge', '-p', JSON.stringify({data: {extra: b64('x')}})), /secret\/s1 patched/);
      assert.deepEqual(Object.keys(server.get('v1', 'Secret', ns, 's1').data).sort(), ['extra', 'user']);
      await ok('patch', 'deployment', 'web', '-p', JSON.stringify({spec: {template: {spec: {containers: [{name: 'app', env: [{name: 'DEBUG', value: '1'}]}]}}}}));
      assert.deepEqual(server.get('apps/v1', 'Deployment', ns, 'web').spec.template.spec.containers[0].env.map((e: any) => e.name), ['MODE', 'DEBUG']);
      await ok('patch', 'deployment', 'web', '--type=json', '-p', JSON.stringify([{op: 'replace', path: '/spec/replicas', value: 3}]));
      assert.equal(server.get('apps/v1', 'Deployment', ns, 'web').spec.replicas, 3);

      assert.match(await ok('rollout', 'restart', 'deployment/web'), /restarted/);
      assert.ok(server.get('apps/v1', 'Deployment', ns, 'web').spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']);
      assert.match(await ok('rollout', 'status', 'deployment/web', '--timeout=20s'), /successfully rolled out/);

      server.rollout.fail('Deployment', ns, 'web');
      // A template change starts the doomed rollout (a second restart would need a new second for restartedAt).
      await ok('patch', 'deployment', 'web', '-p', JSON.stringify({spec: {template: {metadata: {annotations: {round: 'failing'}}}}}));
      const failed = await k('rollout', 'status', 'deployment/web', '--timeout=20s');
      assert.notEqual(failed.code, 0);
      assert.match(failed.stderr, /exceeded its progress deadline/);
      server.rollout.reset('Deployment', ns, 'web');

      const yes = await k('auth', 'can-i', 'delete', 'secrets');
      assert.equal(yes.code, 0, yes.stderr);
      assert.equal(yes.stdout.trim(), 'yes');
      const undo = server.deny({user: 'admin', verb: 'delete', resource: 'secrets', namespace: ns});
      try {
        const no = await k('auth', 'can-i', 'delete', 'secrets');
        assert.equal(no.code, 1);
        assert.equal(no.stdout.trim(), 'no');
        const forbidden = await k('delete', 'secret', 's1');
        assert.notEqual(forbidden.code, 0);
        assert.match(forbidden.stderr, new RegExp(`secrets "s1" is forbidden: User "admin" cannot delete resource "secrets" in API group "" in the namespace "${ns}"`));
      } finally {
        undo();
      }
      assert.match(await ok('delete', 'secret', 's1'), /secret "s1" deleted/);
      assert.equal(server.get('v1', 'Secret', ns, 's1'), undefined);
      assert.match(await ok('delete', '-f', file), /deployment.apps "web" deleted/);
      assert.equal(server.get('apps/v1', 'Deployment', ns, 'web'), undefined);
      const gone = await k('get', 'deployment', 'web');
      assert.notEqual(gone.code, 0);
      assert.match(gone.stderr, /NotFound|not found/);
    });
  }

  it('kubectl authenticates with client certificates and exec credential plugins', {skip: kubectl ? false : 'kubectl not installed', timeout: 30_000}, async () => {
    const home = join(dir, 'home-auth');
    mkdirSync(home, {recursive: true});
    for (const auth of ['client-cert', 'exec'] as const) {
      const kc = server.writeKubeconfig(join(dir, `${auth}.kubeconfig`), {user: 'grace', groups: ['auditors'], auth});
      const undo = server.deny({group: 'auditors', verb: 'list', resource: 'configmaps', namespace: 'kube-system'});
      try {
        const r = await run(kubectl!, home, kc, ['get', 'configmaps', '-n', 'kube-system']);
        assert.notEqual(r.code, 0);
        assert.match(r.stderr, /User "grace" cannot list resource "configmaps"/);
        const ok = await run(kubectl!, home, kc, ['get', 'namespaces', '-o', 'name']);
        assert.equal(ok.code, 0, ok.stderr);
        assert.match(ok.stdout, /namespace\/default/);
      } finally {
        undo();
      }
    }
  });
});
