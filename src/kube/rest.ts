// A small REST client over @kubernetes/client-node's KubeConfig: the library does the
// authentication (tokens, client certs, exec plugins) and the TLS set-up; we do the HTTP so
// every command can use any path (subresources, the service proxy, server-side apply) with one
// error model, bounded retries, and a request timeout.
import {ClusterError} from '../errors.js';
import {ExecCredentialPlugin, type ExecConfig} from './exec-credential.js';
import {checkAnswer} from './shape.js';
import {isStatus, statusError, type KubeStatus, type RequestDescription} from './status.js';
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
  /**
   * Sent on every request. The API server names the field manager of a write that gives none
   * after what comes before its first '/' (kubectl's is `kubectl/v1.31.0 (linux/amd64) kubernetes/abc1234`).
   */
  userAgent?: string;
}

/** client-go's DefaultUserAgent shape: `NAME/VERSION (OS/ARCH) NAME/COMMIT`; we have no commit. */
export function defaultUserAgent(version = 'unknown'): string {
  const goArch: Record<string, string> = {x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm'};
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  return `kubectl-secret/v${version.replace(/^v/, '')} (${os}/${goArch[process.arch] ?? process.arch}) kubectl-secret/v${version.replace(/^v/, '')}`;
}

export interface ListResult<T> {
  items: T[];
  resourceVersion?: string;
}

const RETRYABLE_STATUS = new Set([500, 502, 503, 504]);

/** A watch the caller gives no timeout ends after 5 to 10 minutes, as client-go's reflector does. */
const WATCH_MIN_SECONDS = 300;

export class KubeRest {
  readonly server: string;
  private readonly opts: Required<Omit<RestOptions, 'debug' | 'userAgent'>> & {debug?: (l: string) => void};
  /**
   * client-node builds a new connection pool (dispatcher) on every applySecurityAuthentication,
   * which costs a TLS handshake per request; we keep the first one and reuse its connections.
   * Headers (tokens, refreshed exec credentials) are still applied per request.
   */
  private pool?: Promise<Pool>;
  /** The kubeconfig used for TLS and static credentials: an exec user's plugin is run by us. */
  private authKc: KubeConfig;
  private readonly exec?: ExecCredentialPlugin;
  private staticHeaders?: Record<string, string>;
  private readonly userAgent: string;

  constructor(private readonly kc: KubeConfig, opts: RestOptions) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new ClusterError('no cluster in the current context');
    this.server = cluster.server.replace(/\/+$/, '');
    this.opts = {...opts, maxAttempts: opts.maxAttempts ?? 4, maxRetryAfterMs: opts.maxRetryAfterMs ?? 30_000};
    this.authKc = kc;
    this.userAgent = opts.userAgent ?? defaultUserAgent();
    const user = kc.getCurrentUser();
    if (user?.exec?.command) {
      this.exec = new ExecCredentialPlugin(user.exec as ExecConfig, user.name, this.opts.timeoutMs);
      this.authKc = withUser(kc, {...user, exec: undefined});
    }
  }

  get kubeConfig(): KubeConfig {
    return this.kc;
  }

  url(path: string, query?: Query): string {
    const u = new URL(this.server + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
    return u.toString();
  }

  /**
   * Headers and the one connection pool of this client. client-node's applySecurityAuthentication
   * re-reads certificate files and builds a new connection pool on every call, a third of the cost
   * of a request at controller rates: a user with static credentials (a token, a client
   * certificate, basic auth) has the same headers every time, so they are computed once. An auth
   * provider (OIDC, a token file, cloud plugins) may refresh its token, so it is asked each time;
   * an exec plugin's credential is ours to cache (exec-credential.ts).
   */
  private async prepare(url: string, method: string): Promise<{headers: Record<string, string>; pool: Pool}> {
    const cred = this.exec ? await this.exec.credential() : undefined;
    if (cred?.clientCertificateData && cred.clientKeyData && !this.pool) {
      const user = this.authKc.getCurrentUser()!;
      this.authKc = withUser(this.authKc, {...user, certData: Buffer.from(cred.clientCertificateData).toString('base64'), keyData: Buffer.from(cred.clientKeyData).toString('base64')});
    }
    let base = this.staticHeaders;
    if (!base) {
      const k8s = await import('@kubernetes/client-node');
      const ctx = new k8s.RequestContext(url, method as any);
      await this.authKc.applySecurityAuthentication(ctx);
      this.pool ??= makePool(ctx.getDispatcher());
      base = {...ctx.getHeaders(), 'User-Agent': this.userAgent};
      if (!this.authKc.getCurrentUser()?.authProvider) this.staticHeaders = base;
    }
    const headers: Record<string, string> = {...base};
    if (cred?.token) headers.Authorization = `Bearer ${cred.token}`;
    return {headers, pool: await this.pool!};
  }

  async request<T = any>(method: string, path: string, o: RequestOptions): Promise<T> {
    const url = this.url(path, o.query);
    const idempotent = method === 'GET' || method === 'HEAD';
    const timeoutMs = o.timeoutMs ?? this.opts.timeoutMs;
    // --request-timeout bounds the whole request, its retries included: a server that cannot be
    // connected to ends after it, not after four of undici's own 10 s connect timeouts. It starts
    // once the request is ready to go (loading the client library is not the cluster's time; an
    // exec credential plugin has its own limit of the same length).
    let deadline: number | undefined;
    const describe = {...o.describe, verb: o.describe.verb ?? method.toLowerCase()};
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      let res: Awaited<ReturnType<typeof fetchOnce>>;
      try {
        const {headers, pool} = await this.prepare(url, method);
        deadline ??= timeoutMs > 0 ? Date.now() + timeoutMs : Infinity;
        res = await fetchOnce(pool.plain, headers, method, url, o, deadline);
      } catch (error) {
        const err = networkError(error, this.server, describe, timeoutMs, !idempotent);
        this.log(`${method} ${url} failed after ${Date.now() - started}ms: ${err.message}${errorCode(error) ? ` (${errorCode(error)})` : ''}`);
        const wait = backoff(attempt);
        if (idempotent && attempt < this.opts.maxAttempts && err.reason !== 'Timeout' && err.reason !== 'ExecPluginFailed' && Date.now() + wait < (deadline ?? Infinity)) {
          await sleep(wait);
          continue;
        }
        throw err;
      }
      this.log(`${method} ${url} ${res.status} in ${Date.now() - started}ms`);
      if (res.status >= 200 && res.status < 300) {
        if (o.text) return res.text as T;
        if (!res.text) return undefined as T;
        let parsed: unknown;
        try {
          parsed = JSON.parse(res.text);
        } catch {
          throw new ClusterError(`the server's answer to ${describe.verb} ${describeWhat(describe)} is not JSON (${Buffer.byteLength(res.text)} bytes, ${res.contentType || 'no content type'})`, {
            reason: 'MalformedResponse', hint: 'check that --context points at a Kubernetes API server (and any proxy in between)',
          });
        }
        checkAnswer(parsed, describe);
        return parsed as T;
      }
      const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
      // A 429 means the server did not process the request, so even a write may be resent.
      if ((res.status === 429 || (idempotent && RETRYABLE_STATUS.has(res.status))) && attempt < this.opts.maxAttempts) {
        const wait = retryAfter !== undefined ? Math.min(retryAfter * 1000, this.opts.maxRetryAfterMs) : backoff(attempt);
        if (Date.now() + wait < (deadline ?? Infinity)) {
          this.log(`retrying in ${wait}ms (attempt ${attempt + 1} of ${this.opts.maxAttempts})`);
          await sleep(wait);
          continue;
        }
      }
      let body: KubeStatus | undefined;
      try {
        body = JSON.parse(res.text) as KubeStatus;
      } catch {}
      throw statusError(res.status, isStatus(body) ? body : undefined, describe, retryAfter, isStatus(body) ? undefined : Buffer.byteLength(res.text));
    }
  }

  get<T = any>(path: string, describe: RequestDescription, query?: Query): Promise<T> {
    return this.request<T>('GET', path, {describe, query});
  }

  /**
   * Lists a collection page by page (limit/continue), as kubectl does for large lists. A
   * continue token that expired (410) falls back to one full list, as client-go's pager
   * (FullListIfExpired) does: pages already read are dropped, so the result is one snapshot.
   */
  async list<T = any>(path: string, describe: RequestDescription, query: Query = {}, pageSize = 500): Promise<ListResult<T>> {
    type Page = {items?: T[] | null; metadata?: {continue?: string; resourceVersion?: string}};
    const items: T[] = [];
    let cont: string | undefined;
    let resourceVersion: string | undefined;
    do {
      let page: Page;
      try {
        page = await this.get<Page>(path, {...describe, verb: 'list'}, {...query, limit: pageSize, continue: cont});
      } catch (error) {
        if (!cont || (error as ClusterError).status !== 410) throw error;
        this.log(`continue token expired; listing ${path} again in one request`);
        const full = await this.get<Page>(path, {...describe, verb: 'list'}, {...query});
        return {items: full.items ?? [], resourceVersion: full.metadata?.resourceVersion};
      }
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
   * The server ends the watch after `timeoutSeconds` (5 to 10 minutes when the caller gives
   * none, as client-go's reflector asks); the HTTP client's own body timeout (undici: 300 s of
   * silence) is lifted to a little past that, so a quiet watch is never cut from our side.
   */
  async watch(path: string, query: Query, describe: RequestDescription, onEvent: (e: {type: string; object: any}) => void | Promise<void>, signal?: AbortSignal): Promise<void> {
    const timeoutSeconds = Number(query.timeoutSeconds) > 0 ? Number(query.timeoutSeconds) : Math.round(WATCH_MIN_SECONDS * (1 + Math.random()));
    const url = this.url(path, {...query, watch: 1, allowWatchBookmarks: true, timeoutSeconds});
    const d = {...describe, verb: 'watch'};
    const {fetch} = await import('undici');
    let res;
    try {
      const {headers, pool} = await this.prepare(url, 'GET');
      res = await fetch(url, {method: 'GET', headers: {...headers, accept: 'application/json'}, dispatcher: pool.watch((timeoutSeconds + 60) * 1000) as any, signal});
    } catch (error) {
      if (signal?.aborted) return;
      throw networkError(error, this.server, d, 0, false);
    }
    this.log(`WATCH ${url} ${res.status}`);
    if (res.status !== 200) {
      const text = await res.text();
      let body: KubeStatus | undefined;
      try {
        body = JSON.parse(text);
      } catch {}
      throw statusError(res.status, isStatus(body) ? body : undefined, d, undefined, isStatus(body) ? undefined : Buffer.byteLength(text));
    }
    const decoder = new TextDecoder();
    let buf = '';
    const handle = async (line: string) => {
      let e: {type?: unknown; object?: unknown};
      try {
        e = JSON.parse(line);
      } catch {
        throw new ClusterError(`the server sent a watch event of ${Buffer.byteLength(line)} bytes that is not JSON (${d.verb} ${describeWhat(d)})`, {reason: 'MalformedResponse'});
      }
      if (typeof e?.type !== 'string') throw new ClusterError(`the server sent a watch event without a type (${d.verb} ${describeWhat(d)})`, {reason: 'MalformedResponse'});
      if (e.type === 'ADDED' || e.type === 'MODIFIED' || e.type === 'DELETED') checkAnswer(e.object, {...d, verb: 'watch'});
      await onEvent(e as {type: string; object: any});
    };
    try {
      for await (const chunk of res.body as any as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, {stream: true});
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line) await handle(line);
        }
      }
    } catch (error) {
      if (signal?.aborted) return;
      if (error instanceof ClusterError) throw error;
      throw networkError(error, this.server, d, 0, false);
    }
  }

  private log(line: string): void {
    this.opts.debug?.(line);
  }
}

