// Warning Events on a SealedSecret, as client-go's record package writes them
// (k8s.io/client-go/tools/record/event.go, events_cache.go): a name of
// "<object>.<hex nanoseconds>", and a repeat of the same reason and message on the same object
// bumps `count` and `lastTimestamp` of the Event already written instead of adding a new one
// (the EventLogger half of the EventCorrelator; its similar-event aggregation is not ported).
import {collectionPath, objectPath, resourceFor} from '../kube/resources.js';
import type {Cluster} from '../kube/cluster.js';
import type {KubeObject} from '../manifests/parse.js';
import {metaTime} from './conditions.js';

export const COMPONENT = 'kubectl-secret-controller';
const EVENT = resourceFor('Event');
/** The API server rejects longer messages from events/v1 writers; keep the same bound here. */
const MAX_MESSAGE = 1024;
const CACHE_SIZE = 4096;

export function eventFor(obj: KubeObject, reason: string, message: string, now: number, instance: string): KubeObject {
  const t = metaTime(now);
  const md = obj.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {name: `${md.name}.${(BigInt(now) * 1_000_000n + BigInt(Math.floor(Math.random() * 1e6))).toString(16)}`, namespace: md.namespace},
    involvedObject: {apiVersion: obj.apiVersion, kind: obj.kind, name: md.name, namespace: md.namespace, uid: md.uid, resourceVersion: md.resourceVersion},
    reason,
    message: message.length > MAX_MESSAGE ? message.slice(0, MAX_MESSAGE - 3) + '...' : message,
    type: 'Warning',
    source: {component: COMPONENT},
    reportingComponent: COMPONENT,
    reportingInstance: instance,
    firstTimestamp: t,
    lastTimestamp: t,
    count: 1,
  };
}

export class EventRecorder {
  private readonly seen = new Map<string, {name: string; namespace: string; count: number}>();

  constructor(private readonly cluster: Cluster, private readonly instance: string, private readonly now: () => number = Date.now) {}

  async warning(obj: KubeObject, reason: string, message: string): Promise<void> {
    const key = `${obj.metadata?.uid}\u0000${reason}\u0000${message}`;
    const prev = this.seen.get(key);
    const rest = this.cluster.rest;
    if (prev) {
      const count = prev.count + 1;
      try {
        await rest.patch(objectPath(EVENT, prev.name, prev.namespace), {count, lastTimestamp: metaTime(this.now())}, 'merge', {verb: 'patch', resource: 'events', namespace: prev.namespace, name: prev.name});
        prev.count = count;
        this.touch(key, prev);
        return;
      } catch (error) {
        if ((error as {status?: number}).status !== 404) throw error;
        this.seen.delete(key);
      }
    }
    const ev = eventFor(obj, reason, message, this.now(), this.instance);
    await rest.create(collectionPath(EVENT, ev.metadata!.namespace), ev, {verb: 'create', resource: 'events', namespace: ev.metadata!.namespace});
    this.touch(key, {name: ev.metadata!.name!, namespace: ev.metadata!.namespace!, count: 1});
  }

  /** LRU: most recent last, oldest evicted. */
  private touch(key: string, v: {name: string; namespace: string; count: number}): void {
    this.seen.delete(key);
    this.seen.set(key, v);
    if (this.seen.size > CACHE_SIZE) this.seen.delete(this.seen.keys().next().value!);
  }
}
