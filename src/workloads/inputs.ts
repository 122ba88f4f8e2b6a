// The edge of `consumers`: reads workloads, ServiceAccounts, the Secret and SealedSecrets from
// an ObjectSource (live or -f files) and runs the pure finder. render.ts shapes the answer for
// the table and for -o json|yaml.
import type {Cluster} from '../kube/cluster.js';
import type {ObjectSource} from '../kube/object-source.js';
import {KS_SEALED_SECRET, resourceFor} from '../kube/resources.js';
import type {KubeObject} from '../manifests/parse.js';
import {REFERENCING_KINDS, referencesBySecret, type ResourceReference} from './resource-references.js';
import {WORKLOAD_KINDS, findConsumers, findSealedSecretOwner, isTopLevelWorkload, type ConsumerRef, type SealedSecretOwner} from './consumers.js';

export interface ConsumerInputs {
  workloads: KubeObject[];
  serviceAccounts: KubeObject[];
}

/** One list per workload kind and one for ServiceAccounts, in parallel. */
export async function loadConsumerInputs(source: ObjectSource, namespace?: string): Promise<ConsumerInputs> {
  const [serviceAccounts, ...lists] = await Promise.all([source.list('ServiceAccount', namespace), ...WORKLOAD_KINDS.map((k) => source.list(k, namespace))]);
  return {workloads: lists.flatMap((items, i) => items.map((o) => withKind(o, WORKLOAD_KINDS[i]))), serviceAccounts};
}

/** The API server omits kind and apiVersion on the items of a list response; put them back. */
function withKind(o: KubeObject, kind: string): KubeObject {
  if (o.kind && o.apiVersion) return o;
  const r = resourceFor(kind);
  return {...o, kind, apiVersion: r.group ? `${r.group}/${r.version}` : r.version};
}

/**
 * The objects of REFERENCING_KINDS: from files by kind and group; live, one list per kind. Each
 * group is looked up once (GET /apis/GROUP): a group the cluster does not serve (the operator is
 * not installed) lists as none, without a warning; a kind is listed at the group's preferred
 * version, else at the next version that serves it, since operators move kinds between versions.
 * A forbidden list is named in `unreadable` and warned about.
 */
export async function loadReferencingObjects(source: ObjectSource, namespace: string | undefined, cluster: Cluster | undefined, unreadable: string[]): Promise<KubeObject[]> {
  if (!source.live || !cluster) {
    const lists = await Promise.all(REFERENCING_KINDS.map(async (r) => (await source.list(r.kind, namespace, r.group)).filter((o) => (o.apiVersion ?? '').startsWith(`${r.group}/`))));
    return lists.flat();
  }
  const versions = new Map<string, Promise<string[]>>();
  const versionsOf = (group: string) => {
    if (!versions.has(group)) {
      versions.set(group, cluster.rest.get<{versions?: Array<{version: string}>; preferredVersion?: {version: string}}>(`/apis/${group}`, {verb: 'get', resource: group}).then(
        (g) => [...new Set([g.preferredVersion?.version, ...(g.versions ?? []).map((v) => v.version)].filter((v): v is string => typeof v === 'string'))],
        (error) => {
          if (status(error) === 404) return [];
          throw error;
        }));
    }
    return versions.get(group)!;
  };
  const lists = await Promise.all(REFERENCING_KINDS.map(async (r) => {
    for (const version of await versionsOf(r.group)) {
      const info = {...r, version};
      try {
        const items = await cluster.list(info, r.namespaced && namespace !== undefined ? namespace : null);
        return items.map((o) => (o.kind ? o : {...o, kind: r.kind, apiVersion: `${r.group}/${version}`}));
      } catch (error) {
        if (status(error) === 404) continue;
        if (status(error) === 403) {
          const what = `${r.plural}.${r.group}${r.namespaced && namespace !== undefined ? ` in namespace "${namespace}"` : ''}`;
          unreadable.push(what);
          source.warnings.push(`cannot list ${what} (forbidden): the answer may be incomplete`);
          return [];
        }
        throw error;
      }
    }
    return [];
  }));
  return lists.flat();
}

export interface ConsumersReport {
  secret: string;
  /** The namespaces searched (several only for -f without -n). */
  namespaces: string[];
  consumers: ConsumerRef[];
  sealedSecret?: SealedSecretOwner;
  /** Objects other than workloads that name the Secret (their operator reads it; never restarted). */
  usedBy: ResourceReference[];
  warnings: string[];
}

/**
 * Finds the consumers of Secret `secretName`. `namespace` undefined (files without -n) searches
 * every namespace the files name, each for its own Secret of that name.
 */
