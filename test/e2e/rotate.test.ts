// `kubectl secret rotate` against the test API server (or a real cluster): each value source, the plan and its
// confirmation, the conditional write (a concurrent change mid-flight gives exit 3 and keeps
// the other writer's data), the annotations, immutable Secrets, --exec, restarts, and
// --sealed on both schemes checked with libsodium and with OpenSSL through node:crypto.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {parse, stringify} from 'yaml';
import {needsTestServer, withRule} from '../helpers/cluster.js';
import {assertNoValue, b64, canary, fileEnv, NACL_PUB, RSA_CERT, secretObject} from '../helpers/secret-e2e.js';
import {runCli} from '../helpers/cli.js';
import {PAUSE} from '../helpers/kube.js';
import {libsodiumOpen, opensslOpen} from '../helpers/interop.js';
import {secretVersion} from '../../src/workloads/restart-patch.js';

const ROTATED_AT = 'kubectl-secret.dev/rotated-at';
const ROTATED_KEYS = 'kubectl-secret.dev/rotated-keys';

const suite = fileEnv('rotate', {rolloutStepMs: 30});
const unb64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

async function seed(data: Record<string, string>, extra: {immutable?: boolean} = {}): Promise<string> {
  const ns = await suite.namespace();
  await suite.env.kube.apply(secretObject('db', ns, data, extra));
  return ns;
}

const live = (ns: string) => suite.env.kube.get('v1', 'Secret', ns, 'db');

