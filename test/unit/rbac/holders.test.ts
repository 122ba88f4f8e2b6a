import {test} from 'node:test';
import assert from 'node:assert/strict';
import type {KubeObject} from '../../../src/manifests/parse.js';
import {defaultConsumers, findHolders} from '../../../src/rbac/holders.js';
import {run} from './objects.js';

const podSpec = (spec: object) => ({containers: [{name: 'c'}], ...spec});
const withSpec = (kind: string, name: string, spec: object, ns = 'ns1'): KubeObject => {
  const apiVersion = kind === 'Pod' ? 'v1' : ['Job', 'CronJob'].includes(kind) ? 'batch/v1' : 'apps/v1';
  const template = {spec: podSpec(spec)};
  const body = kind === 'Pod' ? {spec: podSpec(spec)} : kind === 'CronJob' ? {spec: {jobTemplate: {spec: {template}}}} : {spec: {template}};
  return {apiVersion, kind, metadata: {name, namespace: ns}, ...body};
};

test('every way a pod spec references a Secret is found, in every workload kind', () => {
  const objects = [
    withSpec('Pod', 'env', {containers: [{name: 'c', env: [{name: 'P', valueFrom: {secretKeyRef: {name: 'db-creds', key: 'password'}}}]}]}),
    withSpec('Deployment', 'envfrom', {initContainers: [{name: 'i', envFrom: [{secretRef: {name: 'db-creds'}}]}]}),
    withSpec('StatefulSet', 'volume', {volumes: [{name: 'v', secret: {secretName: 'db-creds'}}]}),
    withSpec('DaemonSet', 'projected', {volumes: [{name: 'v', projected: {sources: [{configMap: {name: 'x'}}, {secret: {name: 'db-creds'}}]}}]}),
    withSpec('Job', 'pull', {imagePullSecrets: [{name: 'db-creds'}]}),
    withSpec('CronJob', 'cron', {serviceAccountName: 'batch', volumes: [{name: 'v', secret: {secretName: 'db-creds'}}]}),
    withSpec('ReplicaSet', 'rs', {containers: [{name: 'c', envFrom: [{secretRef: {name: 'db-creds'}}]}]}),
    withSpec('Deployment', 'other-secret', {volumes: [{name: 'v', secret: {secretName: 'unrelated'}}]}),
    withSpec('Deployment', 'configmap-same-name', {volumes: [{name: 'v', configMap: {name: 'db-creds'}}]}),
    withSpec('Deployment', 'other-namespace', {volumes: [{name: 'v', secret: {secretName: 'db-creds'}}]}, 'ns2'),
  ];
  assert.deepEqual(findHolders('db-creds', 'ns1', objects).map((h) => `${h.kind}/${h.name} ${h.serviceAccount.namespace}/${h.serviceAccount.name}`), [
    'CronJob/cron ns1/batch',
    'DaemonSet/projected ns1/default',
    'Deployment/envfrom ns1/default',
    'Job/pull ns1/default',
    'Pod/env ns1/default',
    'ReplicaSet/rs ns1/default',
    'StatefulSet/volume ns1/default',
  ]);
});

test('the consumers finder is a parameter, and who-can reports what it returns', () => {
  const objects = [withSpec('Deployment', 'api', {})];
  const seen: string[] = [];
  const holders = findHolders('db-creds', 'ns1', objects, (secret, ns, objs) => {
    seen.push(`${secret} ${ns} ${objs.length}`);
    return [{kind: 'Deployment', name: 'api', namespace: 'ns1', serviceAccountName: 'api-sa'}];
  });
  assert.deepEqual(seen, ['db-creds ns1 1']);
  assert.deepEqual(holders, [{kind: 'Deployment', name: 'api', namespace: 'ns1', serviceAccount: {name: 'api-sa', namespace: 'ns1'}}]);
  assert.deepEqual(run(objects, {consumers: () => [{kind: 'Pod', name: 'p', namespace: 'ns1'}]}).holders, [{kind: 'Pod', name: 'p', namespace: 'ns1', serviceAccount: {name: 'default', namespace: 'ns1'}}]);
  assert.deepEqual(defaultConsumers('db-creds', 'ns1', objects), []);
});
