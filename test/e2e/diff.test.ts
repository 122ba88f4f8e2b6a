// `kubectl secret diff` against the test API server (or a real cluster): Secret manifests, sealed files of both
// schemes, and one Secret between two namespaces or two clusters. Exit codes as kubectl diff
// (0 same, 1 different, 2+ error), and no value (nor its base64) in any output without
// --show-values.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {parse, stringify} from 'yaml';
import {needsTestServer} from '../helpers/cluster.js';
import {assertNoValue, canary, fileEnv, NACL_PRIV, NACL_PUB, RSA_CERT, RSA_KEY, secretObject as secret} from '../helpers/secret-e2e.js';
import {runCli} from '../helpers/cli.js';
import {startTestServer} from '../server/index.js';

const suite = fileEnv('diff', {sealedSecretCRDs: true});
const namespace = suite.namespace;

function writeFile(name: string, content: string | object): string {
  const p = join(suite.env.dir, name);
  writeFileSync(p, typeof content === 'string' ? content : stringify(content));
  return p;
}

test('a manifest equal to the live Secret: every key = same, exit 0', async () => {
  const ns = await namespace();
  const [pw, user] = [canary(), canary()];
  await suite.env.kube.apply(secret('db', ns, {password: pw, user}));
  // stringData and a missing type are what the API server would store as the same Secret.
  const file = writeFile('same.yaml', {apiVersion: 'v1', kind: 'Secret', metadata: {name: 'db', namespace: ns}, stringData: {password: pw, user}});
  const r = await suite.env.cli(['diff', file]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /= same password/);
  assert.match(r.stdout, /= same user/);
  assert.match(r.stdout, /no differences/);
  assertNoValue(r, pw, user);
});

test('added, removed and changed keys and type, label and annotation differences: exit 1, no values', async () => {
  const ns = await namespace();
  const [old, neu, gone, added, same] = [canary(), canary(), canary(), canary(), canary()];
  await suite.env.kube.apply(secret('db', ns, {password: old, token: gone, user: same}, {metadata: {labels: {app: 'db', old: 'x'}, annotations: {owner: 'team-a'}}}));
  const file = writeFile('changed.yaml', secret('db', ns, {password: neu, apikey: added, user: same}, {type: 'kubernetes.io/basic-auth', metadata: {labels: {app: 'db', tier: 'data'}, annotations: {owner: 'team-b'}}}));
  const r = await suite.env.cli(['diff', file, '-n', ns]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  for (const line of ['+ added apikey', '~ changed password', '- removed token', '= same user', '~ type: Opaque → kubernetes.io/basic-auth', '+ label tier=data', '- label old=x', '~ annotation owner: team-a → team-b']) {
    assert.ok(r.stdout.includes(line), `missing "${line}" in\n${r.stdout}`);
  }
  assert.match(r.stdout, new RegExp(`Secret ${ns}/db \\(.*changed\\.yaml:1\\):`));
  assertNoValue(r, old, neu, gone, added, same);

  const shown = await suite.env.cli(['diff', file, '--show-values']);
  assert.equal(shown.code, 1);
  assert.ok(shown.stdout.includes(`~ changed password: "${old}" → "${neu}"`), shown.stdout);
  assert.ok(shown.stdout.includes(`+ added apikey: "${added}"`));

  const json = await suite.env.cli(['diff', file, '-o', 'json']);
  assert.equal(json.code, 1);
  const data = JSON.parse(json.stdout);
  assert.equal(data.differs, true);
  assert.deepEqual(data.objects[0].keys, [{key: 'apikey', state: 'added'}, {key: 'password', state: 'changed'}, {key: 'token', state: 'removed'}, {key: 'user', state: 'same'}]);
  assertNoValue(json, old, neu, gone, added, same);
});

test('a Secret that is not in the cluster: all keys added, exit 1; stdin works as FILE -', async () => {
  const ns = await namespace();
  const c = canary();
  const r = await suite.env.cli(['diff', '-'], {input: stringify(secret('nowhere', ns, {a: c, b: 'x'}))});
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`^warning: Secret "nowhere" not found in namespace "${ns}"$`, 'm'));
  assert.match(r.stdout, /not in the cluster/);
  assert.match(r.stdout, /\+ added a\n/);
  assert.match(r.stdout, /\+ added b/);
  assertNoValue(r, c);
});

