// Loads kubeconfig the way kubectl does: --kubeconfig, else $KUBECONFIG (a list of files,
// merged, first wins), else ~/.kube/config; then --context. Authentication (client certs,
// tokens, exec plugins) is @kubernetes/client-node's job, not ours.
import {existsSync} from 'node:fs';
import {InputError} from '../errors.js';
import type {KubeConfig} from '@kubernetes/client-node';

export interface ClusterOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  requestTimeoutMs?: number;
  debug?: (line: string) => void;
}

export async function loadKubeConfig(opts: ClusterOptions): Promise<KubeConfig> {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  try {
    if (opts.kubeconfig) {
      if (!existsSync(opts.kubeconfig)) {
        throw new InputError(`kubeconfig file ${opts.kubeconfig} does not exist`, 'pass an existing file to --kubeconfig');
      }
      kc.loadFromFile(opts.kubeconfig);
    } else {
      kc.loadFromDefault();
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    const file = opts.kubeconfig ?? process.env.KUBECONFIG ?? '~/.kube/config';
    throw new InputError(`cannot load kubeconfig ${file}: ${firstLine((error as Error).message)}`, 'check the file, or pass another with --kubeconfig');
  }
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) {
      throw new InputError(`context "${opts.context}" does not exist in the kubeconfig`, 'list contexts with `kubectl config get-contexts`');
    }
    kc.setCurrentContext(opts.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new InputError('no cluster is configured in the kubeconfig (no current context)', 'set one with `kubectl config use-context NAME`, or pass --context / --kubeconfig');
  }
  return kc;
}

/** The namespace a command works in: -n, else the context's namespace, else `default`. */
export function contextNamespace(kc: KubeConfig): string {
  const ctx = kc.getContextObject(kc.getCurrentContext());
  return ctx?.namespace || 'default';
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}
