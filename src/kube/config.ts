// Loads kubeconfig exactly as kubectl does (client-go's clientcmd loader.go): --kubeconfig names
// one file that must exist; else $KUBECONFIG is a list of files, missing ones skipped, merged
// so that the FIRST definition of each cluster, user and context wins and `current-context`
// comes from the first file that sets it; an empty $KUBECONFIG means ~/.kube/config. Shared
// names across files are normal (every cloud CLI writes a user called `admin`), not an error.
// client-node's own loadFromDefault lets the last file's current-context win and throws on a
// shared name, so it picks another cluster than `kubectl config current-context` names.
//
// The files are read here, with js-yaml as client-node reads them and into the same shapes
// (config_types.ts: an entry without a name, a cluster without a server or a context without a
// cluster is dropped), and not with client-node's KubeConfig: loading client-node and undici
// was most of a cluster command's start-up (docs/performance.md). rest.ts loads client-node only
// for the users and clusters it alone handles (auth providers, proxy-url).
import {existsSync, readFileSync, statSync} from 'node:fs';
import {homedir} from 'node:os';
import {delimiter, dirname, isAbsolute, join} from 'node:path';
import {InputError} from '../errors.js';
import type {ExecConfig} from './exec-credential.js';

export interface ClusterOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  requestTimeoutMs?: number;
  /** kubectl-secret's version, for the User-Agent (and so the field manager the API server records). */
  version?: string;
  debug?: (line: string) => void;
}

/** A kubeconfig cluster, in client-node's shape (so rest.ts can hand it to client-node as it is). */
export interface KubeCluster {
  name: string;
  server: string;
  caData?: string;
  caFile?: string;
  skipTLSVerify?: boolean;
  tlsServerName?: string;
  proxyUrl?: string;
}

/** A kubeconfig user, in client-node's shape, plus the token file client-node reads at load time. */
export interface KubeUser {
  name: string;
  token?: string;
  tokenFile?: string;
  certData?: string;
  certFile?: string;
  keyData?: string;
  keyFile?: string;
  username?: string;
  password?: string;
  impersonateUser?: string;
  exec?: ExecConfig;
  authProvider?: {name: string; config?: Record<string, string>};
}

export interface KubeContext {
  name: string;
  cluster: string;
  user?: string;
  namespace?: string;
}

const SERVICEACCOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The merged kubeconfig, with the accessors of client-node's KubeConfig that we use. */
export class Kubeconfig {
  constructor(readonly clusters: KubeCluster[], readonly users: KubeUser[], readonly contexts: KubeContext[], private currentContext: string) {}

  getCurrentContext(): string {
    return this.currentContext;
  }

  setCurrentContext(name: string): void {
    this.currentContext = name;
  }

  getContextObject(name: string): KubeContext | undefined {
    return this.contexts.find((c) => c.name === name);
  }

  getCurrentCluster(): KubeCluster | undefined {
    const ctx = this.getContextObject(this.currentContext);
    return ctx ? this.clusters.find((c) => c.name === ctx.cluster) : undefined;
  }

  getCurrentUser(): KubeUser | undefined {
    const ctx = this.getContextObject(this.currentContext);
    return ctx ? this.users.find((u) => u.name === ctx.user) : undefined;
  }
}

/** The kubeconfig files kubectl would read, in precedence order, and where they came from. */
export function kubeconfigFiles(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): {files: string[]; from: string} {
  if (flag) {
    if (!existsSync(flag)) throw new InputError(`kubeconfig file ${flag} does not exist`, 'pass an existing file to --kubeconfig');
    return {files: [flag], from: '--kubeconfig'};
  }
  const list = env.KUBECONFIG ?? '';
  if (list !== '') {
    const seen = new Set<string>();
    const files = list.split(delimiter).filter((f) => {
      if (!f || seen.has(f)) return false;
      seen.add(f);
      // loader.go skips files of the list that do not exist (they are created on write).
      return existsSync(f) && statSync(f).isFile();
    });
    return {files, from: '$KUBECONFIG'};
  }
  const home = env.HOME || homedir();
  const file = join(home, '.kube', 'config');
  return {files: existsSync(file) ? [file] : [], from: '~/.kube/config'};
}

