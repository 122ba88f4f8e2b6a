// What a rotation will do, decided before anything is generated, run or written: which keys
// get a new value and from where. Pure: the live object comes in, the plan and the new object
// come out. A plan names keys and sources, never values.
import {statSync} from 'node:fs';
import {InputError} from '../errors.js';
import {readFileBounded, VALUE_READ_LIMIT} from '../io/input.js';
import {parseLiteral} from '../manifests/from-flags.js';
import type {KubeObject} from '../manifests/parse.js';
import {DEFAULT_LENGTH, type Charset} from './generate.js';

export {ROTATED_AT, ROTATED_KEYS} from '../secrets/annotations.js';
import {ROTATED_AT, ROTATED_KEYS} from '../secrets/annotations.js';
import {fileError} from '../io/file-error.js';

export type ValueSource =
  | {kind: 'generate'; length: number; charset: Charset}
  | {kind: 'literal'; value: Buffer}
  | {kind: 'file'; path: string; value: Buffer}
  | {kind: 'prompt'};

export interface KeyRequest {
  key: string;
  source: ValueSource;
}

export interface ValueFlags {
  generate?: string[];
  literals?: string[];
  files?: string[];
  prompts?: string[];
  length?: number;
  charset?: Charset;
}

const KEY_RE = /^[-._a-zA-Z0-9]+$/;

/** The keys to rotate and where each new value comes from; literal and file values are read now. */
export function collectRequests(f: ValueFlags): KeyRequest[] {
  const out: KeyRequest[] = [];
  const add = (key: string, source: ValueSource, flag: string) => {
    if (!KEY_RE.test(key)) throw new InputError(`${flag}: "${key}" is not a valid Secret key`, 'keys may contain only letters, digits, "-", "_" and "."');
    if (out.some((r) => r.key === key)) throw new InputError(`key "${key}" is given more than once`, 'give each key one source of its new value');
    out.push({key, source});
  };
  for (const key of f.generate ?? []) add(key, {kind: 'generate', length: f.length ?? DEFAULT_LENGTH, charset: f.charset ?? 'alnum'}, '--generate');
  for (const spec of f.literals ?? []) {
    const [key, value] = parseLiteral(spec);
    add(key, {kind: 'literal', value: Buffer.from(value, 'utf8')}, '--from-literal');
  }
  for (const spec of f.files ?? []) {
    const i = spec.indexOf('=');
    if (i <= 0) throw new InputError(`--from-file "${spec}" must be KEY=PATH`, 'name the key whose value the file holds, e.g. --from-file tls.key=./new.key');
    const [key, path] = [spec.slice(0, i), spec.slice(i + 1)];
    add(key, {kind: 'file', path, value: readValueFile(path)}, '--from-file');
  }
  for (const key of f.prompts ?? []) add(key, {kind: 'prompt'}, '--prompt');
  if (out.length === 0) throw new InputError('no keys to rotate', 'name them with --generate KEY, --from-literal KEY=VALUE, --from-file KEY=PATH or --prompt KEY');
  return out;
}

function readValueFile(path: string): Buffer {
  try {
    if (statSync(path).isDirectory()) throw new InputError(`--from-file: ${path} is a folder`, 'pass the file that holds the new value');
    return readFileBounded(path, {limit: VALUE_READ_LIMIT, what: `--from-file ${path}`}, (code) => new InputError(`--from-file: cannot read ${path}: ${code}`));
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw fileError(error, path, '--from-file');
  }
}

export interface PlannedKey {
  key: string;
  action: 'change' | 'add';
  source: ValueSource['kind'];
  /** e.g. "32 alnum characters", "./new.key"; never the value. */
  detail?: string;
}

export interface RotationPlan {
  name: string;
  namespace: string;
  resourceVersion?: string;
  immutable: boolean;
  keys: PlannedKey[];
  /** Keys that keep their value. */
  unchanged: string[];
  /** Who will write the Secret back over us: an owning SealedSecret, or kubectl apply's record. */
  warnings: string[];
}