export async function runConsumers(source: ObjectSource, secretName: string, namespace: string | undefined, cluster?: Cluster): Promise<ConsumersReport> {
  const unreadable: string[] = [];
  const [inputs, referencing] = await Promise.all([loadConsumerInputs(source, namespace), loadReferencingObjects(source, namespace, cluster, unreadable)]);
  const namespaces = namespace !== undefined
    ? [namespace]
    : [...new Set(inputs.workloads.filter(isTopLevelWorkload).map((w) => w.metadata?.namespace ?? ''))].sort();
  const consumers = namespaces.flatMap((ns) => findConsumers(secretName, ns, inputs));
  const byRef = referencesBySecret(referencing);
  const usedBy = namespace !== undefined ? byRef.get(`${namespace}/${secretName}`) ?? [] : [...byRef].filter(([k]) => k.endsWith(`/${secretName}`)).flatMap(([, v]) => v);
  const warnings = [...source.warnings];
  let sealedSecret: SealedSecretOwner | undefined;
  const found = {secret: false, known: false};
  for (const ns of namespace !== undefined ? [namespace] : [...new Set([...namespaces, ...consumers.map((c) => c.namespace)])]) {
    sealedSecret = await sealedSecretOwner(source, secretName, ns, cluster, warnings, found);
    if (sealedSecret) break;
  }
  // From files, only a name nothing mentions at all (a typo, most likely) is worth a warning.
  if (!found.secret && !sealedSecret && (source.live || (consumers.length === 0 && usedBy.length === 0))) {
    const missing = await missingWhat(source, secretName, namespace, cluster, found.known);
    if (missing) warnings.push(missing);
  }
  return {secret: secretName, namespaces, consumers, ...(sealedSecret ? {sealedSecret} : {}), usedBy, warnings};
}

/**
 * What is missing when neither the Secret nor a SealedSecret for it was found: the namespace, the
 * Secret (live, when a 404 said so), or, from files, any Secret of that name. A 403 proves nothing.
 */
async function missingWhat(source: ObjectSource, name: string, namespace: string | undefined, cluster: Cluster | undefined, known: boolean): Promise<string | undefined> {
  if (source.live && cluster && namespace !== undefined) {
    if (!known) return undefined;
    const {secretAbsence} = await import('../secrets/metadata.js');
    return secretAbsence(cluster, name, namespace);
  }
  if (source.live) return undefined;
  return `no Secret or SealedSecret "${name}" in the files${namespace !== undefined ? ` in namespace "${namespace}"` : ''}`;
}

async function sealedSecretOwner(source: ObjectSource, name: string, namespace: string, cluster: Cluster | undefined, warnings: string[], found: {secret: boolean; known: boolean}): Promise<SealedSecretOwner | undefined> {
  if (!source.live || !cluster) {
    const [secrets, sealedSecrets] = await Promise.all([source.list('Secret', namespace), source.list('SealedSecret', namespace)]);
    const secret = secrets.find((s) => s.metadata?.name === name && (s.metadata?.namespace ?? '') === namespace);
    if (secret) found.secret = true;
    return findSealedSecretOwner(name, namespace, {secret, sealedSecrets});
  }
  // Reading the Secret is only for its ownerReferences (metadata: never its values); a caller
  // who may not read Secrets still gets the same-name match.
  const {getSecretMetadata} = await import('../secrets/metadata.js');
  let forbidden = false;
  const secret = await getSecretMetadata(cluster, name, namespace).catch((error) => {
    if (status(error) !== 403) throw error;
    forbidden = true;
    return undefined;
  });
  if (secret) found.secret = true;
  else if (!forbidden) found.known = true;
  const lists = await Promise.all([resourceFor('SealedSecret', 'bitnami.com'), KS_SEALED_SECRET].map((r) =>
    cluster.list(r, namespace).catch((error) => {
      // 404: that SealedSecret CRD is not installed; 403: we may not list it.
      if (status(error) === 403) warnings.push(`cannot list ${r.plural}.${r.group} in namespace "${namespace}" (forbidden): the owning SealedSecret may be missing`);
      if (status(error) === 404 || status(error) === 403) return [];
      throw error;
    })));
  const sealedSecrets = lists.flatMap((items, i) => items.map((o) => (o.kind ? o : {...o, kind: 'SealedSecret', apiVersion: i === 0 ? 'bitnami.com/v1alpha1' : 'kubectl-secret.dev/v1alpha1'})));
  return findSealedSecretOwner(name, namespace, {secret, sealedSecrets});
}

function status(error: unknown): number | undefined {
  return (error as {status?: number})?.status;
}
