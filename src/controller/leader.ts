// Leader election on a coordination.k8s.io/v1 Lease, ported from client-go's
// tools/leaderelection (leaderelection.go: tryAcquireOrRenew, acquire, renew, release,
// isLeaseValid, Check; resourcelock/leaselock.go for the Lease mapping). As there, expiry is
// judged by the *local* time at which we last saw the record change (observedTime), never by
// the renewTime another machine wrote, so clock skew between replicas does not matter; and the
// Lease is written with its resourceVersion, so two candidates cannot both win an update.
import {ClusterError, InputError} from '../errors.js';
import {objectPath, collectionPath, resourceFor} from '../kube/resources.js';
import type {KubeRest} from '../kube/rest.js';
import type {KubeObject} from '../manifests/parse.js';
import {sleep} from './informer.js';
import type {Logger} from './log.js';

const LEASE = resourceFor('Lease');
/** client-go's JitterFactor for the acquire loop. */
export const JITTER_FACTOR = 1.2;

export interface LeaderElectionConfig {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

export interface LeaderElectionRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions: number;
}

/** NewLeaderElector's checks. */
export function validateConfig(c: LeaderElectionConfig): void {
  if (!(c.leaseDurationMs > c.renewDeadlineMs)) throw new InputError('--lease-duration must be greater than --renew-deadline');
  if (!(c.renewDeadlineMs > JITTER_FACTOR * c.retryPeriodMs)) throw new InputError(`--renew-deadline must be greater than --retry-period × ${JITTER_FACTOR}`);
  if (c.leaseDurationMs < 1000) throw new InputError('--lease-duration must be at least 1s (the Lease counts whole seconds)');
  if (c.retryPeriodMs <= 0) throw new InputError('--retry-period must be positive');
  if (!c.identity) throw new InputError('the leader election identity must not be empty');
}

/** metav1.MicroTime: RFC 3339 with exactly six fractional digits (RFC3339Micro). */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export function recordOf(lease: KubeObject): LeaderElectionRecord {
  const s = lease.spec ?? {};
  return {holderIdentity: s.holderIdentity ?? '', leaseDurationSeconds: Number(s.leaseDurationSeconds ?? 0), acquireTime: s.acquireTime, renewTime: s.renewTime, leaseTransitions: Number(s.leaseTransitions ?? 0)};
}

function specOf(r: LeaderElectionRecord): Record<string, unknown> {
  return {holderIdentity: r.holderIdentity, leaseDurationSeconds: r.leaseDurationSeconds, acquireTime: r.acquireTime, renewTime: r.renewTime, leaseTransitions: r.leaseTransitions};
}

export class LeaderElector {
  private observedRecord: LeaderElectionRecord = {holderIdentity: '', leaseDurationSeconds: 0, leaseTransitions: 0};
  private observedRaw = '';
  private observedTime = 0;
  /** The last Lease read or written: updates carry its resourceVersion. */
  private lease: KubeObject | undefined;
  private reportedLeader = '';

  constructor(private readonly rest: KubeRest, readonly config: LeaderElectionConfig, private readonly log: Logger, private readonly clock: () => number = Date.now) {
    validateConfig(config);
  }

  isLeader(): boolean {
    return this.observedRecord.holderIdentity === this.config.identity;
  }

  leader(): string {
    return this.observedRecord.holderIdentity;
  }

  private isLeaseValid(now: number): boolean {
    return this.observedTime + this.observedRecord.leaseDurationSeconds * 1000 > now;
  }

  private setObservedRecord(r: LeaderElectionRecord): void {
    this.observedRecord = {...r};
    this.observedTime = this.clock();
  }

  /** Check: unhealthy when we lead but have not renewed for leaseDuration + tolerance. */
  check(maxTolerableExpiredMs: number): {ok: boolean; message: string} {
    if (!this.isLeader()) return {ok: true, message: 'ok'};
    if (this.clock() - this.observedTime > this.config.leaseDurationMs + maxTolerableExpiredMs) {
      return {ok: false, message: `failed to renew leadership on lease ${this.describe()}`};
    }
    return {ok: true, message: 'ok'};
  }

  describe(): string {
    return `${this.config.namespace}/${this.config.name}`;
  }

