// `diff`: reads the live side of each compared object from the cluster and hands both sides to
// the pure comparison in diff.ts. Three inputs: Secret manifests (vs the live Secret),
// sealed files (vs the live SealedSecret, and, when the values can be opened, vs the live
// Secret), and a Secret name compared between two namespaces or contexts.
import {InputError, ClusterError} from '../errors.js';
import {resourceFor, KS_SEALED_SECRET} from '../kube/resources.js';
import {parseManifests, type KubeObject, type SourcedObject} from '../manifests/parse.js';
import {describeObject, isSecret, secretFromObject, type SecretModel} from '../manifests/secret.js';
import {schemeOf, sealedIdentity, type Scheme} from '../seal/sealed-object.js';
import {unsealObject, type OpeningKeys} from '../seal/unseal.js';
import {loadOpeningKeys} from '../seal/opening-keys.js';
import type {Cluster} from '../kube/cluster.js';
import {secretAbsence} from '../secrets/metadata.js';
import {compareCiphertexts, compareMetadata, compareSecrets, hasDifferences, type KeyDiff, type MetaDiff} from './diff.js';

export interface Side {
  /** Where this side was read from: `file.yaml:3`, `live`, `context prod, namespace payments`. */
  where: string;
  exists: boolean;
}

export interface ValuesDiff {
  /** False when the sealed values could not be opened; `reason` says why. */
  compared: boolean;
  reason?: string;
  /** The live Secret the opened values were compared with. */
  liveSecret?: boolean;
  keys: KeyDiff[];
  metadata: MetaDiff[];
}

export interface ObjectDiff {
  kind: 'Secret' | 'SealedSecret';
  scheme?: Scheme;
  name: string;
  namespace: string;
  from: Side;
  to: Side;
  keys: KeyDiff[];
  metadata: MetaDiff[];
  /** The controller's Synced condition on the live SealedSecret. */
  synced?: {status: string; reason?: string; message?: string};
  /** Sealed files: the opened values against the live Secret. */
  values?: ValuesDiff;
  differs: boolean;
}

export interface DiffReport {
  objects: ObjectDiff[];
  differs: boolean;
  /** Documents that were neither Secrets nor SealedSecrets. */
  skipped: string[];
  /** A Secret or namespace that does not exist, said plainly (the diff itself shows "not in the cluster"). */
  warnings: string[];
}

/** How the command gets opening keys for sealed values; undefined when none can be had. */
export type KeyLoader = (objects: KubeObject[]) => Promise<OpeningKeys | {unavailable: string}>;

const SECRET = resourceFor('Secret');
const BITNAMI_SEALED_SECRET = resourceFor('SealedSecret', 'bitnami.com');

function emptyModel(name: string, namespace: string): SecretModel {
  return {name, namespace, labels: {}, annotations: {}, values: new Map()};
}

function liveModel(o: KubeObject | undefined): SecretModel | undefined {
  return o ? secretFromObject({...o, apiVersion: 'v1', kind: 'Secret'}) : undefined;
}

export async function diffManifests(text: string, file: string, cluster: Cluster, loadKeys: KeyLoader): Promise<DiffReport> {
  const docs = parseManifests(text, file);
  if (docs.length === 0) throw new InputError(`${file}: no objects found`, 'pass a file with Secrets or SealedSecrets');
  const objects: ObjectDiff[] = [];
  const skipped: string[] = [];
  const sealed = docs.filter((d) => schemeOf(d.object));
  let keys: Promise<OpeningKeys | {unavailable: string}> | undefined;
  const keysFor = () => (keys ??= loadKeys(sealed.map((d) => d.object)));
  for (const d of docs) {
    if (isSecret(d.object)) objects.push(await diffSecretDoc(d, cluster));
    else if (schemeOf(d.object)) objects.push(await diffSealedDoc(d, cluster, keysFor));
    else skipped.push(`${d.file}:${d.line}: ${describeObject(d.object)}`);
  }
  if (objects.length === 0) throw new InputError(`${file}: no Secret or SealedSecret found`, 'pass Secret manifests or sealed files');
  const warnings: string[] = [];
  for (const o of objects) {
    // A nacl file is applied as a Secret: its live SealedSecret may well be absent.
    if (o.from.exists || (o.kind === 'SealedSecret' && o.scheme === 'nacl' && o.values?.liveSecret !== false)) continue;
    const w = o.kind === 'Secret' || o.scheme === 'nacl' ? await secretAbsence(cluster, o.name, o.namespace) : await namespaceAbsence(cluster, o.namespace, `SealedSecret "${o.name}" not found in namespace "${o.namespace}"`);
    if (w && !warnings.includes(w)) warnings.push(w);
  }
  return {objects, differs: objects.some((o) => o.differs), skipped, warnings};
}

