// who-can on real third-party RBAC (../shared/fixtures/rbac-real, answers from its README):
// wildcards, resourceNames, List kinds, namespace-less RoleBindings, split files.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {join} from 'node:path';
import {loadManifests} from '../../../src/kube/object-source.js';
import type {KubeObject} from '../../../src/manifests/parse.js';
import type {WhoCanReport} from '../../../src/rbac/who-can.js';
import {REPO_ROOT} from '../../helpers/cli.js';
import {lines, roleBinding, run} from './objects.js';

const FIXTURES = join(REPO_ROOT, '..', 'shared', 'fixtures');
const REAL = join(FIXTURES, 'rbac-real');
const BOOTSTRAP = join(FIXTURES, 'kubernetes-bootstrap-rbac');

// Parsing the large install manifests dominates: parse each file once per default namespace.
const parsed = new Map<string, KubeObject[]>();
function objectsOf(files: string[], namespace: string): KubeObject[] {
  return files.flatMap((f) => {
    const key = `${namespace}:${f}`;
    if (!parsed.has(key)) parsed.set(key, loadManifests([f === 'bootstrap' ? BOOTSTRAP : join(REAL, f)], false, namespace).map((o) => o.object));
    return parsed.get(key)!;
  });
}

async function analyse(secretName: string, namespace: string, files: string[], directOnly = false): Promise<WhoCanReport> {
  return run(objectsOf(files, namespace), {secretName, namespace, directOnly});
}

const rwx = (subject: string, ...accesses: string[]) => accesses.map((a) => `${subject} ${a}`);

test('Argo CD installed with -n argocd: namespace-less Roles and ServiceAccount subjects land in argocd', async () => {
  const r = await analyse('argocd-secret', 'argocd', ['argo-cd-install.yaml'], true);
  assert.deepEqual(lines(r.direct), [
    ...rwx('ServiceAccount:argocd/argocd-application-controller', 'get', 'list', 'watch'),
    ...rwx('ServiceAccount:argocd/argocd-applicationset-controller', 'get', 'list', 'watch'),
    ...rwx('ServiceAccount:argocd/argocd-dex-server', 'get', 'list', 'watch'),
    // list/watch on all Secrets, get only on argocd-notifications-secret.
    ...rwx('ServiceAccount:argocd/argocd-notifications-controller', 'list', 'watch'),
    // ClusterRole argocd-server: */* delete,get,patch; Role argocd-server: secrets CRUD + list/watch.
    ...rwx('ServiceAccount:argocd/argocd-server', 'get', 'list', 'watch'),
  ]);
  const server = r.direct.find((x) => x.subject.name === 'argocd-server' && x.access === 'get')!;
  assert.deepEqual(server.via.map((v) => `${v.binding.kind} ${v.role.kind}/${v.role.name}`).sort(), ['ClusterRoleBinding ClusterRole/argocd-server', 'RoleBinding Role/argocd-server']);
});

test('Argo CD: get restricted by resourceNames reads only the named Secret', async () => {
  const notifications = await analyse('argocd-notifications-secret', 'argocd', ['argo-cd-install.yaml'], true);
  assert.deepEqual(lines(notifications.direct).filter((l) => l.includes('notifications')), rwx('ServiceAccount:argocd/argocd-notifications-controller', 'get (name-restricted)', 'list', 'watch'));
  const redis = await analyse('argocd-redis', 'argocd', ['argo-cd-install.yaml'], true);
  assert.deepEqual(lines(redis.direct).filter((l) => l.includes('argocd-redis')), ['ServiceAccount:argocd/argocd-redis get (name-restricted)']);
});

test('Argo CD: the */* wildcard ClusterRole makes argocd-application-controller a holder of every path; the Secret is held by four workloads', async () => {
  const r = await analyse('argocd-redis', 'argocd', ['argo-cd-install.yaml']);
  assert.deepEqual(r.holders.map((h) => `${h.kind}/${h.name} as ${h.serviceAccount.name}`), [
    'Deployment/argocd-redis as argocd-redis',
    'Deployment/argocd-repo-server as argocd-repo-server',
    'Deployment/argocd-server as argocd-server',
    'StatefulSet/argocd-application-controller as argocd-application-controller',
  ]);
  const controller = new Set(r.indirect.filter((x) => x.subject.name === 'argocd-application-controller').map((x) => x.access));
  for (const a of ['create pods', 'create pods/exec', 'get nodes/proxy', 'impersonate users', 'bind clusterroles + create clusterrolebindings', 'approve certificatesigningrequests']) assert.ok(controller.has(a), a);
  // argocd-server's */* get reaches exec over GET (servers before 1.35), not create.
  const server = new Set(r.indirect.filter((x) => x.subject.name === 'argocd-server').map((x) => x.access));
  assert.ok(server.has('get pods/exec') && !server.has('create pods/exec'));
});

test('cert-manager: controllers read Secrets everywhere; the webhook only its CA Secret, by name', async () => {
  const ca = await analyse('cert-manager-webhook-ca', 'cert-manager', ['cert-manager.yaml'], true);
  assert.deepEqual(lines(ca.direct), [
    ...rwx('ServiceAccount:cert-manager/cert-manager', 'get', 'list', 'watch'),
    ...rwx('ServiceAccount:cert-manager/cert-manager-cainjector', 'get', 'list', 'watch'),
    ...rwx('ServiceAccount:cert-manager/cert-manager-webhook', 'get (name-restricted)', 'list (name-restricted)', 'watch (name-restricted)'),
  ]);
  const other = await analyse('app-tls', 'default', ['cert-manager.yaml'], true);
  assert.deepEqual(lines(other.direct), [...rwx('ServiceAccount:cert-manager/cert-manager', 'get', 'list', 'watch'), ...rwx('ServiceAccount:cert-manager/cert-manager-cainjector', 'get', 'list', 'watch')]);
});

