// One connected cluster: the REST client plus the namespace the command works in.
// Commands get it from the base command; src/ functions take it as a parameter.
import {loadKubeConfig, contextNamespace, type ClusterOptions} from './config.js';
import {defaultUserAgent, KubeRest, type Query} from './rest.js';
import {collectionPath, objectPath, resourceFor, splitApiVersion, type ResourceInfo} from './resources.js';
import type {KubeObject} from '../manifests/parse.js';
import {ClusterError, InputError} from '../errors.js';

export class Cluster {
  private constructor(readonly rest: KubeRest, readonly namespace: string, readonly contextName: string) {}

  static async connect(opts: ClusterOptions): Promise<Cluster> {
    const kc = await loadKubeConfig(opts);
    const rest = new KubeRest(kc, {timeoutMs: opts.requestTimeoutMs ?? 30_000, debug: opts.debug, userAgent: defaultUserAgent(opts.version)});
    return new Cluster(rest, opts.namespace || contextNamespace(kc), kc.getCurrentContext());
  }

  /** GET one object; undefined when it does not exist. */
  async get<T = KubeObject>(r: ResourceInfo, name: string, namespace?: string): Promise<T | undefined> {
    const ns = r.namespaced ? (namespace ?? this.namespace) : undefined;
    try {
      return await this.rest.get<T>(objectPath(r, name, ns), {verb: 'get', resource: r.plural, namespace: ns, name});
    } catch (error) {
      if ((error as {status?: number}).status === 404) return undefined;
      throw error;
    }
  }

  /** Lists a kind in one namespace, or all namespaces when namespace is null. Paginated. */
  async list<T = KubeObject>(r: ResourceInfo, namespace: string | null | undefined, query: Query = {}): Promise<T[]> {
    const ns = r.namespaced && namespace !== null ? (namespace ?? this.namespace) : undefined;
    try {
      const res = await this.rest.list<T>(collectionPath(r, ns), {verb: 'list', resource: r.plural, namespace: ns}, query);
      return res.items;
    } catch (error) {
      // The API server parses selectors: a 400 on a list that carries one is the user's input.
      const selector = query.labelSelector ?? query.fieldSelector;
      if ((error as ClusterError).status === 400 && selector !== undefined) {
        throw new InputError(`the selector "${String(selector)}" is not valid: ${(error as Error).message.replace(/^.*\(the server says: (.*)\)$/, '$1')}`, 'selectors look like key=value, key!=value, key in (a,b), !key, joined by commas');
      }
      throw error;
    }
  }

  async create<T = KubeObject>(obj: KubeObject, query?: Query): Promise<T> {
    const r = resourceOf(obj);
    const ns = r.namespaced ? (obj.metadata?.namespace ?? this.namespace) : undefined;
    const name = obj.metadata?.name;
    try {
      return await this.rest.create<T>(collectionPath(r, ns), obj, {verb: 'create', resource: r.plural, namespace: ns, name}, query);
    } catch (error) {
      if (!isUncertain(error) || !name || query?.dryRun) throw error;
      // As for update: never resend (a second create would fail or, with generateName, duplicate);
      // read the name to learn whether ours landed.
      const live = await this.get<KubeObject>(r, name, ns).catch(() => null);
      if (live && carries(live, obj)) return live as T;
      throw uncertainError(error as ClusterError, `create of ${r.plural} "${name}"`, live === undefined && !timedOut(error) ? false : undefined);
    }
  }

  /** PUT carrying the object's resourceVersion: a concurrent change gives 409, never a lost update. */
  async update<T = KubeObject>(obj: KubeObject, subresource?: string, query?: Query): Promise<T> {
    const r = resourceOf(obj);
    const ns = r.namespaced ? (obj.metadata?.namespace ?? this.namespace) : undefined;
    const name = obj.metadata!.name!;
    try {
      return await this.rest.update<T>(objectPath(r, name, ns, subresource), obj, {verb: 'update', resource: subresource ? `${r.plural}/${subresource}` : r.plural, namespace: ns, name}, query);
    } catch (error) {
      // A dry run changes nothing: there is nothing to re-read.
      if (!isUncertain(error) || query?.dryRun) throw error;
      // The write may or may not have landed. Never resend it blindly: read the object and see
      // whether it moved past the resourceVersion we wrote against.
      const live = await this.get<KubeObject>(r, name, ns).catch(() => undefined);
      const sent = obj.metadata?.resourceVersion;
      // resourceVersions are opaque: only equality says anything.
      if (live && sent && live.metadata?.resourceVersion !== sent && carries(live, obj)) return live as T;
      // A request that timed out may still be in the server's hands and land after this re-read,
      // so only a dropped connection lets an unchanged object prove the write did not apply.
      throw uncertainError(error as ClusterError, `update of ${r.plural} "${name}"`, live !== undefined && live.metadata?.resourceVersion === sent && !timedOut(error) ? false : undefined);
    }
  }