/** Signs that something else owns the Secret's values and will put the old ones back. */
export function ownershipWarnings(live: KubeObject): string[] {
  const out: string[] = [];
  for (const o of live.metadata?.ownerReferences ?? []) {
    if (o?.kind === 'SealedSecret') out.push(`the Secret is produced by SealedSecret ${o.name}: its controller will restore the sealed values; rotate the sealed file instead (--sealed FILE), then apply it`);
  }
  if (live.metadata?.annotations?.['kubectl.kubernetes.io/last-applied-configuration'] !== undefined) {
    out.push('the Secret was created with kubectl apply: applying its manifest again will put the old values back; update the manifest too');
  }
  return out;
}

function detail(s: ValueSource): string | undefined {
  if (s.kind === 'generate') return `${s.length} ${s.charset} characters`;
  if (s.kind === 'file') return s.path;
  return undefined;
}

/** Checks the requests against the keys that exist: a new key needs `add`. */
export function planRotation(name: string, namespace: string, existingKeys: string[], requests: KeyRequest[], o: {add?: boolean; immutable?: boolean; resourceVersion?: string; warnings?: string[]} = {}): RotationPlan {
  const existing = new Set(existingKeys);
  const missing = requests.filter((r) => !existing.has(r.key)).map((r) => r.key);
  if (missing.length > 0 && !o.add) {
    throw new InputError(`Secret ${namespace}/${name} has no key${missing.length === 1 ? '' : 's'} ${missing.map((k) => `"${k}"`).join(', ')}`, `check the key name${missing.length === 1 ? '' : 's'} (existing: ${[...existing].sort().join(', ') || 'none'}), or pass --add to create ${missing.length === 1 ? 'it' : 'them'}`);
  }
  const keys = requests.map((r): PlannedKey => ({key: r.key, action: existing.has(r.key) ? 'change' : 'add', source: r.source.kind, detail: detail(r.source)}));
  keys.sort((a, b) => a.key.localeCompare(b.key));
  const rotated = new Set(requests.map((r) => r.key));
  return {name, namespace, resourceVersion: o.resourceVersion, immutable: Boolean(o.immutable), keys, unchanged: [...existing].filter((k) => !rotated.has(k)).sort(), warnings: o.warnings ?? []};
}

const SOURCE_WORDS: Record<ValueSource['kind'], string> = {generate: 'generated', literal: 'from --from-literal', file: 'from --from-file', prompt: 'typed at the prompt'};

export function renderPlan(p: RotationPlan, o: {target?: string} = {}): string {
  const lines = [`Rotate ${o.target ?? `Secret ${p.namespace}/${p.name}${p.resourceVersion ? ` (resourceVersion ${p.resourceVersion})` : ''}`}:`];
  for (const k of p.keys) lines.push(`  ${k.action === 'add' ? '+ add' : '~ change'} ${k.key}: new value ${SOURCE_WORDS[k.source]}${k.detail ? ` (${k.detail})` : ''}`);
  if (p.unchanged.length) lines.push(`  = unchanged: ${p.unchanged.join(', ')}`);
  if (p.immutable) lines.push('  the Secret is immutable: it will be deleted and created again (--recreate)');
  for (const w of p.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n') + '\n';
}

/** RFC 3339 in UTC with whole seconds, as Kubernetes writes timestamps. */
export function rfc3339Utc(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The live object with the new values and the rotation annotations. It keeps the
 * resourceVersion it was read with, so the update fails rather than overwrite a change made
 * since the read.
 */
export function rotatedObject(live: KubeObject, values: Map<string, Buffer>, now: Date): KubeObject {
  const data: Record<string, string> = {...(live.data ?? {})};
  for (const [k, v] of values) data[k] = v.toString('base64');
  const annotations = {...(live.metadata?.annotations ?? {}), [ROTATED_AT]: rfc3339Utc(now), [ROTATED_KEYS]: [...values.keys()].sort().join(',')};
  const {stringData: _ignored, ...rest} = live;
  return {...rest, apiVersion: 'v1', kind: 'Secret', metadata: {...live.metadata, annotations}, data};
}
