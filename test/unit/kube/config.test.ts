// Which cluster, user and namespace a command uses, with the real kubectl as the oracle: for
// merged kubeconfigs (shared names, conflicting current-context, namespace in the context,
// --context, --kubeconfig, missing files, an empty $KUBECONFIG) ours must equal what
// `kubectl config view --minify --flatten` reports. Also: exec credential plugins that hang or
// misbehave end with an error naming the plugin and never quoting its output.
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {delimiter, join} from 'node:path';
import {stringify} from 'yaml';
import {contextNamespace, loadKubeConfig} from '../../../src/kube/config.js';
import {KubeRest} from '../../../src/kube/rest.js';
import {ClusterError, InputError} from '../../../src/errors.js';
import {startTestServer, type TestServer} from '../../server/index.js';

let dir: string;
const saved = {KUBECONFIG: process.env.KUBECONFIG, HOME: process.env.HOME};

function kubeconfig(name: string, o: {clusters: Record<string, string>; users: Record<string, string>; contexts: Record<string, {cluster: string; user: string; namespace?: string}>; current?: string}): string {
  const p = join(dir, name);
  writeFileSync(p, stringify({
    apiVersion: 'v1', kind: 'Config',
    clusters: Object.entries(o.clusters).map(([n, server]) => ({name: n, cluster: {server}})),
    users: Object.entries(o.users).map(([n, token]) => ({name: n, user: {token}})),
    contexts: Object.entries(o.contexts).map(([n, context]) => ({name: n, context})),
    ...(o.current ? {'current-context': o.current} : {}),
  }));
  return p;
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'ks-kubeconfig-'));
  kubeconfig('a.yaml', {clusters: {c1: 'https://a.example:6443'}, users: {admin: 'token-a'}, contexts: {'ctx-a': {cluster: 'c1', user: 'admin', namespace: 'ns-a'}}, current: 'ctx-a'});
  kubeconfig('b.yaml', {
    clusters: {c1: 'https://b.example:6443', c2: 'https://b2.example:6443'}, users: {admin: 'token-b', dev: 'token-dev'},
    contexts: {'ctx-a': {cluster: 'c2', user: 'admin', namespace: 'ns-b'}, 'ctx-b': {cluster: 'c2', user: 'dev'}}, current: 'ctx-b',
  });
  kubeconfig('c.yaml', {clusters: {c3: 'https://c.example:6443'}, users: {admin: 'token-c'}, contexts: {'ctx-c': {cluster: 'c3', user: 'admin', namespace: 'ns-c'}}});
  mkdirSync(join(dir, 'home', '.kube'), {recursive: true});
  kubeconfig(join('home', '.kube', 'config'), {clusters: {home: 'https://home.example:6443'}, users: {me: 'token-home'}, contexts: {h: {cluster: 'home', user: 'me', namespace: 'ns-home'}}, current: 'h'});
});
after(() => {
  for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
});

interface Seen { server: string; user: string; token: string; namespace: string }

function kubectlSees(env: {KUBECONFIG?: string; HOME: string}, args: string[]): Seen {
  const out = JSON.parse(execFileSync('kubectl', ['config', 'view', '--minify', '--flatten', '-o', 'json', ...args], {env: {PATH: process.env.PATH, ...env}, encoding: 'utf8'}));
  return {server: out.clusters[0].cluster.server, user: out.users[0].name, token: out.users[0].user.token, namespace: out.contexts[0].context.namespace || 'default'};
}

async function weSee(env: {KUBECONFIG?: string; HOME: string}, o: {kubeconfig?: string; context?: string}): Promise<Seen> {
  process.env.HOME = env.HOME;
  if (env.KUBECONFIG === undefined) delete process.env.KUBECONFIG; else process.env.KUBECONFIG = env.KUBECONFIG;
  const kc = await loadKubeConfig(o);
  const user = kc.getCurrentUser()!;
  return {server: kc.getCurrentCluster()!.server, user: user.name, token: user.token ?? '', namespace: contextNamespace(kc)};
}

