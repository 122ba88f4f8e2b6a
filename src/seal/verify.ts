// `verify`: would each sealed object decrypt in the cluster? With a private key (offline or
// not) each value is really opened for the name and namespace the object now has; without one,
// offline, only a strict object whose metadata no longer matches its template can be caught, and
// the answer says that the values were not checked (never "ok").
import {ClusterError, InputError} from '../errors.js';
import {CryptoError, naclKeyIdOf, naclOpen, sealLabel} from '../crypto/index.js';
import {controllerVerify, findController, type ControllerLookup} from './bitnami-controller.js';
import {clusterNaclPrivateKeys, listKeySecrets, PUBLIC_KEY_CONFIGMAP} from './nacl-keys.js';
import {schemeOf, sealedIdentity} from './sealed-object.js';
import {resourceFor} from '../kube/resources.js';
import type {Cluster} from '../kube/cluster.js';
import type {KubeObject, SourcedObject} from '../manifests/parse.js';
import type {NaclKeyPair} from '../crypto/index.js';
import {unsealObject, type OpeningKeys} from './unseal.js';

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

/** Opens every value of `obj` with the given keys, for the scope its metadata names now. */
function openWithKeys(obj: KubeObject, keys: OpeningKeys): VerifyResult['message'] | Error {
  try {
    const opened = unsealObject(obj, keys);
    const id = sealedIdentity(obj);
    return `every value (${opened.values.size}) opens with the given private key for ${id.scope === 'cluster-wide' ? 'any name and namespace (cluster-wide)' : `${id.namespace}/${id.name} (${id.scope})`}`;
  } catch (error) {
    if (error instanceof CryptoError || error instanceof InputError) return error;
    throw error;
  }
}

export async function verifySealed(docs: SourcedObject[], o: {cluster?: Cluster; keyNamespace: string; controller: ControllerLookup; keys?: OpeningKeys}): Promise<{results: VerifyResult[]; warnings: string[]}> {
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
    const scheme = schemeOf(d.object);
    const given = scheme === 'nacl' ? o.keys?.nacl.length : o.keys?.rsa.length;
    if (given) {
      const res = openWithKeys(d.object, o.keys!);
      results.push(typeof res === 'string' ? {object: name, ok: true, message: res} : {object: name, ok: false, message: res.message});
      continue;
    }
    if (!o.cluster) {
      const flag = scheme === 'nacl' ? '--key FILE' : '--recovery-private-key FILE';
      results.push({object: name, ok: false, message: `not verified: the values cannot be opened offline without the private key (pass ${flag}, or drop --offline); only the name and namespace were checked against the template`});
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
