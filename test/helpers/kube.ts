// Set-up and inspection of cluster state for end-to-end tests, the same on both targets: the
// test server's direct store when it runs in-process (fast, no requests in its log), the
// Kubernetes API otherwise (a real cluster, or the test server as a separate process). Tests
// use this instead of `server.create/get/update/remove` so that they also run on a real cluster.
import {randomBytes} from 'node:crypto';
import {readdirSync, readFileSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {Cluster} from '../../src/kube/cluster.js';
import {parseManifests} from '../../src/manifests/parse.js';
import type {TestServer} from '../server/index.js';

/** A tiny image that runs anywhere, for Pods and workloads that must become ready on a real cluster. */
export const PAUSE = 'registry.k8s.io/pause:3.9';

export interface CrdSpec {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced?: boolean;
  status?: boolean;
}

export interface Kube {
  /** Creates the object, or replaces the live one (its status too, where the type has a status subresource). */
  apply(obj: any): Promise<any>;
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<any | undefined>;
  list(apiVersion: string, kind: string, namespace?: string): Promise<any[]>;
  /** Whether the cluster serves this kind (a built-in, or a CRD already registered). */
  serves(apiVersion: string, kind: string): Promise<boolean>;
  /** Deletes the object if it exists and waits until it is gone. */
  remove(apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<void>;
  ensureNamespace(name: string): Promise<void>;
  /**
   * A namespace of this test file: `base` on the in-process test server (one server per file),
   * `base-<random>` elsewhere so runs on a shared cluster never meet; deleted by `close()`.
   */
  namespace(base: string): Promise<string>;
  /** What `namespace(base)` returns (or will), without creating it. */
  nsName(base: string): string;
  /** A cluster-scoped name of this test file (same rule as namespaces). */
  clusterName(base: string): string;
  /** Creates (or extends with a version) a CustomResourceDefinition and waits until it is served. */
  registerCRD(r: CrdSpec): Promise<void>;
  /** Applies manifest files or folders and objects: namespaces and CRDs first. */
  load(items: Array<string | object>): Promise<void>;
  waitFor<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
    await sleep(100);
  }
}

const MANIFEST = /\.(ya?ml|json)$/i;

/** The objects of manifest files or folders (and plain objects), namespaces and CRDs first. */
export function manifestObjects(items: Array<string | object>): any[] {
  const files = (p: string): string[] => statSync(p).isDirectory()
    ? readdirSync(p).sort().flatMap((n) => (statSync(join(p, n)).isDirectory() ? files(join(p, n)) : MANIFEST.test(n) ? [join(p, n)] : []))
    : [p];
  const out: any[] = [];
  for (const it of items) {
    if (typeof it === 'string') for (const f of files(it)) out.push(...parseManifests(readFileSync(f, 'utf8'), f).map((s) => s.object));
    else if (Array.isArray((it as any).items) && String((it as any).kind ?? '').endsWith('List')) out.push(...(it as any).items);
    else out.push(it);
  }
  const rank = (o: any) => (o?.kind === 'Namespace' ? 0 : o?.kind === 'CustomResourceDefinition' ? 1 : 2);
  return out.sort((a, b) => rank(a) - rank(b));
}

const crdObject = (r: CrdSpec, storage: boolean) => ({
  name: r.version, served: true, storage,
  schema: {openAPIV3Schema: {type: 'object', 'x-kubernetes-preserve-unknown-fields': true}},
  ...(r.status ? {subresources: {status: {}}} : {}),
});

/** On the in-process test server: its direct store, no HTTP. */
export function directKube(server: TestServer): Kube {
  const kube: Kube = {
    async apply(obj) {
      const existing = server.get(obj.apiVersion, obj.kind, obj.metadata?.namespace, obj.metadata?.name);
      return existing ? server.update({...obj, metadata: {...obj.metadata, namespace: existing.metadata.namespace}}) : server.create(obj);
    },
    get: async (apiVersion, kind, ns, name) => server.get(apiVersion, kind, ns, name),
    list: async (apiVersion, kind, ns) => server.list(apiVersion, kind, ns),
    async serves(apiVersion, kind) {
      try {
        server.list(apiVersion, kind);
        return true;
      } catch {
        return false;
      }
    },
    remove: async (apiVersion, kind, ns, name) => server.remove(apiVersion, kind, ns, name),
    async ensureNamespace(name) {
      if (!server.get('v1', 'Namespace', undefined, name)) server.create({apiVersion: 'v1', kind: 'Namespace', metadata: {name}});
    },
    async namespace(base) {
      await kube.ensureNamespace(base);
      return base;
    },
    nsName: (base) => base,
    clusterName: (base) => base,
    registerCRD: async (r) => server.registerCRD(r),
    load: async (items) => server.load(items),
    waitFor,
    close: async () => {},
  };
  return kube;
}

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
  status: boolean;
}