async function diffSecretDoc(d: SourcedObject, cluster: Cluster): Promise<ObjectDiff> {
  const local = secretFromObject(d.object, {file: d.file, line: d.line});
  const namespace = local.namespace ?? cluster.namespace;
  const live = liveModel(await cluster.get(SECRET, local.name, namespace));
  const keys = compareSecrets(local, live);
  const metadata = live ? compareMetadata(local, live) : [];
  return {
    kind: 'Secret', name: local.name, namespace,
    from: {where: 'live', exists: Boolean(live)}, to: {where: `${d.file}:${d.line}`, exists: true},
    keys, metadata, differs: !live || hasDifferences(keys, metadata),
  };
}

function templateModel(o: KubeObject | undefined, name: string, namespace: string): SecretModel {
  const t = o?.spec?.template ?? {};
  return {...emptyModel(name, namespace), labels: {...(t.metadata?.labels ?? {})}, annotations: {...(t.metadata?.annotations ?? {})}, type: t.type, immutable: t.immutable};
}

function syncedOf(o: KubeObject): ObjectDiff['synced'] {
  const c = (o.status?.conditions ?? []).find((x: any) => x?.type === 'Synced');
  if (!c) return {status: 'Unknown', message: 'the controller has not reported on it'};
  // A condition for an older generation says nothing about the current spec.
  const stale = o.status?.observedGeneration !== undefined && o.metadata?.generation !== undefined && Number(o.status.observedGeneration) < Number(o.metadata.generation);
  if (stale) return {status: 'Unknown', message: 'the controller has not processed the latest change yet'};
  return {status: String(c.status), reason: c.reason || undefined, message: c.message || undefined};
}

async function diffSealedDoc(d: SourcedObject, cluster: Cluster, keysFor: () => Promise<OpeningKeys | {unavailable: string}>): Promise<ObjectDiff> {
  const scheme = schemeOf(d.object)!;
  const id = sealedIdentity(d.object);
  if (!id.name) throw new InputError(`${d.file}:${d.line}: the SealedSecret has no name`);
  const namespace = id.namespace ?? cluster.namespace;
  const liveSealed = await cluster.get<KubeObject>(scheme === 'nacl' ? KS_SEALED_SECRET : BITNAMI_SEALED_SECRET, id.name, namespace);
  const keys = compareCiphertexts(d.object.spec?.encryptedData ?? {}, liveSealed?.spec?.encryptedData);
  const metadata = liveSealed ? compareMetadata(templateModel(d.object, id.name, namespace), templateModel(liveSealed, id.name, namespace)) : [];
  const synced = liveSealed ? syncedOf(liveSealed) : undefined;

  let values: ValuesDiff | undefined;
  const k = await keysFor();
  const usable = 'unavailable' in k ? undefined : scheme === 'nacl' ? (k.nacl.length ? k : undefined) : (k.rsa.length ? k : undefined);
  if (usable) {
    const opened = unsealObject({...d.object, metadata: {...d.object.metadata, namespace}}, usable, `${d.file}:${d.line}: `);
    const live = liveModel(await cluster.get(SECRET, id.name, namespace));
    const vk = compareSecrets(opened, live);
    const vm = live ? compareMetadata(opened, live) : [];
    values = {compared: true, liveSecret: Boolean(live), keys: vk, metadata: vm};
  } else if (scheme === 'nacl') {
    values = {compared: false, reason: 'unavailable' in k ? k.unavailable : 'no nacl private key', keys: [], metadata: []};
  }

  const valuesDiffer = values?.compared ? !values.liveSecret || hasDifferences(values.keys, values.metadata) : false;
  // The nacl scheme is applied as a plain Secret by `kubectl secret apply`, so a missing live
  // SealedSecret is normal there; for Bitnami it means the file was never applied.
  const sealedCounts = scheme === 'sealed-secrets' || Boolean(liveSealed);
  const sealedDiffers = sealedCounts && (!liveSealed || hasDifferences(keys, metadata) || synced?.status === 'False');
  if (scheme === 'nacl' && !liveSealed && !values?.compared) {
    throw new InputError(`${d.file}:${d.line}: cannot compare nacl SealedSecret ${namespace}/${id.name}: there is no live SealedSecret, and ${values?.reason ?? 'no private key'}`, 'pass the private key with --key FILE, or run where you may read the cluster\'s sealing keys');
  }
  return {
    kind: 'SealedSecret', scheme, name: id.name, namespace,
    from: {where: 'live', exists: Boolean(liveSealed)}, to: {where: `${d.file}:${d.line}`, exists: true},
    keys: sealedCounts ? keys : [], metadata, synced, values, differs: sealedDiffers || valuesDiffer,
  };
}

