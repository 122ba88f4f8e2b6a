// The nacl scheme's keys in the cluster: private keys in labelled Secrets (one per key, never
// deleted by rotation so old sealed files still open), the active public key in a ConfigMap
// that every authenticated user may read, so anyone can seal and only the cluster can open.
import {InputError} from '../errors.js';
import {generateNaclKeyPair, naclKeyId, naclPrivateKeyToPem, naclPublicKeyToPem, parseNaclPrivateKey, parseNaclPublicKey, type NaclKeyPair} from '../crypto/index.js';
import {resourceFor} from '../kube/resources.js';
import type {Cluster} from '../kube/cluster.js';
import type {KubeObject} from '../manifests/parse.js';
import type {SealingKey} from './sealing-key.js';

export const KEY_LABEL = 'kubectl-secret.dev/sealing-key';
export const PUBLIC_KEY_CONFIGMAP = 'kubectl-secret-public-key';
export const PUBLIC_KEY_READER = 'kubectl-secret-public-key-reader';
export const DEFAULT_KEY_NAMESPACE = 'kube-system';
export const keySecretName = (keyId: string) => `kubectl-secret-key-${keyId}`;

export interface KeyInfo {
  keyId: string;
  created?: string;
  active: boolean;
  secretName: string;
}

const SECRET = resourceFor('Secret');
const CONFIGMAP = resourceFor('ConfigMap');

function keySecret(kp: NaclKeyPair, keyId: string, ns: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {name: keySecretName(keyId), namespace: ns, labels: {[KEY_LABEL]: 'true'}, annotations: {'kubectl-secret.dev/key-id': keyId}},
    type: 'Opaque',
    data: {
      'private.pem': Buffer.from(naclPrivateKeyToPem(kp.secretKey)).toString('base64'),
      'public.pem': Buffer.from(naclPublicKeyToPem(kp.publicKey)).toString('base64'),
    },
  };
}

function publicConfigMap(kp: NaclKeyPair, keyId: string, ns: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {name: PUBLIC_KEY_CONFIGMAP, namespace: ns, labels: {'app.kubernetes.io/managed-by': 'kubectl-secret'}},
    data: {'public.pem': naclPublicKeyToPem(kp.publicKey), 'key-id': keyId},
  };
}

function readerRole(ns: string): KubeObject[] {
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: {name: PUBLIC_KEY_READER, namespace: ns},
      rules: [{apiGroups: [''], resources: ['configmaps'], resourceNames: [PUBLIC_KEY_CONFIGMAP], verbs: ['get']}],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: {name: PUBLIC_KEY_READER, namespace: ns},
      roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: PUBLIC_KEY_READER},
      subjects: [{apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:authenticated'}],
    },
  ];
}

export async function listKeySecrets(cluster: Cluster, ns: string): Promise<KubeObject[]> {
  return cluster.list(SECRET, ns, {labelSelector: `${KEY_LABEL}=true`});
}

async function activeKeyId(cluster: Cluster, ns: string): Promise<string | undefined> {
  const cm = await cluster.get(CONFIGMAP, PUBLIC_KEY_CONFIGMAP, ns);
  return cm?.data?.['key-id'];
}

export interface InitResult {
  changed: string[];
  keyId: string;
}

