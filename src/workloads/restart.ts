// Restarts exactly the workloads that consume a Secret, once per version of that Secret.
// Deployments, StatefulSets and DaemonSets get kubectl rollout restart's patch plus our
// restarted-for annotation (restart-patch.ts); a workload already carrying the Secret's current
// version of the data is skipped. StatefulSets and DaemonSets whose controller will not replace
// their pods (OnDelete, a partition) are not patched unless --delete-pods deletes those pods one by
// one. CronJobs and Jobs pick the value up on their next run; bare Pods only restart by deletion.
// `rotate` reuses this with the same options.
import {ClusterError, InputError} from '../errors.js';
import type {Cluster} from '../kube/cluster.js';
import {liveSource} from '../kube/object-source.js';
import {resourceFor} from '../kube/resources.js';
import type {KubeObject} from '../manifests/parse.js';
import {findConsumers, type ConsumerRef} from './consumers.js';
import {loadConsumerInputs} from './inputs.js';
import {describeHow} from './render.js';
import {parseLabelSelector} from './label-selector.js';
import {currentRestartedFor, RESTARTED_AT, restartedForAnnotation, restartPatch, secretVersion} from './restart-patch.js';
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
  | 'delete-pods' // OnDelete or partitioned: its controller replaces these pods only when deleted (--delete-pods)
  | 'manual'; // ReplicaSet/ReplicationController without an owner: delete its pods

