// `scan --history --check-live` for `kubectl create secret docker-registry … --docker-password=…`:
// kubectl wraps the password in `.dockerconfigjson` (`auths.SERVER.password`, and base64 of
// `user:password` in `auth`), so the leaked password is looked for there in the live Secret —
// and in the older `.dockercfg` — against the test server over HTTPS, as a user runs it.
import {test, after, before} from 'node:test';
import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {e2eEnv, type E2EEnv} from '../helpers/cluster.js';
import {GIT_ENV, tempRepo} from '../helpers/git-repo.js';

const CANARY = `CANARY-${Math.random().toString(36).slice(2, 12).padEnd(10, '0')}`;
const outputs: string[] = [];
const b64 = (s: string) => Buffer.from(s).toString('base64');

let env: E2EEnv;
before(async () => {
  env = await e2eEnv({testServerOnly: true});
});
after(async () => env?.close());

/** The Secret real kubectl makes of the command (the oracle for where the password goes). */
function kubectlMakes(args: string[]): Promise<{data: Record<string, string>; type: string}> {
  return new Promise((resolve, reject) =>
    execFile('kubectl', ['create', 'secret', 'docker-registry', ...args, '--dry-run=client', '-o', 'json'], {env: {...process.env, KUBECONFIG: env.kubeconfig}}, (err, stdout) => (err ? reject(err) : resolve(JSON.parse(stdout)))),
  );
}

test('--check-live finds a leaked --docker-password inside the live .dockerconfigjson, and says when it was rotated', async (t) => {
  const ns = await env.kube.namespace('docker-live');
  const r = tempRepo(t, 'ks-docker-live-');
  r.write(
    'setup.sh',
    [
      `kubectl -n ${ns} create secret docker-registry regcred --docker-server=ghcr.io --docker-username=bot --docker-password=${CANARY}-live`,
      `kubectl -n ${ns} create secret docker-registry old --docker-server=ghcr.io --docker-username=bot --docker-password=${CANARY}-old`,
      `kubectl -n ${ns} create secret docker-registry authonly --docker-username=bot --docker-password=${CANARY}-auth`,
      `kubectl -n ${ns} create secret docker-registry legacy --docker-password=${CANARY}-cfg`,
      `kubectl -n ${ns} create secret docker-registry gone --docker-password=${CANARY}-gone`,
      '',
    ].join('\n'),
  );
  r.commit('setup');
  // What kubectl itself makes of the first command is what the cluster holds.
  const made = await kubectlMakes(['regcred', '-n', ns, '--docker-server=ghcr.io', '--docker-username=bot', `--docker-password=${CANARY}-live`]);
  assert.equal(made.type, 'kubernetes.io/dockerconfigjson');
  await env.kube.apply({apiVersion: 'v1', kind: 'Secret', type: made.type, metadata: {name: 'regcred', namespace: ns}, data: made.data});
  const rotated = await kubectlMakes(['old', '-n', ns, '--docker-server=ghcr.io', '--docker-username=bot', '--docker-password=rotated-since']);
  await env.kube.apply({apiVersion: 'v1', kind: 'Secret', type: rotated.type, metadata: {name: 'old', namespace: ns}, data: rotated.data});
  // A config written by hand with only `auth`, and the older .dockercfg format.
  await env.kube.apply({apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/dockerconfigjson', metadata: {name: 'authonly', namespace: ns}, data: {'.dockerconfigjson': b64(JSON.stringify({auths: {'https://index.docker.io/v1/': {auth: b64(`bot:${CANARY}-auth`)}}}))}});
  await env.kube.apply({apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/dockercfg', metadata: {name: 'legacy', namespace: ns}, data: {'.dockercfg': b64(JSON.stringify({'registry.example.com': {username: 'u', password: `${CANARY}-cfg`}}))}});

  const res = await env.cli(['scan', '--history', '--check-live', '--format', 'json'], {cwd: r.dir, env: GIT_ENV});
  outputs.push(res.stdout, res.stderr);
  assert.equal(res.code, 1, res.stderr);
  const live = JSON.parse(res.stdout).findings.flatMap((f: any) => f.live ?? []);
  assert.deepEqual(live.map((l: any) => `${l.name}/${l.key}=${l.status}`).sort(), [
    'authonly/.dockerconfigjson=still live',
    'gone/.dockerconfigjson=secret gone',
    'legacy/.dockercfg=still live',
    'old/.dockerconfigjson=rotated since',
    'regcred/.dockerconfigjson=still live',
  ]);
  // The way out: a new password is set at the registry, so a new config is written, not generated.
  const regcred = live.find((l: any) => l.name === 'regcred');
  assert.equal(regcred.command, `kubectl secret rotate regcred -n ${ns} --from-file .dockerconfigjson=NEW_CONFIG.json`);
  const text = await env.cli(['scan', '--history', '--check-live'], {cwd: r.dir, env: GIT_ENV});
  outputs.push(text.stdout, text.stderr);
  assert.match(text.stdout, /still live; rotate now: kubectl secret rotate regcred/);
});

test('the canary value never appears in any output', () => {
  assert.ok(outputs.length >= 4);
  for (const o of outputs) assert.ok(!o.includes(CANARY), 'canary leaked');
});