test('--generate: a new random value, the other keys untouched, the annotations recorded, the value never printed', async () => {
  const [old, user] = [canary(), canary()];
  const ns = await seed({password: old, user});
  const before = (await live(ns));
  const started = Date.now();
  const r = await suite.env.cli(['rotate', 'db', '-n', ns, '--generate', 'password', '--yes']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const after = (await live(ns));
  const pw = unb64(after.data.password);
  assert.match(pw, /^[A-Za-z0-9]{32}$/);
  assert.equal(after.data.user, before.data.user);
  assert.equal(after.metadata.uid, before.metadata.uid);
  assert.equal(after.metadata.annotations[ROTATED_KEYS], 'password');
  assert.match(after.metadata.annotations[ROTATED_AT], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.ok(Math.abs(Date.parse(after.metadata.annotations[ROTATED_AT]) - started) < 60_000);
  assert.match(r.stderr, new RegExp(`Rotate Secret ${ns}/db \\(resourceVersion ${before.metadata.resourceVersion}\\):\\n {2}~ change password: new value generated \\(32 alnum characters\\)\\n {2}= unchanged: user`));
  assert.match(r.stdout, /Rotated password: written to Secret/);
  assert.match(r.stdout, /No workloads .* use Secret "db"/);
  assertNoValue(r, old, user, pw);

  const hex = await suite.env.cli(['rotate', 'db', '-n', ns, '--generate', 'password', '--generate', 'user', '--length', '12', '--charset', 'hex', '--yes', '--show-values']);
  assert.equal(hex.code, 0, hex.stderr);
  const now = (await live(ns));
  for (const k of ['password', 'user']) {
    assert.match(unb64(now.data[k]), /^[0-9a-f]{12}$/);
    assert.ok(hex.stdout.includes(`${k}=${unb64(now.data[k])}\n`), '--show-values prints the generated values');
  }
  assert.equal(now.metadata.annotations[ROTATED_KEYS], 'password,user');
});

test('--from-literal and --from-file set the given values; a new key needs --add', async () => {
  const ns = await seed({password: canary(), token: canary()});
  const [lit, fromFile, added] = [canary(), canary(), canary()];
  const file = join(suite.env.dir, 'token.txt');
  writeFileSync(file, fromFile);
  const rv = (await live(ns)).metadata.resourceVersion;
  const missing = await suite.env.cli(['rotate', 'db', '-n', ns, '--from-literal', `apikey=${added}`, '--yes']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /has no key "apikey"/);
  assert.match(missing.stderr, /--add/);
  assert.equal((await live(ns)).metadata.resourceVersion, rv, 'nothing written');

  const r = await suite.env.cli(['rotate', 'db', '-n', ns, '--from-literal', `password=${lit}`, '--from-file', `token=${file}`, '--from-literal', `apikey=${added}`, '--add', '--yes']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const s = (await live(ns));
  assert.deepEqual([unb64(s.data.password), unb64(s.data.token), unb64(s.data.apikey)], [lit, fromFile, added]);
  assert.equal(s.metadata.annotations[ROTATED_KEYS], 'apikey,password,token');
  assert.match(r.stderr, /\+ add apikey: new value from --from-literal/);
  assertNoValue(r, lit, fromFile, added);
});

test('without a terminal: --prompt and a missing --yes refuse with exit 2 and write nothing; --dry-run only prints the plan', async () => {
  const old = canary();
  const ns = await seed({password: old});
  const rv = (await live(ns)).metadata.resourceVersion;
  const prompt = await suite.env.cli(['rotate', 'db', '-n', ns, '--prompt', 'password', '--yes']);
  assert.equal(prompt.code, 2, prompt.stderr);
  assert.match(prompt.stderr, /--prompt password needs a terminal/);
  const noYes = await suite.env.cli(['rotate', 'db', '-n', ns, '--generate', 'password']);
  assert.equal(noYes.code, 2, noYes.stderr);
  assert.match(noYes.stderr, /refusing to rotate without confirmation/);
  assert.match(noYes.stderr, /--yes/);
  assert.match(noYes.stderr, /~ change password/, 'the plan is shown (on stderr, never stdout) before refusing');
  const dry = await suite.env.cli(['rotate', 'db', '-n', ns, '--generate', 'password', '--dry-run']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /dry run: nothing was changed/);
  assert.equal((await live(ns)).metadata.resourceVersion, rv, 'nothing written');
  assert.equal(unb64((await live(ns)).data.password), old);
  // The request log (test server only) shows not even a rejected write was attempted.
  if (suite.env.server) assert.ok(!suite.env.server.requests.some((q) => q.method === 'PUT' && q.path.endsWith(`/namespaces/${ns}/secrets/db`)));
  assertNoValue(noYes, old);
});

test('someone else changes the Secret between our read and our write: 409, exit 3, their data kept, nothing of ours written', async (t) => {
  const server = needsTestServer(t, suite.env);
  if (!server) return;
  const old = canary();
  let theirs = canary();
  const ns = await seed({password: old, user: 'app'});
  let fired = 0;
  let at = 0;
  const remove = server.beforeWrite((req) => {
    if (req.kind !== 'Secret' || req.namespace !== ns || fired++ !== at) return;
    const cur = server.get('v1', 'Secret', ns, 'db');
    server.update({...cur, data: {...cur.data, password: b64(theirs)}});
  });
  try {
    const r = await suite.env.cli(['rotate', 'db', '-n', ns, '--generate', 'password', '--yes']);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stderr, new RegExp(`Secret ${ns}/db was changed by someone else after it was read; nothing was written`));
    assert.equal(fired, 1);
    const s = (await live(ns));
    assert.equal(unb64(s.data.password), theirs, "the other writer's value is intact");
    assert.equal(s.metadata.annotations?.[ROTATED_AT], undefined);
    assertNoValue(r, old, theirs);

    // Had --exec already handed a new value on, the message says the two now disagree. (With
    // --exec the write is first sent as a dry run; the other writer comes after it.)
    fired = 0;
    at = 1;
    theirs = canary();
    const withExec = await suite.env.cli(['rotate', 'db', '-n', ns, '--generate', 'password', '--exec', 'cat >/dev/null', '--yes']);
    assert.equal(withExec.code, 3, withExec.stderr);
    assert.match(withExec.stderr, /nothing was written; but --exec already ran for password/);
    assert.equal(unb64((await live(ns)).data.password), theirs);
  } finally {
    remove();
  }
});

test('an immutable Secret is refused without --recreate; with it, the Secret is created again with the new values', async () => {
  const [old, kept] = [canary(), canary()];
  const ns = await seed({password: old, user: kept}, {immutable: true});
  const before = (await live(ns));
  const r = await suite.env.cli(['rotate', 'db', '-n', ns, '--generate', 'password', '--yes']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /is immutable/);
  assert.match(r.stderr, /--recreate/);
  assert.equal((await live(ns)).metadata.resourceVersion, before.metadata.resourceVersion);

  const re = await suite.env.cli(['rotate', 'db', '-n', ns, '--generate', 'password', '--recreate', '--yes']);
  assert.equal(re.code, 0, re.stdout + re.stderr);
  assert.match(re.stderr, /immutable: it will be deleted and created again/);
  assert.match(re.stdout, /\(recreated\)/);
  const after = (await live(ns));
  assert.notEqual(after.metadata.uid, before.metadata.uid);
  assert.equal(after.immutable, true);
  assert.notEqual(unb64(after.data.password), old);
  assert.equal(unb64(after.data.user), kept);
  assert.equal(after.metadata.annotations[ROTATED_KEYS], 'password');
  assertNoValue(re, old, kept, unb64(after.data.password));
});

test('--exec gets each new value on stdin with KEY, SECRET_NAME and NAMESPACE before the write; if it fails nothing is written', async () => {
  const ns = await seed({password: canary(), token: canary()});
  const dir = suite.env.dir;
  const cmd = `cat > "${dir}/exec-$KEY"; printf '%s/%s' "$NAMESPACE" "$SECRET_NAME" > "${dir}/exec-$KEY.target"`;
  const r = await suite.env.cli(['rotate', 'db', '-n', ns, '--generate', 'password', '--generate', 'token', '--exec', cmd, '--yes']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const s = (await live(ns));
  for (const k of ['password', 'token']) {
    assert.equal(readFileSync(join(dir, `exec-${k}`), 'utf8'), unb64(s.data[k]), `${k}: the command saw the value that was written`);
    assert.equal(readFileSync(join(dir, `exec-${k}.target`), 'utf8'), `${ns}/db`);
  }
  assert.match(r.stderr, /running --exec for password/);
  assertNoValue(r, unb64(s.data.password), unb64(s.data.token));

  const rv = s.metadata.resourceVersion;
  const failing = await suite.env.cli(['rotate', 'db', '-n', ns, '--generate', 'password', '--exec', 'cat >/dev/null; exit 7', '--yes']);
  assert.equal(failing.code, 1, failing.stdout + failing.stderr);
  assert.match(failing.stderr, /--exec failed for key "password" \(exit code 7\); nothing was written/);
  assert.equal((await live(ns)).metadata.resourceVersion, rv);
});

test('after writing, the consumers restart and their rollouts are reported; --no-restart leaves them alone', async () => {
  const ns = await seed({password: canary()});
  await suite.env.kube.apply({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'api', namespace: ns}, spec: {replicas: 1, selector: {matchLabels: {app: 'api'}}, template: {
    metadata: {labels: {app: 'api'}}, spec: {containers: [{name: 'app', image: PAUSE, env: [{name: 'PW', valueFrom: {secretKeyRef: {name: 'db', key: 'password'}}}]}]},
  }}});
  const annotations = async () => (await suite.env.kube.get('apps/v1', 'Deployment', ns, 'api')).spec.template.metadata.annotations ?? {};
  const quiet = await suite.env.cli(['rotate', 'db', '-n', ns, '--generate', 'password', '--yes', '--no-restart']);
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.deepEqual(await annotations(), {});
  // A real rollout pulls an image and starts a pod: give it longer than the simulator needs.
  const r = await suite.env.cli(['rotate', 'db', '-n', ns, '--generate', 'password', '--yes', '--timeout', suite.env.real ? '180s' : '30s'], {timeoutMs: 240_000});
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const s = (await live(ns));
  assert.equal((await annotations())['kubectl-secret.dev/restarted-for.db'], secretVersion(s));
  assert.match(r.stdout, /deployment\.apps\/api restarted/);
  assert.match(r.stdout, /deployment "api" successfully rolled out/);
  assertNoValue(r, unb64(s.data.password));
});



const secretYaml = (values: Record<string, string>) => stringify({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'db', namespace: 'payments'}, stringData: values});

/** The lines of a sealed file that hold a key's ciphertext, by key. */
function encryptedLines(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let inData = false;
  for (const line of text.split('\n')) {
    if (/^ {2}encryptedData:/.test(line)) inData = true;
    else if (inData && /^ {4}\S/.test(line)) out.set(line.trim().split(':')[0], line);
    else if (inData && !/^ {5,}/.test(line)) inData = false;
  }
  return out;
}

for (const scheme of ['sealed-secrets', 'nacl'] as const) {
  test(`--sealed (${scheme}): the rotated keys are re-sealed to the new values, the other key's line is byte-identical, nothing goes to the cluster`, async () => {
    const cert = scheme === 'nacl' ? NACL_PUB : RSA_CERT;
    const [oldPw, user, lit] = [canary(), canary(), canary()];
    const sealed = await runCli(['seal', '--cert', cert], {input: secretYaml({password: oldPw, user, apikey: canary()})});
    assert.equal(sealed.code, 0, sealed.stderr);
    const file = join(suite.env.dir, `sealed-${scheme}.yaml`);
    writeFileSync(file, sealed.stdout);
    const before = readFileSync(file, 'utf8');
    const requests = suite.env.server?.requests.length ?? 0;

    const r = await runCli(['rotate', '--sealed', file, '--generate', 'password', '--from-literal', `apikey=${lit}`, '--cert', cert, '--yes', '--show-values'], {env: {KUBECONFIG: join(suite.env.dir, 'no-such-kubeconfig'), HOME: suite.env.dir}});
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stderr, /Rotate SealedSecret payments\/db in .*:\n {2}~ change apikey: new value from --from-literal\n {2}~ change password: new value generated/);
    assert.match(r.stdout, /Nothing was written to the cluster\. Commit the file: git add .* && git commit/);
    const generated = /^password=(.*)$/m.exec(r.stdout)?.[1];
    assert.match(generated ?? '', /^[A-Za-z0-9]{32}$/);
    assertNoValue(r, oldPw, user, lit);
    assert.equal(suite.env.server?.requests.length ?? 0, requests, 'no request to the cluster');

    const after = readFileSync(file, 'utf8');
    const [a, b] = [encryptedLines(before), encryptedLines(after)];
    assert.equal(b.get('user'), a.get('user'), 'the untouched key keeps its exact bytes');
    assert.notEqual(b.get('password'), a.get('password'));
    assert.equal(after.replace(b.get('password')!, '').replace(b.get('apikey')!, ''), before.replace(a.get('password')!, '').replace(a.get('apikey')!, ''), 'every other byte is unchanged');
    const data = parse(after).spec.encryptedData;
    if (scheme === 'nacl') {
      assert.deepEqual(await libsodiumOpen(data.password), ['payments/db', generated]);
      assert.deepEqual(await libsodiumOpen(data.apikey), ['payments/db', lit]);
      assert.deepEqual(await libsodiumOpen(data.user), ['payments/db', user]);
    } else {
      assert.equal(opensslOpen(data.password, 'payments/db'), generated);
      assert.equal(opensslOpen(data.apikey, 'payments/db'), lit);
      assert.equal(opensslOpen(data.user, 'payments/db'), user);
    }

    const missing = await runCli(['rotate', '--sealed', file, '--generate', 'nokey', '--cert', cert, '--yes']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /has no key "nokey"/);
    assert.equal(readFileSync(file, 'utf8'), after);
  });
}

