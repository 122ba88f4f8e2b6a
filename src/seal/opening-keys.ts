// Private keys for opening: given as files (--key, --recovery-private-key), or, for nacl, read
// from the cluster's key Secrets only when an object needs them and none were given.
import {readFileSync} from 'node:fs';
import {InputError} from '../errors.js';
import {parseNaclPrivateKey, parseRsaPrivateKeys} from '../crypto/index.js';
import {clusterNaclPrivateKeys, DEFAULT_KEY_NAMESPACE} from './nacl-keys.js';
import {schemeOf} from './sealed-object.js';
import type {Cluster} from '../kube/cluster.js';
import type {KubeObject} from '../manifests/parse.js';
import type {OpeningKeys} from './unseal.js';
import {fileError} from '../io/file-error.js';

export interface OpeningKeySources {
  naclKeyFiles?: string[];
  rsaKeyFiles?: string[];
  connect?: () => Promise<Cluster>;
  keyNamespace?: string;
}

function read(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw fileError(error, path, flag);
  }
}

export async function loadOpeningKeys(objects: KubeObject[], s: OpeningKeySources): Promise<OpeningKeys> {
  const keys: OpeningKeys = {nacl: [], rsa: []};
  for (const f of s.naclKeyFiles ?? []) keys.nacl.push(parseNaclPrivateKey(read(f, '--key')));
  for (const f of s.rsaKeyFiles ?? []) keys.rsa.push(...parseRsaPrivateKeys(read(f, '--recovery-private-key')));
  const needsNacl = objects.some((o) => schemeOf(o) === 'nacl');
  if (needsNacl && keys.nacl.length === 0) {
    if (!s.connect) throw new InputError('no nacl private key given', 'pass --key FILE');
    keys.nacl = await clusterNaclPrivateKeys(await s.connect(), s.keyNamespace ?? DEFAULT_KEY_NAMESPACE);
  }
  if (objects.some((o) => schemeOf(o) === 'sealed-secrets') && keys.rsa.length === 0) {
    throw new InputError('opening a Bitnami SealedSecret needs the controller\'s private key', 'pass --recovery-private-key FILE (PEM, or the key Secret from `kubectl get secret -n kube-system -l sealedsecrets.bitnami.com/sealed-secrets-key -o yaml`)');
  }
  return keys;
}