  async patch<T = KubeObject>(r: ResourceInfo, name: string, namespace: string | undefined, body: unknown, type: 'merge' | 'strategic' | 'json' | 'apply', query?: Query): Promise<T> {
    const ns = r.namespaced ? (namespace ?? this.namespace) : undefined;
    const send = () => this.rest.patch<T>(objectPath(r, name, ns), body, type, {verb: 'patch', resource: r.plural, namespace: ns, name}, query);
    try {
      return await send();
    } catch (error) {
      // Merge, strategic and apply patches set fixed values: sending one twice has the same
      // effect as once, so a dropped connection is retried once. A JSON patch is not idempotent.
      if (!isUncertain(error) || type === 'json') {
        if (isUncertain(error)) throw uncertainError(error as ClusterError, `patch of ${r.plural} "${name}"`, undefined);
        throw error;
      }
      try {
        return await send();
      } catch (again) {
        if (isUncertain(again)) throw uncertainError(again as ClusterError, `patch of ${r.plural} "${name}"`, undefined);
        throw again;
      }
    }
  }

  async delete(r: ResourceInfo, name: string, namespace?: string, body?: unknown): Promise<void> {
    const ns = r.namespaced ? (namespace ?? this.namespace) : undefined;
    try {
      await this.rest.delete(objectPath(r, name, ns), {verb: 'delete', resource: r.plural, namespace: ns, name}, body);
    } catch (error) {
      if (!isUncertain(error)) throw error;
      // Gone is what was asked; anything else may be our delete still on its way.
      if ((await this.get<KubeObject>(r, name, ns).catch(() => null)) === undefined) return;
      throw uncertainError(error as ClusterError, `delete of ${r.plural} "${name}"`, undefined);
    }
  }
}

function isUncertain(error: unknown): boolean {
  const reason = (error as ClusterError)?.reason;
  return error instanceof ClusterError && (reason === 'ConnectionDropped' || reason === 'Timeout');
}

function timedOut(error: unknown): boolean {
  return (error as ClusterError)?.reason === 'Timeout';
}

/** What the user needs after an uncertain write: whether it landed, when we could tell. */
function uncertainError(error: ClusterError, what: string, applied: boolean | undefined): ClusterError {
  const state = applied === false ? 'a re-read shows it was not applied' : 'it may or may not have been applied';
  // The timeout message already says "may or may not"; say it once, after naming the write.
  const cause = error.message.replace(/; it may or may not have been applied$/, '');
  return new ClusterError(`${cause} during ${what}; ${state}`, {reason: error.reason, hint: applied === false ? 'nothing changed; retry' : 'check the object (kubectl get) before retrying'});
}

/**
 * Whether the live object carries what we sent: every field we wrote has our value (server-set
 * metadata and status aside). Fields added by others — a label from a mutating webhook, defaults
 * the server fills in — do not make our write look lost.
 */
export function carries(live: KubeObject, sent: KubeObject): boolean {
  const {metadata: lm, status: _ls, apiVersion: _la, kind: _lk, ...liveRest} = live;
  const {metadata: sm, status: _ss, apiVersion: _sa, kind: _sk, ...sentRest} = sent;
  return contains(liveRest, sentRest) && contains(lm?.labels ?? {}, sm?.labels ?? {}) && contains(lm?.annotations ?? {}, sm?.annotations ?? {});
}

function contains(live: unknown, sent: unknown): boolean {
  if (sent && typeof sent === 'object' && !Array.isArray(sent)) {
    if (!live || typeof live !== 'object' || Array.isArray(live)) return false;
    return Object.entries(sent).every(([k, v]) => v === undefined || contains((live as Record<string, unknown>)[k], v));
  }
  return canonical(live) === canonical(sent);
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as any)[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

export function resourceOf(obj: KubeObject): ResourceInfo {
  const {group} = splitApiVersion(obj.apiVersion ?? 'v1');
  return resourceFor(obj.kind ?? '', group);
}
