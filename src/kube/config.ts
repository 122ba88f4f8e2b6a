// Loads kubeconfig exactly as kubectl does (client-go's clientcmd loader.go): --kubeconfig names
// one file that must exist; else $KUBECONFIG is a list of files, missing ones skipped, merged
// so that the FIRST definition of each cluster, user and context wins and `current-context`
// comes from the first file that sets it; an empty $KUBECONFIG means ~/.kube/config. Shared
// names across files are normal (every cloud CLI writes a user called `admin`), not an error.
// client-node's own loadFromDefault lets the last file's current-context win and throws on a
// shared name, so it picks another cluster than `kubectl config current-context` names: it is
// used here only to read one file at a time. Authentication is applied per request by rest.ts.
import {existsSync, statSync} from 'node:fs';
import {homedir} from 'node:os';
import {delimiter, dirname, isAbsolute, join, resolve} from 'node:path';
import {InputError} from '../errors.js';
import type {Cluster as KcCluster, Context as KcContext, KubeConfig, User as KcUser} from '@kubernetes/client-node';

export interface ClusterOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  requestTimeoutMs?: number;
  /** kubectl-secret's version, for the User-Agent (and so the field manager the API server records). */
  version?: string;
  debug?: (line: string) => void;
}

const SERVICEACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

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

export async function loadKubeConfig(opts: ClusterOptions): Promise<KubeConfig> {
  const k8s = await import('@kubernetes/client-node');
  const {files, from} = kubeconfigFiles(opts.kubeconfig);
  const kc = new k8s.KubeConfig();
  if (files.length === 0) {
    // Inside a Pod with no kubeconfig (the controller), use the ServiceAccount, as client-go's
    // in-cluster config does; anywhere else there is nothing to connect to.
    if (process.env.KUBERNETES_SERVICE_HOST && existsSync(SERVICEACCOUNT_TOKEN)) {
      kc.loadFromCluster();
      return kc;
    }
    throw new InputError(
      from === '$KUBECONFIG' ? `no kubeconfig found: none of the files in $KUBECONFIG exist (${process.env.KUBECONFIG})` : 'no kubeconfig found: $KUBECONFIG is not set and ~/.kube/config does not exist',
      'point $KUBECONFIG or --kubeconfig at your cluster\'s kubeconfig (kind, minikube and cloud CLIs write one)',
    );
  }
  const clusters = new Map<string, KcCluster>();
  const users = new Map<string, KcUser>();
  const contexts = new Map<string, KcContext>();
  let currentContext: string | undefined;
  for (const file of files) {
    const one = new k8s.KubeConfig();
    try {
      // Entries kubectl would only complain about when used (a cluster without a server) are
      // dropped here rather than failing every command.
      one.loadFromFile(file, {onInvalidEntry: 'filter'});
    } catch (error) {
      throw new InputError(`cannot load kubeconfig ${file}: ${firstLine((error as Error).message)}`, 'check the file, or pass another with --kubeconfig');
    }
    for (const c of one.clusters ?? []) if (!clusters.has(c.name)) clusters.set(c.name, c);
    for (const u of one.users ?? []) if (!users.has(u.name)) users.set(u.name, resolveExecCommand(u, dirname(file)));
    for (const c of one.contexts ?? []) if (!contexts.has(c.name)) contexts.set(c.name, c);
    if (!currentContext && one.currentContext) currentContext = one.currentContext;
  }
  kc.loadFromOptions({clusters: [...clusters.values()], users: [...users.values()], contexts: [...contexts.values()], currentContext: currentContext ?? ''});
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

/**
 * client-go resolves an exec plugin's command that contains a path separator against the
 * directory of the file that defines it (a bare name is looked up in $PATH).
 */
function resolveExecCommand(u: KcUser, dir: string): KcUser {
  const cmd = u.exec?.command;
  if (typeof cmd !== 'string' || !cmd.includes('/') || isAbsolute(cmd)) return u;
  return {...u, exec: {...u.exec, command: resolve(dir, cmd)}};
}

/** The namespace a command works in: -n, else the context's namespace, else `default`. */
export function contextNamespace(kc: KubeConfig): string {
  const ctx = kc.getContextObject(kc.getCurrentContext());
  return ctx?.namespace || 'default';
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}
