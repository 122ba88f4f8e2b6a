// Turning Secrets into sealed objects: one function for one Secret, one for a whole input
// (what `seal`, `scan --fix` and `rotate --sealed` share), and the merge that re-seals only
// some keys of an existing sealed file while leaving every other key's bytes untouched.
import {InputError} from '../errors.js';
import {yaml} from '../manifests/yaml-libs.js';
import {editedDocumentToString} from '../render/yaml.js';
import {sealLabel, type Scope} from '../crypto/index.js';
import {assertSecretDataSize, describeObject, isSecret, secretDataSize, secretFromObject, type SecretModel} from '../manifests/secret.js';
import {parseManifests, type KubeObject, type SourcedObject} from '../manifests/parse.js';
import {buildSealedObject, schemeOf, scopeFromAnnotations, sealedIdentity} from './sealed-object.js';
import {sealedValueLength} from './unseal.js';
import {sealValue, type SealingKey} from './sealing-key.js';

export interface SealOptions {
  key: SealingKey;
  /** --scope; otherwise each input's own scope annotations, else strict. */
  scope?: Scope;
  /** Namespace for inputs that carry none (-n, else the context's). */
  namespace?: string;
  allowEmptyData?: boolean;
}

export function resolveScope(secret: SecretModel, flag?: Scope): Scope {
  return flag ?? scopeFromAnnotations(secret.annotations) ?? 'strict';
}

export function sealSecret(secret: SecretModel, o: SealOptions, where = ''): KubeObject {
  const scope = resolveScope(secret, o.scope);
  const namespace = secret.namespace ?? o.namespace;
  if (scope !== 'cluster-wide' && !namespace) {
    throw new InputError(`${where}Secret ${secret.name} has no namespace, and scope ${scope} needs one`, 'set metadata.namespace, pass -n NAMESPACE, or use --scope cluster-wide');
  }
  if (secret.values.size === 0 && !o.allowEmptyData) {
    throw new InputError(`${where}Secret ${secret.name} has no data to seal`, 'add data or stringData, or pass --allow-empty-data');
  }
  assertSecretDataSize(secretDataSize(secret.values.values()), `${where}Secret ${namespace ? namespace + '/' : ''}${secret.name}`);
  const label = sealLabel(scope, namespace, secret.name);
  const encryptedData: Record<string, string> = {};
  for (const [k, v] of secret.values) encryptedData[k] = sealValue(o.key, v, label);
  return buildSealedObject({...secret, namespace}, o.key.scheme, scope, encryptedData);
}

export interface SealDocumentsOptions extends SealOptions {
  /** Pass non-Secret documents through unchanged instead of failing. */
  skipOtherKinds?: boolean;
}

/** Seals every Secret of an input; other kinds are an error that names them, or pass through. */
export function sealDocuments(docs: SourcedObject[], o: SealDocumentsOptions): KubeObject[] {
  return docs.map((d) => {
    const where = `${d.file}:${d.line}: `;
    if (!isSecret(d.object)) {
      if (o.skipOtherKinds) return d.object;
      throw new InputError(`${where}${describeObject(d.object)} is not a Secret`, 'pass only Secrets, or add --skip-other-kinds to copy other documents through unchanged');
    }
    return sealSecret(secretFromObject(d.object, {file: d.file, line: d.line}), o, where);
  });
}

/** Seals the text of a manifest file; returns the sealed objects in input order. */
export function sealText(text: string, file: string, o: SealDocumentsOptions): KubeObject[] {
  const docs = parseManifests(text, file);
  if (docs.length === 0) throw new InputError(`${file}: no objects found`, 'pass a file with at least one Secret');
  return sealDocuments(docs, o);
}

/**
 * --merge-into: re-seals the given Secret's keys into an existing sealed file. Only
 * spec.encryptedData entries of those keys change; the file is edited as a YAML document, so
 * every other byte (other keys' ciphertext, comments, order) stays as it was.
 */