/** Idempotent: creates only what is missing, and says what it created. */
export async function initKeys(cluster: Cluster, ns: string): Promise<InitResult> {
  const changed: string[] = [];
  const existing = await listKeySecrets(cluster, ns);
  let cm = await cluster.get(CONFIGMAP, PUBLIC_KEY_CONFIGMAP, ns);
  let keyId: string;
  if (existing.length === 0) {
    const kp = generateNaclKeyPair();
    keyId = naclKeyId(kp.publicKey);
    await cluster.create(keySecret(kp, keyId, ns));
    changed.push(`Secret ${ns}/${keySecretName(keyId)} (private key ${keyId})`);
    if (cm) {
      cm.data = publicConfigMap(kp, keyId, ns).data;
      await cluster.update(cm);
      changed.push(`ConfigMap ${ns}/${PUBLIC_KEY_CONFIGMAP} (now key ${keyId})`);
      cm = undefined;
    } else {
      await cluster.create(publicConfigMap(kp, keyId, ns));
      changed.push(`ConfigMap ${ns}/${PUBLIC_KEY_CONFIGMAP}`);
    }
  } else {
    const newest = newestKey(existing);
    keyId = newest.metadata!.annotations?.['kubectl-secret.dev/key-id'] ?? newest.metadata!.name!.replace('kubectl-secret-key-', '');
    if (!cm) {
      const kp = parseNaclPrivateKey(Buffer.from(newest.data?.['private.pem'] ?? '', 'base64').toString('utf8'));
      await cluster.create(publicConfigMap(kp, keyId, ns));
      changed.push(`ConfigMap ${ns}/${PUBLIC_KEY_CONFIGMAP}`);
    } else keyId = cm.data?.['key-id'] ?? keyId;
  }
  for (const obj of readerRole(ns)) {
    const r = resourceFor(obj.kind!, 'rbac.authorization.k8s.io');
    if (!(await cluster.get(r, obj.metadata!.name!, ns))) {
      await cluster.create(obj);
      changed.push(`${obj.kind} ${ns}/${obj.metadata!.name} (system:authenticated may get the public key)`);
    }
  }
  return {changed, keyId};
}

function newestKey(secrets: KubeObject[]): KubeObject {
  // resourceVersions are opaque (api-conventions.md: clients must not compare them), so keys
  // created in the same second are told apart by name: any fixed order gives every run the same answer.
  const name = (o: KubeObject) => o.metadata?.name ?? '';
  return [...secrets].sort((a, b) => Date.parse(b.metadata?.creationTimestamp ?? '') - Date.parse(a.metadata?.creationTimestamp ?? '') || (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0))[0];
}

/** A new active key; old keys stay so that everything sealed before still opens. */
export async function rotateKeys(cluster: Cluster, ns: string): Promise<{keyId: string; previous?: string}> {
  const previous = await activeKeyId(cluster, ns);
  const kp = generateNaclKeyPair();
  const keyId = naclKeyId(kp.publicKey);
  await cluster.create(keySecret(kp, keyId, ns));
  const cm = await cluster.get(CONFIGMAP, PUBLIC_KEY_CONFIGMAP, ns);
  if (cm) {
    cm.data = publicConfigMap(kp, keyId, ns).data;
    await cluster.update(cm);
  } else await cluster.create(publicConfigMap(kp, keyId, ns));
  return {keyId, previous};
}

export async function listKeys(cluster: Cluster, ns: string): Promise<KeyInfo[]> {
  const [secrets, active] = await Promise.all([listKeySecrets(cluster, ns), activeKeyId(cluster, ns)]);
  return secrets
    .map((s) => {
      const keyId = s.metadata?.annotations?.['kubectl-secret.dev/key-id'] ?? s.metadata!.name!.replace('kubectl-secret-key-', '');
      return {keyId, created: s.metadata?.creationTimestamp, active: keyId === active, secretName: s.metadata!.name!};
    })
    .sort((a, b) => Date.parse(a.created ?? '') - Date.parse(b.created ?? ''));
}

/** The active public key, as anyone authenticated may read it. */
export async function clusterNaclKey(cluster: Cluster, ns: string): Promise<SealingKey | undefined> {
  const cm = await cluster.get(CONFIGMAP, PUBLIC_KEY_CONFIGMAP, ns);
  if (!cm?.data?.['public.pem']) return undefined;
  const pk = parseNaclPublicKey(cm.data['public.pem']);
  return {scheme: 'nacl', publicKey: pk, keyId: naclKeyId(pk), pem: naclPublicKeyToPem(pk), source: `ConfigMap ${ns}/${PUBLIC_KEY_CONFIGMAP}`};
}

/** Every private key (needs get/list on Secrets in the key namespace). */
export async function clusterNaclPrivateKeys(cluster: Cluster, ns: string): Promise<NaclKeyPair[]> {
  const secrets = await listKeySecrets(cluster, ns);
  if (secrets.length === 0) throw new InputError(`no nacl sealing keys found in namespace ${ns}`, 'run `kubectl secret keys init`, or pass --key FILE');
  return secrets.map((s) => parseNaclPrivateKey(Buffer.from(s.data?.['private.pem'] ?? '', 'base64').toString('utf8')));
}
