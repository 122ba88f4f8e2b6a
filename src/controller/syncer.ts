// Syncing one SealedSecret: read its Secret, reconcile, write the Secret, write the status.
// Also the controller's memory of its own Secret writes, so that the watch event each write
// causes, and changes others make to keys it does not manage (a label a policy adds), do not
// send the object round again: client-go controllers get the same from comparing an update's
// old and new object in their event handlers; we keep a digest of what we wrote instead of the
// whole Secret, so the cache holds no values.
import {createHash} from 'node:crypto';
import {ClusterError} from '../errors.js';
import {KS_SEALED_SECRET, resourceFor} from '../kube/resources.js';
import type {Cluster} from '../kube/cluster.js';
import type {NaclKeyPair} from '../crypto/index.js';
import type {KubeObject} from '../manifests/parse.js';
import {KS_API_VERSION, sealedIdentity} from '../seal/sealed-object.js';
import {nextStatus} from './conditions.js';
import type {Logger} from './log.js';
import type {Metrics} from './metrics.js';
import {FIELD_MANAGER, reconcile, type FailureReason} from './reconcile.js';

const SECRET = resourceFor('Secret');
const WRITE = {fieldManager: FIELD_MANAGER};

export type SyncCluster = Pick<Cluster, 'get' | 'create' | 'update' | 'delete'>;

export interface SyncerDeps {
  cluster: SyncCluster;
  /** The opening keys loaded now. */
  keys: () => NaclKeyPair[];
  /** The informer's SealedSecrets by namespace/name; status writes refresh it. */
  cache: Map<string, KubeObject>;
  warn: (obj: KubeObject, reason: FailureReason, message: string) => Promise<void>;
  metrics: Pick<Metrics, 'synced' | 'failed'>;
  log: Logger;
  now?: () => number;
}

/** What the controller last wrote to one Secret. */
interface Written {
  resourceVersion?: string;
  labels: string[];
  annotations: string[];
  digest: string;
}

export class Syncer {
  private readonly written = new Map<string, Written>();
  /** Secrets with a write in flight → the last resourceVersion an event showed meanwhile. */
  private readonly inFlight = new Map<string, string | undefined>();
  /** Secrets whose deletion was seen: re-creating one first checks that its owner still stands. */
  private readonly deleted = new Set<string>();
  private readonly now: () => number;

  constructor(private readonly d: SyncerDeps) {
    this.now = d.now ?? Date.now;
  }

  /**
   * A Secret event: the key of the SealedSecret to sync, or undefined when the event is our own
   * write coming back or touches nothing we manage.
   */
  secretChanged(type: 'ADDED' | 'MODIFIED' | 'DELETED', secret: KubeObject): string | undefined {
    const md = secret.metadata ?? {};
    const ref = (md.ownerReferences ?? []).find((r: any) => r?.controller && r.apiVersion === KS_API_VERSION && r.kind === 'SealedSecret');
    if (!ref) return undefined;
    const owner = `${md.namespace}/${ref.name}`;
    if (this.d.cache.get(owner)?.metadata?.uid !== ref.uid) return undefined;
    const sk = `${md.namespace}/${md.name}`;
    if (type === 'DELETED') {
      this.written.delete(sk);
      this.deleted.add(sk);
      return owner;
    }
    if (this.inFlight.has(sk)) {
      this.inFlight.set(sk, md.resourceVersion);
      return undefined;
    }
    const w = this.written.get(sk);
    if (w && (w.resourceVersion === md.resourceVersion || w.digest === managedDigest(secret, w.labels, w.annotations))) return undefined;
    return owner;
  }

  /** A SealedSecret is gone: forget its Secret's bookkeeping. */
  forget(sealed: KubeObject): void {
    const sk = `${sealed.metadata?.namespace}/${sealedIdentity(sealed).name ?? sealed.metadata?.name}`;
    this.written.delete(sk);
    this.deleted.delete(sk);
  }

