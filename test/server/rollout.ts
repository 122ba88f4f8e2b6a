// A rollout simulator standing in for the deployment, statefulset and daemonset controllers.
// After a spec change it walks status through three steps, rolloutStepMs apart, producing the
// fields that kubectl's rollout status viewers read (k8s.io/kubectl/pkg/polymorphichelpers/
// rollout_status.go): observedGeneration first, then updated/ready/available counts, and the
// Deployment conditions the deployment controller sets (pkg/controller/deployment/util).
import {createHash} from 'node:crypto';

export type RolloutMode = 'stall' | 'fail';
export const ROLLOUT_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

/** Nodes a DaemonSet schedules onto in the simulated cluster. */
const NODES = 2;
const LAST_STEP = 3;

const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

export function templateHash(obj: any): string {
  const h = createHash('sha256').update(JSON.stringify(obj?.spec?.template ?? {})).digest('hex');
  // The alphabet pod-template-hash uses (no vowels, so it never spells words).
  const alpha = 'bcdfghjklmnpqrstvwxz2456789';
  let out = '';
  for (let i = 0; i < 10; i++) out += alpha[parseInt(h.slice(i * 2, i * 2 + 2), 16) % alpha.length];
  return out;
}

function condition(type: string, status: string, reason: string, message: string, previous: any[] | undefined): object {
  const old = previous?.find((c) => c.type === type);
  const t = now();
  return {type, status, lastUpdateTime: t, lastTransitionTime: old && old.status === status ? old.lastTransitionTime ?? t : t, reason, message};
}

/** Status of `obj` at `step` (1..3) of a rollout; `previous` is the status before the rollout began. */
export function statusAt(kind: string, obj: any, step: number, mode: RolloutMode | undefined, previous: any): any {
  const gen = obj.metadata?.generation ?? 1;
  const prev = previous ?? {};
  const name = obj.metadata?.name;
  const hash = templateHash(obj);
  const clamp = (n: number, max: number): number => Math.max(0, Math.min(n, max));
  if (kind === 'Deployment') {
    const desired = obj.spec?.replicas ?? 1;
    const rs = `${name}-${hash}`;
    const conds = prev.conditions as any[] | undefined;
    const oldAvailable = clamp(prev.availableReplicas ?? 0, desired);
    if (obj.spec?.paused) {
      return {...prev, observedGeneration: gen, conditions: [
        condition('Available', oldAvailable >= desired ? 'True' : 'False', oldAvailable >= desired ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable', oldAvailable >= desired ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.', conds),
        condition('Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused', conds),
      ]};
    }
    let updated: number; let replicas: number; let available: number;
    if (step >= LAST_STEP) [updated, replicas, available] = [desired, desired, desired];
    else if (step === 2) [updated, replicas, available] = [desired, desired + (desired > 0 ? 1 : 0), clamp(desired - 1, desired)];
    else [updated, replicas, available] = [Math.floor(desired / 2), desired, clamp(Math.min(oldAvailable, desired - Math.floor(desired / 2)), desired)];
    const done = step >= LAST_STEP;
    const progressing = mode === 'fail' && step >= 2
      ? condition('Progressing', 'False', 'ProgressDeadlineExceeded', `ReplicaSet "${rs}" has timed out progressing.`, conds)
      : done ? condition('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${rs}" has successfully progressed.`, conds)
        : condition('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${rs}" is progressing.`, conds);
    const minAvailable = available >= desired - 1 || desired <= 1 ? available > 0 || desired === 0 : false;
    const s: any = {
      observedGeneration: gen, replicas, updatedReplicas: updated, readyReplicas: available, availableReplicas: available,
      conditions: [
        condition('Available', minAvailable ? 'True' : 'False', minAvailable ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable', minAvailable ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.', conds),
        progressing,
      ],
    };
    if (replicas - available > 0) s.unavailableReplicas = replicas - available;
    for (const k of ['readyReplicas', 'availableReplicas', 'updatedReplicas', 'replicas'] as const) if (s[k] === 0) delete s[k];
    return s;
  }
  if (kind === 'StatefulSet') {
    const desired = obj.spec?.replicas ?? 1;
    const rev = `${name}-${hash}`;
    const current = prev.currentRevision ?? rev;
    const done = step >= LAST_STEP;
    const updated = done || step === 2 ? desired : Math.min(1, desired);
    const ready = done ? desired : clamp(desired - 1, desired);
    const s: any = {
      observedGeneration: gen, replicas: desired, readyReplicas: ready, availableReplicas: ready, currentReplicas: done ? desired : desired - updated,
      updatedReplicas: updated, currentRevision: done ? rev : current === rev && step < LAST_STEP ? `${name}-0000000000` : current, updateRevision: rev, collisionCount: 0,
    };
    for (const k of ['readyReplicas', 'availableReplicas', 'updatedReplicas', 'currentReplicas'] as const) if (s[k] === 0) delete s[k];
    return s;
  }
  // DaemonSet
  const done = step >= LAST_STEP;
  const updated = done ? NODES : step === 2 ? NODES - 1 : 0;
  const available = done ? NODES : NODES - 1;
  const s: any = {
    observedGeneration: gen, currentNumberScheduled: NODES, desiredNumberScheduled: NODES, numberMisscheduled: 0, numberReady: available,
    numberAvailable: available, updatedNumberScheduled: updated,
  };
  if (NODES - available > 0) s.numberUnavailable = NODES - available;
  return s;
}

/** The steady state a workload reaches when its rollout completes (used for preloaded objects). */
export function settledStatus(kind: string, obj: any): any {
  return statusAt(kind, obj, LAST_STEP, undefined, undefined);
}

export type StatusWriter = (kind: string, namespace: string, name: string, generation: number, status: any) => boolean;

export class Rollouts {
  private readonly modes = new Map<string, RolloutMode>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly stepMs: number, private readonly write: StatusWriter, private readonly lookup: (kind: string, ns: string, name: string) => any) {}

  private key(kind: string, ns: string, name: string): string {
    return `${kind}/${ns}/${name}`;
  }

  setMode(kind: string, ns: string, name: string, mode: RolloutMode | undefined): void {
    const k = this.key(kind, ns, name);
    if (mode) this.modes.set(k, mode);
    else this.modes.delete(k);
  }

  mode(kind: string, ns: string, name: string): RolloutMode | undefined {
    return this.modes.get(this.key(kind, ns, name));
  }

  /** Starts (or restarts) the simulated rollout of the stored object. */
  start(kind: string, obj: any): void {
    if (this.closed || !ROLLOUT_KINDS.has(kind)) return;
    const ns = obj.metadata.namespace;
    const name = obj.metadata.name;
    const k = this.key(kind, ns, name);
    clearTimeout(this.timers.get(k));
    const generation = obj.metadata.generation ?? 1;
    const before = obj.status;
    const step = (n: number): void => {
      this.timers.delete(k);
      const cur = this.lookup(kind, ns, name);
      if (!cur || (cur.metadata.generation ?? 1) !== generation) return;
      const mode = this.modes.get(k);
      const status = statusAt(kind, cur, n, mode, before);
      this.write(kind, ns, name, generation, status);
      const stop = n >= LAST_STEP || cur.spec?.paused || (mode === 'stall' && n >= 1) || (mode === 'fail' && n >= 2);
      if (!stop && !this.closed) this.timers.set(k, setTimeout(() => step(n + 1), this.stepMs));
    };
    this.timers.set(k, setTimeout(() => step(1), this.stepMs));
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