export async function loadKubeConfig(opts: ClusterOptions): Promise<Kubeconfig> {
  const {files, from} = kubeconfigFiles(opts.kubeconfig);
  if (files.length === 0) {
    // Inside a Pod with no kubeconfig (the controller), use the ServiceAccount, as client-go's
    // in-cluster config does; anywhere else there is nothing to connect to.
    if (process.env.KUBERNETES_SERVICE_HOST && existsSync(`${SERVICEACCOUNT}/token`)) return inCluster();
    throw new InputError(
      from === '$KUBECONFIG' ? `no kubeconfig found: none of the files in $KUBECONFIG exist (${process.env.KUBECONFIG})` : 'no kubeconfig found: $KUBECONFIG is not set and ~/.kube/config does not exist',
      'point $KUBECONFIG or --kubeconfig at your cluster\'s kubeconfig (kind, minikube and cloud CLIs write one)',
    );
  }
  const {load} = await import('js-yaml');
  const clusters = new Map<string, KubeCluster>();
  const users = new Map<string, KubeUser>();
  const contexts = new Map<string, KubeContext>();
  let currentContext: string | undefined;
  for (const file of files) {
    let doc: unknown;
    try {
      doc = load(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new InputError(`cannot load kubeconfig ${file}: ${firstLine((error as Error).message)}`, 'check the file, or pass another with --kubeconfig');
    }
    // An empty file is an empty kubeconfig, as for kubectl.
    if (doc === undefined || doc === null) continue;
    if (typeof doc !== 'object' || Array.isArray(doc)) throw new InputError(`cannot load kubeconfig ${file}: it is not a YAML mapping`, 'check the file, or pass another with --kubeconfig');
    const one = doc as Record<string, unknown>;
    const dir = dirname(file);
    for (const c of entries(one.clusters, readCluster, dir)) if (!clusters.has(c.name)) clusters.set(c.name, c);
    for (const u of entries(one.users, readUser, dir)) if (!users.has(u.name)) users.set(u.name, u);
    for (const c of entries(one.contexts, readContext, dir)) if (!contexts.has(c.name)) contexts.set(c.name, c);
    const cur = one['current-context'];
    if (!currentContext && typeof cur === 'string' && cur) currentContext = cur;
  }
  const kc = new Kubeconfig([...clusters.values()], [...users.values()], [...contexts.values()], currentContext ?? '');
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) {
      throw new InputError(`context "${opts.context}" does not exist in the kubeconfig`, 'list contexts with `kubectl config get-contexts`');
    }
    kc.setCurrentContext(opts.context);
  }
  if (!kc.getContextObject(kc.getCurrentContext())) {
    throw new InputError(currentContext ? `the current context "${currentContext}" does not exist in the kubeconfig` : 'no current context is set in the kubeconfig', 'set one with `kubectl config use-context NAME`, or pass --context');
  }
  if (!kc.getCurrentCluster()) {
    const ctx = kc.getContextObject(kc.getCurrentContext())!;
    throw new InputError(`context "${ctx.name}" names cluster "${ctx.cluster}", which is not in the kubeconfig (or has no server)`, 'fix the kubeconfig, or pick another context with --context');
  }
  return kc;
}

/** client-go's in-cluster config: the ServiceAccount's token file (re-read as it rotates) and CA. */
function inCluster(): Kubeconfig {
  const host = process.env.KUBERNETES_SERVICE_HOST!;
  const port = process.env.KUBERNETES_SERVICE_PORT || '443';
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let namespace: string | undefined;
  try {
    namespace = readFileSync(`${SERVICEACCOUNT}/namespace`, 'utf8').trim() || undefined;
  } catch {}
  return new Kubeconfig(
    [{name: 'inCluster', server, caFile: `${SERVICEACCOUNT}/ca.crt`}],
    [{name: 'inClusterUser', tokenFile: `${SERVICEACCOUNT}/token`}],
    [{name: 'inClusterContext', cluster: 'inCluster', user: 'inClusterUser', namespace}],
    'inClusterContext',
  );
}

type Reader<T> = (elt: Record<string, unknown>, dir: string) => T | undefined;

/** The valid entries of a list; entries kubectl would only complain about when used are dropped. */
function entries<T>(list: unknown, read: Reader<T>, dir: string): T[] {
  if (!Array.isArray(list)) return [];
  const out: T[] = [];
  for (const elt of list) {
    if (!elt || typeof elt !== 'object' || typeof (elt as {name?: unknown}).name !== 'string' || !(elt as {name: string}).name) continue;
    const one = read(elt as Record<string, unknown>, dir);
    if (one) out.push(one);
  }
  return out;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const obj = (v: unknown): Record<string, unknown> | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : undefined);
/** client-go resolves a relative path in a kubeconfig against the directory of the file that names it. */
const path = (v: unknown, dir: string): string | undefined => {
  const p = str(v);
  return p === undefined || isAbsolute(p) ? p : join(dir, p);
};

const readCluster: Reader<KubeCluster> = (elt, dir) => {
  const c = obj(elt.cluster);
  const server = str(c?.server);
  if (!c || !server) return undefined;
  return {
    name: elt.name as string, server: server.replace(/\/$/, ''),
    caData: str(c['certificate-authority-data']), caFile: path(c['certificate-authority'], dir),
    skipTLSVerify: c['insecure-skip-tls-verify'] === true, tlsServerName: str(c['tls-server-name']), proxyUrl: str(c['proxy-url']),
  };
};

const readUser: Reader<KubeUser> = (elt, dir) => {
  const u = obj(elt.user) ?? {};
  const exec = obj(u.exec);
  const provider = obj(u['auth-provider']);
  return {
    name: elt.name as string,
    token: str(u.token), tokenFile: path(u['token-file'], dir),
    certData: str(u['client-certificate-data']), certFile: path(u['client-certificate'], dir),
    keyData: str(u['client-key-data']), keyFile: path(u['client-key'], dir),
    username: str(u.username), password: typeof u.password === 'string' ? u.password : undefined, impersonateUser: str(u.as),
    // client-go resolves an exec plugin's command that contains a path separator against the
    // directory of the file that defines it (a bare name is looked up in $PATH).
    exec: exec && typeof exec.command === 'string' && exec.command ? {...exec, command: exec.command.includes('/') ? path(exec.command, dir)! : exec.command} as ExecConfig : undefined,
    authProvider: provider && typeof provider.name === 'string' ? provider as KubeUser['authProvider'] : undefined,
  };
};

const readContext: Reader<KubeContext> = (elt) => {
  const c = obj(elt.context);
  const cluster = str(c?.cluster);
  if (!c || !cluster) return undefined;
  return {name: elt.name as string, cluster, user: str(c.user), namespace: str(c.namespace)};
};

/** The namespace a command works in: -n, else the context's namespace, else `default`. */
export function contextNamespace(kc: Kubeconfig): string {
  const ctx = kc.getContextObject(kc.getCurrentContext());
  return ctx?.namespace || 'default';
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}