export function mergeIntoSealedText(existingText: string, file: string, secret: SecretModel, o: SealOptions): {text: string; keys: string[]} {
  const existing = parseManifests(existingText, file);
  const sealedDocs = existing.filter((d) => schemeOf(d.object));
  if (sealedDocs.length === 0) throw new InputError(`${file} holds no SealedSecret to merge into`, 'seal the full Secret first (kubectl secret seal -w FILE)');
  const target = sealedDocs.find((d) => sealedIdentity(d.object).name === secret.name) ?? (sealedDocs.length === 1 ? sealedDocs[0] : undefined);
  if (!target) throw new InputError(`${file} has no SealedSecret named ${secret.name}`, 'check --name or the file');
  const scheme = schemeOf(target.object)!;
  if (scheme !== o.key.scheme) {
    throw new InputError(`${file} is sealed with the ${scheme} scheme, but the key given is for ${o.key.scheme}`, `use the ${scheme} key (--scheme ${scheme}, or the matching --cert)`);
  }
  const id = sealedIdentity(target.object);
  if (o.scope && o.scope !== id.scope) throw new InputError(`${file} is sealed with scope ${id.scope}, not ${o.scope}`, 'drop --scope, or re-seal the whole file');
  const namespace = id.namespace ?? secret.namespace ?? o.namespace;
  if (id.scope !== 'cluster-wide' && !namespace) throw new InputError(`${file}: the SealedSecret has no namespace`, 'pass -n NAMESPACE');
  const label = sealLabel(id.scope, namespace, id.name ?? secret.name);
  // The keys kept are counted from their ciphertext's length: the merged Secret must fit too.
  const kept = Object.entries<unknown>(target.object.spec?.encryptedData ?? {}).filter(([k]) => !secret.values.has(k));
  const keptSize = kept.reduce((n, [, v]) => n + sealedValueLength(scheme, v, label), 0);
  assertSecretDataSize(keptSize + secretDataSize(secret.values.values()), `${file}: SealedSecret ${namespace ? namespace + '/' : ''}${id.name ?? secret.name} after the merge`);
  const sealed: Record<string, string> = {};
  for (const [k, v] of secret.values) sealed[k] = sealValue(o.key, v, label);
  const keys = Object.keys(sealed);
  if (keys.length === 0) throw new InputError('nothing to merge: the input has no keys', 'pass --from-literal, --from-file or a Secret with data');

  // JSON is rewritten as JSON; a '{' that is YAML flow style (not JSON) is edited as YAML below.
  const obj = existingText.trimStart().startsWith('{') ? jsonOrUndefined(existingText) : undefined;
  if (obj) {
    obj.spec ??= {};
    obj.spec.encryptedData = {...(obj.spec.encryptedData ?? {}), ...sealed};
    const indent = /\n( +)"/.exec(existingText)?.[1].length ?? 2;
    return {text: JSON.stringify(obj, null, indent) + (existingText.endsWith('\n') ? '\n' : ''), keys};
  }
  // Edit the one YAML document in place; the others are kept as their original text.
  const {parseDocument, isMap, isScalar} = yaml();
  const parts = splitYamlDocuments(existingText);
  const wanted = id.name ?? secret.name;
  const part = parts.find((p) => {
    const o = parseDocument(p.body).toJS() as KubeObject | null;
    return o && schemeOf(o) && sealedIdentity(o).name === wanted;
  });
  if (!part) throw new InputError(`${file}: cannot locate the SealedSecret document to edit`);
  const doc = parseDocument(part.body, {keepSourceTokens: true});
  // js-yaml (parseManifests' fast path) accepts some text the yaml library will not edit.
  if (doc.errors.length > 0) throw new InputError(`${file}: the SealedSecret document is not valid YAML: ${doc.errors[0].message.split('\n')[0]}`, 'fix the file, or seal the full Secret again (kubectl secret seal -w FILE)');
  if (!isMap(doc.contents)) throw new InputError(`${file}: the SealedSecret document is not a mapping`);
  for (const [k, v] of Object.entries(sealed)) {
    const node = doc.getIn(['spec', 'encryptedData', k], true);
    if (isScalar(node)) node.value = v;
    else doc.setIn(['spec', 'encryptedData', k], doc.createNode(v));
  }
  // The keys written (new or re-sealed) must read back as the same strings under YAML 1.1 (`on`, `0777`).
  const data = doc.getIn(['spec', 'encryptedData'], true);
  const touched = [];
  if (isMap(data)) {
    for (const pair of data.items) {
      if (!isScalar(pair.key)) pair.key = doc.createNode(pair.key);
      if (isScalar(pair.key) && Object.hasOwn(sealed, String(pair.key.value))) touched.push(pair);
    }
  }
  part.body = editedDocumentToString(doc, touched);
  return {text: parts.map((p) => p.separator + p.body).join(''), keys};
}

function jsonOrUndefined(text: string): any {
  try {
    const v = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

export interface YamlPart {
  separator: string;
  body: string;
}

/** Splits multi-document YAML at `---` lines, keeping each separator line verbatim. */
export function splitYamlDocuments(text: string): YamlPart[] {
  const lines = text.split(/(?<=\n)/);
  const parts: YamlPart[] = [{separator: '', body: ''}];
  for (const line of lines) {
    if (/^---(\s|$)/.test(line)) parts.push({separator: line, body: ''});
    else parts[parts.length - 1].body += line;
  }
  // A leading `---` leaves an empty first part that is not a document.
  return parts[0].body.trim() === '' && parts.length > 1 ? [{separator: parts[0].body + parts[1].separator, body: parts[1].body}, ...parts.slice(2)] : parts;
}
