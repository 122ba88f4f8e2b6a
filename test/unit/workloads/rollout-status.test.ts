// The cases of kubectl's staging/src/k8s.io/kubectl/pkg/polymorphichelpers/rollout_status_test.go,
// with kubectl's messages (minus the trailing newline).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {rolloutStatus} from '../../../src/workloads/rollout-status.js';

const deployment = (generation: number, specReplicas: number, status: any, conditions?: any[]) =>
  ({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {namespace: 'bar', name: 'foo', generation}, spec: {replicas: specReplicas}, status: {...status, conditions}});

const DEPLOYMENT_CASES = [
  {generation: 0, specReplicas: 1, status: {observedGeneration: 1, replicas: 1, updatedReplicas: 0, availableReplicas: 1, unavailableReplicas: 0}, msg: 'Waiting for deployment "foo" rollout to finish: 0 out of 1 new replicas have been updated...', done: false},
  {generation: 1, specReplicas: 1, status: {observedGeneration: 1, replicas: 2, updatedReplicas: 1, availableReplicas: 2, unavailableReplicas: 0}, msg: 'Waiting for deployment "foo" rollout to finish: 1 old replicas are pending termination...', done: false},
  {generation: 1, specReplicas: 2, status: {observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 1, unavailableReplicas: 1}, msg: 'Waiting for deployment "foo" rollout to finish: 1 of 2 updated replicas are available...', done: false},
  {generation: 1, specReplicas: 2, status: {observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2, unavailableReplicas: 0}, msg: 'deployment "foo" successfully rolled out', done: true},
  {generation: 2, specReplicas: 2, status: {observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2, unavailableReplicas: 0}, msg: 'Waiting for deployment spec update to be observed...', done: false},
];

DEPLOYMENT_CASES.forEach((c, i) => {
  test(`deployment status, kubectl case test${i + 1}: ${c.msg}`, () => {
    const s = rolloutStatus(deployment(c.generation, c.specReplicas, c.status));
    assert.deepEqual(s, {done: c.done, message: c.msg});
  });
});

test('a deployment whose Progressing condition says ProgressDeadlineExceeded has failed', () => {
  const s = rolloutStatus(deployment(1, 2, {observedGeneration: 1, replicas: 2, updatedReplicas: 1, availableReplicas: 1},
    [{type: 'Available', status: 'True'}, {type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded'}]));
  assert.deepEqual(s, {done: false, failed: true, message: 'deployment "foo" exceeded its progress deadline'});
});

test('the progress deadline is only read once the spec update is observed', () => {
  const s = rolloutStatus(deployment(2, 2, {observedGeneration: 1}, [{type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded'}]));
  assert.equal(s.failed, undefined);
  assert.equal(s.message, 'Waiting for deployment spec update to be observed...');
});

const daemonSet = (generation: number, status: any, type = 'RollingUpdate') =>
  ({apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: {namespace: 'bar', name: 'foo', generation}, spec: {updateStrategy: {type}}, status});

const DAEMONSET_CASES = [
  {generation: 0, status: {observedGeneration: 1, updatedNumberScheduled: 0, desiredNumberScheduled: 1, numberAvailable: 0}, msg: 'Waiting for daemon set "foo" rollout to finish: 0 out of 1 new pods have been updated...', done: false},
  {generation: 1, status: {observedGeneration: 1, updatedNumberScheduled: 2, desiredNumberScheduled: 2, numberAvailable: 1}, msg: 'Waiting for daemon set "foo" rollout to finish: 1 of 2 updated pods are available...', done: false},
  {generation: 1, status: {observedGeneration: 1, updatedNumberScheduled: 2, desiredNumberScheduled: 2, numberAvailable: 2}, msg: 'daemon set "foo" successfully rolled out', done: true},
  {generation: 2, status: {observedGeneration: 1, updatedNumberScheduled: 2, desiredNumberScheduled: 2, numberAvailable: 2}, msg: 'Waiting for daemon set spec update to be observed...', done: false},
];

DAEMONSET_CASES.forEach((c, i) => {
  test(`daemon set status, kubectl case test${i + 1}: ${c.msg}`, () => {
    assert.deepEqual(rolloutStatus(daemonSet(c.generation, c.status)), {done: c.done, message: c.msg});
  });
});

test('a daemon set with the OnDelete strategy cannot be followed (kubectl: an error)', () => {
  assert.deepEqual(rolloutStatus(daemonSet(1, {}, 'OnDelete')), {done: false, failed: true, message: 'rollout status is only available for RollingUpdate strategy type'});
});

const statefulSet = (generation: number, strategy: any, status: any) =>
  ({apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: {namespace: 'default', name: 'foo', generation}, spec: {replicas: 3, updateStrategy: strategy}, status});

const STATEFULSET_CASES = [
  {name: 'on delete returns an error', generation: 1, strategy: {type: 'OnDelete'}, status: {observedGeneration: 1, replicas: 0, readyReplicas: 1, currentReplicas: 0, updatedReplicas: 0},
    want: {done: false, failed: true, message: 'rollout status is only available for RollingUpdate strategy type'}},
  {name: 'unobserved update is not complete', generation: 2, strategy: {type: 'RollingUpdate'}, status: {observedGeneration: 1, replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 0},
    want: {done: false, message: 'Waiting for statefulset spec update to be observed...'}},
  {name: 'if all pods are not ready the update is not complete', generation: 1, strategy: {type: 'RollingUpdate'}, status: {observedGeneration: 2, replicas: 3, readyReplicas: 2, currentReplicas: 3, updatedReplicas: 0},
    want: {done: false, message: 'Waiting for 1 pods to be ready...'}},
  {name: 'partition update completes when all replicas above the partition are updated', generation: 1, strategy: {type: 'RollingUpdate', rollingUpdate: {partition: 2}},
    status: {observedGeneration: 2, replicas: 3, readyReplicas: 3, currentReplicas: 2, updatedReplicas: 1},
    want: {done: true, message: 'partitioned roll out complete: 1 new pods have been updated...'}},
  {name: 'partition update is in progress if all pods above the partition have not been updated', generation: 1, strategy: {type: 'RollingUpdate', rollingUpdate: {partition: 2}},
    status: {observedGeneration: 2, replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 0},
    want: {done: false, message: 'Waiting for partitioned roll out to finish: 0 out of 1 new pods have been updated...'}},
  {name: 'update completes when all replicas are current', generation: 1, strategy: {type: 'RollingUpdate'},
    status: {observedGeneration: 2, replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3, currentRevision: 'foo', updateRevision: 'foo'},
    want: {done: true, message: 'statefulset rolling update complete 3 pods at revision foo...'}},
  {name: 'update is in progress while the update revision differs from the current one', generation: 1, strategy: {type: 'RollingUpdate'},
    status: {observedGeneration: 1, replicas: 3, readyReplicas: 3, currentReplicas: 2, updatedReplicas: 1, currentRevision: 'foo-1', updateRevision: 'foo-2'},
    want: {done: false, message: 'waiting for statefulset rolling update to complete 1 pods at revision foo-2...'}},
];

for (const c of STATEFULSET_CASES) {
  test(`statefulset status: ${c.name}`, () => {
    assert.deepEqual(rolloutStatus(statefulSet(c.generation, c.strategy, c.status)), c.want);
  });
}

test('an absent update strategy is the API default, RollingUpdate', () => {
  assert.equal(rolloutStatus({kind: 'DaemonSet', metadata: {name: 'foo', generation: 1}, spec: {}, status: {observedGeneration: 1, desiredNumberScheduled: 1, updatedNumberScheduled: 1, numberAvailable: 1}}).done, true);
});