  /** One reconcile. Returns true when it should be retried (a write failed), false when settled. */
  async sync(k: string): Promise<boolean> {
    const obj = this.d.cache.get(k);
    if (!obj || obj.metadata?.deletionTimestamp) return false;
    const ns = obj.metadata!.namespace!;
    const name = sealedIdentity(obj).name ?? obj.metadata!.name!;
    const generation = Number(obj.metadata?.generation ?? 0) || undefined;
    const sk = `${ns}/${name}`;
    // An object that never reported a status, whose Secret we have not seen: most likely a new
    // one, so its Secret is created without reading it first (a cold sync then costs two requests
    // instead of three). If one exists after all, the create fails with 409 and the usual read follows.
    const fresh = obj.status?.conditions === undefined && !this.written.has(sk) && !this.deleted.has(sk);
    const existing = fresh ? undefined : await this.d.cluster.get<KubeObject>(SECRET, name, ns);
    const result = reconcile(obj, this.d.keys(), existing);
    if (fresh && result.ok && result.action === 'create') {
      try {
        await this.writeSecret('create', result.secret, undefined);
        this.d.log('info', 'created Secret', {secret: sk, sealedSecret: k, keys: Object.keys(result.secret.data ?? {}).length});
        await this.report(obj, k, generation, true, 'Unsealed', `Secret ${name} is up to date`);
        return false;
      } catch (error) {
        if (!(error instanceof ClusterError && error.status === 409)) {
          await this.report(obj, k, generation, false, 'WriteFailed', `cannot write Secret ${name}: ${(error as Error).message}`);
          return true;
        }
        this.written.set(sk, {labels: [], annotations: [], digest: ''});
        return this.sync(k);
      }
    }
    if (!result.ok) {
      await this.report(obj, k, generation, false, result.failure.reason, result.failure.message);
      return false;
    }
    if (result.action === 'create' && this.deleted.has(sk) && !(await this.ownerStands(obj))) {
      // Its Secret's deletion reached us before its own: the garbage collector is at work.
      this.d.log('info', 'not re-creating the Secret of a SealedSecret that is gone or being deleted', {sealedSecret: k});
      return false;
    }
    try {
      await this.writeSecret(result.action, result.secret, existing);
    } catch (error) {
      if (error instanceof ClusterError && error.status === 409) return true;
      await this.report(obj, k, generation, false, 'WriteFailed', `cannot write Secret ${name}: ${(error as Error).message}`);
      return true;
    }
    if (result.action !== 'none') {
      this.deleted.delete(sk);
      this.d.log('info', `${result.action === 'create' ? 'created' : result.action === 'replace' ? 'replaced' : 'updated'} Secret`, {secret: sk, sealedSecret: k, keys: Object.keys(result.secret.data ?? {}).length});
    }
    await this.report(obj, k, generation, true, 'Unsealed', `Secret ${name} is up to date`);
    return false;
  }

  /** The live SealedSecret is the one cached, and not being deleted (a GET: the cache may be behind). */
  private async ownerStands(obj: KubeObject): Promise<boolean> {
    const live = await this.d.cluster.get<KubeObject>(KS_SEALED_SECRET, obj.metadata!.name!, obj.metadata!.namespace);
    return live !== undefined && live.metadata?.uid === obj.metadata?.uid && !live.metadata?.deletionTimestamp;
  }

  async writeSecret(action: 'create' | 'update' | 'replace' | 'none', secret: KubeObject, existing: KubeObject | undefined): Promise<void> {
    if (action === 'none') return;
    const c = this.d.cluster;
    const sk = `${secret.metadata!.namespace}/${secret.metadata!.name}`;
    const labels = Object.keys(secret.metadata?.labels ?? {});
    const annotations = Object.keys(secret.metadata?.annotations ?? {});
    this.inFlight.set(sk, undefined);
    let stored: KubeObject;
    try {
      if (action === 'update') stored = await c.update<KubeObject>(secret, undefined, WRITE);
      else {
        if (action === 'replace') {
          const m = existing!.metadata!;
          await c.delete(SECRET, m.name!, m.namespace, {kind: 'DeleteOptions', apiVersion: 'v1', preconditions: {uid: m.uid, resourceVersion: m.resourceVersion}});
        }
        stored = await c.create<KubeObject>(secret, WRITE);
      }
    } catch (error) {
      this.inFlight.delete(sk);
      this.written.delete(sk);
      throw error;
    }
    const seen = this.inFlight.get(sk);
    this.inFlight.delete(sk);
    // Digest what the server stored, so a mutating webhook's change to a key we set (a genuine
    // disagreement) is seen the same way on every event instead of looking like news.
    this.written.set(sk, {resourceVersion: stored?.metadata?.resourceVersion, labels, annotations, digest: managedDigest(stored ?? secret, labels, annotations)});
    // An event seen during the write that was not the write itself: look again.
    if (seen !== undefined && seen !== stored?.metadata?.resourceVersion) this.written.delete(sk);
  }

