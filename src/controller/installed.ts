// Whether the nacl controller runs in the cluster, for `keys init` to say how to install it.
// "Installed" means our CRD exists and some Deployment carries the controller's name label;
// when we may not look (403), we say nothing rather than guess.
import {resourceFor} from '../kube/resources.js';
import type {Cluster} from '../kube/cluster.js';
import {APP_LABEL, CONTROLLER_NAME, CRD_NAME} from './manifests.js';

export async function controllerInstalled(cluster: Cluster): Promise<boolean | undefined> {
  try {
    if (!(await cluster.get(resourceFor('CustomResourceDefinition'), CRD_NAME))) return false;
    const deployments = await cluster.list(resourceFor('Deployment'), null, {labelSelector: `${APP_LABEL}=${CONTROLLER_NAME}`});
    return deployments.length > 0;
  } catch {
    return undefined;
  }
}

/** Two lines of advice when the controller is absent; '' when it is there or we cannot tell. */
export async function controllerInstallHint(cluster: Cluster, keyNamespace?: string): Promise<string> {
  if ((await controllerInstalled(cluster)) !== false) return '';
  const keyFlag = keyNamespace && keyNamespace !== 'kube-system' ? ` --key-namespace ${keyNamespace}` : '';
  return 'The nacl controller, which turns applied SealedSecrets into Secrets, is not installed in this cluster.\n'
    + `Install it: kubectl secret controller manifests${keyFlag} | kubectl apply -f -   (see docs/controller.md)\n`;
}
