// Secrets without their values. audit, consumers and who-can need names, labels, annotations,
// owners, ages and types, never values: asking for PartialObjectMetadata (as `kubectl get -o name`
// and client-go's metadata informers do) keeps every credential of the cluster out of this
// process. The type is not part of the metadata, so the few types a check needs are each asked
// with a `type=` field selector, which the API server supports for Secrets
// (pkg/registry/core/secret/strategy.go, SelectableFields).
import {collectionPath, objectPath, resourceFor} from '../kube/resources.js';
import type {Cluster} from '../kube/cluster.js';
import type {KubeObject} from '../manifests/parse.js';

/** Metadata first; `application/json` after it, for a server that cannot convert (values are then dropped here). */
export const METADATA_LIST_ACCEPT = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';
export const METADATA_ACCEPT = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';

const SECRET = resourceFor('Secret');

/** A Secret as audit sees it: metadata and, when asked for, the type. Never data. */
function metadataOnly(o: KubeObject, type?: string): KubeObject {
  return {apiVersion: 'v1', kind: 'Secret', metadata: o.metadata ?? {}, ...(type ? {type} : {})};
}

async function listPages(cluster: Cluster, namespace: string | null, fieldSelector?: string): Promise<KubeObject[]> {
  const ns = namespace ?? undefined;
  const path = collectionPath(SECRET, ns);
  const items: KubeObject[] = [];
  let cont: string | undefined;
  do {
    const page = await cluster.rest.request<{items?: KubeObject[]; metadata?: {continue?: string}}>('GET', path, {
      describe: {verb: 'list', resource: 'secrets', namespace: ns},
      accept: METADATA_LIST_ACCEPT,
      query: {limit: 500, continue: cont, fieldSelector},
    });
    for (const o of page.items ?? []) items.push(o);
    cont = page.metadata?.continue || undefined;
  } while (cont);
  return items;
}

/**
 * The Secrets of a namespace (null: all) as metadata, each with its `type` when it is one of
 * `types`; the others carry no type (unknown, not Opaque).
 */
export async function listSecretMetadata(cluster: Cluster, namespace: string | null, types: readonly string[]): Promise<KubeObject[]> {
  const [all, ...typed] = await Promise.all([listPages(cluster, namespace), ...types.map((t) => listPages(cluster, namespace, `type=${t}`))]);
  const typeOf = new Map<string, string>();
  typed.forEach((items, i) => {
    for (const o of items) typeOf.set(`${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`, types[i]);
  });
  return all.map((o) => metadataOnly(o, typeOf.get(`${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`)));
}

/** One Secret's metadata, or undefined when it does not exist. */
export async function getSecretMetadata(cluster: Cluster, name: string, namespace: string): Promise<KubeObject | undefined> {
  try {
    const o = await cluster.rest.request<KubeObject>('GET', objectPath(SECRET, name, namespace), {describe: {verb: 'get', resource: 'secrets', namespace, name}, accept: METADATA_ACCEPT});
    return metadataOnly(o);
  } catch (error) {
    if ((error as {status?: number}).status === 404) return undefined;
    throw error;
  }
}

/**
 * Why Secret `name` is not in `namespace`, as a warning: the namespace does not exist, or the
 * Secret does not. Undefined when it exists or when we may not tell (a 403 proves nothing).
 */
export async function secretAbsence(cluster: Cluster, name: string, namespace: string): Promise<string | undefined> {
  const secret = await getSecretMetadata(cluster, name, namespace).catch(() => null);
  if (secret !== undefined) return undefined;
  const ns = await cluster.get(resourceFor('Namespace'), namespace).catch(() => null);
  return ns === undefined ? `namespace "${namespace}" not found` : `Secret "${name}" not found in namespace "${namespace}"`;
}
