// One connected cluster: the REST client plus the namespace the command works in.
// Commands get it from the base command; src/ functions take it as a parameter.
import {loadKubeConfig, contextNamespace, type ClusterOptions} from './config.js';
import {KubeRest, type Query} from './rest.js';
import {collectionPath, objectPath, resourceFor, splitApiVersion, type ResourceInfo} from './resources.js';
import type {KubeObject} from '../manifests/parse.js';

export class Cluster {
  private constructor(readonly rest: KubeRest, readonly namespace: string, readonly contextName: string) {}

  static async connect(opts: ClusterOptions): Promise<Cluster> {
    const kc = await loadKubeConfig(opts);
    const rest = new KubeRest(kc, {timeoutMs: opts.requestTimeoutMs ?? 30_000, debug: opts.debug});
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
    const res = await this.rest.list<T>(collectionPath(r, ns), {verb: 'list', resource: r.plural, namespace: ns}, query);
    return res.items;
  }

  async create<T = KubeObject>(obj: KubeObject, query?: Query): Promise<T> {
    const r = resourceOf(obj);
    const ns = r.namespaced ? (obj.metadata?.namespace ?? this.namespace) : undefined;
    return this.rest.create<T>(collectionPath(r, ns), obj, {verb: 'create', resource: r.plural, namespace: ns, name: obj.metadata?.name}, query);
  }

  /** PUT carrying the object's resourceVersion: a concurrent change gives 409, never a lost update. */
  async update<T = KubeObject>(obj: KubeObject, subresource?: string): Promise<T> {
    const r = resourceOf(obj);
    const ns = r.namespaced ? (obj.metadata?.namespace ?? this.namespace) : undefined;
    const name = obj.metadata!.name!;
    return this.rest.update<T>(objectPath(r, name, ns, subresource), obj, {verb: 'update', resource: subresource ? `${r.plural}/${subresource}` : r.plural, namespace: ns, name});
  }

  async patch<T = KubeObject>(r: ResourceInfo, name: string, namespace: string | undefined, body: unknown, type: 'merge' | 'strategic' | 'json' | 'apply', query?: Query): Promise<T> {
    const ns = r.namespaced ? (namespace ?? this.namespace) : undefined;
    return this.rest.patch<T>(objectPath(r, name, ns), body, type, {verb: 'patch', resource: r.plural, namespace: ns, name}, query);
  }

  async delete(r: ResourceInfo, name: string, namespace?: string, body?: unknown): Promise<void> {
    const ns = r.namespaced ? (namespace ?? this.namespace) : undefined;
    await this.rest.delete(objectPath(r, name, ns), {verb: 'delete', resource: r.plural, namespace: ns, name}, body);
  }
}

export function resourceOf(obj: KubeObject): ResourceInfo {
  const {group} = splitApiVersion(obj.apiVersion ?? 'v1');
  return resourceFor(obj.kind ?? '', group);
}
