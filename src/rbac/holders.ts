// Holders: the pods and workloads that already have the Secret (mounted or in env), and the
// ServiceAccounts they run as. Finding consumers is a parameter so the shared consumers
// module can be swapped for a test double; the default is the shared consumers module.
import type {KubeObject} from '../manifests/parse.js';
import {consumingWorkloads, findConsumers, podSpecOf} from '../workloads/consumers.js';

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

/** The shared consumers module (src/workloads/consumers.ts), one entry per workload. */
export const defaultConsumers: ConsumersFn = (secretName, namespace, objects) => {
  const byKey = new Map(objects.map((o) => [`${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`, o]));
  const out: Consumer[] = [];
  for (const w of consumingWorkloads(findConsumers(secretName, namespace, {workloads: objects, serviceAccounts: []}))) {
    const spec = podSpecOf(byKey.get(`${w.kind}/${w.namespace}/${w.name}`) ?? {});
    out.push({kind: w.kind, name: w.name, namespace: w.namespace, serviceAccountName: spec?.serviceAccountName || spec?.serviceAccount || undefined});
  }
  return out;
};

export function findHolders(secretName: string, namespace: string, objects: KubeObject[], consumers: ConsumersFn = defaultConsumers): Holder[] {
  return consumers(secretName, namespace, objects)
    .map((c) => ({kind: c.kind, name: c.name, namespace: c.namespace, serviceAccount: {name: c.serviceAccountName || 'default', namespace: c.namespace}}))
    .sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