test('ingress-nginx: list/watch everywhere without get; get only in its own namespace', async () => {
  const own = await analyse('ingress-nginx-admission', 'ingress-nginx', ['ingress-nginx-cloud-deploy.yaml']);
  assert.deepEqual(lines(own.direct), [...rwx('ServiceAccount:ingress-nginx/ingress-nginx', 'get', 'list', 'watch'), 'ServiceAccount:ingress-nginx/ingress-nginx-admission get']);
  assert.deepEqual(own.holders.map((h) => `${h.kind}/${h.name} as ${h.serviceAccount.namespace}/${h.serviceAccount.name}`), ['Deployment/ingress-nginx-controller as ingress-nginx/ingress-nginx']);
  assert.deepEqual(lines(own.indirect), ['ServiceAccount:ingress-nginx/ingress-nginx-admission update validatingwebhookconfigurations']);
  const elsewhere = await analyse('x', 'default', ['ingress-nginx-cloud-deploy.yaml'], true);
  assert.deepEqual(lines(elsewhere.direct), rwx('ServiceAccount:ingress-nginx/ingress-nginx', 'list', 'watch'));
});

test('kube-state-metrics reads every Secret by listing, never by get; prometheus-operator with verbs * does all three', async () => {
  const r = await analyse('x', 'default', ['kube-state-metrics-cluster-role.yaml', 'kube-state-metrics-cluster-role-binding.yaml', 'kube-prometheus-prometheusOperator-clusterRole.yaml', 'kube-prometheus-prometheusOperator-clusterRoleBinding.yaml'], true);
  assert.deepEqual(lines(r.direct), [...rwx('ServiceAccount:kube-system/kube-state-metrics', 'list', 'watch'), ...rwx('ServiceAccount:monitoring/prometheus-operator', 'get', 'list', 'watch')]);
});

test('sealed-secrets: the unsealer reads Secrets everywhere; system:authenticated gets only the service proxy', async () => {
  const r = await analyse('x', 'kube-system', ['sealed-secrets-controller.yaml']);
  assert.deepEqual(lines(r.direct), rwx('ServiceAccount:kube-system/sealed-secrets-controller', 'get', 'list'));
  assert.ok(!r.direct.concat(r.indirect).some((x) => x.subject.name === 'system:authenticated'));
});

test('Flux: cluster-reconciler is dangling without the bootstrap policy and grants cluster-admin with it', async () => {
  const alone = await analyse('x', 'default', ['fluxcd-rbac-reconciler.yaml', 'fluxcd-rbac-controller.yaml'], true);
  assert.deepEqual(alone.dangling, [{binding: {kind: 'ClusterRoleBinding', name: 'cluster-reconciler'}, roleRef: {kind: 'ClusterRole', name: 'cluster-admin'}}]);
  const crdController = ['helm-controller', 'image-automation-controller', 'image-reflector-controller', 'kustomize-controller', 'notification-controller', 'source-controller', 'source-watcher'];
  assert.deepEqual(lines(alone.direct), crdController.flatMap((sa) => rwx(`ServiceAccount:flux-system/${sa}`, 'get', 'list', 'watch')));
  const withBootstrap = await analyse('x', 'default', ['fluxcd-rbac-reconciler.yaml', 'fluxcd-rbac-controller.yaml', 'bootstrap']);
  assert.deepEqual(withBootstrap.dangling, []);
  const kustomize = withBootstrap.direct.find((x) => x.subject.name === 'kustomize-controller' && x.access === 'get')!;
  assert.deepEqual(kustomize.via.map((v) => v.binding.name).sort(), ['cluster-reconciler', 'crd-controller']);
  // cluster-admin is */*/*: every indirect path is open to it.
  assert.ok(withBootstrap.indirect.some((x) => x.subject.name === 'kustomize-controller' && x.access === 'escalate clusterroles + create clusterrolebindings'));
});

test('negative controls: metrics-server, kube-prometheus Role/RoleBinding Lists and Flux aggregation roles grant no Secret access', async () => {
  const files = ['metrics-server-rbac.yaml', 'kube-prometheus-prometheus-roleBindingSpecificNamespaces.yaml', 'kube-prometheus-prometheus-roleSpecificNamespaces.yaml', 'fluxcd-rbac-edit.yaml', 'fluxcd-rbac-view.yaml'];
  for (const ns of ['default', 'kube-system', 'monitoring']) {
    const r = await analyse('x', ns, files);
    assert.deepEqual(lines(r.direct), [], ns);
    assert.deepEqual(lines(r.indirect), [], ns);
  }
  // Flux's and metrics-server's roles aggregate into the bootstrap view/edit/admin; view still reads no Secret.
  const objects = objectsOf([...files, 'bootstrap'], 'default');
  const viewer = run([...objects, roleBinding('default', 'viewers', {kind: 'ClusterRole', name: 'view'}, 'User:alice')], {namespace: 'default'});
  assert.deepEqual(lines(viewer.direct).filter((l) => l.startsWith('User:alice')), []);
  const editor = run([...objects, roleBinding('default', 'editors', {kind: 'ClusterRole', name: 'edit'}, 'User:alice')], {namespace: 'default'});
  assert.deepEqual(lines(editor.direct).filter((l) => l.startsWith('User:alice')), rwx('User:alice', 'get', 'list', 'watch'));
});
