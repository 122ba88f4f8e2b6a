// Names for completion come from kubectl itself: it is on PATH whenever kubectl runs our
// completer, it honours the user's kubeconfig, exec plugins and proxies exactly, and it starts
// in a fraction of the time our Kubernetes client needs to load. A slow or unreachable cluster
// must not hang the shell, hence the request timeout and a hard kill a little after it.
import {execFile} from 'node:child_process';
import type {ClusterFlags, NameKind} from './complete.js';

const TIMEOUT = '5s';

export function kubectlArgs(kind: NameKind, flags: ClusterFlags): string[] {
  const scope = [
    ...(flags.kubeconfig ? ['--kubeconfig', flags.kubeconfig] : []),
    ...(flags.context ? ['--context', flags.context] : []),
  ];
  if (kind === 'contexts') return ['config', 'get-contexts', '-o', 'name', ...scope];
  return [
    'get', kind, '-o', 'jsonpath={.items[*].metadata.name}', '--request-timeout', TIMEOUT, ...scope,
    ...(kind === 'secrets' && flags.namespace ? ['-n', flags.namespace] : []),
  ];
}

export function kubectlNames(kind: NameKind, flags: ClusterFlags, kubectl = process.env.KUBECTL_SECRET_KUBECTL ?? 'kubectl'): Promise<string[]> {
  return new Promise((resolve) => {
    execFile(kubectl, kubectlArgs(kind, flags), {timeout: 6000, maxBuffer: 16 << 20}, (err, stdout) => {
      resolve(err ? [] : stdout.split(/\s+/).filter(Boolean));
    });
  });
}
