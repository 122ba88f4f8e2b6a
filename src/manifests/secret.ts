// The Secret model: one map of key → bytes, with `stringData` folded over `data` exactly as
// the API server does on write. Validation errors name the key, never the value.
import {InputError} from '../errors.js';
import {formatBytes, LIMIT_TEXT, SECRET_DATA_LIMIT} from '../io/input.js';
import type {KubeObject} from './parse.js';

export interface SecretModel {
  name: string;
  namespace?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  type?: string;
  immutable?: boolean;
  values: Map<string, Buffer>;
}

export interface Where {
  file?: string;
  line?: number;
}

const KEY_RE = /^[-._a-zA-Z0-9]+$/;
const B64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

export function isSecret(o: KubeObject): boolean {
  return o?.kind === 'Secret' && (o.apiVersion === 'v1' || o.apiVersion === undefined);
}

export function describeObject(o: KubeObject): string {
  const ns = o.metadata?.namespace;
  return `${o.kind ?? 'object'} ${ns ? ns + '/' : ''}${o.metadata?.name ?? '(unnamed)'}`;
}

function at(w: Where): string {
  return w.file ? `${w.file}${w.line ? ':' + w.line : ''}: ` : '';
}

/** Strict standard base64 (padded), as the API server's decoder requires. */
export function decodeBase64Strict(s: string): Buffer | undefined {
  const t = s.replace(/[\r\n]/g, '');
  if (t.length % 4 !== 0 || !B64_RE.test(t)) return undefined;
  return Buffer.from(t, 'base64');
}

export function secretFromObject(o: KubeObject, w: Where = {}): SecretModel {
  if (!isSecret(o)) {
    throw new InputError(`${at(w)}${describeObject(o)} is not a v1 Secret`, 'pass Secret manifests only');
  }
  const name = o.metadata?.name;
  if (!name) throw new InputError(`${at(w)}Secret has no metadata.name`, 'give the Secret a name');
  const values = new Map<string, Buffer>();
  for (const [field, decode] of [['data', true], ['stringData', false]] as const) {
    const m = o[field];
    if (m === undefined || m === null) continue;
    if (typeof m !== 'object' || Array.isArray(m)) throw new InputError(`${at(w)}Secret ${name}: ${field} must be a map of key to value`);
    for (const [k, v] of Object.entries(m)) {
      if (!KEY_RE.test(k)) throw new InputError(`${at(w)}Secret ${name}: key "${k}" is not a valid Secret key`, 'keys may contain only letters, digits, "-", "_" and "."');
      if (v === null || v === undefined) {
        values.set(k, Buffer.alloc(0));
        continue;
      }
      if (typeof v !== 'string') throw new InputError(`${at(w)}Secret ${name}: ${field}.${k} must be a string`);
      if (decode) {
        const b = decodeBase64Strict(v);
        if (!b) throw new InputError(`${at(w)}Secret ${name}: data.${k} is not valid base64`, `put plain text under stringData.${k}, or base64-encode it (e.g. \`base64 -w0\`)`);
        values.set(k, b);
      } else {
        values.set(k, Buffer.from(v, 'utf8'));
      }
    }
  }
  return {
    name,
    namespace: o.metadata?.namespace || undefined,
    labels: {...(o.metadata?.labels ?? {})},
    annotations: {...(o.metadata?.annotations ?? {})},
    type: o.type,
    immutable: o.immutable,
    values,
  };
}

export function secretToObject(s: SecretModel): KubeObject {
  const metadata: KubeObject['metadata'] = {name: s.name};
  if (s.namespace) metadata.namespace = s.namespace;
  if (Object.keys(s.labels).length) metadata.labels = s.labels;
  if (Object.keys(s.annotations).length) metadata.annotations = s.annotations;
  const o: KubeObject = {apiVersion: 'v1', kind: 'Secret', metadata};
  if (s.type) o.type = s.type;
  if (s.immutable !== undefined) o.immutable = s.immutable;
  o.data = Object.fromEntries([...s.values].map(([k, v]) => [k, v.toString('base64')]));
  return o;
}

/** What Kubernetes counts against its limit (ValidateSecret): the decoded values; keys are free. */
export function secretDataSize(values: Iterable<Uint8Array>): number {
  let n = 0;
  for (const v of values) n += v.length;
  return n;
}

/** Refuses a Secret the API server would refuse, before anything is sealed, run or written. */
export function assertSecretDataSize(size: number, what: string): void {
  if (size <= SECRET_DATA_LIMIT) return;
  throw new InputError(`${what} would hold ${formatBytes(size)} (${size} bytes) of data, more than ${LIMIT_TEXT}`, 'split the values over several Secrets, or keep large files out of Secrets (a volume, an object store)');
}

/** The data size of a live Secret (`data` as base64) once `values` replace or add keys. */
export function rotatedDataSize(live: KubeObject, values: Map<string, Buffer>): number {
  let n = secretDataSize(values.values());
  for (const [k, v] of Object.entries<unknown>(live.data ?? {})) {
    if (values.has(k) || typeof v !== 'string') continue;
    const s = v.replace(/[\r\n]/g, '');
    n += Math.floor((s.length * 3) / 4) - (s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0);
  }
  return n;
}