interface Pool {
  /** Requests bounded by our own deadline: undici's header and body timeouts are lifted. */
  plain: unknown;
  /** A watch: silence is allowed up to `bodyTimeoutMs`. */
  watch(bodyTimeoutMs: number): unknown;
}

/** One connection pool per client, with per-request timeouts set by an interceptor. */
async function makePool(base: unknown): Promise<Pool> {
  const {Agent} = await import('undici');
  const agent = (base ?? new Agent()) as {compose(i: (dispatch: any) => any): unknown};
  const withTimeouts = (headersTimeout: number, bodyTimeout: number) => agent.compose((dispatch: any) => (opts: any, handler: any) => dispatch({...opts, headersTimeout, bodyTimeout}, handler));
  return {plain: withTimeouts(0, 0), watch: (ms) => withTimeouts(0, ms)};
}

function withUser(kc: KubeConfig, user: NonNullable<ReturnType<KubeConfig['getCurrentUser']>>): KubeConfig {
  const copy = new (kc.constructor as new () => KubeConfig)();
  copy.loadFromOptions({clusters: kc.clusters, contexts: kc.contexts, currentContext: kc.getCurrentContext(), users: kc.users.map((u) => (u.name === user.name ? user : u))});
  return copy;
}

/**
 * One request through undici's request API rather than fetch: fetch wraps every call in WHATWG
 * Request/Response objects and streams and writes a body as a separate chunk, which at
 * controller rates cost as much CPU as the work itself; request() writes headers and body at once.
 */