export interface AgainstTarget {
  cluster: Cluster;
  namespace: string;
  /** How the side is named in the output, e.g. `context prod, namespace payments`. */
  where: string;
}

/** The same Secret in two places: `from` is the current context/namespace, `to` the --against one. */
export async function diffAgainst(name: string, from: AgainstTarget, to: AgainstTarget): Promise<DiffReport> {
  const [a, b] = await Promise.all([from.cluster.get(SECRET, name, from.namespace), to.cluster.get(SECRET, name, to.namespace)]);
  if (!a && !b) throw new InputError(`secret "${name}" exists neither in ${from.where} nor in ${to.where}`, 'check the name, -n and --against-namespace/--against-context');
  const [ma, mb] = [liveModel(a), liveModel(b)];
  const keys = compareSecrets(mb, ma);
  const metadata = ma && mb ? compareMetadata(mb, ma) : [];
  const o: ObjectDiff = {
    kind: 'Secret', name, namespace: from.namespace,
    from: {where: from.where, exists: Boolean(a)}, to: {where: to.where, exists: Boolean(b)},
    keys, metadata, differs: !a || !b || hasDifferences(keys, metadata),
  };
  const warnings: string[] = [];
  if (!a) warnings.push(`${(await secretAbsence(from.cluster, name, from.namespace)) ?? `Secret "${name}" not found`} (${from.where})`);
  if (!b) warnings.push(`${(await secretAbsence(to.cluster, name, to.namespace)) ?? `Secret "${name}" not found`} (${to.where})`);
  return {objects: [o], differs: o.differs, skipped: [], warnings};
}

async function namespaceAbsence(cluster: Cluster, namespace: string, otherwise: string): Promise<string> {
  const ns = await cluster.get(resourceFor('Namespace'), namespace).catch(() => null);
  return ns === undefined ? `namespace "${namespace}" not found` : otherwise;
}

export interface KeySources {
  naclKeyFiles?: string[];
  rsaKeyFiles?: string[];
  connect: () => Promise<Cluster>;
  keyNamespace?: string;
}

/**
 * Opening keys for diff. Key files the user names must work; the cluster's nacl keys are a
 * bonus: when they cannot be read (forbidden, not set up), values are simply not compared.
 * Bitnami values are opened only with --recovery-private-key.
 */
export function openingKeyLoader(s: KeySources): KeyLoader {
  return async (objects) => {
    const wanted = s.rsaKeyFiles?.length ? objects : objects.filter((o) => schemeOf(o) === 'nacl');
    try {
      return await loadOpeningKeys(wanted, s);
    } catch (error) {
      if (s.naclKeyFiles?.length || !isUnavailable(error)) throw error;
      return {unavailable: `the cluster's nacl keys cannot be read (${(error as Error).message})`};
    }
  };
}

function isUnavailable(error: unknown): boolean {
  if (error instanceof ClusterError) return error.status === 403 || error.status === 404;
  return error instanceof InputError && /no nacl sealing keys found/.test(error.message);
}
