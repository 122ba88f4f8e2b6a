// The edge of `audit`: every kind it needs, each listed once for the whole scope (one namespace
// or all of them), never once per Secret. What the caller may not list becomes a warning.
import type {ObjectSource} from '../kube/object-source.js';
import type {KubeObject} from '../manifests/parse.js';
import {WORKLOAD_KINDS} from '../workloads/consumers.js';
import {loadRbacObjects} from '../rbac/inputs.js';

export interface AuditInputs {
  secrets: KubeObject[];
  roles: KubeObject[];
  roleBindings: KubeObject[];
  clusterRoles: KubeObject[];
  clusterRoleBindings: KubeObject[];
  serviceAccounts: KubeObject[];
  workloads: KubeObject[];
  ingresses: KubeObject[];
  /** Both schemes: bitnami.com and kubectl-secret.dev. */
  sealedSecrets: KubeObject[];
  /** Compute ClusterRole aggregation (manifests); a live cluster's `.rules` are already aggregated. */
  aggregate: boolean;
  /** Role kinds we could not list: a roleRef to them is unknown, not dangling. */
  unavailable: string[];
  warnings: string[];
}

/** `namespace` undefined: every namespace. */
export async function loadAuditInputs(source: ObjectSource, namespace: string | undefined): Promise<AuditInputs> {
  const list = (kind: string, ns?: string, group?: string): Promise<KubeObject[]> => source.list(kind, ns, group);
  const [rbac, secrets, workloads, ingresses, bitnami, ours] = await Promise.all([
    loadRbacObjects(source, namespace),
    list('Secret', namespace),
    Promise.all(WORKLOAD_KINDS.map((k) => list(k, namespace))).then((l) => l.flat()),
    list('Ingress', namespace),
    list('SealedSecret', namespace, 'bitnami.com'),
    list('SealedSecret', namespace, 'kubectl-secret.dev'),
  ]);
  return {...rbac, secrets, workloads, ingresses, sealedSecrets: [...bitnami, ...ours], warnings: [...source.warnings]};
}