/** Over the API: a real cluster, or the test server in another process. */
export async function apiKube(kubeconfig: string): Promise<Kube> {
  const cluster = await Cluster.connect({kubeconfig});
  const rest = cluster.rest;
  const suffix = randomBytes(3).toString('hex');
  const namespaces = new Set<string>();
  const clusterScoped: Array<{path: string}> = [];
  const discovery = new Map<string, Promise<ApiResource[]>>();

  const resources = (apiVersion: string, fresh = false): Promise<ApiResource[]> => {
    let p = fresh ? undefined : discovery.get(apiVersion);
    if (!p) {
      const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      p = rest.get<{resources: Array<{name: string; kind: string; namespaced: boolean}>}>(path, {verb: 'get', resource: 'discovery'})
        .then((l) => l.resources.filter((x) => !x.name.includes('/')).map((x) => ({...x, status: l.resources.some((s) => s.name === `${x.name}/status`)})))
        .catch(() => []);
      discovery.set(apiVersion, p);
    }
    return p;
  };
  const typeOf = async (apiVersion: string, kind: string): Promise<ApiResource> => {
    const t = (await resources(apiVersion)).find((x) => x.kind === kind) ?? (await resources(apiVersion, true)).find((x) => x.kind === kind);
    if (!t) throw new Error(`the cluster serves no ${kind} in ${apiVersion}`);
    return t;
  };
  const base = (apiVersion: string) => (apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`);
  const collection = (apiVersion: string, t: ApiResource, ns?: string) => `${base(apiVersion)}${t.namespaced && ns ? `/namespaces/${ns}` : ''}/${t.name}`;
  const pathOf = async (apiVersion: string, kind: string, ns: string | undefined, name: string) => {
    const t = await typeOf(apiVersion, kind);
    return {t, path: `${collection(apiVersion, t, t.namespaced ? ns ?? 'default' : undefined)}/${encodeURIComponent(name)}`};
  };
  const describe = (verb: string, kind: string) => ({verb, resource: kind.toLowerCase()});
  const notFound = (e: unknown) => (e as {status?: number}).status === 404;

  const get = async (apiVersion: string, kind: string, ns: string | undefined, name: string) => {
    const {path} = await pathOf(apiVersion, kind, ns, name);
    try {
      return await rest.get(path, describe('get', kind));
    } catch (e) {
      if (notFound(e)) return undefined;
      throw e;
    }
  };

  const writeStatus = async (obj: any, path: string, live: any) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await rest.update(`${path}/status`, {...live, status: obj.status}, describe('update', obj.kind));
      } catch (e) {
        if ((e as {status?: number}).status !== 409 || attempt > 5) throw e;
        live = await rest.get(path, describe('get', obj.kind));
      }
    }
  };

  const kube: Kube = {
    async apply(obj) {
      const ns = obj.metadata?.namespace;
      const {t, path} = await pathOf(obj.apiVersion, obj.kind, ns, obj.metadata.name);
      const body = {...obj, metadata: {...obj.metadata}};
      delete body.metadata.resourceVersion;
      for (let attempt = 0; ; attempt++) {
        const live = await kube.get(obj.apiVersion, obj.kind, ns, obj.metadata.name);
        try {
          let out: any;
          if (live) {
            out = await rest.update(path, {...body, metadata: {...body.metadata, resourceVersion: live.metadata.resourceVersion}}, describe('update', obj.kind));
          } else {
            out = await rest.create(collection(obj.apiVersion, t, t.namespaced ? ns ?? 'default' : undefined), body, describe('create', obj.kind));
            if (!t.namespaced && obj.kind !== 'Namespace' && obj.kind !== 'CustomResourceDefinition') clusterScoped.push({path});
          }
          if (obj.status !== undefined && t.status) out = await writeStatus(obj, path, out);
          return out;
        } catch (e) {
          const status = (e as {status?: number}).status;
          if ((status !== 409 && status !== 404) || attempt > 5) throw e;
        }
      }
    },
    get,
    async list(apiVersion, kind, ns) {
      const t = await typeOf(apiVersion, kind);
      return (await rest.list(collection(apiVersion, t, ns), describe('list', kind))).items;
    },
    serves: async (apiVersion, kind) => typeOf(apiVersion, kind).then(() => true, () => false),
    async remove(apiVersion, kind, ns, name) {
      const {path} = await pathOf(apiVersion, kind, ns, name);
      try {
        await rest.delete(path, describe('delete', kind), {propagationPolicy: 'Background', gracePeriodSeconds: 0});
      } catch (e) {
        if (notFound(e)) return;
        throw e;
      }
      await waitFor(`${kind} ${name} to be deleted`, async () => (await get(apiVersion, kind, ns, name)) === undefined, 60_000);
    },
    async ensureNamespace(name) {
      if (await get('v1', 'Namespace', undefined, name)) return;
      try {
        await rest.create('/api/v1/namespaces', {apiVersion: 'v1', kind: 'Namespace', metadata: {name, labels: {'kubectl-secret.dev/e2e': 'true'}}}, describe('create', 'Namespace'));
      } catch (e) {
        if ((e as {status?: number}).status !== 409) throw e;
      }
      // A real cluster creates the default ServiceAccount a moment later; Pods wait for it.
      await waitFor(`namespace ${name} to be ready`, async () => (await get('v1', 'ServiceAccount', name, 'default').catch(() => undefined)) ?? !(await isRealCluster()), 30_000);
    },
    async namespace(b) {
      const name = kube.nsName(b);
      namespaces.add(name);
      await kube.ensureNamespace(name);
      return name;
    },
    nsName: (b) => `${b}-${suffix}`,
    clusterName: (b) => `${b}-${suffix}`,
    async registerCRD(r) {
      const name = `${r.plural}.${r.group}`;
      const crdApi = 'apiextensions.k8s.io/v1';
      const existing = await get(crdApi, 'CustomResourceDefinition', undefined, name);
      if (!existing) {
        try {
          await rest.create('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
            apiVersion: crdApi, kind: 'CustomResourceDefinition', metadata: {name},
            spec: {group: r.group, scope: r.namespaced === false ? 'Cluster' : 'Namespaced', names: {kind: r.kind, plural: r.plural, singular: r.kind.toLowerCase(), listKind: `${r.kind}List`}, versions: [crdObject(r, true)]},
          }, describe('create', 'CustomResourceDefinition'));
        } catch (e) {
          // Another test file registered it at the same moment.
          if ((e as {status?: number}).status !== 409) throw e;
        }
      } else if (!existing.spec.versions.some((v: any) => v.name === r.version)) {
        await rest.update(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`, {...existing, spec: {...existing.spec, versions: [...existing.spec.versions, crdObject(r, false)]}}, describe('update', 'CustomResourceDefinition'));
      }
      await waitFor(`CustomResourceDefinition ${name} to be served`, async () => (await resources(`${r.group}/${r.version}`, true)).some((x) => x.name === r.plural), 30_000);
    },
    async load(items) {
      for (const o of manifestObjects(items)) {
        if (o.kind === 'Namespace') await kube.ensureNamespace(o.metadata.name);
        else await kube.apply(o);
      }
    },
    waitFor,
    async close() {
      // Cluster-scoped objects first (bindings may name our namespaces), then the namespaces;
      // CRDs stay: other test files, or the cluster's own users, may rely on them.
      for (const {path} of clusterScoped.reverse()) await rest.delete(path, describe('delete', 'object')).catch(() => {});
      for (const ns of namespaces) await rest.delete(`/api/v1/namespaces/${ns}`, describe('delete', 'Namespace'), {propagationPolicy: 'Background'}).catch(() => {});
    },
  };

  // The test server run as a separate process has no ServiceAccount controller: tell it apart
  // from a real cluster by whether `default` in kube-system has a ServiceAccount.
  let real: Promise<boolean> | undefined;
  const isRealCluster = () => (real ??= get('v1', 'ServiceAccount', 'kube-system', 'default').then((sa) => sa !== undefined, () => true));
  return kube;
}