test('--sealed without --cert seals with the key the cluster publishes (nacl), and the cluster\'s keys open the result', async () => {
  // On a real cluster the keys live in a namespace of this run, not in everyone's kube-system.
  const keys = suite.env.real ? ['--key-namespace', await suite.env.kube.namespace('rotate-keys')] : [];
  assert.equal((await suite.env.cli(['keys', 'init', ...keys])).code, 0);
  const user = canary();
  const sealed = await suite.env.cli(['seal', '--scheme', 'nacl', ...keys], {input: secretYaml({password: canary(), user})});
  assert.equal(sealed.code, 0, sealed.stderr);
  const file = join(suite.env.dir, 'cluster-nacl.yaml');
  writeFileSync(file, sealed.stdout);
  const liveBefore = await suite.env.kube.get('v1', 'Secret', 'payments', 'db');
  const r = await suite.env.cli(['rotate', 'db', '--sealed', file, '--generate', 'password', '--yes', '--show-values', ...keys]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const generated = /^password=(.*)$/m.exec(r.stdout)?.[1];
  const opened = await suite.env.cli(['unseal', file, ...keys]);
  assert.equal(opened.code, 0, opened.stderr);
  const data = parse(opened.stdout).data;
  assert.deepEqual([unb64(data.password), unb64(data.user)], [generated, user]);
  if (suite.env.server) assert.ok(!suite.env.server.requests.some((q) => q.method !== 'GET' && q.path.includes('/namespaces/payments/')), 'no write to the cluster');
  else assert.equal((await suite.env.kube.get('v1', 'Secret', 'payments', 'db'))?.metadata.resourceVersion, liveBefore?.metadata.resourceVersion, 'no write to the cluster');
});

// Writes that must not lose a Secret or change the external system first: each server-side
// refusal is found by a dry run (and, for --recreate, access reviews) before anything irreversible.
const ADMISSION_DENY = 'admission webhook "policy.example.com" denied the request: Secrets need a team label';

test('--exec: a write the server will refuse (an admission webhook) is found by a dry run before the command runs', async (t) => {
  const server = needsTestServer(t, suite.env);
  if (!server) return;
  const old = canary();
  const ns = await seed({password: old});
  const marker = join(suite.env.dir, `exec-ran-${ns}`);
  await withRule(server.fault({method: 'PUT', path: `/api/v1/namespaces/${ns}/secrets/db`, status: 400, message: ADMISSION_DENY}), async () => {
    const r = await suite.env.cli(['rotate', 'db', '-n', ns, '--generate', 'password', '--exec', `cat > "${marker}"`, '--yes', '--no-restart']);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stderr, /was not rotated: a dry run of the write failed/);
    assert.match(r.stderr, /denied the request: Secrets need a team label/);
    assert.throws(() => readFileSync(marker), 'the external system was not touched');
    assert.equal(unb64((await live(ns)).data.password), old);
    assert.ok(server.requests.some((q) => q.method === 'PUT' && q.path.endsWith(`/namespaces/${ns}/secrets/db`) && /dryRun=All/.test(q.query)), 'a dry run was sent');
    assertNoValue(r, old);
  });
});

