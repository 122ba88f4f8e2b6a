// The HTTP front of the fake apiserver: authentication, fault injection, authorization, then
// discovery, the services/proxy subresource, or a REST operation on a resource. URL layout and
// verbs follow k8s.io/apiserver/pkg/endpoints/request/requestinfo.go.
import {randomBytes} from 'node:crypto';
import type {IncomingMessage, ServerResponse} from 'node:http';
import {parse as parseYaml} from 'yaml';
import {serverSideApply} from './apply.js';
import {forbiddenMessage, type Attributes, type Auth, type Identity} from './auth.js';
import {apiGroup, apiGroupList, apiResourceList, apiVersions, SERVER_VERSION} from './discovery.js';
import type {Faults} from './faults.js';
import {decodeProtobuf, PROTOBUF} from './protobuf.js';
import {openApiV2Document} from './openapi.js';
import {isVirtual, type Objects} from './objects.js';
import {jsonPatch, mergePatch, strategicMergePatch} from './patch.js';
import {splitSchemeNamePort, type Proxies} from './proxy.js';
import {apiVersionOf, qualifiedResource, type Registry, type ResourceType} from './registry.js';
import {parseFieldSelector, parseLabelSelector, matchFields, matchLabels} from './selectors.js';
import {ApiError, errors, statusForCode} from './status.js';
import {clone, type Store} from './store.js';
import {toTable, wantsTable} from './tables.js';
import {serveWatch} from './watch.js';

export interface BeforeWriteRequest { method: string; kind: string; namespace?: string; name?: string; user: string }
export type BeforeWrite = (req: BeforeWriteRequest) => void | Promise<void>;
/**
 * One request as the server saw it; `accept` lets a test check what representation was asked for
 * (metadata-only lists); `userAgent`, what the API server would name a write's field manager after;
 * `at`, when the answer was sent (Date.now()), so tests time retries without polling this log.
 */
export interface RequestRecord { method: string; path: string; query: string; user: string; status: number; accept?: string; userAgent?: string; at?: number }

export interface ApiContext {
  reg: Registry;
  store: Store;
  objects: Objects;
  auth: Auth;
  faults: Faults;
  proxies: Proxies;
  beforeWrite: BeforeWrite[];
  requests: RequestRecord[];
  watches: Set<ServerResponse>;
  hostPort: () => string;
  /** Kind → milliseconds by which watch events of that kind are delivered late. */
  watchDelays: Map<string, number>;
}

const PUBLIC = new Set(['/version', '/healthz', '/livez', '/readyz']);
const MAX_BODY = 8 * 1024 * 1024;

interface Target {
  t: ResourceType;
  namespace?: string;
  name?: string;
  sub?: string;
  /** Raw (still percent-encoded) remainder after the subresource, for services/proxy. */
  rawRest: string;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new ApiError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(code, {'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private', ...headers});
  res.end(text);
}

function sendError(res: ServerResponse, e: unknown): void {
  if (e instanceof ApiError) send(res, e.code, e.toStatus(), e.headers);
  else send(res, 500, errors.internal(`Internal error occurred: ${(e as Error)?.message ?? String(e)}`).toStatus());
}

