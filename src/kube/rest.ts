// A small REST client over @kubernetes/client-node's KubeConfig: the library does the
// authentication (tokens, client certs, exec plugins) and the TLS set-up; we do the HTTP so
// every command can use any path (subresources, the service proxy, server-side apply) with one
// error model, bounded retries, and a request timeout.
import {ClusterError} from '../errors.js';
import {statusError, type KubeStatus, type RequestDescription} from './status.js';
import type {KubeConfig} from '@kubernetes/client-node';

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  contentType?: string;
  accept?: string;
  describe: RequestDescription;
  /** Return the body as text instead of parsing JSON. */
  text?: boolean;
  /** Overrides the client's timeout for this request (e.g. a long watch). 0 = none. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface RestOptions {
  timeoutMs: number;
  debug?: (line: string) => void;
  /** Attempts for idempotent reads that fail with a network error or 5xx; and for any 429. */
  maxAttempts?: number;
  /** Upper bound on one Retry-After wait, so a hostile header cannot hang us. */
  maxRetryAfterMs?: number;
}

export interface ListResult<T> {
  items: T[];
  resourceVersion?: string;
}

const RETRYABLE_STATUS = new Set([500, 502, 503, 504]);

export class KubeRest {
  readonly server: string;
  private readonly opts: Required<Omit<RestOptions, 'debug'>> & {debug?: (l: string) => void};
  /**
   * client-node builds a new connection pool (dispatcher) on every applySecurityAuthentication,
   * which costs a TLS handshake per request; we keep the first one and reuse its connections.
   * Headers (tokens, refreshed exec credentials) are still applied per request.
   */
  private readonly dispatchers: {current?: unknown} = {};

  constructor(private readonly kc: KubeConfig, opts: RestOptions) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new ClusterError('no cluster in the current context');
    this.server = cluster.server.replace(/\/+$/, '');
    this.opts = {maxAttempts: 4, maxRetryAfterMs: 30_000, ...opts};
  }

  get kubeConfig(): KubeConfig {
    return this.kc;
  }

  url(path: string, query?: Query): string {
    const u = new URL(this.server + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
    return u.toString();
  }

  async request<T = any>(method: string, path: string, o: RequestOptions): Promise<T> {
    const url = this.url(path, o.query);
    const idempotent = method === 'GET' || method === 'HEAD';
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      let res: Awaited<ReturnType<typeof fetchOnce>>;
      try {
        res = await fetchOnce(this.kc, method, url, o, o.timeoutMs ?? this.opts.timeoutMs, this.dispatchers);
      } catch (error) {
        const err = networkError(error, this.server, o, o.timeoutMs ?? this.opts.timeoutMs);
        this.log(`${method} ${url} failed after ${Date.now() - started}ms: ${err.message}`);
        if (idempotent && attempt < this.opts.maxAttempts && !isTimeout(error)) {
          await sleep(backoff(attempt));
          continue;
        }
        throw err;
      }
      this.log(`${method} ${url} ${res.status} in ${Date.now() - started}ms`);
      if (res.status >= 200 && res.status < 300) {
        if (o.text) return res.text as T;
        return (res.text ? JSON.parse(res.text) : undefined) as T;
      }
      const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
      // A 429 means the server did not process the request, so even a write may be resent.
      if ((res.status === 429 || (idempotent && RETRYABLE_STATUS.has(res.status))) && attempt < this.opts.maxAttempts) {
        const wait = retryAfter !== undefined ? Math.min(retryAfter * 1000, this.opts.maxRetryAfterMs) : backoff(attempt);
        this.log(`retrying in ${wait}ms (attempt ${attempt + 1} of ${this.opts.maxAttempts})`);
        await sleep(wait);
        continue;
      }
      let body: KubeStatus | undefined;
      try {
        body = JSON.parse(res.text) as KubeStatus;
      } catch {}
      throw statusError(res.status, body, o.describe, retryAfter);
    }
  }

  get<T = any>(path: string, describe: RequestDescription, query?: Query): Promise<T> {
    return this.request<T>('GET', path, {describe, query});
  }

  /** Lists a collection page by page (limit/continue), as kubectl does for large lists. */
  async list<T = any>(path: string, describe: RequestDescription, query: Query = {}, pageSize = 500): Promise<ListResult<T>> {
    const items: T[] = [];
    let cont: string | undefined;
    let resourceVersion: string | undefined;
    do {
      const page = await this.get<{items?: T[]; metadata?: {continue?: string; resourceVersion?: string}}>(path, {...describe, verb: 'list'}, {...query, limit: pageSize, continue: cont});
      items.push(...(page.items ?? []));
      cont = page.metadata?.continue || undefined;
      resourceVersion = page.metadata?.resourceVersion;
    } while (cont);
    return {items, resourceVersion};
  }

  create<T = any>(path: string, body: unknown, describe: RequestDescription, query?: Query): Promise<T> {
    return this.request<T>('POST', path, {body, describe: {...describe, verb: describe.verb ?? 'create'}, query});
  }

  update<T = any>(path: string, body: unknown, describe: RequestDescription, query?: Query): Promise<T> {
    return this.request<T>('PUT', path, {body, describe, query});
  }

  patch<T = any>(path: string, body: unknown, type: 'merge' | 'strategic' | 'json' | 'apply', describe: RequestDescription, query?: Query): Promise<T> {
    const contentType = {
      merge: 'application/merge-patch+json',
      strategic: 'application/strategic-merge-patch+json',
      json: 'application/json-patch+json',
      apply: 'application/apply-patch+yaml',
    }[type];
    return this.request<T>('PATCH', path, {body, contentType, describe, query});
  }

  delete<T = any>(path: string, describe: RequestDescription, body?: unknown): Promise<T> {
    return this.request<T>('DELETE', path, {describe, body});
  }

  /**
   * Streams watch events until the signal aborts or the server closes the stream.
   * Returns normally on close; callers re-list and re-watch as informers do.
   */
  async watch(path: string, query: Query, describe: RequestDescription, onEvent: (e: {type: string; object: any}) => void | Promise<void>, signal?: AbortSignal): Promise<void> {
    const url = this.url(path, {...query, watch: 1, allowWatchBookmarks: true});
    const {fetch} = await import('undici');
    const k8s = await import('@kubernetes/client-node');
    const ctx = new k8s.RequestContext(url, k8s.HttpMethod.GET);
    await this.kc.applySecurityAuthentication(ctx);
    let res;
    try {
      this.dispatchers.current ??= ctx.getDispatcher();
      res = await fetch(url, {method: 'GET', headers: ctx.getHeaders(), dispatcher: this.dispatchers.current as any, signal});
    } catch (error) {
      if (signal?.aborted) return;
      throw networkError(error, this.server, {describe}, 0);
    }
    this.log(`WATCH ${url} ${res.status}`);
    if (res.status !== 200) {
      const text = await res.text();
      let body: KubeStatus | undefined;
      try {
        body = JSON.parse(text);
      } catch {}
      throw statusError(res.status, body, {...describe, verb: 'watch'});
    }
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of res.body as any as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, {stream: true});
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line) await onEvent(JSON.parse(line));
        }
      }
    } catch (error) {
      if (signal?.aborted) return;
      throw networkError(error, this.server, {describe}, 0);
    }
  }

  private log(line: string): void {
    this.opts.debug?.(line);
  }
}

