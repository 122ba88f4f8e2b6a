// The one write of a rotation. An update carries the resourceVersion that was read, so a change
// made by someone else in between makes the API server answer 409 and nothing is written (the
// optimistic concurrency of api-conventions.md "Concurrency Control and Consistency").
// An immutable Secret cannot be updated at all: --recreate deletes it with preconditions on
// its uid and resourceVersion (same guarantee) and creates the new one under the same name.
// Deleting is the one step that can lose a Secret, so it comes only after the create is shown
// to pass (checkWrite), with a 0600 backup of the old object on disk until the name holds a
// Secret again.
import {existsSync, mkdirSync, unlinkSync} from 'node:fs';
import {homedir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {ClusterError} from '../errors.js';
import {atomicWriteFile} from '../io/atomic-write.js';
import {resourceFor} from '../kube/resources.js';
import type {Cluster} from '../kube/cluster.js';
import type {KubeObject} from '../manifests/parse.js';

const SECRET = resourceFor('Secret');
const DRY_RUN = {dryRun: 'All'};

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

async function allowed(cluster: Cluster, verb: string, namespace: string, name?: string): Promise<boolean> {
  const review = await cluster.create<{status?: {allowed?: boolean}}>({
    apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview',
    spec: {resourceAttributes: {verb, resource: 'secrets', namespace, ...(name ? {name} : {})}},
  } as KubeObject);
  return review.status?.allowed === true;
}

function refused(ns: string, name: string, why: string, hint: string): ClusterError {
  return new ClusterError(`Secret ${ns}/${name} was not rotated: ${why}; nothing was changed`, {hint});
}

/**
 * Shows, without changing anything, that the write the rotation will make passes RBAC,
 * admission, quota and validation: a server-side dry run of the same request. For a recreate,
 * SelfSubjectAccessReviews for delete and create first, then a dry-run create of the new
 * object: it passes admission and validation before the name is checked, so AlreadyExists
 * (the old object is still there) is the answer of a create that will pass once it is gone.
 */
export async function checkWrite(cluster: Cluster, live: KubeObject, next: KubeObject, recreate: boolean): Promise<void> {
  const {name, namespace} = live.metadata as {name: string; namespace: string};
  try {
    if (!recreate) {
      await cluster.update(next, undefined, DRY_RUN);
      return;
    }
    for (const verb of ['delete', 'create']) {
      if (!(await allowed(cluster, verb, namespace, verb === 'delete' ? name : undefined))) {
        throw refused(namespace, name, `you may not ${verb} Secrets in namespace "${namespace}", which --recreate needs`, `ask for "delete" and "create" on secrets in namespace "${namespace}" (kubectl auth can-i ${verb} secrets -n ${namespace})`);
      }
    }
    try {
      await cluster.create(forCreate(next), DRY_RUN);
    } catch (error) {
      if ((error as ClusterError).reason !== 'AlreadyExists') throw error;
    }
  } catch (error) {
    if (!(error instanceof ClusterError) || error.message.includes('was not rotated')) throw error;
    if (error.status === 409 && error.reason !== 'AlreadyExists') throw conflict(namespace, name);
    throw refused(namespace, name, `a dry run of the write failed (${error.message})`, error.hint ?? 'fix the cause and run the rotation again');
  }
}

/** Where a recreate keeps the old object while its name is empty: never inside a git work tree. */
export function backupDir(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = [env.XDG_STATE_HOME && resolve(env.XDG_STATE_HOME), join(env.HOME || homedir(), '.local', 'state')].filter(Boolean) as string[];
  const outside = candidates.find((d) => !inGitWorkTree(d));
  if (!outside) throw new ClusterError('--recreate needs a place for a backup of the old Secret outside any git work tree; $XDG_STATE_HOME and ~/.local/state are both inside one; nothing was changed', {hint: 'set XDG_STATE_HOME to a directory outside git'});
  return join(outside, 'kubectl-secret');
}

function inGitWorkTree(dir: string): boolean {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return true;
    if (dirname(d) === d) return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * checkWrite, then delete (only if still the version read) and create again. If the create
 * still fails, the old Secret is put back, with retries; if that fails too, the backup file
 * holds it and the error names the file (never the values).
 */
export async function recreateSecret(cluster: Cluster, live: KubeObject, next: KubeObject, o: {restoreAttempts?: number} = {}): Promise<KubeObject> {
  const {name, namespace} = live.metadata as {name: string; namespace: string};
  await checkWrite(cluster, live, next, true);
  const dir = backupDir();
  mkdirSync(dir, {recursive: true, mode: 0o700});
  const backup = join(dir, `${namespace}.${name}.${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  atomicWriteFile(backup, JSON.stringify(forCreate(live), null, 2) + '\n', {private: true});
  const done = <T>(v: T): T => {
    try {
      unlinkSync(backup);
    } catch {}
    return v;
  };
  try {
    await cluster.delete(SECRET, name, namespace, {apiVersion: 'v1', kind: 'DeleteOptions', preconditions: {uid: live.metadata?.uid, resourceVersion: live.metadata?.resourceVersion}});
  } catch (error) {
    done(undefined);
    if ((error as ClusterError).status === 409) throw conflict(namespace, name);
    throw error;
  }
  try {
    return done(await cluster.create<KubeObject>(forCreate(next)));
  } catch (error) {
    const attempts = o.restoreAttempts ?? 5;
    for (let i = 1; i <= attempts; i++) {
      try {
        await cluster.create(forCreate(live));
        done(undefined);
        throw new ClusterError(`creating the new version of Secret ${namespace}/${name} failed (${(error as Error).message}); the old Secret was restored (as a new object)`, {status: (error as ClusterError).status, hint: 'fix the cause and run the rotation again'});
      } catch (restoreError) {
        if (restoreError instanceof ClusterError && restoreError.message.includes('was restored')) throw restoreError;
        // Someone (or our own create, whose answer was lost) filled the name: it is not empty.
        if ((restoreError as ClusterError).reason === 'AlreadyExists') {
          done(undefined);
          throw new ClusterError(`creating the new version of Secret ${namespace}/${name} failed (${(error as Error).message}), and the name was filled again by another writer before the old one could be restored`, {hint: 'check the Secret (kubectl get secret) before running the rotation again'});
        }
        if (i < attempts) await sleep(Math.min(2000, 200 * 2 ** (i - 1)));
      }
    }
    throw new ClusterError(`Secret ${namespace}/${name} was deleted, but creating its new version failed (${(error as Error).message}) and restoring the old one failed too; the old object is saved in ${backup}`, {
      hint: `restore it with kubectl create -f ${backup} (the file holds its values: delete it afterwards); consumers keep running with the old value until they restart`,
    });
  }
}