function parseBody(buf: Buffer, contentType: string | undefined): any {
  if (buf.length === 0) return undefined;
  if (contentType?.startsWith(PROTOBUF)) return decodeProtobuf(buf);
  const text = buf.toString('utf8');
  try {
    if (contentType && /yaml/.test(contentType)) return parseYaml(text);
    return JSON.parse(text);
  } catch (e) {
    throw errors.badRequest(`the body of the request could not be decoded: ${(e as Error).message.split('\n')[0]}`);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function managerFrom(q: URLSearchParams, req: IncomingMessage): string {
  const fm = q.get('fieldManager');
  if (fm) return fm;
  // Upstream defaults the manager to the user agent's binary name (prefix before '/').
  const ua = req.headers['user-agent'] ?? '';
  return ua.split('/')[0] || 'unknown';
}

function dryRunOf(q: URLSearchParams, body?: any): boolean {
  const values = [...q.getAll('dryRun'), ...(Array.isArray(body?.dryRun) ? body.dryRun : [])];
  for (const v of values) if (v !== 'All') throw errors.badRequest(`dryRun: Unsupported value: "${v}": supported values: "All"`);
  return values.length > 0;
}

export class Api {
  constructor(private readonly c: ApiContext) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const rawUrl = req.url ?? '/';
    const url = new URL(rawUrl, 'https://apiserver');
    const path = url.pathname;
    const query = url.search.replace(/^\?/, '');
    let user = '';
    let recorded = false;
    const record = (): void => {
      if (recorded) return;
      recorded = true;
      this.c.requests.push({method, path, query, user, status: res.headersSent ? res.statusCode : 0, accept: req.headers.accept, userAgent: req.headers['user-agent'], at: Date.now()});
    };
    res.on('finish', record);
    res.on('close', record);
    try {
      let body = await readBody(req);
      const hasCredentials = !!req.headers.authorization;
      const id = this.c.auth.authenticate(req);
      if (id) user = id.user;
      if (!id && (hasCredentials || !PUBLIC.has(path))) throw errors.unauthorized();
      const fault = this.c.faults.take(method, path, query);
      if (fault) {
        if (fault.latencyMs) await sleep(fault.latencyMs);
        if (fault.drop) {
          req.socket.destroy();
          return;
        }
        if (fault.rawBody !== undefined) {
          res.writeHead(fault.status ?? 200, {'Content-Type': 'text/html', 'Content-Length': Buffer.byteLength(fault.rawBody)});
          res.end(fault.rawBody);
          return;
        }
        if (fault.body !== undefined) return send(res, fault.status ?? 200, fault.body);
        if (fault.status) throw statusForCode(fault.status, fault.retryAfter, fault.message);
        if (fault.mutate && body.length > 0) body = Buffer.from(JSON.stringify(fault.mutate(JSON.parse(body.toString('utf8')))));
        if (fault.dropAfter) {
          const drop = (): ServerResponse => {
            req.socket.destroy();
            return res;
          };
          res.writeHead = drop as any;
          res.end = drop as any;
        }
      }
      await this.route(req, res, method, url, body, id ?? {user: 'system:anonymous', groups: ['system:unauthenticated']});
    } catch (e) {
      sendError(res, e);
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse, method: string, url: URL, body: Buffer, id: Identity): Promise<void> {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const discovery = (doc: object | undefined): void => {
      if (method !== 'GET') throw new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
      if (!doc) throw errors.pathNotFound();
      send(res, 200, doc);
    };
    if (path === '/version') return discovery(SERVER_VERSION);
    if (path === '/healthz' || path === '/livez' || path === '/readyz') {
      res.writeHead(200, {'Content-Type': 'text/plain'});
      res.end('ok');
      return;
    }
    if (path === '/openapi/v2' && method === 'GET') {
      const doc = openApiV2Document(SERVER_VERSION.gitVersion);
      res.writeHead(200, {'Content-Type': 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf', 'Content-Length': doc.length});
      res.end(doc);
      return;
    }
    if (path === '/api') return discovery(apiVersions(this.c.hostPort()));
    if (path === '/apis') return discovery(apiGroupList(this.c.reg));
    if (path === '/api/v1') return discovery(apiResourceList(this.c.reg, '', 'v1'));
    const segs = path.split('/').slice(1);
    let group: string; let version: string; let rest: string[]; let prefixLen: number;
    if (segs[0] === 'api' && segs[1] === 'v1') {
      [group, version, rest, prefixLen] = ['', 'v1', segs.slice(2), 2];
    } else if (segs[0] === 'apis' && segs.length >= 2) {
      if (segs.length === 2) return discovery(apiGroup(this.c.reg, segs[1]));
      if (segs.length === 3) return discovery(apiResourceList(this.c.reg, segs[1], segs[2]));
      [group, version, rest, prefixLen] = [segs[1], segs[2], segs.slice(3), 3];
    } else throw errors.pathNotFound();
    const target = this.resolve(group, version, rest, url.pathname, prefixLen);
    await this.resource(req, res, method, url, body, id, target);
  }

  private resolve(group: string, version: string, rest: string[], rawPath: string, prefixLen: number): Target {
    const dec = (s: string | undefined): string | undefined => (s === undefined ? undefined : decodeURIComponent(s));
    let namespace: string | undefined; let plural: string; let name: string | undefined; let sub: string | undefined; let used: number;
    const nsType = rest[0] === 'namespaces' && rest.length >= 3 ? this.c.reg.byPlural(group, version, rest[2]) : undefined;
    if (nsType?.namespaced) {
      [namespace, plural, name, sub, used] = [dec(rest[1]), rest[2], dec(rest[3]), rest[4], 5];
    } else {
      [plural, name, sub, used] = [rest[0], dec(rest[1]), rest[2], 3];
    }
    const t = this.c.reg.byPlural(group, version, plural);
    if (!t) throw errors.pathNotFound();
    if (t.namespaced && namespace === undefined && name !== undefined) throw errors.pathNotFound();
    if (rest.length > used && sub !== 'proxy') throw errors.pathNotFound();
    const rawSegs = rawPath.split('/');
    const first = 1 + prefixLen + used;
    const rawRest = rawSegs.length > first ? '/' + rawSegs.slice(first).join('/') : '';
    return {t, namespace, name, sub, rawRest};
  }

  private authorize(id: Identity, a: Omit<Attributes, 'user' | 'groups'>, t: ResourceType): void {
    const attrs: Attributes = {...a, user: id.user, groups: id.groups ?? []};
    if (this.c.auth.denied(attrs)) throw errors.forbidden(forbiddenMessage(attrs, qualifiedResource(t)), t, a.name, t.plural);
  }

  private async beforeWrite(method: string, t: ResourceType, namespace: string | undefined, name: string | undefined, id: Identity): Promise<void> {
    for (const fn of [...this.c.beforeWrite]) await fn({method, kind: t.kind, namespace, name, user: id.user});
  }

  private render(t: ResourceType, o: any): any {
    if (!o) return o;
    const out = clone(o);
    out.apiVersion = apiVersionOf(t);
    return out;
  }

  private async resource(req: IncomingMessage, res: ServerResponse, method: string, url: URL, raw: Buffer, id: Identity, tg: Target): Promise<void> {
    const {t, namespace, name, sub} = tg;
    const q = url.searchParams;
    const watch = q.get('watch') === '1' || q.get('watch') === 'true';
    const verb = method === 'GET' ? (name === undefined ? (watch ? 'watch' : 'list') : 'get')
      : method === 'POST' ? 'create' : method === 'PUT' ? 'update' : method === 'PATCH' ? 'patch'
        : method === 'DELETE' ? (name === undefined ? 'deletecollection' : 'delete') : undefined;
    if (!verb) throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');

    if (sub !== undefined) {
      const info = t.subresources.find((s) => s.name === sub);
      if (!info || name === undefined) throw errors.pathNotFound();
      const subVerb = sub === 'proxy' ? ({GET: 'get', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete'} as Record<string, string>)[method] ?? verb : verb;
      if (sub === 'proxy') {
        const target = splitSchemeNamePort(name);
        if (!target) throw errors.badRequest(`invalid service request "${name}"`);
        this.authorize(id, {verb: subVerb, resource: t.plural, subresource: sub, apiGroup: t.group, namespace, name: target.name}, t);
        return this.proxy(req, res, method, url, raw, namespace!, target.name, tg.rawRest, t);
      }
      if (!info.verbs.includes(subVerb)) throw new ApiError(405, 'MethodNotAllowed', `${method} is not supported on ${t.plural}/${sub}`);
      this.authorize(id, {verb: subVerb, resource: t.plural, subresource: sub, apiGroup: t.group, namespace, name}, t);
      return this.subresource(req, res, method, url, raw, id, tg);
    }
    if (!t.verbs.includes(verb) && !(verb === 'watch' && t.verbs.includes('list'))) throw errors.methodNotAllowed(verb, t);
    this.authorize(id, {verb, resource: t.plural, apiGroup: t.group, namespace, name}, t);
    if (isVirtual(t)) return this.review(res, t, namespace, parseBody(raw, req.headers['content-type']), id);
    switch (verb) {
      case 'get': return this.get(req, res, t, namespace, name!);
      case 'list': return this.list(req, res, t, namespace, q);
      case 'watch': return this.watch(req, res, t, namespace, q);
      case 'create': {
        const body = parseBody(raw, req.headers['content-type']);
        await this.beforeWrite(method, t, namespace, body?.metadata?.name, id);
        const created = this.c.objects.create(t, body, {namespace, dryRun: dryRunOf(q), manager: managerFrom(q, req)});
        return send(res, 201, this.render(t, created));
      }
      case 'update': {
        const body = parseBody(raw, req.headers['content-type']);
        await this.beforeWrite(method, t, namespace, name, id);
        const updated = this.c.objects.update(t, body, {namespace, name, dryRun: dryRunOf(q), manager: managerFrom(q, req)});
        return send(res, 200, this.render(t, updated));
      }
      case 'patch': return this.patch(req, res, method, raw, id, tg, q);
      case 'delete': {
        const body = parseBody(raw, req.headers['content-type']) ?? {};
        await this.beforeWrite(method, t, namespace, name, id);
        const gone = this.c.objects.delete(t, namespace, name!, {
          dryRun: dryRunOf(q, body), preconditions: body.preconditions, propagationPolicy: q.get('propagationPolicy') ?? body.propagationPolicy,
        });
        const details: Record<string, string> = {name: name!};
        if (t.group) details.group = t.group;
        details.kind = t.plural;
        details.uid = gone.metadata.uid;
        return send(res, 200, {kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details});
      }
      case 'deletecollection': {
        const body = parseBody(raw, req.headers['content-type']) ?? {};
        await this.beforeWrite(method, t, namespace, undefined, id);
        const labels = parseLabelSelector(q.get('labelSelector'));
        const fields = parseFieldSelector(q.get('fieldSelector'), t.fieldSelectors, t.kind);
        const dryRun = dryRunOf(q, body);
        const gone = this.c.store.list(t, namespace).filter((o) => matchLabels(labels, o.metadata.labels) && matchFields(fields, o))
          .map((o) => this.c.objects.delete(t, o.metadata.namespace, o.metadata.name, {dryRun, propagationPolicy: q.get('propagationPolicy') ?? body.propagationPolicy}));
        return send(res, 200, {kind: t.listKind, apiVersion: apiVersionOf(t), metadata: {resourceVersion: String(this.c.store.resourceVersion)}, items: gone.map((o) => this.listItem(t, o))});
      }
    }
  }

  private listItem(t: ResourceType, o: any): any {
    const out = this.render(t, o);
    // Built-in lists are typed on the wire: items carry no apiVersion/kind. Custom resource lists do.
    if (t.builtin) {
      delete out.apiVersion;
      delete out.kind;
    }
    return out;
  }

  private get(req: IncomingMessage, res: ServerResponse, t: ResourceType, namespace: string | undefined, name: string): void {
    const o = this.c.store.get(t, namespace, name);
    if (!o) throw errors.notFound(t, name);
    const accept = req.headers.accept;
    if (wantsTable(accept)) return send(res, 200, toTable(t, [o], {resourceVersion: o.metadata.resourceVersion}, new URL(req.url ?? '/', 'https://x').searchParams.get('includeObject')));
    if (accept && /as=PartialObjectMetadata;/.test(accept)) return send(res, 200, {kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata});
    send(res, 200, this.render(t, o));
  }

  private list(req: IncomingMessage, res: ServerResponse, t: ResourceType, namespace: string | undefined, q: URLSearchParams): void {
    const labels = parseLabelSelector(q.get('labelSelector'));
    const fields = parseFieldSelector(q.get('fieldSelector'), t.fieldSelectors, t.kind);
    let items = this.c.store.list(t, namespace).filter((o) => matchLabels(labels, o.metadata.labels) && matchFields(fields, o));
    const rv = String(this.c.store.resourceVersion);
    const cont = q.get('continue');
    let listRv = rv;
    if (cont) {
      const tok = decodeContinue(cont);
      items = items.filter((o) => keyOf(o) > tok.k);
      listRv = tok.rv;
    }
    const limit = Number(q.get('limit') ?? 0);
    const meta: Record<string, unknown> = {resourceVersion: listRv};
    if (Number.isInteger(limit) && limit > 0 && items.length > limit) {
      const remaining = items.length - limit;
      items = items.slice(0, limit);
      meta.continue = encodeContinue(keyOf(items[items.length - 1]), listRv);
      if (labels.length === 0 && fields.length === 0) meta.remainingItemCount = remaining;
    }
    const accept = req.headers.accept;
    if (wantsTable(accept)) return send(res, 200, toTable(t, items, meta, q.get('includeObject')));
    if (accept && /as=PartialObjectMetadataList/.test(accept)) {
      return send(res, 200, {kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: meta, items: items.map((o) => ({kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata}))});
    }
    send(res, 200, {kind: t.listKind, apiVersion: apiVersionOf(t), metadata: meta, items: items.map((o) => this.listItem(t, o))});
  }

  private watch(req: IncomingMessage, res: ServerResponse, t: ResourceType, namespace: string | undefined, q: URLSearchParams): void {
    const timeout = q.get('timeoutSeconds');
    // A metadata-only watch (client-go's metadata informers): every event's object, bookmarks
    // included, is a PartialObjectMetadata, so a Secret event carries no data.
    const metadataOnly = /as=PartialObjectMetadata(?:;|,|$)/.test(req.headers.accept ?? '');
    const render = metadataOnly ? (o: any) => ({kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata}) : (o: any) => this.render(t, o);
    serveWatch(this.c.store, res, {
      type: t, namespace, labels: parseLabelSelector(q.get('labelSelector')), fields: parseFieldSelector(q.get('fieldSelector'), t.fieldSelectors, t.kind),
      resourceVersion: q.get('resourceVersion') ?? undefined, timeoutSeconds: timeout ? Number(timeout) : undefined,
      bookmarks: q.get('allowWatchBookmarks') === 'true', render, delayMs: () => this.c.watchDelays.get(t.kind) ?? 0,
    }, this.c.watches);
  }

  private async patch(req: IncomingMessage, res: ServerResponse, method: string, raw: Buffer, id: Identity, tg: Target, q: URLSearchParams, subresource?: 'status'): Promise<void> {
    const {t, namespace, name} = tg;
    const ct = (req.headers['content-type'] ?? '').split(';')[0].trim();
    const manager = managerFrom(q, req);
    const dryRun = dryRunOf(q);
    if (ct === 'application/apply-patch+yaml') {
      if (!q.get('fieldManager')) throw errors.badRequest('PATCH, application/apply-patch+yaml: fieldManager is required for apply requests');
      const applied = parseBody(raw, 'yaml');
      if (typeof applied !== 'object' || applied === null) throw errors.badRequest('the body of an apply patch must be an object');
      if (applied.apiVersion !== apiVersionOf(t) || applied.kind !== t.kind) throw errors.badRequest(`the API version in the data (${applied.apiVersion}) does not match the expected API version (${apiVersionOf(t)}) or kind (${t.kind})`);
      if (applied.metadata?.name !== undefined && applied.metadata.name !== name) throw errors.badRequest(`the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`);
      await this.beforeWrite(method, t, namespace, name, id);
      const current = this.c.store.get(t, namespace, name!);
      const target = clone(applied);
      target.metadata = {...target.metadata, name};
      if (t.namespaced) target.metadata.namespace = namespace;
      // Without a status subresource, status is an ordinary field of the main resource.
      const result = serverSideApply(current ? this.render(t, current) : undefined, target, manager, q.get('force') === 'true', apiVersionOf(t), subresource === 'status' || !t.status);
      if (result.conflicts.length > 0) throw applyConflict(t, name!, result.conflicts);
      if (!current) {
        if (subresource) throw errors.notFound(t, name!);
        const created = this.c.objects.create(t, result.object, {namespace, dryRun, manager, keepManagedFields: true});
        return send(res, 201, this.render(t, created));
      }
      const updated = this.c.objects.update(t, result.object, {namespace, name, dryRun, manager, keepManagedFields: true, subresource});
      return send(res, 200, this.render(t, updated));
    }
    const patch = parseBody(raw, 'json');
    await this.beforeWrite(method, t, namespace, name, id);
    const current = this.c.store.get(t, namespace, name!);
    if (!current) throw errors.notFound(t, name!);
    const base = this.render(t, current);
    let patched: any;
    if (ct === 'application/json-patch+json') patched = jsonPatch(base, patch);
    else if (ct === 'application/merge-patch+json') patched = mergePatch(base, patch);
    else if (ct === 'application/strategic-merge-patch+json') {
      if (!t.builtin) throw errors.unsupportedMediaType(ct);
      patched = strategicMergePatch(t.kind, base, patch);
    } else throw errors.unsupportedMediaType(ct);
    if (typeof patched !== 'object' || patched === null) throw errors.badRequest('the patch produced something that is not an object');
    patched.metadata ??= {};
    // A resourceVersion in the patch is a precondition; otherwise the patch applies to the latest.
    if (patched.metadata.resourceVersion === undefined) patched.metadata.resourceVersion = current.metadata.resourceVersion;
    const updated = this.c.objects.update(t, patched, {namespace, name, dryRun, manager, subresource});
    send(res, 200, this.render(t, updated));
  }

  private async subresource(req: IncomingMessage, res: ServerResponse, method: string, url: URL, raw: Buffer, id: Identity, tg: Target): Promise<void> {
    const {t, namespace, name, sub} = tg;
    const q = url.searchParams;
    if (sub === 'status' && t.status) {
      if (method === 'GET') return this.get(req, res, t, namespace, name!);
      if (method === 'PUT') {
        const body = parseBody(raw, req.headers['content-type']);
        await this.beforeWrite(method, t, namespace, name, id);
        const updated = this.c.objects.update(t, body, {namespace, name, dryRun: dryRunOf(q), manager: managerFrom(q, req), subresource: 'status'});
        return send(res, 200, this.render(t, updated));
      }
      if (method === 'PATCH') return this.patch(req, res, method, raw, id, tg, q, 'status');
    }
    if (sub === 'scale') return this.scale(req, res, method, raw, id, tg, q);
    if (sub === 'token' && t.kind === 'ServiceAccount' && method === 'POST') {
      const sa = this.c.store.get(t, namespace, name!);
      if (!sa) throw errors.notFound(t, name!);
      const body = parseBody(raw, req.headers['content-type']) ?? {};
      const token = `kst-sa.${randomBytes(24).toString('base64url')}`;
      this.c.auth.addToken(token, {user: `system:serviceaccount:${namespace}:${name}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`]});
      const expirationSeconds = body.spec?.expirationSeconds ?? 3600;
      return send(res, 201, {
        kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1', metadata: {name, namespace, creationTimestamp: null},
        spec: {audiences: body.spec?.audiences ?? ['https://kubernetes.default.svc.cluster.local'], expirationSeconds, boundObjectRef: body.spec?.boundObjectRef ?? null},
        status: {token, expirationTimestamp: new Date(Date.now() + expirationSeconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z')},
      });
    }
    throw errors.pathNotFound();
  }

  private async scale(req: IncomingMessage, res: ServerResponse, method: string, raw: Buffer, id: Identity, tg: Target, q: URLSearchParams): Promise<void> {
    const {t, namespace, name} = tg;
    const current = this.c.store.get(t, namespace, name!);
    if (!current) throw errors.notFound(t, name!);
    const toScale = (o: any): object => ({
      kind: 'Scale', apiVersion: 'autoscaling/v1',
      metadata: {name: o.metadata.name, namespace: o.metadata.namespace, uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion, creationTimestamp: o.metadata.creationTimestamp},
      spec: {replicas: o.spec?.replicas ?? 0},
      status: {replicas: o.status?.replicas ?? 0, selector: Object.entries(o.spec?.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',')},
    });
    if (method === 'GET') return send(res, 200, toScale(current));
    const scale = toScale(current) as any;
    const body = parseBody(raw, req.headers['content-type']);
    const ct = (req.headers['content-type'] ?? '').split(';')[0].trim();
    const next = method === 'PUT' ? body : ct === 'application/json-patch+json' ? jsonPatch(scale, body) : mergePatch(scale, body);
    if (next?.metadata?.resourceVersion && method === 'PUT' && next.metadata.resourceVersion !== current.metadata.resourceVersion) throw errors.conflict(t, name!);
    await this.beforeWrite(method, t, namespace, name, id);
    const obj = clone(this.render(t, current));
    obj.spec = {...obj.spec, replicas: next?.spec?.replicas ?? obj.spec?.replicas};
    const updated = this.c.objects.update(t, obj, {namespace, name, dryRun: dryRunOf(q), manager: managerFrom(q, req)});
    send(res, 200, toScale(updated));
  }

  private review(res: ServerResponse, t: ResourceType, namespace: string | undefined, body: any, id: Identity): void {
    const spec = body?.spec ?? {};
    let status: object;
    if (t.kind === 'SelfSubjectRulesReview') {
      status = {resourceRules: [{verbs: ['*'], apiGroups: ['*'], resources: ['*']}], nonResourceRules: [{verbs: ['*'], nonResourceURLs: ['*']}], incomplete: false};
    } else {
      const self = t.kind === 'SelfSubjectAccessReview';
      const evaluated = self ? {...spec, user: id.user, groups: id.groups ?? []} : {...spec};
      if (t.kind === 'LocalSubjectAccessReview' && evaluated.resourceAttributes) evaluated.resourceAttributes = {...evaluated.resourceAttributes, namespace};
      const answer = this.c.auth.review(evaluated);
      status = {allowed: !!answer.allowed, ...(answer.denied ? {denied: true} : {}), ...(answer.reason ? {reason: answer.reason} : {})};
    }
    send(res, 201, {kind: t.kind, apiVersion: apiVersionOf(t), metadata: {creationTimestamp: null, ...(namespace ? {namespace} : {})}, spec, status});
  }

  private async proxy(req: IncomingMessage, res: ServerResponse, method: string, url: URL, raw: Buffer, namespace: string, service: string, rawRest: string, t: ResourceType): Promise<void> {
    const handler = this.c.proxies.get(namespace, service);
    if (!handler) {
      if (!this.c.store.get(t, namespace, service)) throw errors.notFound(t, service);
      throw errors.serviceUnavailable(`no endpoints available for service "${service}"`);
    }
    let out;
    try {
      out = await handler({method, path: rawRest || '/', query: url.search.replace(/^\?/, ''), headers: {...req.headers}, body: raw});
    } catch (e) {
      throw new ApiError(502, 'BadGateway', `error trying to reach service: ${(e as Error)?.message ?? String(e)}`);
    }
    const payload = out.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(out.body) ? out.body : Buffer.from(out.body, 'utf8');
    res.writeHead(out.status ?? 200, {'Content-Length': payload.length, ...(out.headers ?? {})});
    res.end(payload);
  }
}

function keyOf(o: any): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

function encodeContinue(k: string, rv: string): string {
  return Buffer.from(JSON.stringify({v: 'meta.k8s.io/v1', rv, k})).toString('base64url');
}

function decodeContinue(s: string): {k: string; rv: string} {
  try {
    const tok = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    if (typeof tok.k === 'string' && typeof tok.rv === 'string') return tok;
  } catch {}
  throw errors.badRequest('continue key is not valid: invalid continue token');
}

function applyConflict(t: ResourceType, name: string, conflicts: Array<{manager: string; field: string}>): ApiError {
  const v = apiVersionOf(t);
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), c.field]);
  let message: string;
  if (conflicts.length === 1) message = `Apply failed with 1 conflict: conflict with "${conflicts[0].manager}" using ${v}: ${conflicts[0].field}`;
  else message = `Apply failed with ${conflicts.length} conflicts: ` + [...byManager].map(([m, fs]) => `conflicts with "${m}" using ${v}:\n${fs.map((f) => `- ${f}`).join('\n')}`).join('\n');
  const details: Record<string, unknown> = {name};
  if (t.group) details.group = t.group;
  details.kind = t.plural;
  details.causes = conflicts.map((c) => ({reason: 'FieldManagerConflict', message: `conflict with "${c.manager}" using ${v}`, field: c.field}));
  return new ApiError(409, 'Conflict', message, details as any);
}