async function fetchOnce(kc: KubeConfig, method: string, url: string, o: RequestOptions, timeoutMs: number, dispatchers: {current?: unknown}) {
  const [{fetch}, k8s] = await Promise.all([import('undici'), import('@kubernetes/client-node')]);
  const ctx = new k8s.RequestContext(url, method as any);
  await kc.applySecurityAuthentication(ctx);
  dispatchers.current ??= ctx.getDispatcher();
  const headers: Record<string, string> = {...ctx.getHeaders(), accept: o.accept ?? 'application/json'};
  let body: string | undefined;
  if (o.body !== undefined) {
    body = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
    headers['content-type'] = o.contentType ?? 'application/json';
  }
  const signals = [o.signal, timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined].filter(Boolean) as AbortSignal[];
  const res = await fetch(url, {
    method,
    headers,
    body,
    dispatcher: dispatchers.current as any,
    signal: signals.length ? AbortSignal.any(signals) : undefined,
  });
  return {status: res.status, headers: res.headers, text: await res.text()};
}

function isTimeout(error: unknown): boolean {
  const e = error as {name?: string; cause?: {name?: string}};
  return e?.name === 'TimeoutError' || e?.cause?.name === 'TimeoutError';
}

function networkError(error: unknown, server: string, o: {describe: RequestDescription}, timeoutMs: number): ClusterError {
  if (error instanceof ClusterError) return error;
  const d = o.describe;
  if (isTimeout(error)) {
    return new ClusterError(`request timed out after ${timeoutMs / 1000}s (${d.verb} ${d.resource}${d.namespace ? ` in namespace "${d.namespace}"` : ''}); it may or may not have been applied`, {
      reason: 'Timeout',
      hint: 'check the cluster, then retry or raise --request-timeout',
    });
  }
  const cause = (error as {cause?: {code?: string; message?: string}})?.cause;
  const code = cause?.code ?? (error as {code?: string})?.code;
  const dropped = code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE';
  const why = code === 'ECONNREFUSED' ? 'connection refused' : code === 'ENOTFOUND' ? 'host not found' : dropped ? 'connection dropped' : code ?? (cause?.message ?? (error as Error)?.message ?? 'network error').split('\n')[0];
  // A dropped connection may come after the server applied a write: callers re-read to find out.
  return new ClusterError(`cannot reach the cluster at ${server}: ${why}`, {
    reason: dropped ? 'ConnectionDropped' : 'Unreachable',
    hint: 'check that the cluster is running and that --context/--kubeconfig point at it',
  });
}

function parseRetryAfter(h: string | null): number | undefined {
  if (!h) return undefined;
  const n = Number(h);
  if (Number.isFinite(n) && n >= 0) return n;
  const t = Date.parse(h);
  return Number.isNaN(t) ? undefined : Math.max(0, (t - Date.now()) / 1000);
}

/** Exponential backoff with full jitter, bounded: 100ms, 200ms, 400ms … capped at 2s. */
function backoff(attempt: number): number {
  const cap = Math.min(2000, 100 * 2 ** (attempt - 1));
  return Math.round(cap / 2 + Math.random() * (cap / 2));
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
