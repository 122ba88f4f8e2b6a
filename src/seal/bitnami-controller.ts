// The Bitnami Sealed Secrets controller, reached through the API server's service proxy as
// kubeseal does (cmd/kubeseal: openCert / VerifySealedSecret / ReEncryptSealedSecret):
// GET the Service, take its first port's name, then /services/http:NAME:PORT/proxy/v1/….
// Unlike kubeseal, with no name given we try the names the manifests and the Helm chart use.
import {ClusterError, InputError} from '../errors.js';
import {resourceFor} from '../kube/resources.js';
import type {Cluster} from '../kube/cluster.js';
import type {KubeObject} from '../manifests/parse.js';

export interface ControllerRef {
  namespace: string;
  name: string;
  port: string;
}

export interface ControllerLookup {
  namespace?: string;
  name?: string;
}

const DEFAULT_NAMESPACE = 'kube-system';
const CANDIDATE_NAMES = ['sealed-secrets-controller', 'sealed-secrets'];
const CHART_LABEL = 'app.kubernetes.io/name=sealed-secrets';

function refOf(svc: KubeObject): ControllerRef {
  const port = svc.spec?.ports?.[0];
  return {namespace: svc.metadata!.namespace!, name: svc.metadata!.name!, port: port?.name || String(port?.port ?? 8080)};
}

export async function findController(cluster: Cluster, o: ControllerLookup = {}): Promise<ControllerRef | undefined> {
  const svcR = resourceFor('Service');
  const ns = o.namespace ?? DEFAULT_NAMESPACE;
  if (o.name) {
    const svc = await cluster.get(svcR, o.name, ns);
    if (!svc) throw new ClusterError(`the Sealed Secrets controller Service ${ns}/${o.name} does not exist`, {status: 404, hint: 'check --controller-name and --controller-namespace, or seal offline with --cert FILE'});
    return refOf(svc);
  }
  for (const name of CANDIDATE_NAMES) {
    const svc = await cluster.get(svcR, name, ns);
    if (svc) return refOf(svc);
  }
  try {
    const labelled = await cluster.list(svcR, o.namespace ?? null, {labelSelector: CHART_LABEL});
    // The chart also creates a metrics Service; the controller's is the one not named *-metrics.
    const svc = labelled.find((s) => !/metrics/.test(s.metadata?.name ?? '')) ?? labelled[0];
    if (svc) return refOf(svc);
  } catch (error) {
    if ((error as {status?: number}).status !== 403) throw error;
  }
  return undefined;
}

export function proxyPath(c: ControllerRef, path: string): string {
  return `/api/v1/namespaces/${encodeURIComponent(c.namespace)}/services/http:${encodeURIComponent(c.name)}:${encodeURIComponent(c.port)}/proxy${path}`;
}

function describe(c: ControllerRef, verb: string) {
  return {verb, resource: 'services/proxy', namespace: c.namespace, name: c.name};
}

export async function fetchControllerCert(cluster: Cluster, c: ControllerRef): Promise<string> {
  try {
    return await cluster.rest.request<string>('GET', proxyPath(c, '/v1/cert.pem'), {describe: describe(c, 'get'), text: true, accept: '*/*'});
  } catch (error) {
    if (error instanceof ClusterError && error.status !== 401 && error.status !== 403) {
      throw new ClusterError(`cannot fetch the certificate from the Sealed Secrets controller ${c.namespace}/${c.name}: ${error.message}`, {status: error.status, hint: 'seal offline with --cert FILE (get it once with `kubectl secret cert --scheme sealed-secrets > cert.pem`)'});
    }
    throw error;
  }
}

/** POST /v1/verify: the controller answers 200 when it can decrypt, 409 when it cannot. */
export async function controllerVerify(cluster: Cluster, c: ControllerRef, sealed: KubeObject): Promise<{ok: boolean; message?: string}> {
  try {
    await cluster.rest.request('POST', proxyPath(c, '/v1/verify'), {describe: describe(c, 'create'), body: sealed, text: true, accept: '*/*'});
    return {ok: true};
  } catch (error) {
    if (error instanceof ClusterError && (error.status === 409 || error.status === 400)) return {ok: false, message: 'the controller cannot decrypt it'};
    throw error;
  }
}

/** POST /v1/rotate: the controller re-encrypts with its newest key and returns the object. */
export async function controllerRotate(cluster: Cluster, c: ControllerRef, sealed: KubeObject): Promise<KubeObject> {
  let text: string;
  try {
    text = await cluster.rest.request<string>('POST', proxyPath(c, '/v1/rotate'), {describe: describe(c, 'create'), body: sealed, text: true, accept: 'application/json'});
  } catch (error) {
    if (error instanceof ClusterError && (error.status === 409 || error.status === 400)) {
      throw new InputError(`the controller could not re-encrypt SealedSecret ${sealed.metadata?.name}: it cannot decrypt it`, 'check that it was sealed for this cluster (kubectl secret verify FILE)');
    }
    throw error;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ClusterError(`the controller returned an unreadable answer to rotate ${sealed.metadata?.name}`);
  }
}
