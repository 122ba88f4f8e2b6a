// The edge of `audit`: every kind it needs, each listed once for the whole scope (one namespace
// or all of them), never once per Secret. What the caller may not list becomes a warning.
// runAudit is what the command calls: read, audit (the pure core), and say where each Secret
// came from (manifests only) for SARIF.
import type {ObjectSource} from '../kube/object-source.js';
import type {KubeObject} from '../manifests/parse.js';
import {WORKLOAD_KINDS} from '../workloads/consumers.js';
import {loadReferencingObjects} from '../workloads/inputs.js';
import {loadRbacObjects} from '../rbac/inputs.js';
import type {Cluster} from '../kube/cluster.js';
import {audit, type AuditOptions} from './audit.js';
import type {Locate} from './sarif.js';
import type {AuditInputs, AuditReport} from './types.js';

/** Live Secrets as metadata and the types the checks need: no value enters the process. */
async function secretMetadata(cluster: Cluster, namespace: string | undefined, source: ObjectSource, unreadable: string[]): Promise<KubeObject[]> {
  const [{listSecretMetadata}, {TYPES_CHECKED}] = await Promise.all([import('../secrets/metadata.js'), import('./checks.js')]);
  try {
    return await listSecretMetadata(cluster, namespace ?? null, TYPES_CHECKED);
  } catch (error) {
    if ((error as {status?: number}).status !== 403) throw error;
    unreadable.push('secrets');
    source.warnings.push(`cannot list secrets${namespace !== undefined ? ` in namespace "${namespace}"` : ''} (forbidden): the answer may be incomplete`);
    return [];
  }
}

/** `namespace` undefined: every namespace. */
export async function loadAuditInputs(source: ObjectSource, namespace: string | undefined, cluster?: Cluster): Promise<AuditInputs> {
  const list = (kind: string, ns?: string, group?: string): Promise<KubeObject[]> => source.list(kind, ns, group);
  const unreadable: string[] = [];
  const [rbac, secrets, workloads, ingresses, bitnami, ours, referencing] = await Promise.all([
    loadRbacObjects(source, namespace),
    source.live && cluster ? secretMetadata(cluster, namespace, source, unreadable) : list('Secret', namespace),
    Promise.all(WORKLOAD_KINDS.map((k) => list(k, namespace))).then((l) => l.flat()),
    list('Ingress', namespace),
    list('SealedSecret', namespace, 'bitnami.com'),
    list('SealedSecret', namespace, 'kubectl-secret.dev'),
    loadReferencingObjects(source, namespace, cluster, unreadable),
  ]);
  // The warnings say where; the error names the resources.
  const {resourceFor} = await import('../kube/resources.js');
  for (const k of [...source.forbiddenKinds].reverse()) {
    let plural = k.toLowerCase();
    try {
      plural = resourceFor(k).plural;
    } catch {}
    unreadable.unshift(plural);
  }
  return {...rbac, secrets, workloads, ingresses, referencing, sealedSecrets: [...bitnami, ...ours], warnings: [...source.warnings], unreadable, scope: namespace};
}

/**
 * Why `namespace` is not there to audit, or undefined: live, a namespace the server does not have
 * (a 403 on the get says nothing, so it is not an answer); from files, a namespace no object is in.
 */
export async function absentNamespace(namespace: string, cluster: Cluster | undefined, source: ObjectSource): Promise<string | undefined> {
  if (cluster) {
    const {resourceFor} = await import('../kube/resources.js');
    const ns = await cluster.get(resourceFor('Namespace'), namespace).catch(() => null);
    return ns === undefined ? `namespace "${namespace}" not found` : undefined;
  }
  const [secrets, workloads] = await Promise.all([source.list('Secret', namespace), Promise.all(WORKLOAD_KINDS.map((k) => source.list(k, namespace)))]);
  const inNs = (o: KubeObject) => o.metadata?.namespace === namespace;
  return secrets.some(inNs) || workloads.flat().some(inNs) ? undefined : `no Secret or workload in the files is in namespace "${namespace}"`;
}

export async function runAudit(source: ObjectSource, namespace: string | undefined, opts: AuditOptions, cluster?: Cluster): Promise<{report: AuditReport; locate: Locate}> {
  const inputs = await loadAuditInputs(source, namespace, cluster);
  const report = audit(inputs, opts);
  const origins = new Map<string, {file: string; line: number}>();
  if (source.origin) {
    for (const s of inputs.secrets) {
      const at = source.origin(s);
      if (at) origins.set(`${s.metadata?.namespace ?? ''}/${s.metadata?.name ?? ''}`, at);
    }
  }
  return {report, locate: (ns, name) => origins.get(`${ns}/${name}`)};
}
