import {test} from 'node:test';
import assert from 'node:assert/strict';
import {controllerManifests, crd, CRD_NAME} from '../../../src/controller/manifests.js';
import {nextStatus} from '../../../src/controller/conditions.js';
import {keyPair, sealed} from './fixtures.js';

const objs = controllerManifests({image: 'example.com/kubectl-secret:1.2.3', namespace: 'sealing', keyNamespace: 'keys'});
const byKind = (kind: string) => objs.filter((o) => o.kind === kind);

/** Paths of fields a structural schema would prune (the API server drops unknown fields of a CR). */
function pruned(value: any, schema: any, path: string): string[] {
  if (schema['x-kubernetes-preserve-unknown-fields']) return [];
  if (Array.isArray(value)) return schema.items ? value.flatMap((v, i) => pruned(v, schema.items, `${path}[${i}]`)) : [];
  if (value === null || typeof value !== 'object') return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    const sub = schema.properties?.[k] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
    if (!sub) out.push(`${path}.${k}`);
    else if (!(path === '' && k === 'metadata')) out.push(...pruned(v, sub, `${path}.${k}`));
  }
  return out;
}

test('the CRD serves v1alpha1 with the status subresource and Synced and Age columns', () => {
  const c = crd();
  assert.equal(c.metadata!.name, CRD_NAME);
  assert.equal(c.metadata!.name, 'sealedsecrets.kubectl-secret.dev');
  const v = c.spec.versions[0];
  assert.deepEqual([v.name, v.served, v.storage], ['v1alpha1', true, true]);
  assert.deepEqual(v.subresources, {status: {}});
  const cols = v.additionalPrinterColumns.filter((x: any) => !x.priority).map((x: any) => x.name);
  assert.deepEqual(cols, ['Synced', 'Age']);
});

test('the CRD schema keeps every field a sealed object and its status carry (nothing is pruned)', () => {
  const schema = crd().spec.versions[0].schema.openAPIV3Schema;
  const obj = sealed(keyPair(), {name: 'db', namespace: 'payments', values: {a: '1', b: '2'}, labels: {app: 'x'}, annotations: {team: 'y'}, type: 'kubernetes.io/basic-auth', immutable: true});
  obj.spec.template.data = {plain: 'config'};
  obj.status = nextStatus(obj, {ok: false, reason: 'Tampered', message: 'm'}, Date.now());
  assert.deepEqual(pruned(obj, schema, ''), []);
  assert.deepEqual(pruned({spec: {encryptedData: {}, extra: 1}}, schema, ''), ['.spec.extra'], 'the check itself finds unknown fields');
});

test('RBAC is least privilege: exactly the verbs the controller uses, and no Role repeating what the ClusterRole grants', () => {
  const [cr] = byKind('ClusterRole');
  assert.deepEqual(cr.rules, [
    {apiGroups: ['kubectl-secret.dev'], resources: ['sealedsecrets'], verbs: ['get', 'list', 'watch']},
    {apiGroups: ['kubectl-secret.dev'], resources: ['sealedsecrets/status'], verbs: ['update']},
    {apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch', 'create', 'update', 'delete']},
    {apiGroups: [''], resources: ['events'], verbs: ['create', 'patch']},
  ]);
  const roles = byKind('Role');
  // The ClusterRole reads Secrets everywhere, the key namespace included: a keys Role would duplicate it.
  assert.deepEqual(roles.map((r) => `${r.metadata!.namespace}/${r.metadata!.name}`), ['sealing/kubectl-secret-controller-leader-election']);
  assert.ok(!roles.some((r) => r.rules.some((x: any) => x.resources.includes('secrets'))));
  const lease = roles.find((r) => r.metadata!.namespace === 'sealing')!;
  assert.ok(lease.rules.every((r: any) => r.apiGroups[0] === 'coordination.k8s.io' && r.resources[0] === 'leases'));
  assert.ok(lease.rules.some((r: any) => r.resourceNames?.includes('kubectl-secret-controller') && r.verbs.includes('update')));
  for (const b of [...byKind('RoleBinding'), ...byKind('ClusterRoleBinding')]) {
    assert.deepEqual(b.subjects, [{kind: 'ServiceAccount', name: 'kubectl-secret-controller', namespace: 'sealing'}]);
  }
  assert.ok(!JSON.stringify(objs).includes('"*"'), 'no wildcards anywhere');
});

test('the Deployment runs non-root with a read-only root file system and no capabilities', () => {
  const [d] = byKind('Deployment');
  const pod = d.spec.template.spec;
  const c = pod.containers[0];
  assert.equal(c.image, 'example.com/kubectl-secret:1.2.3');
  assert.equal(pod.serviceAccountName, 'kubectl-secret-controller');
  assert.equal(pod.securityContext.runAsNonRoot, true);
  assert.ok(pod.securityContext.runAsUser > 0);
  assert.equal(c.securityContext.readOnlyRootFilesystem, true);
  assert.equal(c.securityContext.allowPrivilegeEscalation, false);
  assert.deepEqual(c.securityContext.capabilities, {drop: ['ALL']});
  assert.deepEqual(c.args, ['controller', 'run', '--key-namespace', 'keys', '--lease-namespace', 'sealing', '--listen', ':8080']);
  assert.equal(c.livenessProbe.httpGet.path, '/healthz');
  assert.deepEqual(d.spec.selector.matchLabels, {'app.kubernetes.io/name': 'kubectl-secret-controller'});
  for (const [k, v] of Object.entries(d.spec.selector.matchLabels)) assert.equal(d.spec.template.metadata.labels[k], v);
});

test('a Namespace object only for a namespace that is not built in', () => {
  assert.deepEqual(byKind('Namespace').map((n) => n.metadata!.name), ['sealing']);
  assert.equal(controllerManifests({image: 'x'}).filter((o) => o.kind === 'Namespace').length, 0);
  assert.equal(controllerManifests({image: 'x'}).find((o) => o.kind === 'Deployment')!.metadata!.namespace, 'kube-system');
});