  private async report(obj: KubeObject, k: string, generation: number | undefined, ok: boolean, reason: FailureReason | 'Unsealed', message: string): Promise<void> {
    if (ok) this.d.metrics.synced(k, this.now());
    else {
      this.d.metrics.failed(k, reason);
      this.d.log('warn', 'cannot sync', {sealedSecret: k, reason, message});
      try {
        await this.d.warn(obj, reason as FailureReason, message);
      } catch (error) {
        this.d.log('warn', 'cannot record an Event', {sealedSecret: k, error: (error as Error).message});
      }
    }
    await this.writeStatus(obj, k, generation, {ok, reason, message});
  }

  /**
   * Writes the Synced condition for `generation`, the one reconciled. After a 409 it re-reads the
   * object and tries once more only while the generation is unchanged: a newer spec has not been
   * reconciled, and its own sync (queued by the informer) will report on it.
   */
  async writeStatus(obj: KubeObject, k: string, generation: number | undefined, synced: {ok: boolean; reason: string; message: string}): Promise<void> {
    let cur = obj;
    for (let attempt = 0; attempt < 2; attempt++) {
      const status = nextStatus(cur, synced, this.now(), generation);
      if (!status) return;
      const m = cur.metadata!;
      try {
        // No spec and no managedFields: the status subresource takes the spec from the stored
        // object (the CRD status strategy's PrepareForUpdate), and its field manager ignores the
        // spec (a reset field) and keeps the stored managedFields when a body has none. Metadata
        // stays whole: the field manager would read a label or annotation missing from the body
        // as removed by us and take it from the manager that set it. The resourceVersion keeps
        // the write conditional.
        const {managedFields: _unused, ...metadata} = m;
        const body = {apiVersion: KS_API_VERSION, kind: 'SealedSecret', metadata, status};
        const updated = await this.d.cluster.update<KubeObject>(body, 'status', WRITE);
        if (this.d.cache.get(k)?.metadata?.uid === updated.metadata?.uid) this.d.cache.set(k, cacheable(updated));
        return;
      } catch (error) {
        const code = (error as ClusterError).status;
        if (code === 404) return;
        if (code !== 409 || attempt > 0) throw error;
        const fresh = await this.d.cluster.get<KubeObject>(KS_SEALED_SECRET, m.name!, m.namespace);
        if (!fresh || fresh.metadata?.uid !== m.uid) return;
        if ((Number(fresh.metadata?.generation ?? 0) || undefined) !== generation) return;
        cur = fresh;
      }
    }
  }
}

/**
 * A SealedSecret as the cache keeps it: without metadata.managedFields, which nothing here reads
 * (the controller's own keys are looked up on the Secret) and which grow with every writer. A
 * cached object is replaced on every event, so what it holds is copied and collected as often.
 */
export function cacheable(obj: KubeObject): KubeObject {
  const {managedFields: _unused, ...metadata} = obj.metadata ?? {};
  return {...obj, apiVersion: KS_API_VERSION, kind: 'SealedSecret', metadata};
}

/** A digest of the part of a Secret the controller manages: type, data, its keys of labels and annotations, its ownerReference. */
export function managedDigest(secret: KubeObject, labels: string[], annotations: string[]): string {
  const md = secret.metadata ?? {};
  const pick = (m: Record<string, string> | undefined, keys: string[]) => keys.map((x) => [x, m?.[x] ?? null]);
  const data = Object.entries<string>(secret.data ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const ref = (md.ownerReferences ?? []).find((r: any) => r?.controller)?.uid ?? null;
  return createHash('sha256').update(JSON.stringify([secret.type ?? 'Opaque', secret.immutable ?? null, data, pick(md.labels, labels), pick(md.annotations, annotations), ref])).digest('hex');
}
