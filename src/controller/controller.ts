// `controller run`: while this replica leads, watch nacl SealedSecrets and the key Secrets,
// and turn each SealedSecret into its Secret through a work queue; serve /healthz and /metrics
// all the time. The flow is client-go's controller pattern: informers feed keys into a queue,
// workers reconcile one key at a time (syncer.ts), a periodic resync re-queues everything.
import {hostname} from 'node:os';
import {setFlagsFromString} from 'node:v8';
import {randomUUID} from 'node:crypto';
import {collectionPath, KS_SEALED_SECRET, resourceFor} from '../kube/resources.js';
import type {Cluster} from '../kube/cluster.js';
import type {KubeObject} from '../manifests/parse.js';
import {KEY_LABEL} from '../seal/nacl-keys.js';
import {EventRecorder} from './events.js';
import {closeServer, serveProbes} from './http.js';
import {runInformer, sleep, type WatchType} from './informer.js';
import {KeyRing} from './keyring.js';
import {LeaderElector} from './leader.js';
import type {Logger} from './log.js';
import {Metrics} from './metrics.js';
import {WorkQueue} from './queue.js';
import {cacheable, Syncer} from './syncer.js';

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
  // A long-lived process whose memory is billed (the Deployment's limit) and whose live data is
  // small (about 6 MB per 1,000 SealedSecrets): V8's default heap growth, tuned for throughput,
  // let the resident set reach 3-4 times that during a cold sync. optimize-for-size is read as
  // the heap grows, so setting it now takes effect (docs/performance.md has the figures).
  setFlagsFromString('--optimize-for-size');
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
  const syncer = new Syncer({cluster, keys: () => keys.pairs(), cache: sealed, warn: (obj, reason, message) => events.warning(obj, reason, message), metrics, log});
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
      for (const it of items) sealed.set(keyOf(it), cacheable(it));
      metrics.retain(new Set(sealed.keys()));
      requeueAll();
    },
    onEvent: (type: WatchType, obj) => {
      const k = keyOf(obj);
      if (type === 'DELETED') {
        // The Secret goes with it: the garbage collector follows our ownerReference.
        sealed.delete(k);
        syncer.forget(obj);
        metrics.forget(k);
        return;
      }
      const prev = sealed.get(k);
      sealed.set(k, cacheable(obj));
      // Our own status writes come back as MODIFIED; only spec or metadata changes need a sync.
      if (!prev || prev.metadata?.generation !== obj.metadata?.generation || JSON.stringify(prev.metadata?.annotations) !== JSON.stringify(obj.metadata?.annotations) || prev.metadata?.uid !== obj.metadata?.uid) queue.add(k);
    },
  }, signal);
  // The Secrets we own: a deleted or edited one is put back without waiting for the resync.
  const secretInformer = runInformer(cluster.rest, {
    path: collectionPath(SECRET, o.namespace), describe: {verb: 'list', resource: 'secrets', namespace: o.namespace}, log, minWatchSeconds: o.minWatchSeconds, listItems: false,
  }, {
    onList: () => {},
    onEvent: (type, obj) => {
      const k = syncer.secretChanged(type, obj);
      if (k) queue.add(k);
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
        if (await syncer.sync(k)) queue.addRateLimited(k);
        else queue.forget(k);
      } catch (error) {
        log('error', 'sync failed; will retry', {sealedSecret: k, error: (error as Error).message});
        queue.addRateLimited(k);
      } finally {
        queue.done(k);
      }
    }
  };

  const workers = Array.from({length: o.workers ?? 4}, () => worker());
  await Promise.all([keyInformer, sealedInformer, secretInformer, resync, ...workers]);
  signal.removeEventListener('abort', onAbort);
  log('info', 'stopped');
}
