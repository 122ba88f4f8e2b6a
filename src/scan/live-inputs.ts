// What `--check-live` reads from the cluster: one GET per named Secret, one list per namespace
// for kustomize's hashed names. A 403 is an answer ("cannot read"), not a failure of the run;
// anything else (unreachable, 5xx) fails the command through the usual error path.
import type {Cluster} from '../kube/cluster.js';
import {resourceFor} from '../kube/resources.js';
import type {LiveReader} from './live-check.js';

const SECRET = resourceFor('Secret', '');

export function clusterLiveReader(cluster: Cluster): LiveReader {
  const forbidden = (e: unknown) => (e as {status?: number})?.status === 403;
  return {
    defaultNamespace: cluster.namespace,
    async get(namespace, name) {
      try {
        return await cluster.get(SECRET, name, namespace);
      } catch (e) {
        if (forbidden(e)) return 'forbidden';
        throw e;
      }
    },
    async list(namespace) {
      try {
        return await cluster.list(SECRET, namespace);
      } catch (e) {
        if (forbidden(e)) return 'forbidden';
        throw e;
      }
    },
  };
}
