// Restarts exactly the workloads that consume a Secret, once per version of that Secret.
// Deployments, StatefulSets and DaemonSets get kubectl rollout restart's patch plus our
// restarted-for annotation (restart-patch.ts); a workload already carrying the Secret's current
// `<uid>/<resourceVersion>` is skipped. CronJobs and Jobs pick the value up on their next run;
// bare Pods only restart by deletion. `rotate` reuses this with the same options.
import {ClusterError, InputError} from '../errors.js';
import type {Cluster} from '../kube/cluster.js';
import {liveSource} from '../kube/object-source.js';
import {resourceFor} from '../kube/resources.js';
import type {KubeObject} from '../manifests/parse.js';
import {findConsumers, type ConsumerRef} from './consumers.js';
import {describeHow, loadConsumerInputs} from './consumers-report.js';
import {parseLabelSelector} from './label-selector.js';
import {currentRestartedFor, restartPatch, secretVersion} from './restart-patch.js';
import {rolloutStatus, type RolloutStatus} from './rollout-status.js';
import {waitForRollouts, type WorkloadRef} from './rollout-wait.js';

export {restartedForAnnotation, restartPatch, secretVersion, rfc3339, RESTARTED_AT, RESTARTED_FOR_PREFIX} from './restart-patch.js';
export type {WorkloadRef} from './rollout-wait.js';

export interface RestartOptions {
  /** Print what would happen and why; change nothing. */
  dryRun?: boolean;
  /** Restart even workloads already running the Secret's current version. */
  force?: boolean;
  /** Label selector on the workloads (kubectl -l syntax). */
  selector?: string;
  /** Patches in flight at once. Default 4. */
  concurrency?: number;
  /** Delete bare Pods that consume the Secret (nothing else restarts them). */
  deletePods?: boolean;
  /** Follow each rollout until complete, as `kubectl rollout status` does. Default true. */
  wait?: boolean;
  /** Per-rollout limit when waiting. Default 5 minutes. */
  timeoutMs?: number;
  /** First poll interval while waiting (tests shorten it). */
  pollMs?: number;
  now?: () => Date;
}

export type Action =
  | 'restart' // rolled (or, with dryRun, would be)
  | 'up-to-date' // already running the Secret's current version
  | 'paused' // a paused Deployment: not touched
  | 'forbidden' // the patch or delete was refused (403)
  | 'error' // any other failure of the patch or delete
  | 'next-run' // CronJob/Job: the next run reads the new value
  | 'delete-pod' // bare Pod: deleted with --delete-pods, else only reported
  | 'manual'; // ReplicaSet/ReplicationController without an owner: delete its pods

export interface WorkloadResult extends WorkloadRef {
  apiVersion: string;
  action: Action;
  /** True when we changed the cluster for this workload (patched or deleted). */
  applied: boolean;
  /** Why, in words: the references, the annotation state, or the error. */
  reason: string;
  references: ConsumerRef[];
  /** Set after waiting. */
  rollout?: {state: 'done' | 'failed' | 'timeout' | 'error'; message: string};
  /** Up to date, but the rollout of the current version is still in progress: waited for, not patched. */
  inProgress?: boolean;
}

export type RestartEvent =
  | {type: 'warning'; message: string}
  | {type: 'result'; result: WorkloadResult}
  | {type: 'waiting'; workloads: WorkloadResult[]; timeoutMs: number}
  | {type: 'progress'; workload: WorkloadRef; status: RolloutStatus}
  | {type: 'rollout'; result: WorkloadResult};

export interface RestartReport {
  secret: {name: string; namespace: string; version: string};
  dryRun: boolean;
  results: WorkloadResult[];
  /** What did not end as asked: refused, failed, paused, rollout failed or timed out. */
  incomplete: WorkloadResult[];
}

const ROLLABLE = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);
const DEFAULT_TIMEOUT_MS = 5 * 60_000;

/** kubectl's way of naming an object: `deployment.apps/api`, `pod/debug`. */
export function workloadId(w: {kind: string; apiVersion?: string; name: string}): string {
  const group = w.apiVersion?.includes('/') ? w.apiVersion.split('/')[0] : '';
  return `${w.kind.toLowerCase()}${group ? '.' + group : ''}/${w.name}`;
}

/** What to do with one consuming workload (pure; no cluster). */
export function planWorkload(workload: KubeObject, refs: ConsumerRef[], secretName: string, version: string, opts: Pick<RestartOptions, 'force' | 'deletePods'>): Pick<WorkloadResult, 'action' | 'reason' | 'inProgress'> {
  const uses = [...new Set(refs.map((r) => (r.container ? `${describeHow(r)} in ${r.container}` : describeHow(r))))].join('; ');
  const kind = workload.kind ?? '';
  if (ROLLABLE.has(kind)) {
    if (kind === 'Deployment' && workload.spec?.paused) return {action: 'paused', reason: 'paused: not touched (run `kubectl rollout resume` first, then restart again)'};
    const current = currentRestartedFor(workload, secretName);
    if (current === version && !opts.force) {
      // Restarted for this version by an earlier run that may have timed out: its pods are not
      // all on the new template until the rollout completes, so this run waits for it.
      if (rolloutInProgress(workload)) return {action: 'up-to-date', inProgress: true, reason: 'already restarted for the current version; its rollout is still in progress, waiting'};
      return {action: 'up-to-date', reason: 'already running the current version'};
    }
    const why = current === version ? 'already running the current version; --force' : current ? 'restarted for an older version of the Secret' : 'not restarted for this Secret yet';
    return {action: 'restart', reason: `${why}; uses ${uses}`};
  }
  if (kind === 'CronJob' || kind === 'Job') return {action: 'next-run', reason: 'picks up the new value on its next run'};
  if (kind === 'Pod') return {action: 'delete-pod', reason: opts.deletePods ? `bare pod; uses ${uses}` : 'delete to restart (or pass --delete-pods)'};
  return {action: 'manual', reason: `not restartable in place: delete its pods to restart (uses ${uses})`};
}

