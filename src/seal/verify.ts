// `verify`: would each sealed object decrypt in the cluster? Offline we can already catch a
// strict object whose metadata no longer matches the name/namespace in its template.
import {ClusterError} from '../errors.js';
import {CryptoError, naclKeyIdOf, naclOpen, sealLabel} from '../crypto/index.js';
import {controllerVerify, findController, type ControllerLookup} from './controller.js';
import {clusterNaclPrivateKeys, listKeySecrets, PUBLIC_KEY_CONFIGMAP} from './nacl-keys.js';
import {schemeOf, sealedIdentity} from './sealed-object.js';
import {resourceFor} from '../kube/resources.js';
import type {Cluster} from '../kube/cluster.js';
import type {KubeObject, SourcedObject} from '../manifests/parse.js';
import type {NaclKeyPair} from '../crypto/index.js';

export interface VerifyResult {
  object: string;
  ok: boolean;
  message: string;
}

/** Differences between metadata and template that make a strict object undecryptable. */
export function offlineProblems(o: KubeObject): string[] {
  const t = o.spec?.template?.metadata ?? {};
  const id = sealedIdentity(o);
  const problems: string[] = [];
  if (id.scope === 'cluster-wide') return problems;
  if (t.namespace && o.metadata?.namespace && t.namespace !== o.metadata.namespace) problems.push(`metadata.namespace "${o.metadata.namespace}" differs from the template's "${t.namespace}" it was sealed for`);
  if (id.scope === 'strict' && t.name && o.metadata?.name && t.name !== o.metadata.name) problems.push(`metadata.name "${o.metadata.name}" differs from the template's "${t.name}" it was sealed for`);
  return problems;
}

export async function verifySealed(docs: SourcedObject[], o: {cluster?: Cluster; keyNamespace: string; controller: ControllerLookup}): Promise<{results: VerifyResult[]; warnings: string[]}> {
  const results: VerifyResult[] = [];
  const warnings: string[] = [];
  let naclKeys: NaclKeyPair[] | undefined;
  let knownIds: Set<string> | undefined;
  for (const d of docs) {
    const id = sealedIdentity(d.object);
    const name = `SealedSecret ${id.namespace ? id.namespace + '/' : ''}${id.name}`;
    const problems = offlineProblems(d.object);
    if (problems.length) {
      results.push({object: name, ok: false, message: problems.join('; ')});
      continue;
    }
    if (!o.cluster) {
      results.push({object: name, ok: true, message: 'metadata matches what it was sealed for (offline check only)'});
      continue;
    }
    if (schemeOf(d.object) === 'sealed-secrets') {
      const c = await findController(o.cluster, o.controller);
      if (!c) throw new ClusterError('found no Sealed Secrets controller to verify with', {hint: 'name it with --controller-name/--controller-namespace'});
      const ns = id.namespace ?? o.cluster.namespace;
      const res = await controllerVerify(o.cluster, c, {...d.object, metadata: {...d.object.metadata, namespace: ns}});
      results.push({object: name, ok: res.ok, message: res.ok ? `the controller ${c.namespace}/${c.name} can decrypt it` : res.message ?? 'the controller cannot decrypt it'});
      continue;
    }
    // nacl: open the values when we may read keys; otherwise only check the key ids are known.
    if (naclKeys === undefined && knownIds === undefined) {
      try {
        naclKeys = await clusterNaclPrivateKeys(o.cluster, o.keyNamespace);
      } catch (error) {
        if ((error as {status?: number}).status !== 403) throw error;
        warnings.push(`cannot read the sealing keys in ${o.keyNamespace} (forbidden): checked key ids only, not the values`);
        knownIds = await readableKeyIds(o.cluster, o.keyNamespace);
      }
    }
    const ns = id.namespace ?? o.cluster.namespace;
    const label = sealLabel(id.scope, ns, id.name);
    const bad: string[] = [];
    for (const [k, v] of Object.entries<string>(d.object.spec?.encryptedData ?? {})) {
      try {
        if (naclKeys) naclOpen(v, naclKeys, label);
        else if (!knownIds!.has(naclKeyIdOf(v))) bad.push(`key "${k}": sealed with key ${naclKeyIdOf(v)}, which this cluster does not have`);
      } catch (error) {
        if (error instanceof CryptoError) bad.push(`key "${k}": ${error.message}`);
        else throw error;
      }
    }
    results.push({object: name, ok: bad.length === 0, message: bad.length ? bad.join('; ') : naclKeys ? 'every value opens with the cluster\'s keys' : 'every value is sealed with a key this cluster has'});
  }
  return {results, warnings};
}

async function readableKeyIds(cluster: Cluster, ns: string): Promise<Set<string>> {
  const ids = new Set<string>();
  try {
    for (const s of await listKeySecrets(cluster, ns)) ids.add(s.metadata?.annotations?.['kubectl-secret.dev/key-id'] ?? '');
  } catch {}
  const cm = await cluster.get(resourceFor('ConfigMap'), PUBLIC_KEY_CONFIGMAP, ns).catch(() => undefined);
  if (cm?.data?.['key-id']) ids.add(cm.data['key-id']);
  return ids;
}
