// Follows several rollouts at once until each is done, failed or out of time, reporting every
// change of kubectl's status message. Polls with a GET per workload (a few per second at
// first, then once a second): cheap, and immune to watch streams that servers close early.
import type {Cluster} from '../kube/cluster.js';
import {resourceFor} from '../kube/resources.js';
import type {KubeObject} from '../manifests/parse.js';
import {rolloutStatus, type RolloutStatus} from './rollout-status.js';

export interface WorkloadRef {
  kind: string;
  name: string;
  namespace: string;
}

export interface RolloutResult {
  workload: WorkloadRef;
  state: 'done' | 'failed' | 'timeout' | 'error';
  message: string;
}

export interface WaitOptions {
  timeoutMs: number;
  /** First poll interval; it grows to maxPollMs while nothing changes. */
  pollMs?: number;
  maxPollMs?: number;
  signal?: AbortSignal;
}

export async function waitForRollouts(cluster: Cluster, workloads: WorkloadRef[], opts: WaitOptions, onProgress: (w: WorkloadRef, s: RolloutStatus) => void = () => {}): Promise<RolloutResult[]> {
  return Promise.all(workloads.map((w) => waitForOne(cluster, w, opts, onProgress)));
}

async function waitForOne(cluster: Cluster, w: WorkloadRef, opts: WaitOptions, onProgress: (w: WorkloadRef, s: RolloutStatus) => void): Promise<RolloutResult> {
  const deadline = Date.now() + opts.timeoutMs;
  const maxPoll = opts.maxPollMs ?? 1000;
  let interval = opts.pollMs ?? 200;
  let last: RolloutStatus | undefined;
  for (;;) {
    let obj: KubeObject | undefined;
    try {
      obj = await cluster.get(resourceFor(w.kind), w.name, w.namespace);
    } catch (error) {
      // The REST client already retried transient failures; what is left will not heal by waiting.
      return {workload: w, state: 'error', message: (error as Error).message};
    }
    if (!obj) return {workload: w, state: 'error', message: `${w.kind.toLowerCase()} "${w.name}" was deleted while waiting`};
    const s = rolloutStatus(obj);
    if (s.message !== last?.message) {
      onProgress(w, s);
      interval = opts.pollMs ?? 200;
    } else interval = Math.min(maxPoll, Math.round(interval * 1.5));
    last = s;
    if (s.failed) return {workload: w, state: 'failed', message: s.message};
    if (s.done) return {workload: w, state: 'done', message: s.message};
    const left = deadline - Date.now();
    if (left <= 0 || opts.signal?.aborted) return {workload: w, state: 'timeout', message: s.message};
    await sleep(Math.min(interval, left), opts.signal);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, {once: true});
  });
}
