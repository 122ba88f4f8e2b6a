import {test} from 'node:test';
import assert from 'node:assert/strict';
import {findConsumers, findSealedSecretOwner, secretReferences, isEnvReference} from '../../../src/workloads/consumers.js';
import {consumerJson, describeHow} from '../../../src/workloads/render.js';
import type {KubeObject} from '../../../src/manifests/parse.js';

const deployment = (name: string, podSpec: any, extra: Partial<KubeObject> = {}): KubeObject => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name, namespace: 'ns', ...extra.metadata}, spec: {template: {spec: podSpec}},
});
const pod = (name: string, spec: any, ownerReferences?: any[]): KubeObject => ({apiVersion: 'v1', kind: 'Pod', metadata: {name, namespace: 'ns', ownerReferences}, spec});
const sa = (name: string, pull: string[]): KubeObject => ({apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name, namespace: 'ns'}, imagePullSecrets: pull.map((n) => ({name: n}))});

test('env, envFrom, volume and projected references in init, regular and ephemeral containers', () => {
  const w = deployment('api', {
    initContainers: [{name: 'init', env: [{name: 'A', valueFrom: {secretKeyRef: {name: 's', key: 'a'}}}]}],
    containers: [{name: 'main', envFrom: [{secretRef: {name: 's', optional: true}, prefix: 'S_'}], volumeMounts: [{name: 'both', mountPath: '/both'}]}],
    ephemeralContainers: [{name: 'debug', env: [{name: 'B', valueFrom: {secretKeyRef: {name: 's', key: 'b'}}}], volumeMounts: [{name: 'both', mountPath: '/dbg'}]}],
    volumes: [{name: 'both', projected: {sources: [{serviceAccountToken: {path: 't'}}, {secret: {name: 's'}}, {configMap: {name: 's'}}]}}],
  });
  const refs = secretReferences(w).map((r) => `${r.via} ${r.containerKind}:${r.container} ${r.key ?? r.mountPath ?? r.prefix} ${r.optional}`);
  assert.deepEqual(refs, [
    'env initContainer:init a false',
    'envFrom container:main S_ true',
    'env ephemeralContainer:debug b false',
    'projected container:main /both false',
    'projected ephemeralContainer:debug /dbg false',
  ]);
});

test('a secret volume no container mounts is still a pod-level reference', () => {
  const refs = secretReferences(deployment('api', {containers: [{name: 'c'}], volumes: [{name: 'v', secret: {secretName: 's'}}]}));
  assert.deepEqual(refs.map((r) => [r.via, r.container, r.mountPath, r.volume]), [['volume', undefined, undefined, 'v']]);
  assert.equal(describeHow(refs[0]), 'volume v (not mounted)');
});

test('a Secret named in args or command is not a reference', () => {
  const w = deployment('job', {containers: [{name: 'c', command: ['sh', '-c', 'cat /s'], args: ['--secret-name=s', 's']}]});
  assert.deepEqual(findConsumers('s', 'ns', {workloads: [w], serviceAccounts: []}), []);
});

test("the ServiceAccount's imagePullSecrets count, through serviceAccountName or default", () => {
  const own = deployment('own', {serviceAccountName: 'builder', containers: [{name: 'c'}]});
  const dflt = deployment('dflt', {containers: [{name: 'c'}]});
  const refs = findConsumers('regcred', 'ns', {workloads: [own, dflt], serviceAccounts: [sa('builder', ['regcred']), sa('default', ['regcred'])]});
  assert.deepEqual(refs.map((r) => `${r.name} ${r.via} ${r.serviceAccount}`), ['own serviceAccountImagePullSecret builder', 'dflt serviceAccountImagePullSecret default']);
  assert.equal(describeHow(refs[0]), 'imagePullSecret of ServiceAccount builder');
});

test("a pod listing its own imagePullSecrets does not get the ServiceAccount's (admission copies them only into pods with none)", () => {
  const w = deployment('api', {imagePullSecrets: [{name: 'mine'}], containers: [{name: 'c'}]});
  assert.deepEqual(findConsumers('regcred', 'ns', {workloads: [w], serviceAccounts: [sa('default', ['regcred'])]}), []);
  assert.equal(findConsumers('mine', 'ns', {workloads: [w], serviceAccounts: []})[0].via, 'imagePullSecret');
});

