// Server-side apply and field ownership, a reduced port of
// k8s.io/apimachinery/pkg/util/managedfields and sigs.k8s.io/structured-merge-diff: every leaf
// field (map keys recursively; lists are atomic here) is owned by the manager that last set it,
// recorded in metadata.managedFields as FieldsV1. Apply sets the applied fields, removes the
// fields the same manager applied before but no longer does, and reports conflicts with other
// managers unless forced.
import {canonical} from './patch.js';
import {clone} from './store.js';

type Path = string[];
const isObj = (x: unknown): x is Record<string, any> => typeof x === 'object' && x !== null && !Array.isArray(x);
const keyOf = (p: Path): string => JSON.stringify(p);

const METADATA_OWNED = ['labels', 'annotations', 'ownerReferences', 'finalizers'];

/** Leaf paths of the user-owned part of an object. */
export function leafPaths(obj: any, withStatus: boolean): Path[] {
  const out: Path[] = [];
  const walk = (x: any, p: Path): void => {
    if (isObj(x) && Object.keys(x).length > 0) for (const [k, v] of Object.entries(x)) walk(v, [...p, k]);
    else out.push(p);
  };
  for (const [k, v] of Object.entries<any>(obj ?? {})) {
    if (k === 'apiVersion' || k === 'kind' || (k === 'status' && !withStatus)) continue;
    if (k === 'metadata') {
      for (const mk of METADATA_OWNED) {
        if (v?.[mk] === undefined) continue;
        if (mk === 'labels' || mk === 'annotations') walk(v[mk], ['metadata', mk]);
        else out.push(['metadata', mk]);
      }
      continue;
    }
    walk(v, [k]);
  }
  return out;
}

function getPath(obj: any, p: Path): any {
  let cur = obj;
  for (const k of p) cur = isObj(cur) ? cur[k] : undefined;
  return cur;
}

function setPath(obj: any, p: Path, v: any): void {
  let cur = obj;
  for (const k of p.slice(0, -1)) {
    if (!isObj(cur[k])) cur[k] = {};
    cur = cur[k];
  }
  cur[p[p.length - 1]] = clone(v);
}