test('--recreate: a create the server will refuse is found by a dry run before the delete; the Secret is never deleted', async (t) => {
  const server = needsTestServer(t, suite.env);
  if (!server) return;
  const old = canary();
  const ns = await seed({password: old}, {immutable: true});
  const before = await live(ns);
  await withRule(server.fault({method: 'POST', path: `/api/v1/namespaces/${ns}/secrets`, status: 403, message: ADMISSION_DENY}), async () => {
    const r = await suite.env.cli(['rotate', 'db', '-n', ns, '--generate', 'password', '--recreate', '--yes', '--no-restart']);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stderr, /was not rotated: a dry run of the write failed.*Secrets need a team label.*nothing was changed/);
    assert.equal((await live(ns)).metadata.uid, before.metadata.uid, 'still the same object');
    assert.ok(!server.requests.some((q) => q.method === 'DELETE' && q.path.endsWith(`/namespaces/${ns}/secrets/db`)), 'no delete was sent');
    assertNoValue(r, old);
  });
});

test('--recreate: without permission to create Secrets, nothing is deleted (SelfSubjectAccessReview first)', async (t) => {
  const server = needsTestServer(t, suite.env);
  if (!server) return;
  const ns = await seed({password: canary()}, {immutable: true});
  const before = await live(ns);
  await withRule(server.deny({verb: 'create', resource: 'secrets', namespace: ns}), async () => {
    const r = await suite.env.cli(['rotate', 'db', '-n', ns, '--generate', 'password', '--recreate', '--yes', '--no-restart']);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stderr, /you may not create Secrets in namespace ".*", which --recreate needs/);
    assert.equal((await live(ns)).metadata.uid, before.metadata.uid);
    assert.ok(server.requests.some((q) => q.path.endsWith('/selfsubjectaccessreviews')));
    assert.ok(!server.requests.some((q) => q.method === 'DELETE' && q.path.endsWith(`/namespaces/${ns}/secrets/db`)));
  });
});

