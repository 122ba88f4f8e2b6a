// A small REST client for the API server: every command can use any path (subresources, the
// service proxy, server-side apply) with one error model, bounded retries, and a request timeout.
// Static credentials (a token or token file, a client certificate, basic auth, a CA, exec
// plugins, which exec-credential.ts runs) go over node:https with one keep-alive Agent: loading
// @kubernetes/client-node and undici was most of a cluster command's start-up (docs/performance.md).
// Only what client-node alone implements (auth providers: OIDC, gcp, azure; a cluster's
// proxy-url) loads it, and undici with it, for that kubeconfig.
import {readFileSync} from 'node:fs';
import {ClusterError, InputError} from '../errors.js';
import {ExecCredentialPlugin, type ExecCredentialStatus} from './exec-credential.js';
import {checkAnswer} from './shape.js';
import {isStatus, statusError, type KubeStatus, type RequestDescription} from './status.js';
import type {Kubeconfig, KubeCluster, KubeUser} from './config.js';
import type {KubeConfig as ClientNodeConfig} from '@kubernetes/client-node';

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
  private readonly exec?: ExecCredentialPlugin;
  private readonly userAgent: string;
  /** The one transport of this client, so its connections are reused (one TLS handshake, not one per request). */
  private transport?: Promise<Transport>;
  /** Headers that do not change between requests (none for an auth provider, which may refresh). */
  private staticHeaders?: Record<string, string>;
  private tokenFile?: {token: string; readAt: number};
  private clientNode?: ReturnType<typeof clientNodeAuth>;

  constructor(private readonly kc: Kubeconfig, opts: RestOptions) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new ClusterError('no cluster in the current context');
    this.server = cluster.server.replace(/\/+$/, '');
    this.opts = {...opts, maxAttempts: opts.maxAttempts ?? 4, maxRetryAfterMs: opts.maxRetryAfterMs ?? 30_000};
    this.userAgent = opts.userAgent ?? defaultUserAgent();
    const user = kc.getCurrentUser();
    if (user?.exec?.command) this.exec = new ExecCredentialPlugin(user.exec, user.name, this.opts.timeoutMs);
  }

  url(path: string, query?: Query): string {
    const u = new URL(this.server + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
    return u.toString();
  }

  /**
   * Headers and the one transport of this client. A user with static credentials (a token, a
   * client certificate, basic auth) has the same headers every time, so they are computed once;
   * a token file is re-read once a minute, as client-go does (a ServiceAccount's token rotates);
   * an exec plugin's credential is cached by exec-credential.ts; an auth provider (OIDC, cloud
   * plugins) may refresh its token, so client-node is asked each time.
   */
  private async prepare(url: string, method: string): Promise<{headers: Record<string, string>; transport: Transport}> {
    const cred = this.exec ? await this.exec.credential() : undefined;
    const cluster = this.kc.getCurrentCluster()!;
    const user = this.kc.getCurrentUser();
    if (user?.authProvider || cluster.proxyUrl) {
      this.clientNode ??= clientNodeAuth(this.kc, user, cred);
      const viaClientNode = await this.clientNode;
      this.transport ??= Promise.resolve(viaClientNode.transport);
      const headers: Record<string, string> = {...await viaClientNode.headers(url, method), 'User-Agent': this.userAgent};
      if (cred?.token) headers.Authorization = `Bearer ${cred.token}`;
      return {headers, transport: await this.transport};
    }
    this.transport ??= nodeTransport(cluster, user, cred);
    this.staticHeaders ??= staticHeaders(user, this.userAgent);
    const headers: Record<string, string> = {...this.staticHeaders};
    const token = cred?.token ?? (user?.token ? undefined : this.fileToken(user));
    if (token) headers.Authorization = `Bearer ${token}`;
    return {headers, transport: await this.transport};
  }

  private fileToken(user: KubeUser | undefined): string | undefined {
    if (!user?.tokenFile) return undefined;
    if (this.tokenFile && Date.now() - this.tokenFile.readAt < 60_000) return this.tokenFile.token;
    this.tokenFile = {token: readCredentialFile(user.tokenFile, 'token-file', `user "${user.name}"`).toString('utf8').trim(), readAt: Date.now()};
    return this.tokenFile.token;
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
      let res: Answer;
      try {
        const {headers, transport} = await this.prepare(url, method);
        deadline ??= timeoutMs > 0 ? Date.now() + timeoutMs : Infinity;
        res = await sendOnce(transport, headers, method, url, o, deadline);
      } catch (error) {
        if (error instanceof InputError) throw error;
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
      const retryAfter = parseRetryAfter(res.header('retry-after'));
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
   * none, as client-go's reflector asks). node:https has no body timeout; undici's (300 s of
   * silence) is lifted to a little past that, so a quiet watch is never cut from our side.
   */
  async watch(path: string, query: Query, describe: RequestDescription, onEvent: (e: {type: string; object: any}) => void | Promise<void>, signal?: AbortSignal): Promise<void> {
    const timeoutSeconds = Number(query.timeoutSeconds) > 0 ? Number(query.timeoutSeconds) : Math.round(WATCH_MIN_SECONDS * (1 + Math.random()));
    const url = this.url(path, {...query, watch: 1, allowWatchBookmarks: true, timeoutSeconds});
    const d = {...describe, verb: 'watch'};
    let res: Streamed;
    try {
      const {headers, transport} = await this.prepare(url, 'GET');
      res = await transport.stream(url, {...headers, accept: 'application/json'}, (timeoutSeconds + 60) * 1000, signal);
    } catch (error) {
      if (signal?.aborted) return;
      if (error instanceof InputError) throw error;
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
      for await (const chunk of res.body) {
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

/** An answer read to its end. */
interface Answer {
  status: number;
  header(name: string): string | null;
  contentType: string;
  text: string;
}

/** An answer whose body is read as it arrives (a watch). */
interface Streamed {
  status: number;
  body: AsyncIterable<Uint8Array>;
  text(): Promise<string>;
}

/**
 * Sends requests over one pool of connections. Neither implementation has a timeout of its own:
 * a request is bounded by our deadline (sendOnce), a watch by the server's timeoutSeconds.
 */
interface Transport {
  send(method: string, url: string, headers: Record<string, string>, body: string | undefined, signal: AbortSignal): Promise<Answer>;
  stream(url: string, headers: Record<string, string>, bodyTimeoutMs: number, signal?: AbortSignal): Promise<Streamed>;
}

const joinHeader = (v: string | string[] | undefined): string | null => (v === undefined ? null : Array.isArray(v) ? v.join(', ') : v);

/** A certificate, key, CA or token file the kubeconfig names; its content is never shown. */
function readCredentialFile(file: string, field: string, of: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable' : code === 'EISDIR' ? 'is a directory' : 'cannot be read';
    throw new InputError(`the kubeconfig's ${field} ${file} (${of}) ${why}`, 'fix the path in the kubeconfig (a relative path is read from the kubeconfig file\'s directory)');
  }
}

function staticHeaders(user: KubeUser | undefined, userAgent: string): Record<string, string> {
  const headers: Record<string, string> = {'User-Agent': userAgent};
  // client-node sends the token when both are set; kubectl refuses such a user.
  if (user?.token) headers.Authorization = `Bearer ${user.token}`;
  else if (user?.username) headers.Authorization = `Basic ${Buffer.from(`${user.username}:${user.password ?? ''}`).toString('base64')}`;
  if (user?.impersonateUser) headers['Impersonate-User'] = user.impersonateUser;
  return headers;
}

/**
 * node:https (node:http for an http:// server) with one keep-alive Agent and the kubeconfig's TLS
 * settings; the client certificate is the user's, else the exec plugin's.
 */
async function nodeTransport(cluster: KubeCluster, user: KubeUser | undefined, cred: ExecCredentialStatus | undefined): Promise<Transport> {
  const tls: {ca?: Buffer; cert?: Buffer | string; key?: Buffer | string; rejectUnauthorized?: boolean; servername?: string} = {};
  const ofCluster = `cluster "${cluster.name}"`;
  const ofUser = `user "${user?.name}"`;
  if (cluster.caFile) tls.ca = readCredentialFile(cluster.caFile, 'certificate-authority', ofCluster);
  else if (cluster.caData) tls.ca = Buffer.from(cluster.caData, 'base64');
  if (user?.certFile) tls.cert = readCredentialFile(user.certFile, 'client-certificate', ofUser);
  else if (user?.certData) tls.cert = Buffer.from(user.certData, 'base64');
  else if (cred?.clientCertificateData) tls.cert = cred.clientCertificateData;
  if (user?.keyFile) tls.key = readCredentialFile(user.keyFile, 'client-key', ofUser);
  else if (user?.keyData) tls.key = Buffer.from(user.keyData, 'base64');
  else if (cred?.clientKeyData) tls.key = cred.clientKeyData;
  // Left unset otherwise, so NODE_TLS_REJECT_UNAUTHORIZED still applies.
  if (cluster.skipTLSVerify) tls.rejectUnauthorized = false;
  if (cluster.tlsServerName) tls.servername = cluster.tlsServerName;
  if (tls.cert || tls.key) {
    // Checked here, where it can be said which setting is wrong: on connecting, a certificate or
    // key that is not PEM is only an OpenSSL code.
    const {createSecureContext} = await import('node:tls');
    try {
      createSecureContext({cert: tls.cert, key: tls.key});
    } catch {
      throw new InputError(`the kubeconfig's client certificate and key (${ofUser}) are not a PEM certificate and private key`, 'check client-certificate(-data) and client-key(-data) of the user, or log in again to get new ones');
    }
  }
  const http = cluster.server.startsWith('http:') ? await import('node:http') : await import('node:https');
  const agent = new http.Agent({keepAlive: true, ...tls});
  return {
    send: (method, url, headers, body, signal) => new Promise<Answer>((resolve, reject) => {
      if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
      const req = http.request(url, {method, headers, agent, signal}, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('close', () => {
          if (!res.complete) return reject(Object.assign(new Error('the connection closed before the answer was complete'), {code: 'ECONNRESET'}));
          const contentType = joinHeader(res.headers['content-type']) ?? '';
          resolve({status: res.statusCode ?? 0, header: (n) => joinHeader(res.headers[n]), contentType, text: Buffer.concat(chunks).toString('utf8')});
        });
      });
      req.on('error', reject);
      req.end(body);
    }),
    stream: (url, headers, _bodyTimeoutMs, signal) => new Promise<Streamed>((resolve, reject) => {
      const req = http.request(url, {method: 'GET', headers, agent, signal}, (res) => {
        resolve({
          status: res.statusCode ?? 0,
          body: res,
          text: async () => {
            const chunks: Buffer[] = [];
            for await (const c of res) chunks.push(c as Buffer);
            return Buffer.concat(chunks).toString('utf8');
          },
        });
      });
      req.on('error', reject);
      req.end();
    }),
  };
}

/**
 * The kubeconfigs only client-node can serve (an auth provider, a proxy-url): its KubeConfig for
 * the headers and TLS set-up, undici for the HTTP, as before. An exec user's plugin is still run
 * by us (exec-credential.ts), so the user is handed over without it.
 */
async function clientNodeAuth(kc: Kubeconfig, user: KubeUser | undefined, cred: ExecCredentialStatus | undefined): Promise<{transport: Transport; headers(url: string, method: string): Promise<Record<string, string>>}> {
  const k8s = await import('@kubernetes/client-node');
  const cn = new k8s.KubeConfig();
  let u: KubeUser | undefined = user && {...user, exec: undefined};
  if (u && !u.token && u.tokenFile) u.token = readCredentialFile(u.tokenFile, 'token-file', `user "${u.name}"`).toString('utf8').trim();
  if (u && cred?.clientCertificateData && cred.clientKeyData) u = {...u, certData: Buffer.from(cred.clientCertificateData).toString('base64'), keyData: Buffer.from(cred.clientKeyData).toString('base64')};
  cn.loadFromOptions({clusters: kc.clusters as any, contexts: kc.contexts as any, currentContext: kc.getCurrentContext(), users: kc.users.map((x) => (x.name === u?.name ? u : x)) as any});
  let dispatcher: unknown;
  const headers = async (url: string, method: string): Promise<Record<string, string>> => {
    const ctx = new k8s.RequestContext(url, method as any);
    await (cn as ClientNodeConfig).applySecurityAuthentication(ctx);
    // client-node builds a new connection pool on every call: the first is kept and reused.
    dispatcher ??= ctx.getDispatcher();
    return ctx.getHeaders();
  };
  await headers(kc.getCurrentCluster()!.server, 'GET');
  return {headers, transport: await undiciTransport(dispatcher)};
}

/** undici's request(), for client-node's dispatchers (a proxy, an auth provider's TLS set-up). */
async function undiciTransport(base: unknown): Promise<Transport> {
  const {Agent, request, fetch} = await import('undici');
  const agent = (base ?? new Agent()) as {compose(i: (dispatch: any) => any): unknown};
  // Our deadline bounds a request; undici's own header and body timeouts are lifted.
  const withTimeouts = (headersTimeout: number, bodyTimeout: number) => agent.compose((dispatch: any) => (opts: any, handler: any) => dispatch({...opts, headersTimeout, bodyTimeout}, handler));
  const plain = withTimeouts(0, 0);
  return {
    async send(method, url, headers, body, signal) {
      const res = await request(url, {method: method as any, headers, body, dispatcher: plain as any, signal});
      const header = (n: string): string | null => joinHeader(res.headers[n]);
      return {status: res.statusCode, header, contentType: header('content-type') ?? '', text: await res.body.text()};
    },
    async stream(url, headers, bodyTimeoutMs, signal) {
      // A watch: silence is allowed up to bodyTimeoutMs (past the server's own timeoutSeconds).
      const res = await fetch(url, {method: 'GET', headers, dispatcher: withTimeouts(0, bodyTimeoutMs) as any, signal});
      return {status: res.status, body: res.body as any as AsyncIterable<Uint8Array>, text: () => res.text()};
    },
  };
}

/**
 * One request, bounded by the deadline. request() (undici) writes headers and body at once where
 * fetch wraps every call in WHATWG Request/Response objects, which at controller rates cost as
 * much CPU as the work itself.
 */
async function sendOnce(transport: Transport, authHeaders: Record<string, string>, method: string, url: string, o: RequestOptions, deadline: number): Promise<Answer> {
  const headers: Record<string, string> = {...authHeaders, accept: o.accept ?? 'application/json'};
  let body: string | undefined;
  if (o.body !== undefined) {
    body = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
    headers['content-type'] = o.contentType ?? 'application/json';
  }
  const remaining = deadline - Date.now();
  if (remaining <= 0) throw new DOMException('the deadline passed', 'TimeoutError');
  // Our own timer, cleared when the answer is read: an AbortSignal.timeout() lives until it
  // fires, and with it the listeners the HTTP client hangs on it, which hold the request and its
  // response body — at controller rates every request of the last 30 s stayed in memory (about
  // 15 MB per 1,000 requests in a heap snapshot).
  const ac = new AbortController();
  const timer = Number.isFinite(remaining) ? setTimeout(() => ac.abort(new DOMException('the request timed out', 'TimeoutError')), remaining) : undefined;
  const onCallerAbort = (): void => ac.abort(o.signal!.reason);
  if (o.signal?.aborted) onCallerAbort();
  else o.signal?.addEventListener('abort', onCallerAbort, {once: true});
  try {
    const sent = transport.send(method, url, headers, body, ac.signal);
    sent.catch(() => {}); // raced below: its late failure after an abort is not news
    // undici sees an abort only once a connection is up: a request still waiting for one (a server
    // that never finishes the handshake) would outlive the deadline by its own 10 s connect timeout.
    return await Promise.race([sent, aborted(ac.signal)]);
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
