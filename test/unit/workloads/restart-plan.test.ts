import {test} from 'node:test';
import assert from 'node:assert/strict';
import {planWorkload, workloadId} from '../../../src/workloads/restart.js';
import {secretReferences} from '../../../src/workloads/consumers.js';
import {resultLine} from '../../../src/workloads/restart-render.js';
import type {KubeObject} from '../../../src/manifests/parse.js';

const spec = {containers: [{name: 'c', env: [{name: 'DB_PASSWORD', valueFrom: {secretKeyRef: {name: 'db', key: 'password'}}}]}]};
const workload = (kind: string, extra: any = {}, annotations?: Record<string, string>): KubeObject =>
  ({apiVersion: kind === 'CronJob' ? 'batch/v1' : kind === 'Pod' ? 'v1' : 'apps/v1', kind, metadata: {name: 'w', namespace: 'ns'},
    spec: kind === 'Pod' ? spec : kind === 'CronJob' ? {jobTemplate: {spec: {template: {spec}}}} : {...extra, template: {metadata: {annotations}, spec}}});
const plan = (w: KubeObject, o = {}) => planWorkload(w, secretReferences(w), 'db', 'uid-1/7', o);

test('a workload not yet restarted for the Secret is restarted, with why', () => {
  const p = plan(workload('Deployment'));
  assert.equal(p.action, 'restart');
  assert.match(p.reason, /not restarted for this Secret yet; uses env DB_PASSWORD ← key password in c/);
});

test('one already carrying the current uid/resourceVersion is skipped, unless --force', () => {
  const rolledOut = {observedGeneration: 1, replicas: 1, readyReplicas: 1, updatedReplicas: 1, currentRevision: 'r1', updateRevision: 'r1'};
  const w = {...workload('StatefulSet', {replicas: 1}, {'kubectl-secret.dev/restarted-for.db': 'uid-1/7'}), status: rolledOut};
  w.metadata!.generation = 1;
  assert.deepEqual(plan(w), {action: 'up-to-date', reason: 'already running the current version'});
  // Annotated for this version by a run that timed out, its rollout still going: waited for, not patched.
  const rolling = {...w, status: {...rolledOut, updatedReplicas: 0, updateRevision: 'r2'}};
  assert.deepEqual(plan(rolling), {action: 'up-to-date', inProgress: true, reason: 'already restarted for the current version; its rollout is still in progress, waiting'});
  assert.equal(plan(w, {force: true}).action, 'restart');
  assert.match(plan(workload('DaemonSet', {}, {'kubectl-secret.dev/restarted-for.db': 'uid-1/6'})).reason, /older version/);
});

test('a paused Deployment is reported, not restarted, even with --force', () => {
  assert.equal(plan(workload('Deployment', {paused: true}), {force: true}).action, 'paused');
});

test('CronJobs pick up the value on their next run; bare Pods only restart by deletion', () => {
  assert.deepEqual(plan(workload('CronJob')), {action: 'next-run', reason: 'picks up the new value on its next run'});
  assert.equal(plan(workload('Pod')).reason, 'delete to restart (or pass --delete-pods)');
  assert.equal(plan(workload('Pod'), {deletePods: true}).action, 'delete-pod');
});

test('results read like kubectl: kind.group/name', () => {
  assert.equal(workloadId({kind: 'Deployment', apiVersion: 'apps/v1', name: 'api'}), 'deployment.apps/api');
  assert.equal(workloadId({kind: 'Pod', apiVersion: 'v1', name: 'debug'}), 'pod/debug');
  const r = {kind: 'CronJob', apiVersion: 'batch/v1', name: 'nightly', namespace: 'ns', applied: false, references: [], action: 'next-run' as const, reason: 'picks up the new value on its next run'};
  assert.equal(resultLine(r, false), 'cronjob.batch/nightly: picks up the new value on its next run');
  assert.equal(resultLine({...r, kind: 'Deployment', apiVersion: 'apps/v1', action: 'up-to-date', reason: 'already running the current version'}, false), 'deployment.apps/nightly skipped: already running the current version');
});

const podOf = (name: string): KubeObject => ({apiVersion: 'v1', kind: 'Pod', metadata: {name, namespace: 'ns', ownerReferences: [{kind: 'StatefulSet', name: 'w', uid: 'u', controller: true}]}});

test('an OnDelete StatefulSet or DaemonSet is not restarted by a patch: its pods are named for deletion', () => {
  for (const kind of ['StatefulSet', 'DaemonSet']) {
    const w = workload(kind, {updateStrategy: {type: 'OnDelete'}});
    const p = planWorkload(w, secretReferences(w), 'db', 'uid-1/7', {}, [podOf('w-1'), podOf('w-0'), podOf('w-10')]);
    assert.equal(p.action, 'delete-pods');
    assert.deepEqual(p.pods, ['w-0', 'w-1', 'w-10']);
    assert.match(p.reason, /updateStrategy OnDelete: its pods are replaced only when deleted: delete pod w-0, pod w-1, pod w-10 to restart \(or pass --delete-pods\)/);
    const forced = planWorkload(w, secretReferences(w), 'db', 'uid-1/7', {deletePods: true}, [podOf('w-0')]);
    assert.equal(forced.action, 'restart');
    assert.deepEqual(forced.pods, ['w-0']);
  }
});

test('a partitioned StatefulSet names only the pods below the partition; a partition of 0 rolls as usual', () => {
  const w = workload('StatefulSet', {replicas: 4, updateStrategy: {type: 'RollingUpdate', rollingUpdate: {partition: 2}}});
  const pods = ['w-0', 'w-1', 'w-2', 'w-3'].map(podOf);
  const p = planWorkload(w, secretReferences(w), 'db', 'uid-1/7', {}, pods);
  assert.equal(p.action, 'delete-pods');
  assert.deepEqual(p.pods, ['w-0', 'w-1']);
  const rolling = workload('StatefulSet', {updateStrategy: {type: 'RollingUpdate', rollingUpdate: {partition: 0}}});
  assert.equal(planWorkload(rolling, secretReferences(rolling), 'db', 'uid-1/7', {}, pods).action, 'restart');
  assert.equal(planWorkload(rolling, secretReferences(rolling), 'db', 'uid-1/7', {}, pods).pods, undefined);
});
