// `rotate --sealed FILE`: the GitOps rotation. The new values are sealed into the file with
// seal's merge (only the rotated keys' ciphertext changes; every other byte stays), the file is
// replaced atomically, and the user commits it. Nothing is written to the cluster.
import {InputError} from '../errors.js';
import {atomicWriteFile} from '../io/atomic-write.js';
import {readManifestFile} from '../io/input.js';
import {parseManifests, type SourcedObject} from '../manifests/parse.js';
import {mergeIntoSealedText} from '../seal/seal.js';
import {sealedValueLength} from '../seal/unseal.js';
import {sealLabel} from '../crypto/index.js';
import {assertSecretDataSize, secretDataSize} from '../manifests/secret.js';
import {schemeOf, sealedIdentity, type Scheme} from '../seal/sealed-object.js';
import type {SealingKey} from '../seal/sealing-key.js';
import {planRotation, type KeyRequest, type RotationPlan} from './plan.js';

export interface SealedTarget {
  file: string;
  text: string;
  doc: SourcedObject;
  scheme: Scheme;
  name: string;
  /** The namespace the object was sealed for, else -n; undefined for cluster-wide objects without one. */
  namespace?: string;
}

export function readSealedTarget(file: string, name: string | undefined, namespaceFlag: string | undefined): SealedTarget {
  const text = readManifestFile(file, '--sealed file');
  const docs = parseManifests(text, file).filter((d) => schemeOf(d.object));
  if (docs.length === 0) throw new InputError(`${file}: no SealedSecret found`, 'pass a file produced by `kubectl secret seal` or kubeseal');
  const doc = name ? docs.find((d) => sealedIdentity(d.object).name === name) : docs.length === 1 ? docs[0] : undefined;
  if (!doc) {
    const names = docs.map((d) => sealedIdentity(d.object).name ?? '(unnamed)').join(', ');
    throw new InputError(name ? `${file} has no SealedSecret named ${name}` : `${file} holds ${docs.length} SealedSecrets (${names})`, name ? `it has: ${names}` : 'name the one to rotate: kubectl secret rotate NAME --sealed FILE');
  }
  const id = sealedIdentity(doc.object);
  return {file, text, doc, scheme: schemeOf(doc.object)!, name: id.name ?? name ?? '', namespace: id.namespace ?? namespaceFlag};
}

export function planSealedRotation(t: SealedTarget, requests: KeyRequest[], add: boolean): RotationPlan {
  return planRotation(t.name, t.namespace ?? '', Object.keys(t.doc.object.spec?.encryptedData ?? {}), requests, {add});
}

/** The rotated SealedSecret must still fit Kubernetes' limit: checked before --exec hands the values on. */
export function assertSealedRotationSize(t: SealedTarget, values: Map<string, Buffer>): void {
  const enc = t.doc.object.spec?.encryptedData ?? {};
  const id = sealedIdentity(t.doc.object);
  let label = '';
  try {
    label = sealLabel(id.scope, t.namespace, t.name);
  } catch {}
  let n = secretDataSize(values.values());
  for (const [k, v] of Object.entries<unknown>(enc)) if (!values.has(k)) n += sealedValueLength(t.scheme, v, label);
  assertSecretDataSize(n, `${t.file}: SealedSecret ${t.namespace ? t.namespace + '/' : ''}${t.name} after the rotation`);
}

/** Seals the new values into the file (merge) and replaces it atomically. */
export function writeSealedRotation(t: SealedTarget, values: Map<string, Buffer>, key: SealingKey): string[] {
  const merged = mergeIntoSealedText(t.text, t.file, {name: t.name, namespace: t.namespace, labels: {}, annotations: {}, values}, {key, namespace: t.namespace});
  // The file may have changed since it was read (an editor, a pull): do not overwrite that.
  if (readManifestFile(t.file, '--sealed file') !== t.text) throw new InputError(`${t.file} changed while the rotation ran; it was not written`, 'run the rotation again');
  atomicWriteFile(t.file, merged.text);
  return merged.keys;
}
