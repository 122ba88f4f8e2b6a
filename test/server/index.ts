// An in-process Kubernetes API server for tests: real HTTPS on 127.0.0.1 that kubectl and
// @kubernetes/client-node talk to as to a cluster. Module map: registry (types), store (objects,
// resourceVersions, history), objects (write semantics), api (HTTP), patch/apply (PATCH
// formats), selectors, watch, auth, faults, proxy, rollout, bitnami (a fake sealed-secrets
// controller), discovery, tables, certs, kubeconfig. Knobs are described in README.md.
import {randomBytes} from 'node:crypto';
import {readdirSync, readFileSync, statSync} from 'node:fs';
import {createServer, type Server} from 'node:https';
import type {ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {join} from 'node:path';
import {parseManifests} from '../../src/manifests/parse.js';
import {Api, type BeforeWrite, type RequestRecord} from './api.js';
import {runWorkloadPods} from './pods.js';
import {runBitnamiController, type BitnamiOptions} from './bitnami.js';
import {Auth, type DenyRule, type Identity, type SarCallback} from './auth.js';
import {CA_PEM, clientCertFor, SERVER_CERT, SERVER_KEY} from './certs.js';
import {Faults, type Fault} from './faults.js';
import {writeKubeconfigFile} from './kubeconfig.js';
import {Objects, type Mutator} from './objects.js';
import {Proxies, type ProxyHandler} from './proxy.js';
import {Registry, type ResourceType} from './registry.js';
import {Rollouts} from './rollout.js';
import {clone, Store} from './store.js';

export type {Identity, DenyRule} from './auth.js';
export type {Fault} from './faults.js';
export type {Mutator} from './objects.js';
export type {BitnamiOptions} from './bitnami.js';
export type {ProxyRequest, ProxyResponse} from './proxy.js';

export interface StartOptions {
  /** Time between rollout status steps (a rollout takes 3 steps). Default 50. */
  rolloutStepMs?: number;
  objects?: object[];
  /** Manifest files or folders to preload (YAML multi-doc, JSON, kind: List). */
  load?: string[];
  /** Default 0 (random). */
  port?: number;
}

export interface TestServer {
  readonly url: string;
  readonly caPem: string;
  writeKubeconfig(path: string, o?: {user?: string; groups?: string[]; namespace?: string; context?: string; auth?: 'token' | 'client-cert' | 'exec'}): string;
  addToken(token: string, id: Identity): void;
  /** Accepts `Authorization: Basic` with this user name and password as `id`. */
  addBasicAuth(username: string, password: string, id: Identity): void;
  create(obj: any): any;
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): any | undefined;
  list(apiVersion: string, kind: string, namespace?: string): any[];
  update(obj: any): any;
  remove(apiVersion: string, kind: string, namespace: string | undefined, name: string): void;
  load(pathsOrObjects: Array<string | object>): void;
  registerCRD(r: {group: string; version: string; kind: string; plural: string; namespaced?: boolean; status?: boolean}): void;
  deny(rule: DenyRule): () => void;
  onSubjectAccessReview(fn: SarCallback | undefined): void;
  proxy(namespace: string, service: string, handler: ProxyHandler): void;
  rollout: {stall(kind: string, namespace: string, name: string): void; fail(kind: string, namespace: string, name: string): void; reset(kind: string, namespace: string, name: string): void};
  fault(f: Fault): () => void;
  clearFaults(): void;
  beforeWrite(fn: BeforeWrite): () => void;
  /** A mutating admission hook on every API write of `kind` (see README.md); returns its removal. */
  mutate(kind: string, fn: Mutator): () => void;
  /** Delivers watch events of `kind` `ms` late (0: on time again), see README.md. */
  watchDelay(kind: string, ms: number): void;
  /** Runs a fake Bitnami sealed-secrets controller (bitnami.ts, README.md); returns its stop. */
  bitnamiController(o?: BitnamiOptions): () => void;
  /** StatefulSets and DaemonSets keep pods, honouring OnDelete and partitions (pods.ts, README.md); returns its stop. */
  workloadPods(): () => void;
  readonly requests: RequestRecord[];
  /** TLS connections accepted so far (a client that pools its connections opens few). */
  readonly connections: number;
  close(): Promise<void>;
}

const MANIFEST = /\.(ya?ml|json)$/i;