const f = (...names: string[]) => names.map((n) => join(dir, n)).join(delimiter);
const CASES: Array<{name: string; env: () => {KUBECONFIG?: string; HOME: string}; kubeconfig?: () => string; context?: string}> = [
  {name: 'shared cluster, user and context names: the first definition wins', env: () => ({KUBECONFIG: f('a.yaml', 'b.yaml'), HOME: dir})},
  {name: 'conflicting current-context: the first file that sets it wins', env: () => ({KUBECONFIG: f('b.yaml', 'a.yaml'), HOME: dir})},
  {name: 'a first file without current-context defers to the next that has one', env: () => ({KUBECONFIG: f('c.yaml', 'a.yaml', 'b.yaml'), HOME: dir})},
  {name: 'missing files in $KUBECONFIG are skipped', env: () => ({KUBECONFIG: f('missing.yaml', 'b.yaml', 'gone.yaml', 'a.yaml'), HOME: dir})},
  {name: '--context picks a context whose user name is shared across files', env: () => ({KUBECONFIG: f('b.yaml', 'a.yaml', 'c.yaml'), HOME: dir}), context: 'ctx-c'},
  {name: '--context of a context defined twice takes the first definition (its namespace too)', env: () => ({KUBECONFIG: f('a.yaml', 'b.yaml'), HOME: dir}), context: 'ctx-a'},
  {name: '--kubeconfig reads only that file', env: () => ({KUBECONFIG: f('a.yaml'), HOME: dir}), kubeconfig: () => join(dir, 'b.yaml')},
  {name: 'an empty $KUBECONFIG means ~/.kube/config', env: () => ({KUBECONFIG: '', HOME: join(dir, 'home')})},
  {name: 'no $KUBECONFIG means ~/.kube/config', env: () => ({HOME: join(dir, 'home')})},
];

for (const c of CASES) {
  test(`kubectl oracle: ${c.name}`, async () => {
    const args = [...(c.kubeconfig ? ['--kubeconfig', c.kubeconfig()] : []), ...(c.context ? ['--context', c.context] : [])];
    const theirs = kubectlSees(c.env(), args);
    const ours = await weSee(c.env(), {kubeconfig: c.kubeconfig?.(), context: c.context});
    assert.deepEqual(ours, theirs);
  });
}

test('no kubeconfig at all is a clear input error, not a connection to localhost:8080', async () => {
  process.env.HOME = join(dir, 'nohome');
  delete process.env.KUBECONFIG;
  await assert.rejects(loadKubeConfig({}), (e: InputError) => e instanceof InputError && /no kubeconfig found/.test(e.message));
  process.env.KUBECONFIG = f('missing.yaml', 'gone.yaml');
  await assert.rejects(loadKubeConfig({}), (e: InputError) => e instanceof InputError && /none of the files in \$KUBECONFIG exist/.test(e.message));
});

test('a missing --kubeconfig file is an input error', async () => {
  await assert.rejects(loadKubeConfig({kubeconfig: join(dir, 'nope.yaml')}), (e: InputError) => e instanceof InputError && /does not exist/.test(e.message));
});

describeExec();

function describeExec(): void {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server?.close());

  /** A kubeconfig whose user gets its credential from `script` (node source). */
  function execKubeconfig(name: string, script: string): string {
    const base = server.writeKubeconfig(join(dir, `${name}-base`));
    const plugin = join(dir, `${name}-plugin.mjs`);
    writeFileSync(plugin, script);
    const p = join(dir, name);
    const doc = JSON.parse(execFileSync('kubectl', ['config', 'view', '--raw', '-o', 'json', '--kubeconfig', base], {encoding: 'utf8'}));
    doc.users[0].user = {exec: {apiVersion: 'client.authentication.k8s.io/v1beta1', command: process.execPath, args: [plugin], interactiveMode: 'Never'}};
    writeFileSync(p, stringify(doc));
    return p;
  }

  const get = async (cfg: string, timeoutMs: number) => {
    const rest = new KubeRest(await loadKubeConfig({kubeconfig: cfg}), {timeoutMs});
    return rest.get('/api/v1/namespaces/default/secrets', {verb: 'list', resource: 'secrets', namespace: 'default'});
  };

  test('an exec credential plugin that hangs ends after --request-timeout with an error naming the plugin', async () => {
    const cfg = execKubeconfig('hang', 'setInterval(() => {}, 1000);\n');
    await assert.rejects(get(cfg, 1000), (e: ClusterError) => {
      assert.ok(e instanceof ClusterError);
      assert.match(e.message, /exec credential plugin "node" \(user "admin"\) did not finish within 1s/);
      return true;
    });
  });

  test('an exec plugin that prints something else than an ExecCredential is named with the size of its output, never quoted', async () => {
    const cfg = execKubeconfig('garbage', 'process.stdout.write("token: CANARY-plugin-output\\n");\n');
    await assert.rejects(get(cfg, 5000), (e: ClusterError) => {
      assert.match(e.message, /printed \d+ bytes that are not JSON/);
      assert.doesNotMatch(e.message, /CANARY/);
      return true;
    });
  });

  test('an exec plugin that fails is named with its exit code; its stdout is not quoted', async () => {
    const cfg = execKubeconfig('fails', 'process.stdout.write("CANARY-plugin-stdout"); process.exit(7);\n');
    await assert.rejects(get(cfg, 5000), (e: ClusterError) => /exited with code 7/.test(e.message) && !/CANARY/.test(e.message));
  });
}
