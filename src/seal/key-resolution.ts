// Which public key `seal` uses: --cert when given (offline), otherwise whatever the cluster has.
import {InputError} from '../errors.js';
import type {ControllerLookup} from './bitnami-controller.js';
import {readCertArgument, sealingKeyFromText, type SealingKey} from './sealing-key.js';
import type {Scheme} from './sealed-object.js';
import type {Cluster} from '../kube/cluster.js';

export interface KeyResolution {
  cert?: string;
  scheme?: Scheme;
  connect: () => Promise<Cluster>;
  keyNamespace?: string;
  controller?: ControllerLookup;
}

const OFFLINE_HINT = 'or seal offline with --cert FILE';

export async function resolveSealingKey(o: KeyResolution): Promise<SealingKey> {
  if (o.cert) return sealingKeyFromText(await readCertArgument(o.cert), `--cert ${o.cert}`, o.scheme);
  // The cluster's lookups are loaded here: sealing offline (--cert) is start-up time in every commit.
  const [{findController, fetchControllerCert}, {clusterNaclKey, DEFAULT_KEY_NAMESPACE, PUBLIC_KEY_CONFIGMAP}] = await Promise.all([import('./bitnami-controller.js'), import('./nacl-keys.js')]);
  const cluster = await o.connect();
  const keyNs = o.keyNamespace ?? DEFAULT_KEY_NAMESPACE;
  if (o.scheme === 'nacl') {
    const key = await clusterNaclKey(cluster, keyNs);
    if (!key) throw new InputError(`the cluster has no nacl public key (ConfigMap ${keyNs}/${PUBLIC_KEY_CONFIGMAP})`, `ask an admin to run \`kubectl secret keys init\`, ${OFFLINE_HINT}`);
    return key;
  }
  if (o.scheme === 'sealed-secrets') return bitnamiKey(cluster, o.controller ?? {});
  const [nacl, controller] = await Promise.all([clusterNaclKey(cluster, keyNs), findController(cluster, o.controller ?? {})]);
  if (nacl && controller) {
    throw new InputError('the cluster has both a Sealed Secrets controller and a kubectl-secret nacl key', 'choose one with --scheme sealed-secrets or --scheme nacl');
  }
  if (nacl) return nacl;
  if (controller) return sealingKeyFromText(await fetchControllerCert(cluster, controller), `controller ${controller.namespace}/${controller.name}`);
  throw new InputError('found no sealing key in the cluster: no Sealed Secrets controller and no kubectl-secret nacl key', `install the Sealed Secrets controller or run \`kubectl secret keys init\`, ${OFFLINE_HINT}`);
}

async function bitnamiKey(cluster: Cluster, lookup: ControllerLookup): Promise<SealingKey> {
  const {findController, fetchControllerCert} = await import('./bitnami-controller.js');
  const controller = await findController(cluster, lookup);
  if (!controller) {
    throw new InputError(`found no Sealed Secrets controller Service in ${lookup.namespace ?? 'kube-system'} (tried sealed-secrets-controller, sealed-secrets, and the chart label app.kubernetes.io/name=sealed-secrets)`, `name it with --controller-name/--controller-namespace, ${OFFLINE_HINT}`);
  }
  return sealingKeyFromText(await fetchControllerCert(cluster, controller), `controller ${controller.namespace}/${controller.name}`, 'sealed-secrets');
}
