// The object store: one global resourceVersion counter (as etcd's revision), objects keyed by
// group/resource + namespace/name, and a bounded history of changes so watches can resume from a
// resourceVersion and get 410 Gone once it has been compacted away.
import {storageKey, type ResourceType} from './registry.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  rv: number;
  type: EventType;
  key: string; // storage key (group/plural)
  object: any;
  /** The object before the change (MODIFIED, DELETED), so watches with selectors can emit enter/leave. */
  previous?: any;
}

/** Events a watch can resume from: at least this many, at most this many plus COMPACT_BATCH. */
const HISTORY = 5000;
/**
 * History is compacted in batches, as etcd compacts every few minutes, not one event per write:
 * dropping the oldest event on every write moved the 5,000 others each time, and a server
 * serving thousands of writes spent more on that than on the writes.
 */
const COMPACT_BATCH = 1000;

export function clone<T>(x: T): T {
  return x === undefined ? x : structuredClone(x);
}

export class Store {
  private rv = 1;
  private compacted = 0;
  private readonly data = new Map<string, Map<string, any>>();
  private readonly history: StoreEvent[] = [];
  private readonly listeners = new Set<(e: StoreEvent) => void>();

  get resourceVersion(): number {
    return this.rv;
  }

  /** Oldest resourceVersion a watch can still resume from. */
  get oldestResumable(): number {
    return this.compacted;
  }

  private bucket(t: ResourceType): Map<string, any> {
    const k = storageKey(t);
    let b = this.data.get(k);
    if (!b) this.data.set(k, (b = new Map()));
    return b;
  }

  get(t: ResourceType, namespace: string | undefined, name: string): any | undefined {
    return this.bucket(t).get(`${t.namespaced ? namespace ?? '' : ''}/${name}`);
  }

  /** Sorted by namespace then name, as etcd keys sort; the order pagination relies on. */
  list(t: ResourceType, namespace?: string): any[] {
    const out: Array<[string, any]> = [];
    for (const [k, v] of this.bucket(t)) if (!t.namespaced || namespace === undefined || v.metadata.namespace === namespace) out.push([k, v]);
    out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return out.map((x) => x[1]);
  }

  /** Every stored object of every type, for garbage collection by owner uid. */
  *everything(): Generator<{key: string; object: any}> {
    for (const [key, b] of this.data) for (const o of b.values()) yield {key, object: o};
  }

  /** Stores `obj` (already complete) under a fresh resourceVersion and notifies watchers. */
  put(t: ResourceType, obj: any): any {
    const b = this.bucket(t);
    const k = `${t.namespaced ? obj.metadata.namespace ?? '' : ''}/${obj.metadata.name}`;
    const previous = b.get(k);
    const stored = clone(obj);
    stored.metadata.resourceVersion = String(++this.rv);
    b.set(k, stored);
    this.emit({rv: this.rv, type: previous ? 'MODIFIED' : 'ADDED', key: storageKey(t), object: stored, previous});
    return stored;
  }

  delete(t: ResourceType, namespace: string | undefined, name: string): any | undefined {
    const b = this.bucket(t);
    const k = `${t.namespaced ? namespace ?? '' : ''}/${name}`;
    const previous = b.get(k);
    if (!previous) return undefined;
    b.delete(k);
    const gone = clone(previous);
    gone.metadata.resourceVersion = String(++this.rv);
    this.emit({rv: this.rv, type: 'DELETED', key: storageKey(t), object: gone, previous});
    return gone;
  }

  dropType(t: ResourceType): void {
    this.data.delete(storageKey(t));
  }

  /** Events after `rv` for one storage key, or undefined when `rv` is older than the history kept. */
  since(key: string, rv: number): StoreEvent[] | undefined {
    if (rv < this.oldestResumable) return undefined;
    return this.history.filter((e) => e.rv > rv && e.key === key);
  }

  subscribe(fn: (e: StoreEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private emit(e: StoreEvent): void {
    this.history.push(e);
    if (this.history.length > HISTORY + COMPACT_BATCH) {
      const dropped = this.history.splice(0, this.history.length - HISTORY);
      this.compacted = dropped[dropped.length - 1].rv;
    }
    for (const l of [...this.listeners]) l(e);
  }
}