async function fetchOnce(dispatcher: unknown, authHeaders: Record<string, string>, method: string, url: string, o: RequestOptions, deadline: number) {
  const {request} = await import('undici');
  const headers: Record<string, string> = {...authHeaders, accept: o.accept ?? 'application/json'};
  let body: string | undefined;
  if (o.body !== undefined) {
    body = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
    headers['content-type'] = o.contentType ?? 'application/json';
  }
  const remaining = deadline - Date.now();
  if (remaining <= 0) throw new DOMException('the deadline passed', 'TimeoutError');
  // Our own timer, cleared when the answer is read: an AbortSignal.timeout() lives until it
  // fires, and with it the listeners undici hangs on it, which hold the request and its response
  // body — at controller rates every request of the last 30 s stayed in memory (about 15 MB per
  // 1,000 requests in a heap snapshot).
  const ac = new AbortController();
  const timer = Number.isFinite(remaining) ? setTimeout(() => ac.abort(new DOMException('the request timed out', 'TimeoutError')), remaining) : undefined;
  const onCallerAbort = (): void => ac.abort(o.signal!.reason);
  if (o.signal?.aborted) onCallerAbort();
  else o.signal?.addEventListener('abort', onCallerAbort, {once: true});
  try {
    const sent = request(url, {method: method as any, headers, body, dispatcher: dispatcher as any, signal: ac.signal});
    sent.catch(() => {}); // raced below: its late failure after an abort is not news
    // undici sees an abort only once a connection is up: a request still waiting for one (a server
    // that never finishes the handshake) would outlive the deadline by its own 10 s connect timeout.
    const res = await Promise.race([sent, aborted(ac.signal)]);
    const header = (name: string): string | null => {
      const v = res.headers[name];
      return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
    };
    return {status: res.statusCode, headers: {get: header}, contentType: header('content-type') ?? '', text: await res.body.text()};
  } finally {
    clearTimeout(timer);
    o.signal?.removeEventListener('abort', onCallerAbort);
  }
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), {once: true});
  });
}

