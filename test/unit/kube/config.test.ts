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
import {ADMIN_CLIENT} from '../../server/certs.js';

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
describeCredentials();

/**
 * Every static form of credential and TLS setting in a kubeconfig, through a real request to the
 * test server, which says who it took the caller for: relative file paths are read from the
 * kubeconfig's directory (the tests run elsewhere), as client-go resolves them.
 */
function describeCredentials(): void {
  let server: TestServer;
  let cdir: string;
  before(async () => {
    server = await startTestServer();
    cdir = mkdtempSync(join(tmpdir(), 'ks-creds-'));
    mkdirSync(join(cdir, 'pki'));
    writeFileSync(join(cdir, 'pki', 'ca.pem'), server.caPem);
    writeFileSync(join(cdir, 'pki', 'client.pem'), ADMIN_CLIENT.cert);
    writeFileSync(join(cdir, 'pki', 'client-key.pem'), ADMIN_CLIENT.key);
    writeFileSync(join(cdir, 'token'), 'kst-from-a-file\n');
    server.addToken('kst-from-a-file', {user: 'file-user'});
    server.addToken('kst-impersonator', {user: 'impersonator'});
    server.addBasicAuth('alice', 'CANARY-basic-password', {user: 'alice'});
  });
  after(() => server?.close());

  function config(name: string, cluster: Record<string, unknown>, user: Record<string, unknown>): string {
    const p = join(cdir, name);
    writeFileSync(p, stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'c',
      clusters: [{name: 'k', cluster: {server: server.url, 'certificate-authority': 'pki/ca.pem', ...cluster}}],
      users: [{name: 'u', user}],
      contexts: [{name: 'c', context: {cluster: 'k', user: 'u'}}],
    }));
    return p;
  }

  /** The user the server took a request of this kubeconfig for. */
  const who = async (cfg: string): Promise<string> => {
    const rest = new KubeRest(await loadKubeConfig({kubeconfig: cfg}), {timeoutMs: 5000});
    const from = server.requests.length;
    await rest.get('/api/v1/namespaces/default/secrets', {verb: 'list', resource: 'secrets', namespace: 'default'});
    return server.requests.slice(from).at(-1)!.user;
  };

  test('a client certificate and key and the CA, named by paths relative to the kubeconfig', async () => {
    assert.equal(await who(config('cert.yaml', {}, {'client-certificate': 'pki/client.pem', 'client-key': 'pki/client-key.pem'})), 'admin');
  });

  test('a token file relative to the kubeconfig, its trailing newline dropped', async () => {
    assert.equal(await who(config('token-file.yaml', {}, {'token-file': 'token'})), 'file-user');
  });

  test('basic auth (username and password)', async () => {
    assert.equal(await who(config('basic.yaml', {}, {username: 'alice', password: 'CANARY-basic-password'})), 'alice');
  });

  test('impersonation (as) with a token', async () => {
    assert.equal(await who(config('as.yaml', {}, {token: 'kst-impersonator', as: 'bob'})), 'bob');
  });

  test('insecure-skip-tls-verify connects without a CA; without it the server is not trusted', async () => {
    assert.equal(await who(config('insecure.yaml', {'certificate-authority': undefined, 'insecure-skip-tls-verify': true}, {token: 'kst-from-a-file'})), 'file-user');
    // The server's certificate is signed by the test CA, which Node does not trust by itself.
    await assert.rejects(who(config('no-ca.yaml', {'certificate-authority': undefined}, {token: 'kst-from-a-file'})), (e: ClusterError) => e instanceof ClusterError && /TLS certificate is not trusted/.test(e.message));
  });

  test('tls-server-name is the name the server\'s certificate is checked against', async () => {
    // The certificate names 127.0.0.1 and localhost: the server's own address passes with either.
    assert.equal(await who(config('sni-ok.yaml', {'tls-server-name': 'localhost'}, {token: 'kst-from-a-file'})), 'file-user');
    await assert.rejects(who(config('sni-bad.yaml', {'tls-server-name': 'elsewhere.example'}, {token: 'kst-from-a-file'})), (e: ClusterError) => e instanceof ClusterError && /TLS certificate is not trusted/.test(e.message));
  });

  test('a client certificate or key that is not PEM is an input error naming the user, never quoting them', async () => {
    for (const [name, user] of [
      ['bad-cert.yaml', {'client-certificate-data': Buffer.from('CANARY-cert').toString('base64'), 'client-key': 'pki/client-key.pem'}],
      ['bad-key.yaml', {'client-certificate': 'pki/client.pem', 'client-key-data': Buffer.from('CANARY-key').toString('base64')}],
    ] as const) {
      await assert.rejects(who(config(name, {}, user)), (e: InputError) => {
        assert.ok(e instanceof InputError, `${name}: ${e}`);
        assert.match(e.message, /client certificate and key \(user "u"\) are not a PEM certificate and private key/);
        assert.doesNotMatch(e.message, /CANARY|BEGIN/);
        return true;
      });
    }
  });

  // The kubeconfigs only client-node serves: it is loaded for them, and its requests still work.
  test('an OIDC auth-provider user is served through client-node with its id-token', async () => {
    const b64url = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const idToken = `${b64url({alg: 'none'})}.${b64url({sub: 'oidc-user', exp: Math.floor(Date.now() / 1000) + 3600})}.sig`;
    server.addToken(idToken, {user: 'oidc-user'});
    assert.equal(await who(config('oidc.yaml', {}, {'auth-provider': {name: 'oidc', config: {'id-token': idToken, 'client-id': 'kubectl'}}})), 'oidc-user');
  });

  test('a cluster with a proxy-url is reached through that proxy (HTTP CONNECT)', async () => {
    const {createServer: createHttpServer} = await import('node:http');
    const {connect} = await import('node:net');
    const tunnels: string[] = [];
    const proxy = createHttpServer();
    proxy.on('connect', (req, client, head) => {
      tunnels.push(req.url!);
      const [host, port] = req.url!.split(':');
      const upstream = connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client).pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    try {
      const proxyUrl = `http://127.0.0.1:${(proxy.address() as {port: number}).port}`;
      assert.equal(await who(config('proxied.yaml', {'proxy-url': proxyUrl}, {token: 'kst-from-a-file'})), 'file-user');
      assert.deepEqual(tunnels, [new URL(server.url).host]);
    } finally {
      proxy.closeAllConnections();
      proxy.close();
    }
  });

  test('a certificate or token file that does not exist is an input error naming the file, in plain words', async () => {
    for (const [name, cluster, user, field] of [
      ['missing-ca.yaml', {'certificate-authority': 'pki/nope.pem'}, {token: 'kst-from-a-file'}, 'certificate-authority'],
      ['missing-cert.yaml', {}, {'client-certificate': 'pki/nope.pem', 'client-key': 'pki/client-key.pem'}, 'client-certificate'],
      ['missing-token.yaml', {}, {'token-file': 'nope'}, 'token-file'],
    ] as const) {
      await assert.rejects(who(config(name, cluster, user)), (e: InputError) => {
        assert.ok(e instanceof InputError, `${name}: ${e}`);
        assert.match(e.message, new RegExp(`${field} \\S*nope\\S* \\(.*\\) does not exist`));
        assert.doesNotMatch(e.message, /ENOENT/);
        return true;
      });
    }
  });
}

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
