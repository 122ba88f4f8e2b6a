// Every object the API server sends is checked for the shape the rest of the code relies on
// before anything uses it: a name that is not a string would otherwise end up in a URL
// (`PUT …/secrets/[object Object]`), and Secret data that is not a map of strings would be
// decoded into garbage and written back. A real API server never sends such objects; a buggy
// aggregated API, a proxy or a compromised endpoint can. The error names the field and its
// type, never its content.
import {ClusterError} from '../errors.js';
import {describeTarget, type RequestDescription} from './status.js';

const STRING_META = ['name', 'namespace', 'resourceVersion', 'uid', 'generateName', 'creationTimestamp', 'deletionTimestamp'];
const STRING_MAPS = ['labels', 'annotations'];

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function malformed(d: RequestDescription, field: string, v: unknown): ClusterError {
  return new ClusterError(`the server's answer to ${d.verb} ${describeTarget(d)} is malformed: ${field} is ${typeName(v)}, not what Kubernetes sends`, {
    reason: 'MalformedResponse',
    hint: 'nothing was written; check that --context points at a real Kubernetes API server (and any proxy in between)',
  });
}

function checkStringMap(o: Record<string, unknown>, key: string, where: string, d: RequestDescription): void {
  const m = o[key];
  if (m === undefined || m === null) return;
  if (!isPlainObject(m)) throw malformed(d, `${where}${key}`, m);
  for (const [k, v] of Object.entries(m)) if (typeof v !== 'string') throw malformed(d, `${where}${key}["${k}"]`, v);
}

/** Checks one object; `secret` when the object is a Secret (its data must be a map of strings). */
export function checkObject(o: unknown, d: RequestDescription, secret: boolean, where = ''): void {
  if (!isPlainObject(o)) throw malformed(d, where ? where.replace(/\.$/, '') : 'the object', o);
  const md = o.metadata;
  if (md !== undefined) {
    if (!isPlainObject(md)) throw malformed(d, `${where}metadata`, md);
    for (const k of STRING_META) if (md[k] !== undefined && md[k] !== null && typeof md[k] !== 'string') throw malformed(d, `${where}metadata.${k}`, md[k]);
    for (const k of STRING_MAPS) checkStringMap(md, k, `${where}metadata.`, d);
  }
  if (secret || o.kind === 'Secret') {
    checkStringMap(o, 'data', where, d);
    checkStringMap(o, 'stringData', where, d);
    if (o.type !== undefined && typeof o.type !== 'string') throw malformed(d, `${where}type`, o.type);
  }
}

/**
 * Checks what a JSON answer holds: one object, or a list whose items are objects. Other
 * answers (Status, reviews, discovery) only have their metadata checked.
 */
export function checkAnswer(body: unknown, d: RequestDescription): void {
  if (body === undefined) return;
  const secret = d.resource === 'secrets';
  if (!isPlainObject(body)) throw malformed(d, 'the answer', body);
  if ('items' in body || d.verb === 'list') {
    if (!Array.isArray(body.items) && body.items !== null && body.items !== undefined) throw malformed(d, 'items', body.items);
    if (isPlainObject(body.metadata)) {
      for (const k of ['continue', 'resourceVersion']) if (body.metadata[k] !== undefined && typeof body.metadata[k] !== 'string') throw malformed(d, `metadata.${k}`, body.metadata[k]);
    } else if (body.metadata !== undefined) throw malformed(d, 'metadata', body.metadata);
    (body.items as unknown[] | undefined ?? []).forEach((item, i) => checkObject(item, d, secret || (isPlainObject(item) && item.kind === 'Secret'), `items[${i}].`));
    return;
  }
  checkObject(body, d, secret && body.kind !== 'Status');
}
