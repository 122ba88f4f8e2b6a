// The one write of a rotation. An update carries the resourceVersion that was read, so a change
// made by someone else in between makes the API server answer 409 and nothing is written (the
// optimistic concurrency of api-conventions.md "Concurrency Control and Consistency").
// An immutable Secret cannot be updated at all: --recreate deletes it with preconditions on
// its uid and resourceVersion (same guarantee) and creates the new one under the same name.
import {ClusterError} from '../errors.js';
import {resourceFor} from '../kube/resources.js';
import type {Cluster} from '../kube/cluster.js';
import type {KubeObject} from '../manifests/parse.js';

const SECRET = resourceFor('Secret');

function conflict(ns: string, name: string): ClusterError {
  return new ClusterError(`Secret ${ns}/${name} was changed by someone else after it was read; nothing was written`, {
    status: 409, reason: 'Conflict', hint: 'look at what changed (kubectl secret diff, kubectl get secret -o yaml), then run the rotation again',
  });
}

export async function updateSecret(cluster: Cluster, next: KubeObject): Promise<KubeObject> {
  const {name, namespace} = next.metadata as {name: string; namespace: string};
  try {
    return await cluster.update<KubeObject>(next);
  } catch (error) {
    if ((error as ClusterError).status === 409) throw conflict(namespace, name);
    throw error;
  }
}

/** Fields the API server owns; a create must not carry them. */
function forCreate(o: KubeObject): KubeObject {
  const {resourceVersion: _rv, uid: _uid, creationTimestamp: _ct, managedFields: _mf, generation: _g, selfLink: _sl, ...metadata} = o.metadata ?? {};
  return {...o, metadata};
}

/**
 * Delete (only if still the version read) and create again. If the create fails, the old
 * Secret is put back, so a failure never leaves the name empty for longer than it takes.
 */
export async function recreateSecret(cluster: Cluster, live: KubeObject, next: KubeObject): Promise<KubeObject> {
  const {name, namespace} = live.metadata as {name: string; namespace: string};
  try {
    await cluster.delete(SECRET, name, namespace, {apiVersion: 'v1', kind: 'DeleteOptions', preconditions: {uid: live.metadata?.uid, resourceVersion: live.metadata?.resourceVersion}});
  } catch (error) {
    if ((error as ClusterError).status === 409) throw conflict(namespace, name);
    throw error;
  }
  try {
    return await cluster.create<KubeObject>(forCreate(next));
  } catch (error) {
    try {
      await cluster.create(forCreate(live));
    } catch {
      throw new ClusterError(`Secret ${namespace}/${name} was deleted, but creating its new version failed (${(error as Error).message}) and restoring the old one failed too`, {hint: 'create it again by hand from your records; consumers keep running with the old value until they restart'});
    }
    throw new ClusterError(`creating the new version of Secret ${namespace}/${name} failed (${(error as Error).message}); the old Secret was restored (as a new object)`, {status: (error as ClusterError).status, hint: 'fix the cause and run the rotation again'});
  }
}
