// `scan --fix`: seal every plaintext Secret of one file where it stands. Other documents keep
// their exact text (comments included); each Secret document is replaced by its SealedSecret.
// The key: --cert, else the `seal:` defaults of .kubectl-secret.yaml, else the cluster.
import {existsSync, readFileSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {InputError} from '../errors.js';
import {atomicWriteFile} from '../io/atomic-write.js';
import {readManifestFile} from '../io/input.js';
import {parseManifests} from '../manifests/parse.js';
import {yaml} from '../manifests/yaml-libs.js';
import {isSecret, secretFromObject} from '../manifests/secret.js';
import {renderManifests} from '../render/manifests.js';
import {toYaml} from '../render/yaml.js';
import {resolveSealingKey} from './key-resolution.js';
import {sealDocuments, sealSecret, splitYamlDocuments} from './seal.js';
import type {Scope} from '../crypto/index.js';
import type {Cluster} from '../kube/cluster.js';
import type {Scheme} from './sealed-object.js';

export interface SealDefaults {
  cert?: string;
  scheme?: Scheme;
  scope?: Scope;
  keyNamespace?: string;
  controllerNamespace?: string;
  controllerName?: string;
}

/** The `seal:` section of .kubectl-secret.yaml at the root of the file's repository, if any. */
export function sealDefaultsFor(file: string): SealDefaults {
  let dir = dirname(resolve(file));
  for (;;) {
    const cfg = join(dir, '.kubectl-secret.yaml');
    if (existsSync(cfg)) {
      let doc: any;
      try {
        doc = yaml().parse(readFileSync(cfg, 'utf8'));
      } catch {
        throw new InputError(`${cfg} is not valid YAML`, 'fix the file');
      }
      const s = doc?.seal ?? {};
      const cert = typeof s.cert === 'string' ? resolve(dir, s.cert) : undefined;
      return {cert, scheme: s.scheme, scope: s.scope, keyNamespace: s.keyNamespace, controllerNamespace: s.controllerNamespace, controllerName: s.controllerName};
    }
    if (existsSync(join(dir, '.git')) || dirname(dir) === dir) return {};
    dir = dirname(dir);
  }
}

/** What sealed a file, for the notes scan --fix prints: the scheme, and the context's namespace when a Secret had none. */
export interface SealedInPlace {
  scheme: Scheme;
  contextNamespace?: {namespace: string; context: string};
}

/** Returns false, without writing, when the file holds no Secret to seal (e.g. only a ConfigMap). */
export async function sealFileInPlace(file: string, opts: {cert?: string; namespace?: string; cluster?: () => Promise<Cluster>}): Promise<false | SealedInPlace> {
  const text = readManifestFile(file, 'file');
  const secrets = parseManifests(text, file).filter((d) => isSecret(d.object));
  if (secrets.length === 0) return false;
  const defaults = sealDefaultsFor(file);
  const cert = opts.cert ?? defaults.cert;
  if (!cert && !opts.cluster) throw new InputError(`no key to seal ${file} with`, 'pass --cert FILE, or set seal.cert in .kubectl-secret.yaml');
  const key = await resolveSealingKey({
    cert,
    scheme: defaults.scheme,
    connect: opts.cluster ?? (() => Promise.reject(new InputError('no cluster to fetch the sealing key from', 'pass --cert FILE'))),
    keyNamespace: defaults.keyNamespace,
    controller: {namespace: defaults.controllerNamespace, name: defaults.controllerName},
  });
  const needsNamespace = secrets.some((d) => !d.object.metadata?.namespace);
  const context = !opts.namespace && needsNamespace && opts.cluster && !cert ? await opts.cluster() : undefined;
  const namespace = opts.namespace ?? context?.namespace;
  const sealed: SealedInPlace = {scheme: key.scheme, ...(context ? {contextNamespace: {namespace: context.namespace, context: context.contextName}} : {})};
  const o = {key, scope: defaults.scope, namespace, skipOtherKinds: true};
  if (text.trimStart().startsWith('{') || text.trimStart().startsWith('[')) {
    atomicWriteFile(file, renderManifests(sealDocuments(parseManifests(text, file), o), 'json'));
    return sealed;
  }
  const parts = splitYamlDocuments(text);
  let line = 1;
  for (const part of parts) {
    line += part.separator ? 1 : 0;
    const docs = part.body.trim() ? parseManifests(part.body, file) : [];
    if (docs.length === 1 && isSecret(docs[0].object)) {
      const where = `${file}:${line}: `;
      part.body = toYaml(sealSecret(secretFromObject(docs[0].object, {file, line}), o, where));
    } else if (docs.some((d) => isSecret(d.object))) {
      part.body = renderManifests(sealDocuments(docs, o), 'yaml');
    }
    line += part.body.split('\n').length - 1;
  }
  atomicWriteFile(file, parts.map((p) => p.separator + p.body).join(''));
  return sealed;
}
