// Holders: the pods and workloads that already have the Secret (mounted or in env), and the
// ServiceAccounts they run as. Finding consumers is a parameter so the shared consumers
// module can be plugged in; the default below reads pod specs directly.
import type {KubeObject} from '../manifests/parse.js';

export interface Consumer {
  kind: string;
  name: string;
  namespace: string;
  serviceAccountName?: string;
}

export type ConsumersFn = (secretName: string, namespace: string, objects: KubeObject[]) => Consumer[];

export interface Holder {
  kind: string;
  name: string;
  namespace: string;
  /** The ServiceAccount its pods run as (`default` when the spec names none). */
  serviceAccount: {name: string; namespace: string};
}

/** Where each kind keeps its pod spec. */
function podSpecOf(o: KubeObject): any {
  switch (o.kind) {
    case 'Pod':
      return o.spec;
    case 'CronJob':
      return o.spec?.jobTemplate?.spec?.template?.spec;
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'Job':
    case 'ReplicaSet':
    case 'ReplicationController':
      return o.spec?.template?.spec;
    default:
      return undefined;
  }
}

const arr = (v: unknown): any[] => (Array.isArray(v) ? v.filter((x) => typeof x === 'object' && x !== null) : []);

/** Whether a pod spec references the Secret: env secretKeyRef, envFrom secretRef, secret and projected volumes, imagePullSecrets. */
export function podSpecReferences(spec: any, secretName: string): boolean {
  if (!spec || typeof spec !== 'object') return false;
  for (const c of [...arr(spec.containers), ...arr(spec.initContainers), ...arr(spec.ephemeralContainers)]) {
    if (arr(c.env).some((e) => e.valueFrom?.secretKeyRef?.name === secretName)) return true;
    if (arr(c.envFrom).some((e) => e.secretRef?.name === secretName)) return true;
  }
  for (const v of arr(spec.volumes)) {
    if (v.secret?.secretName === secretName) return true;
    if (arr(v.projected?.sources).some((s) => s.secret?.name === secretName)) return true;
  }
  return arr(spec.imagePullSecrets).some((s) => s.name === secretName);
}

export const defaultConsumers: ConsumersFn = (secretName, namespace, objects) => {
  const out: Consumer[] = [];
  for (const o of objects) {
    if ((o.metadata?.namespace ?? '') !== namespace) continue;
    const spec = podSpecOf(o);
    if (!podSpecReferences(spec, secretName)) continue;
    out.push({kind: o.kind!, name: o.metadata?.name ?? '', namespace, serviceAccountName: spec.serviceAccountName || spec.serviceAccount || undefined});
  }
  return out;
};

export function findHolders(secretName: string, namespace: string, objects: KubeObject[], consumers: ConsumersFn = defaultConsumers): Holder[] {
  return consumers(secretName, namespace, objects)
    .map((c) => ({kind: c.kind, name: c.name, namespace: c.namespace, serviceAccount: {name: c.serviceAccountName || 'default', namespace: c.namespace}}))
    .sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
