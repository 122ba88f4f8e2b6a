// Watch streams: newline-delimited JSON WatchEvents over a chunked response, as
// k8s.io/apiserver/pkg/endpoints/handlers/watch.go writes them. Selectors apply to both the old
// and the new object, so an object that stops matching is reported DELETED and one that starts
// matching ADDED, as the watch cache does. Like the apiserver's WatchServer, which flushes only
// when no further event is queued for the stream (`if len(ch) == 0 { flusher.Flush() }`), the
// events of one turn of the event loop go out in one write.
import type {ServerResponse} from 'node:http';
import {storageKey, type ResourceType} from './registry.js';
import {matchFields, matchLabels, type FieldRequirement, type LabelRequirement} from './selectors.js';
import type {Store, StoreEvent} from './store.js';

export interface WatchParams {
  type: ResourceType;
  namespace?: string;
  labels: LabelRequirement[];
  fields: FieldRequirement[];
  resourceVersion?: string;
  timeoutSeconds?: number;
  bookmarks: boolean;
  /** Renders a stored object as the client's version sees it. */
  render: (o: any) => any;
  /**
   * Delivers each event this much later (order kept). Separate watches are separate streams, so a
   * client can see a change of one resource before an earlier change of another; this makes it so.
   */
  delayMs?: () => number;
}

export function serveWatch(store: Store, res: ServerResponse, p: WatchParams, open: Set<ServerResponse>): void {
  const key = storageKey(p.type);
  const matches = (o: any): boolean =>
    !!o && (p.namespace === undefined || o.metadata?.namespace === p.namespace) && matchLabels(p.labels, o.metadata?.labels) && matchFields(p.fields, o);
  res.writeHead(200, {'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private'});
  res.flushHeaders();
  const write = (line: string): void => {
    if (!res.writableEnded) res.write(line);
  };
  let queued: string[] = [];
  const flush = (): void => {
    if (queued.length === 0) return;
    const text = queued.join('');
    queued = [];
    write(text);
  };
  const enqueue = (line: string): void => {
    if (queued.length === 0) setImmediate(flush);
    queued.push(line);
  };
  const send = (type: string, object: any): void => {
    const line = JSON.stringify({type, object}) + '\n';
    const delay = p.delayMs?.() ?? 0;
    if (delay > 0) setTimeout(() => enqueue(line), delay);
    else enqueue(line);
  };
  const onEvent = (e: StoreEvent): void => {
    if (e.key !== key) return;
    const now = matches(e.object);
    const before = e.type !== 'ADDED' && matches(e.previous);
    if (e.type === 'DELETED') {
      if (before) send('DELETED', p.render(e.object));
    } else if (now && before) send('MODIFIED', p.render(e.object));
    else if (now) send('ADDED', p.render(e.object));
    else if (before) send('DELETED', p.render(e.object));
  };
  const rv = p.resourceVersion;
  if (rv === undefined || rv === '' || rv === '0') {
    // "Get state and start at most recent": synthetic ADDED events for what exists now.
    for (const o of store.list(p.type, p.namespace)) if (matches(o)) send('ADDED', p.render(o));
  } else {
    const n = Number(rv);
    const backlog = Number.isInteger(n) ? store.since(key, n) : undefined;
    if (!backlog) {
      send('ERROR', {kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `too old resource version: ${rv} (${store.oldestResumable})`, reason: 'Expired', code: 410});
      flush();
      res.end();
      return;
    }
    for (const e of backlog) onEvent(e);
  }
  const unsubscribe = store.subscribe(onEvent);
  open.add(res);
  let bookmarkTimer: NodeJS.Timeout | undefined;
  if (p.bookmarks) {
    const shape = p.render({metadata: {}});
    bookmarkTimer = setInterval(() => send('BOOKMARK', {kind: shape.kind ?? p.type.kind, apiVersion: shape.apiVersion, metadata: {resourceVersion: String(store.resourceVersion)}}), 1000);
  }
  const finish = (): void => {
    unsubscribe();
    open.delete(res);
    clearTimeout(timer);
    clearInterval(bookmarkTimer);
    flush();
    if (!res.writableEnded) res.end();
  };
  const timer = p.timeoutSeconds !== undefined && p.timeoutSeconds > 0 ? setTimeout(finish, p.timeoutSeconds * 1000) : undefined;
  res.on('close', finish);
}