function manifestFiles(p: string): string[] {
  if (!statSync(p).isDirectory()) return [p];
  return readdirSync(p).sort().flatMap((n) => {
    const full = join(p, n);
    return statSync(full).isDirectory() ? manifestFiles(full) : MANIFEST.test(n) ? [full] : [];
  });
}

/** Namespaces and CRDs first, so what lives in them can follow in any order. */
function loadRank(o: any): number {
  return o?.kind === 'Namespace' ? 0 : o?.kind === 'CustomResourceDefinition' ? 1 : 2;
}

export async function startTestServer(opts: StartOptions = {}): Promise<TestServer> {
  const reg = new Registry();
  const store = new Store();
  const objects = new Objects(reg, store);
  const rollouts = new Rollouts(opts.rolloutStepMs ?? 50, (k, ns, n, g, s) => objects.writeStatus(k, ns, n, g, s), (k, ns, n) => {
    const t = reg.all().find((x) => x.builtin && x.kind === k);
    return t ? store.get(t, ns, n) : undefined;
  });
  objects.rollouts = rollouts;
  const auth = new Auth();
  const faults = new Faults();
  const proxies = new Proxies();
  const beforeWrites: BeforeWrite[] = [];
  const requests: RequestRecord[] = [];
  const watches = new Set<ServerResponse>();
  const watchDelays = new Map<string, number>();
  const stops: Array<() => void> = [];
  let hostPort = '127.0.0.1:0';
  const api = new Api({reg, store, objects, auth, faults, proxies, beforeWrite: beforeWrites, requests, watches, hostPort: () => hostPort, watchDelays});

  for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) objects.ensureNamespace(ns);

  const typeOf = (apiVersion: string, kind: string): ResourceType => {
    const t = reg.byKind(apiVersion, kind);
    if (!t) throw new Error(`test server: no resource type for apiVersion ${apiVersion}, kind ${kind} (register a CRD first)`);
    return t;
  };
  const typeByName = (kind: string): ResourceType => {
    const t = reg.byName(kind);
    if (!t) throw new Error(`test server: unknown kind ${kind}`);
    return t;
  };

  const createDirect = (obj: any): any => {
    const t = typeOf(String(obj?.apiVersion), String(obj?.kind));
    return objects.create(t, obj, {direct: true, manager: 'test-setup'});
  };
  const loadAll = (items: Array<string | object>): void => {
    const objs: any[] = [];
    for (const it of items) {
      if (typeof it === 'string') {
        for (const f of manifestFiles(it)) for (const s of parseManifests(readFileSync(f, 'utf8'), f)) objs.push(s.object);
      } else if (Array.isArray((it as any).items) && String((it as any).kind ?? '').endsWith('List')) objs.push(...(it as any).items);
      else objs.push(it);
    }
    objs.sort((a, b) => loadRank(a) - loadRank(b));
    for (const o of objs) {
      const t = typeOf(String(o?.apiVersion), String(o?.kind));
      const existing = store.get(t, o.metadata?.namespace ?? 'default', o.metadata?.name);
      if (existing) objects.update(t, {...clone(o), metadata: {...o.metadata, namespace: existing.metadata.namespace, resourceVersion: undefined}}, {direct: true, manager: 'test-setup'});
      else createDirect(o);
    }
  };
  if (opts.objects) loadAll(opts.objects);
  if (opts.load) loadAll(opts.load);

  const server: Server = createServer({key: SERVER_KEY, cert: SERVER_CERT, ca: CA_PEM, requestCert: true, rejectUnauthorized: false}, (req, res) => {
    void api.handle(req, res);
  });
  // Go's HTTP/1.1 client keeps connections open; don't let idle ones hold close() up.
  server.keepAliveTimeout = 5000;
  let connections = 0;
  server.on('secureConnection', () => connections++);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  hostPort = `127.0.0.1:${port}`;
  const url = `https://${hostPort}`;
  let closed: Promise<void> | undefined;

  const ts: TestServer = {
    url,
    caPem: CA_PEM,
    requests,
    get connections() {
      return connections;
    },
    writeKubeconfig(path, o = {}) {
      const user = o.user ?? 'admin';
      const groups = o.groups ?? (o.user === undefined ? ['system:masters'] : []);
      const mode = o.auth ?? 'token';
      const token = `kst-${randomBytes(18).toString('base64url')}`;
      if (mode !== 'client-cert') auth.addToken(token, {user, groups});
      return writeKubeconfigFile(path, {
        server: url, caPem: CA_PEM, user, context: o.context ?? 'test', namespace: o.namespace ?? 'default',
        auth: mode === 'client-cert' ? clientCertFor(user, groups) : mode === 'exec' ? {execToken: token} : {token},
      });
    },
    addToken: (token, id) => auth.addToken(token, id),
    addBasicAuth: (username, password, id) => auth.addBasic(username, password, id),
    create: (obj) => createDirect(obj),
    get(apiVersion, kind, namespace, name) {
      const t = typeOf(apiVersion, kind);
      return clone(store.get(t, namespace, name));
    },
    list(apiVersion, kind, namespace) {
      return store.list(typeOf(apiVersion, kind), namespace).map(clone);
    },
    update(obj) {
      const t = typeOf(String(obj?.apiVersion), String(obj?.kind));
      const copy = clone(obj);
      if (copy.metadata) delete copy.metadata.resourceVersion;
      return objects.update(t, copy, {direct: true, manager: 'test-setup'});
    },
    remove(apiVersion, kind, namespace, name) {
      const t = typeOf(apiVersion, kind);
      if (store.get(t, namespace, name)) objects.delete(t, namespace, name);
    },
    load: (items) => loadAll(items),
    registerCRD(r) {
      const name = `${r.plural}.${r.group}`;
      const crdType = typeOf('apiextensions.k8s.io/v1', 'CustomResourceDefinition');
      const existing = store.get(crdType, undefined, name);
      const version = {name: r.version, served: true, storage: !existing, schema: {openAPIV3Schema: {type: 'object', 'x-kubernetes-preserve-unknown-fields': true}}, ...(r.status ? {subresources: {status: {}}} : {})};
      if (existing) {
        const next = clone(existing);
        next.spec.versions = [...next.spec.versions.filter((v: any) => v.name !== r.version), version];
        objects.update(crdType, next, {direct: true, manager: 'test-setup'});
        return;
      }
      objects.create(crdType, {
        apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: {name},
        spec: {group: r.group, scope: r.namespaced === false ? 'Cluster' : 'Namespaced', names: {kind: r.kind, plural: r.plural, singular: r.kind.toLowerCase(), listKind: `${r.kind}List`}, versions: [version]},
      }, {direct: true, manager: 'test-setup'});
    },
    deny: (rule) => auth.deny(rule),
    onSubjectAccessReview(fn) {
      auth.sarCallback = fn;
    },
    proxy: (namespace, service, handler) => proxies.set(namespace, service, handler),
    rollout: {
      stall: (kind, ns, name) => rollouts.setMode(typeByName(kind).kind, ns, name, 'stall'),
      fail: (kind, ns, name) => rollouts.setMode(typeByName(kind).kind, ns, name, 'fail'),
      reset(kind, ns, name) {
        const t = typeByName(kind);
        const hadMode = rollouts.mode(t.kind, ns, name) !== undefined;
        rollouts.setMode(t.kind, ns, name, undefined);
        const cur = store.get(t, ns, name);
        if (hadMode && cur) rollouts.start(t.kind, cur);
      },
    },
    fault: (f) => faults.add(f),
    clearFaults: () => faults.clear(),
    beforeWrite(fn) {
      beforeWrites.push(fn);
      return () => {
        const i = beforeWrites.indexOf(fn);
        if (i >= 0) beforeWrites.splice(i, 1);
      };
    },
    mutate(kind, fn) {
      const k = typeByName(kind).kind;
      const hook: Mutator = (op, obj, sub) => {
        if (obj?.kind === k) fn(op, obj, sub);
      };
      objects.mutators.push(hook);
      return () => {
        const i = objects.mutators.indexOf(hook);
        if (i >= 0) objects.mutators.splice(i, 1);
      };
    },
    watchDelay(kind, ms) {
      const k = typeByName(kind).kind;
      if (ms > 0) watchDelays.set(k, ms);
      else watchDelays.delete(k);
    },
    bitnamiController: (o = {}) => {
      const stop = runBitnamiController(reg, store, objects, o);
      stops.push(stop);
      return stop;
    },
    workloadPods: () => {
      const stop = runWorkloadPods(reg, store, objects, opts.rolloutStepMs ?? 50);
      stops.push(stop);
      return stop;
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        rollouts.close();
        for (const stop of stops) stop();
        for (const w of watches) w.end();
        watches.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
  return ts;
}