function deletePath(obj: any, p: Path): void {
  const parents: any[] = [];
  let cur = obj;
  for (const k of p.slice(0, -1)) {
    if (!isObj(cur[k])) return;
    parents.push(cur);
    cur = cur[k];
  }
  delete cur[p[p.length - 1]];
  // Prune maps the removal left empty, as SMD does for maps it owned.
  for (let i = p.length - 2; i >= 0; i--) {
    const parent = parents[i];
    const child = parent[p[i]];
    if (isObj(child) && Object.keys(child).length === 0 && !(i === 0 && p[0] === 'metadata')) delete parent[p[i]];
    else break;
  }
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

function toFieldsV1(paths: Path[]): Record<string, any> {
  const root: Record<string, any> = {};
  for (const p of paths) {
    let cur = root;
    for (const k of p) cur = cur[`f:${k}`] ??= {};
  }
  return root;
}

function fromFieldsV1(tree: any): Path[] {
  const out: Path[] = [];
  const walk = (node: any, p: Path): void => {
    const keys = isObj(node) ? Object.keys(node).filter((k) => k.startsWith('f:')) : [];
    if (keys.length === 0) {
      if (p.length > 0) out.push(p);
      return;
    }
    for (const k of keys) walk(node[k], [...p, k.slice(2)]);
  };
  walk(tree, []);
  return out;
}

interface Owner { manager: string; operation: 'Apply' | 'Update'; apiVersion: string; subresource?: string; paths: Map<string, Path>; time?: string }

function readOwners(obj: any): Owner[] {
  const mf = obj?.metadata?.managedFields;
  if (!Array.isArray(mf)) return [];
  return mf.map((e: any) => ({
    manager: String(e.manager ?? ''), operation: e.operation === 'Apply' ? 'Apply' : 'Update', apiVersion: String(e.apiVersion ?? ''),
    subresource: e.subresource, time: e.time, paths: new Map(fromFieldsV1(e.fieldsV1).map((p) => [keyOf(p), p])),
  }));
}

function writeOwners(obj: any, owners: Owner[]): void {
  const entries = owners.filter((o) => o.paths.size > 0).map((o) => {
    const e: Record<string, any> = {manager: o.manager, operation: o.operation, apiVersion: o.apiVersion, time: o.time ?? now(), fieldsType: 'FieldsV1', fieldsV1: toFieldsV1([...o.paths.values()])};
    if (o.subresource) e.subresource = o.subresource;
    return e;
  });
  obj.metadata ??= {};
  if (entries.length > 0) obj.metadata.managedFields = entries;
  else delete obj.metadata.managedFields;
}

const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

function ownerFor(owners: Owner[], manager: string, operation: 'Apply' | 'Update', apiVersion: string, subresource?: string): Owner {
  let o = owners.find((x) => x.manager === manager && x.operation === operation && (x.subresource ?? '') === (subresource ?? ''));
  if (!o) owners.push((o = {manager, operation, apiVersion, subresource, paths: new Map()}));
  o.apiVersion = apiVersion;
  o.time = now();
  return o;
}

/** Records ownership for a create/update/patch: fields that changed now belong to `manager`. */
export function recordUpdate(previous: any | undefined, next: any, manager: string, apiVersion: string, withStatus: boolean, subresource?: string): void {
  const owners = readOwners(previous ?? next);
  const nextPaths = leafPaths(next, withStatus || subresource === 'status');
  const nextKeys = new Set(nextPaths.map(keyOf));
  const changed = nextPaths.filter((p) => previous === undefined || !same(getPath(previous, p), getPath(next, p)));
  for (const o of owners) {
    for (const [k, p] of o.paths) {
      // A field that disappeared, or a deeper/shallower path of a changed one, is owned by nobody now.
      if (!nextKeys.has(k) && (subresource === 'status' ? p[0] === 'status' : p[0] !== 'status')) o.paths.delete(k);
    }
  }
  if (changed.length > 0) {
    for (const o of owners) for (const p of changed) o.paths.delete(keyOf(p));
    const mine = ownerFor(owners, manager, 'Update', apiVersion, subresource);
    for (const p of changed) mine.paths.set(keyOf(p), p);
  }
  writeOwners(next, owners);
}

export interface ApplyConflict { manager: string; field: string }

/**
 * Server-side apply of `applied` onto `current` (undefined: create). Returns the new object, or
 * the conflicts when another manager owns a field with a different value and `force` is off.
 */
export function serverSideApply(current: any | undefined, applied: any, manager: string, force: boolean, apiVersion: string, withStatus: boolean): {object: any; conflicts: ApplyConflict[]} {
  const base = current ? clone(current) : {apiVersion: applied.apiVersion, kind: applied.kind, metadata: {name: applied.metadata?.name, namespace: applied.metadata?.namespace}};
  const owners = readOwners(current);
  const appliedPaths = leafPaths(applied, withStatus);
  const conflicts: ApplyConflict[] = [];
  for (const p of appliedPaths) {
    const v = getPath(applied, p);
    if (current && same(getPath(current, p), v)) continue;
    for (const o of owners) {
      if (o.manager === manager && o.operation === 'Apply') continue;
      if (o.paths.has(keyOf(p))) conflicts.push({manager: o.manager, field: '.' + p.join('.')});
    }
  }
  if (conflicts.length > 0 && !force) return {object: undefined, conflicts};
  const mine = ownerFor(owners, manager, 'Apply', apiVersion);
  const appliedKeys = new Set(appliedPaths.map(keyOf));
  // Fields this manager applied before and dropped now go away, unless someone else also owns them.
  for (const [k, p] of mine.paths) {
    if (appliedKeys.has(k)) continue;
    const shared = owners.some((o) => o !== mine && o.paths.has(k));
    if (!shared) deletePath(base, p);
  }
  mine.paths = new Map(appliedPaths.map((p) => [keyOf(p), p]));
  for (const p of appliedPaths) {
    const v = getPath(applied, p);
    const changed = !same(getPath(base, p), v);
    setPath(base, p, v);
    // Applying the same value shares ownership; a forced or new value takes it away.
    if (changed) for (const o of owners) if (o !== mine) o.paths.delete(keyOf(p));
  }
  writeOwners(base, owners);
  return {object: base, conflicts: []};
}