test('--recreate: a create that still fails after the delete puts the old Secret back', async (t) => {
  const server = needsTestServer(t, suite.env);
  if (!server) return;
  const old = canary();
  const ns = await seed({password: old, user: 'app'}, {immutable: true});
  // Only the real create fails (the dry run passed): the server changed its mind in between.
  server.fault({method: 'POST', path: `/api/v1/namespaces/${ns}/secrets`, query: /^(?!.*dryRun)/, status: 500, times: 1});
  const r = await suite.env.cli(['rotate', 'db', '-n', ns, '--generate', 'password', '--recreate', '--yes', '--no-restart'], {env: {XDG_STATE_HOME: join(suite.env.dir, `state-${ns}`)}});
  assert.equal(r.code, 3, r.stdout + r.stderr);
  assert.match(r.stderr, /the old Secret was restored/);
  const s = await live(ns);
  assert.equal(unb64(s.data.password), old);
  assert.equal(s.immutable, true);
  assertNoValue(r, old);
});

test('--recreate: when the create and every restore fail, exit 3 names a 0600 backup file outside git that holds the old object; no value is printed', async (t) => {
  const server = needsTestServer(t, suite.env);
  if (!server) return;
  const old = canary();
  const ns = await seed({password: old}, {immutable: true});
  const state = join(suite.env.dir, `state-${ns}`);
  await withRule(server.fault({method: 'POST', path: `/api/v1/namespaces/${ns}/secrets`, query: /^(?!.*dryRun)/, status: 500}), async () => {
    const r = await suite.env.cli(['rotate', 'db', '-n', ns, '--generate', 'password', '--recreate', '--yes', '--no-restart'], {env: {XDG_STATE_HOME: state}});
    assert.equal(r.code, 3, r.stdout + r.stderr);
    const m = r.stderr.match(/the old object is saved in (\S+\.json)/);
    assert.ok(m, r.stderr);
    const file = m[1];
    assert.ok(file.startsWith(join(state, 'kubectl-secret') + '/'), file);
    const {statSync} = await import('node:fs');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(unb64(saved.data.password), old);
    assert.equal(saved.metadata.name, 'db');
    assert.equal(saved.metadata.resourceVersion, undefined, 'ready for kubectl create -f');
    assertNoValue(r, old);
  });
});

test('a Secret served with a name that is not a string is refused (exit 3); nothing is written', async (t) => {
  const server = needsTestServer(t, suite.env);
  if (!server) return;
  const ns = await seed({password: canary()});
  const path = `/api/v1/namespaces/${ns}/secrets/db`;
  server.fault({method: 'GET', path, body: {kind: 'Secret', apiVersion: 'v1', metadata: {name: {bad: 1}, namespace: ns, resourceVersion: '1'}, data: {password: b64('x')}}, times: 1});
  const r = await suite.env.cli(['rotate', 'db', '-n', ns, '--generate', 'password', '--yes', '--no-restart']);
  assert.equal(r.code, 3, r.stdout + r.stderr);
  assert.match(r.stderr, /malformed: metadata\.name is an object/);
  assert.ok(!server.requests.some((q) => q.method === 'PUT' && q.path.includes(`/namespaces/${ns}/`)));
});
