// `controller run`: while this replica leads, watch nacl SealedSecrets and the key Secrets,
// and turn each SealedSecret into its Secret through a work queue; serve /healthz and /metrics
// all the time. The flow is client-go's controller pattern: informers feed keys into a queue,
// workers reconcile one key at a time, a periodic resync re-queues everything.
import {hostname} from 'node:os';
import {randomUUID} from 'node:crypto';
import {ClusterError} from '../errors.js';
import {collectionPath, KS_SEALED_SECRET, objectPath, resourceFor} from '../kube/resources.js';
import type {Cluster} from '../kube/cluster.js';
import type {KubeObject} from '../manifests/parse.js';
import {KEY_LABEL} from '../seal/nacl-keys.js';
import {KS_API_VERSION, sealedIdentity} from '../seal/sealed-object.js';
import {nextStatus} from './conditions.js';
import {EventRecorder} from './events.js';
import {closeServer, serveProbes} from './http.js';
import {runInformer, sleep, type WatchType} from './informer.js';
import {KeyRing} from './keyring.js';
import {LeaderElector} from './leader.js';
import type {Logger} from './log.js';
import {Metrics} from './metrics.js';
import {WorkQueue} from './queue.js';
import {reconcile, type FailureReason} from './reconcile.js';

const SECRET = resourceFor('Secret');

export interface ControllerOptions {
  /** Watch one namespace; undefined watches all. */
  namespace?: string;
  keyNamespace: string;
  resyncMs: number;
  listen: string;
  leaderElection?: {namespace: string; name: string; leaseDurationMs: number; renewDeadlineMs: number; retryPeriodMs: number};
  identity?: string;
  workers?: number;
  /** Watch timeout floor in seconds (tests shorten it). */
  minWatchSeconds?: number;
  log: Logger;
  /** Called with the bound address once /healthz and /metrics answer. */
  onListening?: (address: string) => void;
}

/** hostname_uuid, as kube-controller-manager names its leader election identity. */
export function defaultIdentity(): string {
  return `${hostname()}_${randomUUID()}`;
}

const keyOf = (o: KubeObject): string => `${o.metadata?.namespace}/${o.metadata?.name}`;

/** Runs until the signal aborts; stops watches, lets the in-flight syncs finish, releases the Lease. */
export async function runController(cluster: Cluster, o: ControllerOptions, signal: AbortSignal): Promise<void> {
  const log = o.log;
  const identity = o.identity ?? defaultIdentity();
  const metrics = new Metrics();
  const elector = o.leaderElection ? new LeaderElector(cluster.rest, {...o.leaderElection, identity}, log) : undefined;
  const {server, address} = await serveProbes(o.listen, metrics, {healthy: () => elector?.check(20_000) ?? {ok: true, message: 'ok'}});
  log('info', 'serving /healthz and /metrics', {address});
  o.onListening?.(address);
  try {
    if (!elector) {
      metrics.leader = true;
      await lead(cluster, o, identity, metrics, signal);
      return;
    }
    while (!signal.aborted) {
      if (!(await elector.acquire(signal))) break;
      metrics.leader = true;
      const leading = new AbortController();
      const work = lead(cluster, o, identity, metrics, leading.signal);
      const ended = await Promise.race([elector.renew(signal), work.then(() => 'work-ended' as const)]);
      leading.abort();
      await work;
      metrics.leader = false;
      if (ended === 'lost') log('warn', 'stopped syncing after losing the lease; campaigning again', {lease: elector.describe()});
      if (signal.aborted) await elector.release();
    }
  } finally {
    await closeServer(server);
  }
}