  /** One attempt; true when we hold the lease afterwards. */
  async tryAcquireOrRenew(timeoutMs = this.config.renewDeadlineMs): Promise<boolean> {
    const now = this.clock();
    const record: LeaderElectionRecord = {
      holderIdentity: this.config.identity,
      leaseDurationSeconds: Math.floor(this.config.leaseDurationMs / 1000),
      renewTime: microTime(now),
      acquireTime: microTime(now),
      leaseTransitions: 0,
    };
    // 1. Fast path: the leader updates optimistically with the record it observed last.
    if (this.isLeader() && this.isLeaseValid(now)) {
      record.acquireTime = this.observedRecord.acquireTime;
      record.leaseTransitions = this.observedRecord.leaseTransitions;
      try {
        await this.update(record, timeoutMs);
        this.setObservedRecord(record);
        return true;
      } catch (error) {
        this.log('warn', 'failed to update the lease optimistically; falling back to the slow path', {lease: this.describe(), error: (error as Error).message});
      }
    }
    // 2. Obtain or create the record.
    let current: KubeObject;
    try {
      current = await this.rest.request('GET', objectPath(LEASE, this.config.name, this.config.namespace), {describe: this.describeReq('get'), timeoutMs});
    } catch (error) {
      if ((error as ClusterError).status !== 404) {
        this.log('warn', 'cannot read the lease', {lease: this.describe(), error: (error as Error).message});
        return false;
      }
      try {
        this.lease = await this.rest.request('POST', collectionPath(LEASE, this.config.namespace), {
          body: {apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: {name: this.config.name, namespace: this.config.namespace}, spec: specOf(record)},
          describe: this.describeReq('create'), timeoutMs,
        });
      } catch (e) {
        this.log('warn', 'cannot create the lease', {lease: this.describe(), error: (e as Error).message});
        return false;
      }
      this.setObservedRecord(record);
      return true;
    }
    this.lease = current;
    // 3. Record obtained: note when we saw it change, then check identity and time.
    const old = recordOf(current);
    const raw = JSON.stringify(specOf(old));
    if (raw !== this.observedRaw) {
      this.setObservedRecord(old);
      this.observedRaw = raw;
    }
    if (old.holderIdentity !== '' && this.isLeaseValid(now) && !this.isLeader()) return false;
    // 4. Keep acquireTime and transitions when renewing; count a transition when taking over.
    if (this.isLeader()) {
      record.acquireTime = old.acquireTime;
      record.leaseTransitions = old.leaseTransitions;
    } else record.leaseTransitions = old.leaseTransitions + 1;
    try {
      await this.update(record, timeoutMs);
    } catch (error) {
      this.log('warn', 'failed to update the lease', {lease: this.describe(), error: (error as Error).message});
      return false;
    }
    this.setObservedRecord(record);
    return true;
  }

  private async update(record: LeaderElectionRecord, timeoutMs: number): Promise<void> {
    if (!this.lease) throw new ClusterError('the lease is not initialised: get or create it first');
    const body = {...this.lease, spec: {...this.lease.spec, ...specOf(record)}};
    this.lease = await this.rest.request('PUT', objectPath(LEASE, this.config.name, this.config.namespace), {body, describe: this.describeReq('update'), timeoutMs});
  }

  private describeReq(verb: string) {
    return {verb, resource: 'leases', namespace: this.config.namespace, name: this.config.name};
  }

  private reportTransition(): void {
    const h = this.observedRecord.holderIdentity;
    if (h === this.reportedLeader) return;
    this.reportedLeader = h;
    if (h) this.log('info', h === this.config.identity ? 'became leader' : 'new leader elected', {lease: this.describe(), leader: h});
  }

  /** Tries every retryPeriod (with jitter) until we lead; false when the signal aborts first. */
  async acquire(signal: AbortSignal): Promise<boolean> {
    this.log('info', 'attempting to acquire the leader lease', {lease: this.describe(), identity: this.config.identity});
    while (!signal.aborted) {
      const ok = await this.tryAcquireOrRenew();
      this.reportTransition();
      if (ok && !signal.aborted) return true;
      // wait.JitterUntil(retryPeriod, JitterFactor, sliding=true)
      await sleep(this.config.retryPeriodMs * (1 + Math.random() * JITTER_FACTOR), signal);
    }
    return false;
  }

  /** Renews every retryPeriod; returns when a renewal has failed for renewDeadline, or the signal aborts. */
  async renew(signal: AbortSignal): Promise<'lost' | 'stopped'> {
    while (!signal.aborted) {
      const deadline = this.clock() + this.config.renewDeadlineMs;
      let ok = false;
      // wait.PollImmediateUntil(retryPeriod, …, timeout renewDeadline)
      for (;;) {
        const left = deadline - this.clock();
        if (left <= 0 || signal.aborted) break;
        ok = await this.tryAcquireOrRenew(left);
        if (ok) break;
        await sleep(Math.min(this.config.retryPeriodMs, Math.max(0, deadline - this.clock())), signal);
      }
      this.reportTransition();
      if (signal.aborted) return 'stopped';
      if (!ok) {
        this.log('error', 'lost the leader lease', {lease: this.describe()});
        return 'lost';
      }
      await sleep(this.config.retryPeriodMs, signal);
    }
    return 'stopped';
  }

  /** Gives the lease up (ReleaseOnCancel) so another replica takes over at once. */
  async release(): Promise<boolean> {
    if (!this.isLeader()) return true;
    const now = this.clock();
    const record: LeaderElectionRecord = {holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime(now), acquireTime: microTime(now), leaseTransitions: this.observedRecord.leaseTransitions};
    try {
      await this.update(record, this.config.renewDeadlineMs);
    } catch (error) {
      this.log('warn', 'failed to release the lease', {lease: this.describe(), error: (error as Error).message});
      return false;
    }
    this.setObservedRecord(record);
    this.log('info', 'released the leader lease', {lease: this.describe()});
    return true;
  }
}
