// What `kubectl secret seal` does, once its flags are parsed: read the input (files, stdin or
// flags), seal, and decide where the result goes. No value is ever printed in plaintext.
import {InputError} from '../errors.js';
import {atomicWriteFile} from '../io/atomic-write.js';
import {readFileBounded, readInput, readManifestFile, readStdin, stdinIsTerminal, VALUE_READ_LIMIT} from '../io/input.js';
import {secretFromFlags, type FromFlags} from '../manifests/from-flags.js';
import {parseManifests} from '../manifests/parse.js';
import {isSecret, secretFromObject, type SecretModel} from '../manifests/secret.js';
import {renderManifests} from '../render/manifests.js';
import {sealLabel, type Scope} from '../crypto/index.js';
import {mergeIntoSealedText, sealDocuments} from './seal.js';
import {sealValue, type SealingKey} from './sealing-key.js';
import {fsError} from '../io/input.js';

export interface SealRequest {
  file?: string;
  /** In-memory Secret from flags, when --name is given. */
  fromFlags?: FromFlags;
  scope?: Scope;
  format: 'yaml' | 'json';
  outputFile?: string;
  inPlace?: boolean;
  mergeInto?: string;
  raw?: boolean;
  skipOtherKinds?: boolean;
  allowEmptyData?: boolean;
  /** --force: replace a read-only target. */
  force?: boolean;
  /** -n; the context's namespace is asked for only when an input lacks one. */
  namespace?: string;
  contextNamespace: () => Promise<string | undefined>;
  key: () => Promise<SealingKey>;
}

export interface SealResult {
  stdout?: string;
  written: string[];
  sealedCount: number;
}

async function namespaceFor(req: SealRequest, secrets: SecretModel[], scope?: Scope): Promise<string | undefined> {
  if (req.namespace) return req.namespace;
  const needs = secrets.some((s) => !s.namespace && (scope ?? 'strict') !== 'cluster-wide');
  return needs ? req.contextNamespace() : undefined;
}

export async function runSeal(req: SealRequest): Promise<SealResult> {
  const exclusive = [req.outputFile && '-w', req.inPlace && '--in-place', req.mergeInto && '--merge-into', req.raw && '--raw'].filter(Boolean);
  if (exclusive.length > 1) throw new InputError(`${exclusive.join(' and ')} cannot be used together`, 'choose one output');
  if (req.inPlace && !req.file) throw new InputError('--in-place needs FILE', 'pass the manifest file to replace');
  if (req.inPlace && req.file === '-') throw new InputError('--in-place cannot replace stdin', 'pass a file path');

  if (req.raw) return sealRaw(req);

  // Inputs: a Secret from flags, or the manifests of FILE/stdin.
  let docs;
  if (req.fromFlags) {
    if (req.file) throw new InputError('give either FILE or --name with --from-* flags, not both');
    const s = secretFromFlags({...req.fromFlags, namespace: req.fromFlags.namespace ?? req.namespace});
    docs = [{object: {apiVersion: 'v1', kind: 'Secret', metadata: {name: s.name, ...(s.namespace ? {namespace: s.namespace} : {})}, type: s.type, data: Object.fromEntries([...s.values].map(([k, v]) => [k, v.toString('base64')]))}, file: '<flags>', line: 1, index: 0}];
  } else {
    const input = await readInput(req.file, 'manifest');
    if (!input) throw new InputError('nothing to seal: no FILE given and stdin is a terminal', 'pass FILE, pipe a Secret into stdin, or build one with --name and --from-literal/--from-file');
    docs = parseManifests(input.text, input.name);
    if (docs.length === 0) throw new InputError(`${input.name}: no objects found`, 'pass a file with at least one Secret');
  }

  if (req.mergeInto) {
    const secrets = docs.filter((d) => isSecret(d.object)).map((d) => secretFromObject(d.object, d));
    if (secrets.length !== 1) throw new InputError(`--merge-into takes exactly one Secret, got ${secrets.length}`);
    const existing = readManifestFile(req.mergeInto, '--merge-into', 'seal the full Secret first with -w FILE');
    const key = await req.key();
    const merged = mergeIntoSealedText(existing, req.mergeInto, secrets[0], {key, scope: req.scope, namespace: await namespaceFor(req, secrets, req.scope)});
    atomicWriteFile(req.mergeInto, merged.text, {force: req.force ?? false});
    return {written: [req.mergeInto], sealedCount: merged.keys.length};
  }

  const secrets = docs.filter((d) => isSecret(d.object)).map((d) => secretFromObject(d.object, d));
  const namespace = await namespaceFor(req, secrets, req.scope);
  const key = await req.key();
  const sealed = sealDocuments(docs, {key, scope: req.scope, namespace, allowEmptyData: req.allowEmptyData, skipOtherKinds: req.skipOtherKinds});
  const text = renderManifests(sealed, req.format);
  const target = req.inPlace ? req.file! : req.outputFile;
  if (target) {
    atomicWriteFile(target, text, {force: req.force ?? false});
    return {written: [target], sealedCount: secrets.length};
  }
  return {stdout: text, written: [], sealedCount: secrets.length};
}

/** --raw: one value, printed as its base64 only (kubeseal --raw). */
async function sealRaw(req: SealRequest): Promise<SealResult> {
  const f = req.fromFlags;
  const scope = req.scope ?? 'strict';
  const name = f?.name;
  if (scope === 'strict' && !name) throw new InputError('--raw with strict scope needs --name', 'pass --name NAME, or --scope namespace-wide/cluster-wide');
  const literals = f?.literals ?? [];
  const files = f?.files ?? [];
  let value: Buffer;
  if (literals.length + files.length > 1) throw new InputError('--raw seals exactly one value', 'pass one --from-file (or --from-literal), or the value on stdin');
  if (files.length === 1) {
    const path = files[0].includes('=') ? files[0].slice(files[0].indexOf('=') + 1) : files[0];
    value = readFileBounded(path, {limit: VALUE_READ_LIMIT, what: `--from-file ${path}`}, fsError(path, '--from-file'));
  } else if (literals.length === 1) {
    const i = literals[0].indexOf('=');
    value = Buffer.from(i >= 0 ? literals[0].slice(i + 1) : literals[0], 'utf8');
  } else {
    // The value's bytes exactly as piped: no text decoding, no newline handling.
    if (stdinIsTerminal()) throw new InputError('--raw needs a value: --from-file PATH, or the value on stdin');
    value = await readStdin();
  }
  const namespace = scope === 'cluster-wide' ? undefined : req.namespace ?? (await req.contextNamespace());
  if (scope !== 'cluster-wide' && !namespace) throw new InputError(`--raw with scope ${scope} needs a namespace`, 'pass -n NAMESPACE');
  const key = await req.key();
  return {stdout: sealValue(key, value, sealLabel(scope, namespace, name)) + '\n', written: [], sealedCount: 1};
}

