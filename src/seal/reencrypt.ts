// `reencrypt`: re-seal sealed files to the newest key, in place and atomically. Bitnami files
// go through the controller's /v1/rotate (only it holds the keys); nacl files are opened with
// the cluster's keys and sealed again with the active one.
import {InputError} from '../errors.js';
import {atomicWriteFile} from '../io/atomic-write.js';
import {renderManifests} from '../render/manifests.js';
import {controllerRotate, findController, type ControllerLookup} from './bitnami-controller.js';
import {clusterNaclKey, clusterNaclPrivateKeys, PUBLIC_KEY_CONFIGMAP} from './nacl-keys.js';
import {readSealedFile} from './sealed-files.js';
import {schemeOf, sealedIdentity} from './sealed-object.js';
import {sealSecret} from './seal.js';
import {unsealObject} from './unseal.js';
import type {Cluster} from '../kube/cluster.js';
import {parseManifests, type KubeObject} from '../manifests/parse.js';

export async function reencryptFile(cluster: Cluster, file: string, o: {keyNamespace: string; controller: ControllerLookup; force?: boolean}): Promise<number> {
  const {text} = readSealedFile(file, {allowOther: true});
  const all = parseManifests(text, file);
  const out: KubeObject[] = [];
  let count = 0;
  for (const d of all) {
    const scheme = schemeOf(d.object);
    if (!scheme) {
      out.push(d.object);
      continue;
    }
    const id = sealedIdentity(d.object);
    const ns = id.namespace ?? cluster.namespace;
    const obj = {...d.object, metadata: {...d.object.metadata, namespace: d.object.metadata?.namespace ?? (id.scope === 'cluster-wide' ? undefined : ns)}};
    if (scheme === 'sealed-secrets') {
      const c = await findController(cluster, o.controller);
      if (!c) throw new InputError('found no Sealed Secrets controller to re-encrypt with', 'name it with --controller-name/--controller-namespace');
      out.push(await controllerRotate(cluster, c, obj));
    } else {
      const key = await clusterNaclKey(cluster, o.keyNamespace);
      if (!key) throw new InputError(`the cluster has no active nacl key (ConfigMap ${o.keyNamespace}/${PUBLIC_KEY_CONFIGMAP})`, 'run `kubectl secret keys init`');
      const secret = unsealObject(obj, {nacl: await clusterNaclPrivateKeys(cluster, o.keyNamespace), rsa: []}, `${file}:${d.line}: `);
      out.push(sealSecret(secret, {key, scope: id.scope, allowEmptyData: true}));
    }
    count++;
  }
  const json = text.trimStart().startsWith('{');
  atomicWriteFile(file, renderManifests(out, json ? 'json' : 'yaml'), {force: o.force ?? false});
  return count;
}
