// Builds a Secret in memory from kubectl-create-secret-style flags. Reading values from files
// and env files follows `kubectl create secret generic` (no quote processing in env files).
import {readdirSync, statSync} from 'node:fs';
import {basename, join} from 'node:path';
import {InputError} from '../errors.js';
import {MANIFEST_READ_LIMIT, readFileBounded, VALUE_READ_LIMIT} from '../io/input.js';
import type {SecretModel} from './secret.js';
import {fsError} from '../io/input.js';

export interface FromFlags {
  name: string;
  namespace?: string;
  type?: string;
  literals?: string[];
  files?: string[];
  envFiles?: string[];
  /** Values already collected (e.g. from prompts), by key. */
  values?: Map<string, Buffer>;
}

function put(values: Map<string, Buffer>, key: string, value: Buffer, from: string) {
  if (!/^[-._a-zA-Z0-9]+$/.test(key)) throw new InputError(`${from}: "${key}" is not a valid Secret key`, 'keys may contain only letters, digits, "-", "_" and "."');
  if (values.has(key)) throw new InputError(`key "${key}" is given more than once`, 'give each key once');
  values.set(key, value);
}

function readFile(path: string, flag: string, limit = VALUE_READ_LIMIT): Buffer {
  return readFileBounded(path, {limit, what: `${flag} ${path}`}, fsError(path, flag));
}

export function parseLiteral(spec: string, flag = '--from-literal'): [string, string] {
  const i = spec.indexOf('=');
  if (i <= 0) throw new InputError(`${flag} "${spec.slice(0, Math.max(0, i)) || '…'}" must be KEY=VALUE`, `e.g. ${flag} password=…`);
  return [spec.slice(0, i), spec.slice(i + 1)];
}

/** --from-file [KEY=]PATH; a folder adds each regular file in it, keyed by file name. */
export function readFromFile(spec: string, values: Map<string, Buffer>): void {
  const i = spec.indexOf('=');
  const [key, path] = i > 0 ? [spec.slice(0, i), spec.slice(i + 1)] : [undefined, spec];
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new InputError(`--from-file: no such file: ${path}`, 'check the path');
  }
  if (st.isDirectory()) {
    if (key) throw new InputError(`--from-file: cannot give a key for the folder ${path}`);
    for (const name of readdirSync(path).sort()) {
      const p = join(path, name);
      if (statSync(p).isFile()) put(values, name, readFile(p, '--from-file'), `--from-file ${path}`);
    }
    return;
  }
  put(values, key ?? basename(path), readFile(path, '--from-file'), `--from-file ${spec}`);
}

export function readEnvFile(path: string, values: Map<string, Buffer>): void {
  const text = readFile(path, '--from-env-file', MANIFEST_READ_LIMIT).toString('utf8');
  text.split(/\r?\n/).forEach((raw, n) => {
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) return;
    const i = line.indexOf('=');
    if (i <= 0) throw new InputError(`--from-env-file ${path}:${n + 1}: expected KEY=VALUE`);
    put(values, line.slice(0, i).trim(), Buffer.from(line.slice(i + 1), 'utf8'), `${path}:${n + 1}`);
  });
}

export function secretFromFlags(f: FromFlags): SecretModel {
  const values = new Map<string, Buffer>();
  for (const l of f.literals ?? []) {
    const [k, v] = parseLiteral(l);
    put(values, k, Buffer.from(v, 'utf8'), '--from-literal');
  }
  for (const spec of f.files ?? []) readFromFile(spec, values);
  for (const p of f.envFiles ?? []) readEnvFile(p, values);
  for (const [k, v] of f.values ?? []) put(values, k, v, '--prompt');
  return {name: f.name, namespace: f.namespace, labels: {}, annotations: {}, type: f.type ?? 'Opaque', values};
}