test('after a rotate the file in git is still in sync: rotate\'s own annotations are a note, not drift (exit 0); other annotations still count', async () => {
  const ns = await namespace();
  const [old, neu] = [canary(), canary()];
  await suite.env.kube.apply(secret('db', ns, {password: old}, {metadata: {annotations: {owner: 'team-a'}}}));
  // The file already holds the value the rotate sets (the user committed it first).
  const file = writeFile('rotated.yaml', secret('db', ns, {password: neu}, {metadata: {annotations: {owner: 'team-a'}}}));
  const rot = await suite.env.cli(['rotate', 'db', '-n', ns, '--from-literal', `password=${neu}`, '-y', '--no-restart']);
  assert.equal(rot.code, 0, rot.stdout + rot.stderr);
  const live = await suite.env.kube.get('v1', 'Secret', ns, 'db');
  assert.ok(live.metadata.annotations['kubectl-secret.dev/rotated-at'], 'rotate recorded rotated-at');
  const r = await suite.env.cli(['diff', file]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /note: annotation kubectl-secret\.dev\/rotated-at \(live only: [^)]+\) is kubectl-secret bookkeeping, not drift/);
  assert.match(r.stdout, /note: annotation kubectl-secret\.dev\/rotated-keys \(live only: password\)/);
  assert.match(r.stdout, /no differences\n$/);
  const jsonRes = await suite.env.cli(['diff', file, '-o', 'json']);
  const json = JSON.parse(jsonRes.stdout);
  assert.equal(json.differs, false);
  assert.ok(json.objects[0].metadata.every((m: any) => m.bookkeeping === true && m.name.startsWith('kubectl-secret.dev/')));
  // --against-namespace: the same Secret rotated on one side only is in sync too.
  const other = await namespace();
  await suite.env.kube.apply(secret('db', other, {password: neu}, {metadata: {annotations: {owner: 'team-a'}}}));
  assert.equal((await suite.env.cli(['diff', 'db', '-n', ns, '--against-namespace', other])).code, 0);
  // A user's own annotation still counts.
  const drift = await suite.env.cli(['diff', writeFile('rotated-drift.yaml', secret('db', ns, {password: neu}, {metadata: {annotations: {owner: 'team-b'}}}))]);
  assert.equal(drift.code, 1, drift.stdout);
  assert.match(drift.stdout, /~ annotation owner: team-a → team-b/);
  assertNoValue(r, old, neu);
  assertNoValue(jsonRes, old, neu);
});

test('a namespace that does not exist is said in a warning line (file and --against-namespace)', async () => {
  const c = canary();
  const r = await suite.env.cli(['diff', '-'], {input: stringify(secret('db', 'no-such-namespace-x1', {a: c}))});
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^warning: namespace "no-such-namespace-x1" not found$/m);
  const ns = await namespace();
  await suite.env.kube.apply(secret('db', ns, {a: c}));
  const against = await suite.env.cli(['diff', 'db', '-n', ns, '--against-namespace', 'no-such-namespace-x1', '-o', 'json']);
  assert.equal(against.code, 1, against.stderr);
  assert.match(against.stderr, /^warning: namespace "no-such-namespace-x1" not found \(namespace no-such-namespace-x1\)$/m);
  assert.deepEqual(JSON.parse(against.stdout).warnings, ['namespace "no-such-namespace-x1" not found (namespace no-such-namespace-x1)']);
  assertNoValue(r, c);
  assertNoValue(against, c);
});

test('errors exit 2: an unreadable file, a bad manifest, nothing to compare', async () => {
  assert.equal((await suite.env.cli(['diff', join(suite.env.dir, 'missing.yaml')])).code, 2);
  const bad = await suite.env.cli(['diff', writeFile('bad.yaml', 'apiVersion: v1\nkind: Secret\nmetadata: {name: x}\ndata: {k: "not base64!"}\n')]);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /not valid base64/);
  const other = await suite.env.cli(['diff', writeFile('cm.yaml', {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'c'}})]);
  assert.equal(other.code, 2);
  assert.match(other.stderr, /no Secret or SealedSecret/);
});

test('an error from the cluster (403 on get) exits 3', async (t) => {
  const server = needsTestServer(t, suite.env);
  if (!server) return;
  const ns = await namespace();
  const remove = server.deny({verb: 'get', resource: 'secrets', namespace: ns});
  try {
    const r = await suite.env.cli(['diff', writeFile('denied.yaml', secret('db', ns, {a: 'b'}))]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /forbidden/);
  } finally {
    remove();
  }
});