/** The work of the leader: informers, resync and workers until the signal aborts. */
async function lead(cluster: Cluster, o: ControllerOptions, identity: string, metrics: Metrics, signal: AbortSignal): Promise<void> {
  const log = o.log;
  const queue = new WorkQueue();
  const sealed = new Map<string, KubeObject>();
  const keys = new KeyRing();
  const events = new EventRecorder(cluster, identity);
  const requeueAll = (): void => {
    for (const k of sealed.keys()) queue.add(k);
  };
  const onAbort = (): void => queue.shutDown();
  signal.addEventListener('abort', onAbort, {once: true});
  log('info', 'starting', {namespace: o.namespace ?? '(all)', keyNamespace: o.keyNamespace, resync: `${o.resyncMs / 1000}s`});

  let keysSynced = false;
  let keysReady!: () => void;
  const keysLoaded = new Promise<void>((r) => (keysReady = r));
  const keyInformer = runInformer(cluster.rest, {
    path: collectionPath(SECRET, o.keyNamespace), describe: {verb: 'list', resource: 'secrets', namespace: o.keyNamespace},
    query: {labelSelector: `${KEY_LABEL}=true`}, log, minWatchSeconds: o.minWatchSeconds,
  }, {
    onList: (items) => {
      const bad = keys.replace(items);
      for (const name of bad) log('warn', 'skipping a key Secret whose private.pem is not an X25519 private key', {secret: `${o.keyNamespace}/${name}`});
      keysChanged();
    },
    onEvent: (type, obj) => {
      if (type === 'DELETED') keys.remove(obj);
      else if (!keys.upsert(obj)) log('warn', 'skipping a key Secret whose private.pem is not an X25519 private key', {secret: `${o.keyNamespace}/${obj.metadata?.name}`});
      keysChanged();
    },
    onSynced: () => keysReady(),
  }, signal);
  function keysChanged(): void {
    metrics.keys = keys.size;
    if (keysSynced) {
      log('info', 'sealing keys changed; re-syncing every SealedSecret', {keyIds: keys.keyIds().join(',')});
      requeueAll();
    } else log('info', 'sealing keys loaded', {count: keys.size, keyIds: keys.keyIds().join(',')});
    keysSynced = true;
  }
  // Nothing is synced before the keys are known, or every object would fail once with UnknownKey.
  await Promise.race([keysLoaded, new Promise<void>((r) => signal.addEventListener('abort', () => r(), {once: true}))]);

  const sealedInformer = runInformer(cluster.rest, {
    path: collectionPath(KS_SEALED_SECRET, o.namespace), describe: {verb: 'list', resource: 'sealedsecrets', namespace: o.namespace},
    log, minWatchSeconds: o.minWatchSeconds, missingHint: 'the SealedSecret CRD (sealedsecrets.kubectl-secret.dev) is not installed: kubectl secret controller manifests | kubectl apply -f -',
  }, {
    onList: (items) => {
      sealed.clear();
      for (const it of items) sealed.set(keyOf(it), {...it, apiVersion: KS_API_VERSION, kind: 'SealedSecret'});
      metrics.retain(new Set(sealed.keys()));
      requeueAll();
    },
    onEvent: (type: WatchType, obj) => {
      const k = keyOf(obj);
      if (type === 'DELETED') {
        // The Secret goes with it: the garbage collector follows our ownerReference.
        sealed.delete(k);
        metrics.forget(k);
        return;
      }
      const prev = sealed.get(k);
      sealed.set(k, {...obj, apiVersion: KS_API_VERSION, kind: 'SealedSecret'});
      // Our own status writes come back as MODIFIED; only spec or metadata changes need a sync.
      if (!prev || prev.metadata?.generation !== obj.metadata?.generation || JSON.stringify(prev.metadata?.annotations) !== JSON.stringify(obj.metadata?.annotations) || prev.metadata?.uid !== obj.metadata?.uid) queue.add(k);
    },
  }, signal);
  // The Secrets we own: a deleted or edited one is put back without waiting for the resync.
  const secretInformer = runInformer(cluster.rest, {
    path: collectionPath(SECRET, o.namespace), describe: {verb: 'list', resource: 'secrets', namespace: o.namespace}, log, minWatchSeconds: o.minWatchSeconds, listItems: false,
  }, {
    onList: () => {},
    onEvent: (_type, obj) => {
      const ref = (obj.metadata?.ownerReferences ?? []).find((r: any) => r?.controller && r.apiVersion === KS_API_VERSION && r.kind === 'SealedSecret');
      if (!ref) return;
      const k = `${obj.metadata?.namespace}/${ref.name}`;
      if (sealed.get(k)?.metadata?.uid === ref.uid) queue.add(k);
    },
  }, signal);

  const resync = (async () => {
    while (!signal.aborted) {
      await sleep(o.resyncMs, signal);
      if (!signal.aborted) requeueAll();
    }
  })();

  const worker = async (): Promise<void> => {
    for (;;) {
      const k = await queue.get();
      if (k === undefined) return;
      try {
        const retry = await syncOne(k);
        if (retry) queue.addRateLimited(k);
        else queue.forget(k);
      } catch (error) {
        log('error', 'sync failed; will retry', {sealedSecret: k, error: (error as Error).message});
        queue.addRateLimited(k);
      } finally {
        queue.done(k);
      }
    }
  };

  /** One reconcile. Returns true when it should be retried (a write failed), false when settled. */
  async function syncOne(k: string): Promise<boolean> {
    const obj = sealed.get(k);
    if (!obj || obj.metadata?.deletionTimestamp) return false;
    const ns = obj.metadata!.namespace!;
    const name = sealedIdentity(obj).name ?? obj.metadata!.name!;
    const existing = await cluster.get<KubeObject>(SECRET, name, ns);
    const result = reconcile(obj, keys.pairs(), existing);
    if (!result.ok) {
      await report(obj, k, false, result.failure.reason, result.failure.message);
      return false;
    }
    try {
      await write(result.action, result.secret, existing);
    } catch (error) {
      if (error instanceof ClusterError && error.status === 409) return true;
      const message = `cannot write Secret ${name}: ${(error as Error).message}`;
      await report(obj, k, false, 'WriteFailed', message);
      return true;
    }
    if (result.action !== 'none') log('info', `${result.action === 'create' ? 'created' : result.action === 'replace' ? 'replaced' : 'updated'} Secret`, {secret: `${ns}/${name}`, sealedSecret: k, keys: Object.keys(result.secret.data ?? {}).length});
    await report(obj, k, true, 'Unsealed', `Secret ${name} is up to date`);
    return false;
  }

  async function write(action: 'create' | 'update' | 'replace' | 'none', secret: KubeObject, existing: KubeObject | undefined): Promise<void> {
    if (action === 'create') await cluster.create(secret);
    else if (action === 'update') await cluster.update(secret);
    else if (action === 'replace') {
      const m = existing!.metadata!;
      await cluster.delete(SECRET, m.name!, m.namespace, {kind: 'DeleteOptions', apiVersion: 'v1', preconditions: {uid: m.uid, resourceVersion: m.resourceVersion}});
      await cluster.create(secret);
    }
  }

  async function report(obj: KubeObject, k: string, ok: boolean, reason: FailureReason | 'Unsealed', message: string): Promise<void> {
    if (ok) metrics.synced(k, Date.now());
    else {
      metrics.failed(k, reason);
      log('warn', 'cannot sync', {sealedSecret: k, reason, message});
      try {
        await events.warning(obj, reason, message);
      } catch (error) {
        log('warn', 'cannot record an Event', {sealedSecret: k, error: (error as Error).message});
      }
    }
    await writeStatus(obj, k, {ok, reason, message});
  }

  async function writeStatus(obj: KubeObject, k: string, synced: {ok: boolean; reason: string; message: string}): Promise<void> {
    let cur = obj;
    for (let attempt = 0; attempt < 2; attempt++) {
      const status = nextStatus(cur, synced, Date.now());
      if (!status) return;
      const m = cur.metadata!;
      try {
        const updated = await cluster.rest.request<KubeObject>('PUT', objectPath(KS_SEALED_SECRET, m.name!, m.namespace, 'status'), {
          body: {...cur, apiVersion: KS_API_VERSION, kind: 'SealedSecret', status}, describe: {verb: 'update', resource: 'sealedsecrets/status', namespace: m.namespace, name: m.name},
        });
        if (sealed.get(k)?.metadata?.uid === updated.metadata?.uid) sealed.set(k, updated);
        return;
      } catch (error) {
        const status = (error as ClusterError).status;
        if (status === 404) return;
        if (status !== 409 || attempt > 0) throw error;
        const fresh = await cluster.get<KubeObject>(KS_SEALED_SECRET, m.name!, m.namespace);
        if (!fresh || fresh.metadata?.uid !== m.uid) return;
        cur = fresh;
      }
    }
  }

  const workers = Array.from({length: o.workers ?? 2}, () => worker());
  await Promise.all([keyInformer, sealedInformer, secretInformer, resync, ...workers]);
  signal.removeEventListener('abort', onAbort);
  log('info', 'stopped');
}
