// When is a rollout finished? Ported from kubectl's
// staging/src/k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go (DeploymentStatusViewer,
// DaemonSetStatusViewer, StatefulSetStatusViewer), so `restart --wait` and
// `kubectl rollout status` agree. Messages are kubectl's, without the trailing newline.
// Where kubectl returns an error we return failed: true with that error's text.
import type {KubeObject} from '../manifests/parse.js';

export interface RolloutStatus {
  done: boolean;
  /** The rollout cannot finish by waiting (progress deadline exceeded, or not a rolling update). */
  failed?: boolean;
  message: string;
}

/** Kubernetes' deploymentutil.TimedOutReason. */
export const TIMED_OUT_REASON = 'ProgressDeadlineExceeded';

export function rolloutStatus(obj: KubeObject): RolloutStatus {
  switch (obj.kind) {
    case 'Deployment':
      return deploymentStatus(obj);
    case 'DaemonSet':
      return daemonSetStatus(obj);
    case 'StatefulSet':
      return statefulSetStatus(obj);
    default:
      return {done: false, failed: true, message: `no status viewer has been implemented for ${obj.kind}`};
  }
}

const n = (v: unknown): number => (typeof v === 'number' ? v : 0);

function deploymentStatus(d: KubeObject): RolloutStatus {
  const name = d.metadata?.name;
  const status = d.status ?? {};
  const replicas: number | undefined = d.spec?.replicas;
  if (n(d.metadata?.generation) <= n(status.observedGeneration)) {
    const cond = (status.conditions ?? []).find((c: {type?: string}) => c.type === 'Progressing');
    if (cond?.reason === TIMED_OUT_REASON) return {done: false, failed: true, message: `deployment "${name}" exceeded its progress deadline`};
    if (replicas !== undefined && replicas !== null && n(status.updatedReplicas) < replicas) {
      return {done: false, message: `Waiting for deployment "${name}" rollout to finish: ${n(status.updatedReplicas)} out of ${replicas} new replicas have been updated...`};
    }
    if (n(status.replicas) > n(status.updatedReplicas)) {
      return {done: false, message: `Waiting for deployment "${name}" rollout to finish: ${n(status.replicas) - n(status.updatedReplicas)} old replicas are pending termination...`};
    }
    if (n(status.availableReplicas) < n(status.updatedReplicas)) {
      return {done: false, message: `Waiting for deployment "${name}" rollout to finish: ${n(status.availableReplicas)} of ${n(status.updatedReplicas)} updated replicas are available...`};
    }
    return {done: true, message: `deployment "${name}" successfully rolled out`};
  }
  return {done: false, message: 'Waiting for deployment spec update to be observed...'};
}

// An absent strategy type is the API server's default, RollingUpdate (manifests and some test
// servers leave it out; kubectl always sees the defaulted object).
const isRolling = (o: KubeObject): boolean => (o.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';

function daemonSetStatus(ds: KubeObject): RolloutStatus {
  const name = ds.metadata?.name;
  const status = ds.status ?? {};
  if (!isRolling(ds)) return {done: false, failed: true, message: 'rollout status is only available for RollingUpdate strategy type'};
  if (n(ds.metadata?.generation) <= n(status.observedGeneration)) {
    if (n(status.updatedNumberScheduled) < n(status.desiredNumberScheduled)) {
      return {done: false, message: `Waiting for daemon set "${name}" rollout to finish: ${n(status.updatedNumberScheduled)} out of ${n(status.desiredNumberScheduled)} new pods have been updated...`};
    }
    if (n(status.numberAvailable) < n(status.desiredNumberScheduled)) {
      return {done: false, message: `Waiting for daemon set "${name}" rollout to finish: ${n(status.numberAvailable)} of ${n(status.desiredNumberScheduled)} updated pods are available...`};
    }
    return {done: true, message: `daemon set "${name}" successfully rolled out`};
  }
  return {done: false, message: 'Waiting for daemon set spec update to be observed...'};
}

function statefulSetStatus(sts: KubeObject): RolloutStatus {
  const status = sts.status ?? {};
  const replicas: number | undefined = sts.spec?.replicas ?? undefined;
  if (!isRolling(sts)) return {done: false, failed: true, message: 'rollout status is only available for RollingUpdate strategy type'};
  if (n(status.observedGeneration) === 0 || n(sts.metadata?.generation) > n(status.observedGeneration)) {
    return {done: false, message: 'Waiting for statefulset spec update to be observed...'};
  }
  if (replicas !== undefined && n(status.readyReplicas) < replicas) {
    return {done: false, message: `Waiting for ${replicas - n(status.readyReplicas)} pods to be ready...`};
  }
  const rollingUpdate = sts.spec?.updateStrategy?.rollingUpdate;
  if (rollingUpdate) {
    const partition: number | undefined = rollingUpdate.partition ?? undefined;
    if (replicas !== undefined && partition !== undefined && n(status.updatedReplicas) < replicas - partition) {
      return {done: false, message: `Waiting for partitioned roll out to finish: ${n(status.updatedReplicas)} out of ${replicas - partition} new pods have been updated...`};
    }
    return {done: true, message: `partitioned roll out complete: ${n(status.updatedReplicas)} new pods have been updated...`};
  }
  if (status.updateRevision !== status.currentRevision) {
    return {done: false, message: `waiting for statefulset rolling update to complete ${n(status.updatedReplicas)} pods at revision ${status.updateRevision}...`};
  }
  return {done: true, message: `statefulset rolling update complete ${n(status.currentReplicas)} pods at revision ${status.currentRevision}...`};
}