async function seal(args: string[], input: object): Promise<string> {
  const r = await runCli(['seal', ...args], {input: stringify(input)});
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

test('Bitnami sealed file vs the live SealedSecret: same ciphertext = same, resealed otherwise, Synced status, missing object', async () => {
  const ns = await namespace();
  const [pw, user] = [canary(), canary()];
  const sealedText = await seal(['--cert', RSA_CERT], secret('api', ns, {password: pw, user}));
  const file = writeFile('bitnami.yaml', sealedText);
  const missing = await suite.env.cli(['diff', file]);
  assert.equal(missing.code, 1, missing.stderr);
  assert.match(missing.stdout, /SealedSecret .*\/api \(.*bitnami\.yaml:1, sealed-secrets\):\n {2}not in the cluster/);
  assert.match(missing.stdout, /\+ added password/);

  await suite.env.kube.apply(parse(sealedText));
  // What the controller does once it has processed the current generation.
  const synced = async (status: string, message = '') => {
    const cur = await suite.env.kube.get('bitnami.com/v1alpha1', 'SealedSecret', ns, 'api');
    await suite.env.kube.apply({...cur, status: {observedGeneration: cur.metadata.generation, conditions: [{type: 'Synced', status, message, reason: status === 'True' ? '' : 'ErrUnsealFailed'}]}});
  };
  await synced('True');
  const same = await suite.env.cli(['diff', file]);
  assert.equal(same.code, 0, same.stdout + same.stderr);
  assert.match(same.stdout, /status: Synced/);
  assert.match(same.stdout, /= same password/);
  assert.match(same.stdout, /= same user/);

  // Re-seal one key: the same value seals to other bytes, so diff can only say "resealed".
  const merged = await runCli(['seal', '--cert', RSA_CERT, '--name', 'api', '-n', ns, '--from-literal', `password=${pw}`, '--merge-into', file]);
  assert.equal(merged.code, 0, merged.stderr);
  const resealed = await suite.env.cli(['diff', file]);
  assert.equal(resealed.code, 1);
  assert.match(resealed.stdout, /~ resealed \(value unknown\) password/);
  assert.match(resealed.stdout, /= same user/);
  assertNoValue(resealed, pw, user);

  // With the controller's key, the values are compared with the live Secret too.
  await suite.env.kube.apply(secret('api', ns, {password: pw, user: canary()}));
  const opened = await suite.env.cli(['diff', file, '--recovery-private-key', RSA_KEY]);
  assert.equal(opened.code, 1);
  assert.match(opened.stdout, new RegExp(`values vs live Secret ${ns}/api:\\n {4}= same password\\n {4}~ changed user`));
  assertNoValue(opened, pw, user);

  await suite.env.kube.apply(parse(readFileSync(file, 'utf8')));
  await synced('False', 'no key could decrypt secret (password)');
  const failing = await suite.env.cli(['diff', file]);
  assert.equal(failing.code, 1);
  assert.match(failing.stdout, /status: not synced \(ErrUnsealFailed\): no key could decrypt secret/);
});

test('nacl sealed file: values opened with --key are compared with the live Secret; without any key it cannot compare (exit 2)', async () => {
  const ns = await namespace();
  const [pw, token] = [canary(), canary()];
  const file = writeFile('nacl.yaml', await seal(['--cert', NACL_PUB], secret('app', ns, {password: pw, token})));
  await suite.env.kube.apply(secret('app', ns, {password: pw, token}));
  const same = await suite.env.cli(['diff', file, '--key', NACL_PRIV]);
  assert.equal(same.code, 0, same.stdout + same.stderr);
  assert.match(same.stdout, /no live SealedSecret \(nacl files are applied as Secrets\)/);
  assert.match(same.stdout, /values vs live Secret .*\/app:\n {4}= same password\n {4}= same token/);

  await suite.env.kube.apply(secret('app', ns, {password: canary(), token}));
  const changed = await suite.env.cli(['diff', file, '--key', NACL_PRIV]);
  assert.equal(changed.code, 1);
  assert.match(changed.stdout, / {4}~ changed password/);
  assertNoValue(changed, pw, token);

  const noKey = await suite.env.cli(['diff', file]);
  assert.equal(noKey.code, 2, noKey.stdout + noKey.stderr);
  assert.match(noKey.stderr, /cannot compare nacl SealedSecret/);
  assert.match(noKey.stderr, /--key/);

  // A live nacl SealedSecret is compared by ciphertext even when no key is at hand.
  await suite.env.kube.apply(parse(readFileSync(file, 'utf8')));
  const byCiphertext = await suite.env.cli(['diff', file]);
  assert.equal(byCiphertext.code, 0, byCiphertext.stdout + byCiphertext.stderr);
  assert.match(byCiphertext.stdout, /= same password/);
  assert.match(byCiphertext.stdout, /values not compared/);
});

test('nacl sealed file: the cluster\'s own keys open it when the caller may read them', async () => {
  const ns = await namespace();
  // On a real cluster the keys live in a namespace of this run, not in everyone's kube-system.
  const keys = suite.env.real ? ['--key-namespace', await suite.env.kube.namespace('diff-keys')] : [];
  const kube = await suite.env.cli(['keys', 'init', ...keys]);
  assert.equal(kube.code, 0, kube.stderr);
  const pw = canary();
  const sealed = await suite.env.cli(['seal', '--scheme', 'nacl', ...keys], {input: stringify(secret('svc', ns, {password: pw}))});
  assert.equal(sealed.code, 0, sealed.stderr);
  const file = writeFile('nacl-cluster.yaml', sealed.stdout);
  await suite.env.kube.apply(secret('svc', ns, {password: pw, extra: 'x'}));
  const r = await suite.env.cli(['diff', file, ...keys]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, / {4}- removed extra\n {4}= same password/);
  assertNoValue(r, pw);
});

test('--against-namespace: keys missing on the other side are removed, extra ones added; identical Secrets exit 0', async () => {
  const [staging, production] = [await namespace(), await namespace()];
  const [a, b, c] = [canary(), canary(), canary()];
  await suite.env.kube.apply(secret('db', staging, {password: a, user: b, newkey: c}));
  await suite.env.kube.apply(secret('db', production, {password: a, user: canary()}));
  const r = await suite.env.cli(['diff', 'db', '-n', staging, '--against-namespace', production]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`Secret db: namespace ${staging} → namespace ${production}`));
  assert.match(r.stdout, /- removed newkey/);
  assert.match(r.stdout, /= same password/);
  assert.match(r.stdout, /~ changed user/);
  assertNoValue(r, a, b, c);

  await suite.env.kube.apply(secret('db', production, {password: a, user: b, newkey: c}));
  const same = await suite.env.cli(['diff', 'db', '-n', staging, '--against-namespace', production]);
  assert.equal(same.code, 0, same.stdout);

  const empty = await namespace();
  const missing = await suite.env.cli(['diff', 'db', '-n', staging, '--against-namespace', empty]);
  assert.equal(missing.code, 1);
  assert.ok(missing.stdout.includes(`missing in namespace ${empty}`), missing.stdout);
  assert.equal((await suite.env.cli(['diff', 'nope', '-n', staging, '--against-namespace', production])).code, 2);
  assert.equal((await suite.env.cli(['diff', '--against-namespace', production])).code, 2);
});

