// List, then watch from the list's resourceVersion, as client-go's Reflector does
// (k8s.io/client-go/tools/cache/reflector.go ListAndWatch): a watch that ends normally is
// resumed from the last resourceVersion seen (bookmarks included); a 410 Gone, an ERROR event
// or a failed request starts over with a fresh list, after a capped exponential backoff.
// Watches ask for a server-side timeout between 5 and 10 minutes (the Reflector's
// minWatchTimeout × (1 + rand)), so a silently dead connection cannot stall us for ever.
import type {KubeRest, Query} from '../kube/rest.js';
import type {RequestDescription} from '../kube/status.js';
import type {KubeObject} from '../manifests/parse.js';
import type {Logger} from './log.js';

export type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface InformerHandlers {
  /** The complete current state, after every (re-)list. */
  onList(items: KubeObject[]): void;
  onEvent(type: WatchType, obj: KubeObject): void;
  /** After the first successful list (the cache is "synced"). */
  onSynced?(): void;
}

export interface InformerOptions {
  path: string;
  describe: RequestDescription;
  query?: Query;
  log: Logger;
  /** Watch timeout bounds in seconds; tests shorten them. */
  minWatchSeconds?: number;
  /**
   * false: only events matter, not the current state; the list asks for one item just to learn
   * the resourceVersion to watch from (used for Secrets, so their values are not all fetched).
   */
  listItems?: boolean;
  /** Said instead of the error when the server does not serve the resource (404 on the list). */
  missingHint?: string;
  /** Backoff after a failure: starts here, doubles, capped at 30s. */
  initialBackoffMs?: number;
}

export async function runInformer(rest: KubeRest, o: InformerOptions, h: InformerHandlers, signal: AbortSignal): Promise<void> {
  const minWatch = o.minWatchSeconds ?? 300;
  let backoff = o.initialBackoffMs ?? 800;
  let synced = false;
  while (!signal.aborted) {
    try {
      const list = o.listItems === false
        ? await rest.get<{metadata?: {resourceVersion?: string}}>(o.path, {...o.describe, verb: 'list'}, {...o.query, limit: 1}).then((l) => ({items: [] as KubeObject[], resourceVersion: l.metadata?.resourceVersion}))
        : await rest.list<KubeObject>(o.path, {...o.describe, verb: 'list'}, o.query ?? {});
      if (signal.aborted) return;
      h.onList(list.items);
      if (!synced) {
        synced = true;
        h.onSynced?.();
      }
      let rv = list.resourceVersion;
      for (;;) {
        let relist = false;
        const timeoutSeconds = Math.floor(minWatch * (1 + Math.random()));
        // Our own signal per watch, so an ERROR event can end the stream without waiting for the server.
        const watchAbort = new AbortController();
        const stop = (): void => watchAbort.abort();
        signal.addEventListener('abort', stop, {once: true});
        await rest.watch(o.path, {...o.query, resourceVersion: rv, timeoutSeconds}, {...o.describe, verb: 'watch'}, (e) => {
          if (relist) return;
          if (e.type === 'BOOKMARK') {
            rv = e.object?.metadata?.resourceVersion ?? rv;
          } else if (e.type === 'ERROR') {
            // 410 Gone: our resourceVersion was compacted away. Anything else: start over too.
            if (e.object?.code !== 410) o.log('warn', 'watch error; listing again', {resource: o.describe.resource, reason: e.object?.reason, code: e.object?.code});
            relist = true;
            watchAbort.abort();
          } else if (e.type === 'ADDED' || e.type === 'MODIFIED' || e.type === 'DELETED') {
            rv = e.object?.metadata?.resourceVersion ?? rv;
            h.onEvent(e.type, e.object);
          }
        }, watchAbort.signal).finally(() => signal.removeEventListener('abort', stop));
        backoff = o.initialBackoffMs ?? 800;
        if (relist || signal.aborted) break;
      }
    } catch (error) {
      if (signal.aborted) return;
      const missing = (error as {status?: number}).status === 404 && o.missingHint;
      o.log('warn', 'list/watch failed; retrying', {resource: o.describe.resource, error: missing || (error as Error).message, retryInMs: backoff});
      await sleep(backoff, signal);
      backoff = Math.min(backoff * 2, 30_000);
    }
  }
}

/** Resolves after ms, or at once when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, {once: true});
  });
}