/** A rolling update not yet complete (OnDelete workloads never roll: not in progress). */
function rolloutInProgress(workload: KubeObject): boolean {
  if (workload.spec?.updateStrategy?.type === 'OnDelete') return false;
  const s = rolloutStatus(workload);
  return !s.done;
}

export async function restartConsumers(cluster: Cluster, secretName: string, namespace: string, opts: RestartOptions = {}, onEvent: (e: RestartEvent) => void = () => {}): Promise<RestartReport> {
  const matches = opts.selector !== undefined ? parseLabelSelector(opts.selector) : () => true;
  const concurrency = opts.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new InputError(`invalid --concurrency ${concurrency}`, 'pass a whole number of at least 1');

  const secret = await cluster.get(resourceFor('Secret'), secretName, namespace);
  if (!secret) throw new InputError(`secret "${secretName}" not found in namespace "${namespace}"`, 'check the name and the namespace (-n)');
  const version = secretVersion(secret);

  const source = liveSource(cluster, {tolerateForbidden: true});
  const inputs = await loadConsumerInputs(source, namespace);
  for (const w of source.warnings) onEvent({type: 'warning', message: w});
  const refs = findConsumers(secretName, namespace, inputs);
  const byId = new Map<string, {obj: KubeObject; refs: ConsumerRef[]}>();
  for (const r of refs) {
    const id = `${r.kind}/${r.name}`;
    if (!byId.has(id)) byId.set(id, {obj: inputs.workloads.find((w) => w.kind === r.kind && w.metadata?.name === r.name && w.metadata?.namespace === namespace)!, refs: []});
    byId.get(id)!.refs.push(r);
  }

  const results: WorkloadResult[] = [];
  for (const {obj, refs: wrefs} of byId.values()) {
    if (!matches(obj.metadata?.labels)) continue;
    results.push({kind: obj.kind!, apiVersion: obj.apiVersion ?? '', name: obj.metadata!.name!, namespace, applied: false, references: wrefs, ...planWorkload(obj, wrefs, secretName, version, opts)});
  }

  const now = opts.now ?? (() => new Date());
  await pool(results, concurrency, async (r) => {
    if (!opts.dryRun) {
      if (r.action === 'restart') await apply(r, () => patchTemplate(cluster, r, restartPatch(secretName, version, now())));
      if (r.action === 'delete-pod' && opts.deletePods) await apply(r, () => cluster.delete(resourceFor('Pod'), r.name, namespace));
    }
    onEvent({type: 'result', result: r});
  });

  const toWait = results.filter((r) => (r.applied || (r.inProgress && !opts.dryRun)) && ROLLABLE.has(r.kind));
  if ((opts.wait ?? true) && toWait.length > 0) {
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    onEvent({type: 'waiting', workloads: toWait, timeoutMs});
    const outcomes = await waitForRollouts(cluster, toWait, {timeoutMs, pollMs: opts.pollMs}, (workload, status) => onEvent({type: 'progress', workload, status}));
    outcomes.forEach((o, i) => {
      toWait[i].rollout = {state: o.state, message: o.message};
      onEvent({type: 'rollout', result: toWait[i]});
    });
  }

  const incomplete = results.filter((r) => r.action === 'paused' || r.action === 'forbidden' || r.action === 'error' || (r.rollout && r.rollout.state !== 'done') || (r.inProgress && !r.rollout && !opts.dryRun));
  return {secret: {name: secretName, namespace, version}, dryRun: Boolean(opts.dryRun), results, incomplete};
}

async function apply(r: WorkloadResult, op: () => Promise<unknown>): Promise<void> {
  try {
    await op();
    r.applied = true;
  } catch (error) {
    const e = error as ClusterError;
    r.action = e.status === 403 ? 'forbidden' : 'error';
    r.reason = e.message;
  }
}

async function patchTemplate(cluster: Cluster, w: WorkloadRef, body: unknown): Promise<void> {
  const r = resourceFor(w.kind);
  try {
    await cluster.patch(r, w.name, w.namespace, body, 'strategic');
  } catch (error) {
    // A server without strategic merge (an aggregated API) takes the same body as a merge patch.
    if ((error as ClusterError).status !== 415) throw error;
    await cluster.patch(r, w.name, w.namespace, body, 'merge');
  }
}

async function pool<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({length: Math.min(size, items.length)}, worker));
}