/** A kubeconfig whose one context, staging, is this environment's cluster with namespace `ns`. */
function stagingKubeconfig(ns: string): any {
  if (suite.env.server) return parse(readFileSync(suite.env.server.writeKubeconfig(join(suite.env.dir, 'k-staging'), {context: 'staging', namespace: ns}), 'utf8'));
  const k = parse(readFileSync(suite.env.kubeconfig, 'utf8'));
  const ctx = k.contexts.find((c: any) => c.name === k['current-context']).context;
  return {...k, 'current-context': 'staging', contexts: [{name: 'staging', context: {...ctx, namespace: ns}}],
    clusters: k.clusters.filter((c: any) => c.name === ctx.cluster), users: k.users.filter((u: any) => u.name === ctx.user)};
}

// The other cluster is a second test server in both modes: a real run needs only one cluster.
test('--against-context: the same Secret in another cluster of the same kubeconfig, each context with its own namespace', async () => {
  const prod = await startTestServer();
  try {
    const ns = await namespace();
    prod.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'payments'}});
    const [a, b] = [canary(), canary()];
    await suite.env.kube.apply(secret('db', ns, {password: a, 'tls.key': b}));
    prod.create(secret('db', 'payments', {password: a}));
    // One kubeconfig, two contexts: staging (this server, namespace ns) and prod (the other, payments).
    const s = stagingKubeconfig(ns);
    const p = parse(readFileSync(prod.writeKubeconfig(join(suite.env.dir, 'k-prod'), {context: 'prod', namespace: 'payments'}), 'utf8'));
    p.clusters[0].name = 'prod-cluster';
    p.users[0].name = 'prod-admin';
    p.contexts[0].context = {...p.contexts[0].context, cluster: 'prod-cluster', user: 'prod-admin'};
    const kubeconfig = writeFile('kubeconfig-two', {...s, clusters: [...s.clusters, ...p.clusters], users: [...s.users, ...p.users], contexts: [...s.contexts, ...p.contexts]});
    const r = await runCli(['diff', 'db', '--against-context', 'prod'], {env: {KUBECONFIG: kubeconfig, HOME: suite.env.dir}});
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`Secret db: context staging, namespace ${ns} → context prod, namespace payments`));
    assert.match(r.stdout, /- removed tls\.key/);
    assert.match(r.stdout, /= same password/);
    assertNoValue(r, a, b);

    prod.update(secret('db', 'payments', {password: a, 'tls.key': b}));
    const same = await runCli(['diff', 'db', '--kubeconfig', kubeconfig, '--against-context', 'prod'], {env: {HOME: suite.env.dir}});
    assert.equal(same.code, 0, same.stdout + same.stderr);
    const noCtx = await runCli(['diff', 'db', '--kubeconfig', kubeconfig, '--against-context', 'nope'], {env: {HOME: suite.env.dir}});
    assert.equal(noCtx.code, 2);
    assert.match(noCtx.stderr, /context "nope" does not exist/);
  } finally {
    await prod.close();
  }
});