function errorCode(error: unknown): string | undefined {
  const e = error as {code?: string; cause?: {code?: string; cause?: {code?: string}}};
  return e?.cause?.code ?? e?.code ?? e?.cause?.cause?.code;
}

function isTimeout(error: unknown): boolean {
  const e = error as {name?: string; cause?: {name?: string}};
  const code = errorCode(error);
  // undici's own header and body timeouts are the same uncertainty as ours.
  return e?.name === 'TimeoutError' || e?.cause?.name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
}

function describeWhat(d: RequestDescription): string {
  return `${d.resource}${d.name ? ` "${d.name}"` : ''}${d.namespace ? ` in namespace "${d.namespace}"` : ''}`;
}

/** Network failures in plain words: Node's and undici's error codes mean nothing to a user. */
const PLAIN: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found (the name lookup failed)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EHOSTDOWN: 'host is down',
  ETIMEDOUT: 'connecting timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connecting timed out',
  EPROTO: 'the TLS handshake failed',
  BAD_PORT: 'the HTTP client refuses this port (it is on fetch\'s list of blocked ports)',
  ERR_SSL_WRONG_VERSION_NUMBER: 'the TLS handshake failed (is the server speaking HTTPS?)',
};
const DROPPED = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE', 'UND_ERR_CLOSED', 'ECONNABORTED']);

function networkError(error: unknown, server: string, d: RequestDescription, timeoutMs: number, write: boolean): ClusterError {
  if (error instanceof ClusterError) return error;
  const what = `${d.verb} ${describeWhat(d)}`;
  if (isTimeout(error)) {
    // Only a write can be half done; a read that timed out simply has no answer.
    return new ClusterError(`request timed out${timeoutMs > 0 ? ` after ${timeoutMs / 1000}s` : ''} (${what})${write ? '; it may or may not have been applied' : ''}`, {
      reason: 'Timeout',
      hint: write ? 'check the object (kubectl get) before retrying, or raise --request-timeout' : `check that the cluster at ${server} is reachable, then retry or raise --request-timeout`,
    });
  }
  const code = errorCode(error) ?? ((error as {cause?: {message?: string}})?.cause?.message === 'bad port' ? 'BAD_PORT' : '');
  if (DROPPED.has(code)) {
    // A dropped connection may come after the server applied a write: callers re-read to find out
    // and say which write it was.
    return new ClusterError(`connection to the cluster at ${server} dropped${write ? '' : ` (${what})`}`, {
      reason: 'ConnectionDropped',
      hint: 'check the cluster and any proxy in between, then retry',
    });
  }
  const tls = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME|UNABLE_TO_GET_ISSUER/.test(code);
  const why = tls ? 'its TLS certificate is not trusted (not signed by the certificate authority in the kubeconfig, or not issued for this address)' : PLAIN[code] ?? 'a network error';
  return new ClusterError(`cannot reach the cluster at ${server}: ${why}`, {
    reason: 'Unreachable',
    hint: tls ? 'check certificate-authority(-data) and the server address of the cluster in the kubeconfig' : 'check that the cluster is running and that --context/--kubeconfig point at it',
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
export function backoff(attempt: number): number {
  const cap = Math.min(2000, 100 * 2 ** (attempt - 1));
  return Math.round(cap / 2 + Math.random() * (cap / 2));
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