export interface WorkloadResult extends WorkloadRef {
  apiVersion: string;
  action: Action;
  /** True when we changed the cluster for this workload (patched or deleted). */
  applied: boolean;
  /** Why, in words: the references, the annotation state, or the error. */
  reason: string;
  references: ConsumerRef[];
  /** Pods its controller will not replace after a template change (OnDelete, below a partition). */
  pods?: string[];
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

/**
 * Pods a StatefulSet's or DaemonSet's controller will not replace after a template change, and
 * why: with `updateStrategy: OnDelete` none is replaced (pkg/controller/statefulset,
 * pkg/controller/daemon: OnDelete only creates missing pods), and a StatefulSet's
 * `rollingUpdate.partition` leaves every ordinal below it on the old template. Undefined when the
 * controller rolls every pod. `pods` are the workload's pods (controller ownerReference).
 */
export function podsLeftBehind(workload: KubeObject, pods: KubeObject[]): {why: string; pods: string[]} | undefined {
  const kind = workload.kind;
  if (kind !== 'StatefulSet' && kind !== 'DaemonSet') return undefined;
  const strategy = workload.spec?.updateStrategy ?? {};
  const names = (keep: (p: KubeObject) => boolean) => pods.filter(keep).map((p) => p.metadata!.name!).sort((a, b) => a.localeCompare(b, 'en', {numeric: true}));
  if (strategy.type === 'OnDelete') return {why: 'updateStrategy OnDelete: its pods are replaced only when deleted', pods: names(() => true)};
  const partition = kind === 'StatefulSet' ? Number(strategy.rollingUpdate?.partition ?? 0) : 0;
  if (partition > 0) {
    const below = names((p) => ordinalOf(p, workload) < partition);
    if (below.length > 0 || pods.length === 0) return {why: `rollingUpdate.partition ${partition} leaves the pods below it on the old template`, pods: below};
  }
  return undefined;
}

/** A StatefulSet pod's ordinal: the number after `<statefulset name>-`. */
function ordinalOf(pod: KubeObject, sts: KubeObject): number {
  const m = new RegExp(`^${sts.metadata?.name?.replace(/[.]/g, '\\.')}-(\\d+)$`).exec(pod.metadata?.name ?? '');
  return m ? Number(m[1]) : Number.POSITIVE_INFINITY;
}

/** What to do with one consuming workload (pure; no cluster). `pods` are the workload's own pods. */
export function planWorkload(workload: KubeObject, refs: ConsumerRef[], secretName: string, version: string, opts: Pick<RestartOptions, 'force' | 'deletePods'>, pods: KubeObject[] = []): Pick<WorkloadResult, 'action' | 'reason' | 'pods' | 'inProgress'> {
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
    const behind = podsLeftBehind(workload, pods);
    if (behind && !opts.deletePods) {
      const list = behind.pods.length ? behind.pods.map((p) => `pod ${p}`).join(', ') : 'its pods';
      return {action: 'delete-pods', pods: behind.pods, reason: `${behind.why}: delete ${list} to restart (or pass --delete-pods); uses ${uses}`};
    }
    if (behind) return {action: 'restart', pods: behind.pods, reason: `${why}; ${behind.why}, so --delete-pods deletes ${behind.pods.map((p) => `pod ${p}`).join(', ') || 'none'} one at a time; uses ${uses}`};
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

export async function runRestart(cluster: Cluster, secretName: string, namespace: string, opts: RestartOptions = {}, onEvent: (e: RestartEvent) => void = () => {}): Promise<RestartReport> {
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
  const objects = new Map<WorkloadResult, KubeObject>();
  const podsOf = (w: KubeObject) => inputs.workloads.filter((p) => p.kind === 'Pod' && (p.metadata?.ownerReferences ?? []).some((o: any) => o.controller && o.uid === w.metadata?.uid));
  for (const {obj, refs: wrefs} of byId.values()) {
    if (!matches(obj.metadata?.labels)) continue;
    const r: WorkloadResult = {kind: obj.kind!, apiVersion: obj.apiVersion ?? '', name: obj.metadata!.name!, namespace, applied: false, references: wrefs, ...planWorkload(obj, wrefs, secretName, version, opts, podsOf(obj))};
    objects.set(r, obj);
    results.push(r);
  }

  const now = opts.now ?? (() => new Date());
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  await pool(results, concurrency, async (r) => {
    if (!opts.dryRun) {
      if (r.action === 'restart') await apply(r, () => patchTemplate(cluster, r, restartPatch(secretName, version, now(), objects.get(r)!.spec?.template?.metadata?.annotations?.[RESTARTED_AT])));
      if (r.action === 'restart' && r.applied && r.pods) await replacePods(cluster, r, objects.get(r)!, secretName, {timeoutMs, pollMs: opts.pollMs});
      if (r.action === 'delete-pod' && opts.deletePods) await apply(r, () => cluster.delete(resourceFor('Pod'), r.name, namespace));
    }
    onEvent({type: 'result', result: r});
  });

  // An OnDelete workload's rollout is its pods, followed above; kubectl has no status for it.
  const toWait = results.filter((r) => (r.applied || (r.inProgress && !opts.dryRun)) && ROLLABLE.has(r.kind) && !r.rollout);
  if ((opts.wait ?? true) && toWait.length > 0) {
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

/**
 * Deletes the pods its controller will not replace, one at a time, each time waiting until the
 * workload has as many Ready pods as before, none of them the deleted one (a StatefulSet brings
 * back the same name, a DaemonSet a new one). If one does not come back in time the
 * restarted-for annotation is put back as it was, so the next run tries again.
 */
async function replacePods(cluster: Cluster, r: WorkloadResult, workload: KubeObject, secretName: string, o: {timeoutMs: number; pollMs?: number}): Promise<void> {
  const POD = resourceFor('Pod');
  const uid = workload.metadata?.uid;
  const owned = async () => (await cluster.list<KubeObject>(POD, r.namespace)).filter((p) => (p.metadata?.ownerReferences ?? []).some((x: any) => x.controller && x.uid === uid));
  const isReady = (p: KubeObject) => !p.metadata?.deletionTimestamp && (p.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
  const deleted: string[] = [];
  try {
    for (const name of r.pods ?? []) {
      const before = await owned();
      const victim = before.find((p) => p.metadata?.name === name);
      if (!victim) continue;
      const want = Math.max(before.filter(isReady).length, 1);
      await cluster.delete(POD, name, r.namespace);
      const deadline = Date.now() + o.timeoutMs;
      for (;;) {
        const ready = (await owned()).filter((p) => isReady(p) && p.metadata?.uid !== victim.metadata?.uid);
        if (ready.length >= want) break;
        if (Date.now() >= deadline) throw Object.assign(new Error(`pod ${name} was deleted but its replacement was not Ready within ${Math.round(o.timeoutMs / 1000)}s`), {timeout: true});
        await new Promise((res) => setTimeout(res, o.pollMs ?? 200));
      }
      deleted.push(name);
    }
    r.rollout = {state: 'done', message: deleted.length ? `deleted ${deleted.map((p) => `pod ${p}`).join(', ')} one at a time; each replacement is Ready` : 'no pods to delete'};
  } catch (error) {
    r.rollout = {state: (error as {timeout?: boolean}).timeout ? 'timeout' : 'error', message: (error as Error).message};
    // Not restarted after all: leave the annotation as it was, so the next run tries again.
    const previous = currentRestartedFor(workload, secretName);
    await patchTemplate(cluster, r, {spec: {template: {metadata: {annotations: {[restartedForAnnotation(secretName)]: previous ?? null}}}}}).catch(() => {});
  }
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