test('objects managed by another workload are left to their owner; bare ones are reported', () => {
  const spec = {containers: [{name: 'c', envFrom: [{secretRef: {name: 's'}}]}]};
  const owned = (kind: string, name: string, apiVersion: string, template: any, owner: string): KubeObject =>
    ({apiVersion, kind, metadata: {name, namespace: 'ns', ownerReferences: [{kind: owner, name: 'x', controller: true}]}, spec: template});
  const objects = [
    owned('ReplicaSet', 'rs-of-deploy', 'apps/v1', {template: {spec}}, 'Deployment'),
    owned('Job', 'job-of-cron', 'batch/v1', {template: {spec}}, 'CronJob'),
    pod('pod-of-rs', spec, [{kind: 'ReplicaSet', name: 'x', controller: true}]),
    {apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: {name: 'bare-rs', namespace: 'ns'}, spec: {template: {spec}}},
    {apiVersion: 'v1', kind: 'ReplicationController', metadata: {name: 'bare-rc', namespace: 'ns'}, spec: {template: {spec}}},
    {apiVersion: 'batch/v1', kind: 'Job', metadata: {name: 'bare-job', namespace: 'ns'}, spec: {template: {spec}}},
    {apiVersion: 'batch/v1', kind: 'CronJob', metadata: {name: 'cron', namespace: 'ns'}, spec: {jobTemplate: {spec: {template: {spec}}}}},
    pod('bare-pod', spec),
    {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'cm', namespace: 'ns'}, data: {s: 's'}},
  ];
  assert.deepEqual(findConsumers('s', 'ns', {workloads: objects, serviceAccounts: []}).map((r) => `${r.kind}/${r.name}`),
    ['ReplicaSet/bare-rs', 'ReplicationController/bare-rc', 'Job/bare-job', 'CronJob/cron', 'Pod/bare-pod']);
});

test('env references are the ones whose value never changes until restart', () => {
  assert.equal(isEnvReference({via: 'env'}), true);
  assert.equal(isEnvReference({via: 'envFrom'}), true);
  assert.equal(isEnvReference({via: 'volume'}), false);
});

test('-o json entries carry exactly the documented fields', () => {
  const [env] = secretReferences(deployment('api', {containers: [{name: 'c', env: [{name: 'DB_PASSWORD', valueFrom: {secretKeyRef: {name: 's', key: 'password'}}}]}]}));
  assert.deepEqual(consumerJson(env), {kind: 'Deployment', name: 'api', namespace: 'ns', container: 'c', via: 'env', key: 'password', optional: false});
  assert.equal(describeHow(env), 'env DB_PASSWORD ← key password');
  const [pull] = secretReferences(deployment('api', {imagePullSecrets: [{name: 's'}], containers: [{name: 'c'}]}));
  assert.deepEqual(consumerJson(pull), {kind: 'Deployment', name: 'api', namespace: 'ns', via: 'imagePullSecret', optional: false});
  const [vol] = secretReferences(deployment('api', {containers: [{name: 'c', volumeMounts: [{name: 'certs', mountPath: '/etc/tls'}]}], volumes: [{name: 'certs', secret: {secretName: 's', optional: true}}]}));
  assert.deepEqual(consumerJson(vol), {kind: 'Deployment', name: 'api', namespace: 'ns', container: 'c', via: 'volume', mountPath: '/etc/tls', optional: true});
  assert.equal(describeHow(vol), 'volume certs at /etc/tls');
});

test('the owning SealedSecret: from ownerReferences in either scheme, else by the same name', () => {
  const secret = (apiVersion: string): KubeObject => ({kind: 'Secret', metadata: {name: 's', namespace: 'ns', ownerReferences: [{apiVersion, kind: 'SealedSecret', name: 'sealed-s', controller: true}]}});
  assert.deepEqual(findSealedSecretOwner('s', 'ns', {secret: secret('bitnami.com/v1alpha1'), sealedSecrets: []}), {apiVersion: 'bitnami.com/v1alpha1', name: 'sealed-s', namespace: 'ns', by: 'ownerReference'});
  assert.equal(findSealedSecretOwner('s', 'ns', {secret: secret('kubectl-secret.dev/v1alpha1'), sealedSecrets: []})?.apiVersion, 'kubectl-secret.dev/v1alpha1');
  const ss = (apiVersion: string, namespace = 'ns'): KubeObject => ({apiVersion, kind: 'SealedSecret', metadata: {name: 's', namespace}});
  assert.equal(findSealedSecretOwner('s', 'ns', {sealedSecrets: [ss('kubectl-secret.dev/v1alpha1')]})?.by, 'sameName');
  assert.equal(findSealedSecretOwner('s', 'ns', {sealedSecrets: [ss('bitnami.com/v1alpha1', 'other')]}), undefined);
  assert.equal(findSealedSecretOwner('s', 'ns', {sealedSecrets: [ss('example.com/v1')]}), undefined);
});
