// The three patch formats of PATCH requests. JSON merge patch is RFC 7386, JSON patch is RFC 6902,
// and strategic merge patch follows k8s.io/apimachinery/pkg/util/strategicpatch (patch.go,
// mergeMap/mergeSlice) with the patchMergeKey/patchStrategy struct tags of k8s.io/api for the
// kinds we serve, reduced to a small type graph below.
import {ApiError, errors} from './status.js';
import {clone} from './store.js';

const isObj = (x: unknown): x is Record<string, any> => typeof x === 'object' && x !== null && !Array.isArray(x);

export function mergePatch(target: any, patch: any): any {
  if (!isObj(patch)) return clone(patch);
  const out: Record<string, any> = isObj(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function unescapePointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw new Error(`invalid JSON pointer "${p}"`);
  return p.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

export function canonical(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(canonical);
  if (isObj(x)) return Object.fromEntries(Object.keys(x).sort().map((k) => [k, canonical(x[k])]));
  return x;
}

export {deepEqual};

export function jsonPatch(target: any, ops: unknown): any {
  if (!Array.isArray(ops)) throw errors.badRequest('json patch must be an array of operations');
  let doc = clone(target);
  const fail = (why: string): never => {
    throw errorsInvalidPatch(why);
  };
  const parentOf = (path: string[]): [any, string] => {
    let cur = doc;
    for (const seg of path.slice(0, -1)) {
      cur = Array.isArray(cur) ? cur[Number(seg)] : cur?.[seg];
      if (cur === undefined || cur === null || typeof cur !== 'object') fail(`doc is missing path: "/${path.join('/')}"`);
    }
    return [cur, path[path.length - 1]];
  };
  const getAt = (path: string[]): any => {
    let cur = doc;
    for (const seg of path) {
      if (cur === undefined || cur === null || typeof cur !== 'object') return undefined;
      cur = Array.isArray(cur) ? cur[Number(seg)] : cur[seg];
    }
    return cur;
  };
  const add = (path: string[], value: any): void => {
    if (path.length === 0) {
      doc = clone(value);
      return;
    }
    const [parent, last] = parentOf(path);
    if (Array.isArray(parent)) {
      const i = last === '-' ? parent.length : Number(last);
      if (!Number.isInteger(i) || i < 0 || i > parent.length) fail(`add operation index out of bounds: ${last}`);
      parent.splice(i, 0, clone(value));
    } else parent[last] = clone(value);
  };
  const remove = (path: string[]): any => {
    const [parent, last] = parentOf(path);
    if (Array.isArray(parent)) {
      const i = Number(last);
      if (!Number.isInteger(i) || i < 0 || i >= parent.length) fail(`remove operation index out of bounds: ${last}`);
      return parent.splice(i, 1)[0];
    }
    if (!Object.prototype.hasOwnProperty.call(parent, last)) fail(`unable to remove nonexistent key: ${last}: missing value`);
    const v = parent[last];
    delete parent[last];
    return v;
  };
  for (const op of ops as any[]) {
    let path: string[];
    try {
      path = unescapePointer(String(op?.path ?? ''));
    } catch (e) {
      throw errorsInvalidPatch((e as Error).message);
    }
    switch (op?.op) {
      case 'add': add(path, op.value); break;
      case 'remove': remove(path); break;
      case 'replace':
        if (path.length > 0) remove(path);
        add(path, op.value);
        break;
      case 'move': {
        const v = remove(unescapePointer(String(op.from)));
        add(path, v);
        break;
      }
      case 'copy': {
        const v = getAt(unescapePointer(String(op.from)));
        if (v === undefined) fail(`copy from nonexistent path: ${op.from}`);
        add(path, v);
        break;
      }
      case 'test':
        if (!deepEqual(getAt(path), op.value)) fail(`testing value ${op.path} failed: test failed`);
        break;
      default:
        throw errors.badRequest(`Unexpected kind: ${String(op?.op)}`);
    }
  }
  return doc;
}

function errorsInvalidPatch(why: string): ApiError {
  // apiserver wraps JSON patch failures as 422 "the server rejected our request due to an error in our request".
  return new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: ${why}`);
}

// ---- strategic merge patch ----

interface ListMeta { key?: string; strategy: 'merge' | 'replace'; item?: TypeNode }
interface TypeNode { [field: string]: TypeNode | ListMeta }

const isList = (x: TypeNode | ListMeta | undefined): x is ListMeta => x !== undefined && typeof (x as ListMeta).strategy === 'string';
const list = (key: string | undefined, item?: TypeNode, strategy: 'merge' | 'replace' = 'merge'): ListMeta => ({key, strategy, item});

const Container: TypeNode = {
  env: list('name'), ports: list('containerPort'), volumeMounts: list('mountPath'), volumeDevices: list('devicePath'), resizePolicy: list('resourceName', undefined, 'replace'),
};
const PodSpec: TypeNode = {
  containers: list('name', Container), initContainers: list('name', Container), ephemeralContainers: list('name', Container),
  volumes: list('name'), imagePullSecrets: list('name'), hostAliases: list('ip'), resourceClaims: list('name'),
  topologySpreadConstraints: list('topologyKey'), schedulingGates: list('name'),
};
const ObjectMeta: TypeNode = {ownerReferences: list('uid'), finalizers: list(undefined)};
const conditions = list('type');
const PodTemplate: TypeNode = {metadata: ObjectMeta, spec: PodSpec};
const workload = (extra: TypeNode = {}): TypeNode => ({metadata: ObjectMeta, spec: {template: PodTemplate, ...extra}, status: {conditions}});

const ROOTS: Record<string, TypeNode> = {
  Pod: {metadata: ObjectMeta, spec: PodSpec, status: {conditions, containerStatuses: list(undefined, undefined, 'replace')}},
  Deployment: workload(), StatefulSet: workload({volumeClaimTemplates: list(undefined, undefined, 'replace')}), DaemonSet: workload(),
  ReplicaSet: workload(), ReplicationController: workload(), Job: workload(),
  CronJob: {metadata: ObjectMeta, spec: {jobTemplate: {metadata: ObjectMeta, spec: {template: PodTemplate}}}},
  Service: {metadata: ObjectMeta, spec: {ports: list('port')}, status: {conditions}},
  ServiceAccount: {metadata: ObjectMeta, secrets: list('name'), imagePullSecrets: list('name')},
  Namespace: {metadata: ObjectMeta, status: {conditions}},
  CustomResourceDefinition: {metadata: ObjectMeta, status: {conditions}},
};

export function strategicMergePatch(kind: string, target: any, patch: any): any {
  if (!isObj(patch)) throw errors.badRequest('strategic merge patch must be a JSON object');
  return smpMap(isObj(target) ? clone(target) : {}, clone(patch), ROOTS[kind] ?? {metadata: ObjectMeta});
}

function smpMap(orig: Record<string, any>, patch: Record<string, any>, schema: TypeNode | undefined): Record<string, any> {
  const directive = patch['$patch'];
  if (directive === 'replace') {
    delete patch['$patch'];
    return stripDirectives(patch);
  }
  if (directive === 'delete') return {};
  delete patch['$patch'];
  const retain = patch['$retainKeys'];
  delete patch['$retainKeys'];
  const orders: Record<string, any[]> = {};
  for (const k of Object.keys(patch)) {
    if (k.startsWith('$setElementOrder/')) {
      orders[k.slice('$setElementOrder/'.length)] = patch[k];
      delete patch[k];
    } else if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const drop: unknown[] = Array.isArray(patch[k]) ? patch[k] : [];
      if (Array.isArray(orig[field])) orig[field] = orig[field].filter((v: unknown) => !drop.some((d) => deepEqual(d, v)));
      delete patch[k];
    }
  }
  if (Array.isArray(retain)) for (const k of Object.keys(orig)) if (!retain.includes(k)) delete orig[k];
  for (const [k, v] of Object.entries(patch)) {
    const sub = schema?.[k];
    if (v === null) {
      delete orig[k];
    } else if (isObj(v) && isObj(orig[k])) {
      orig[k] = smpMap(orig[k], v, isList(sub) ? undefined : sub);
      if (v['$patch'] === 'delete') delete orig[k];
    } else if (isObj(v) && v['$patch'] === 'delete') {
      delete orig[k];
    } else if (Array.isArray(v) && isList(sub) && sub.strategy === 'merge') {
      orig[k] = smpList(Array.isArray(orig[k]) ? orig[k] : [], v, sub);
    } else if (isObj(v)) {
      orig[k] = smpMap({}, v, isList(sub) ? undefined : sub);
    } else {
      orig[k] = Array.isArray(v) ? v.map((x) => (isObj(x) ? stripDirectives(x) : x)) : v;
    }
  }
  for (const [field, order] of Object.entries(orders)) {
    const sub = schema?.[field];
    if (Array.isArray(orig[field])) orig[field] = applyOrder(orig[field], order, isList(sub) ? sub.key : undefined);
  }
  return orig;
}

function smpList(orig: any[], patch: any[], meta: ListMeta): any[] {
  const key = meta.key;
  if (patch.some((p) => isObj(p) && p['$patch'] === 'replace')) {
    return patch.filter((p) => !(isObj(p) && p['$patch'] === 'replace')).map((p) => (isObj(p) ? stripDirectives(p) : p));
  }
  if (!key) {
    // A merge list of primitives (finalizers): union, keeping the original order first.
    const out = [...orig];
    for (const p of patch) if (!out.some((o) => deepEqual(o, p))) out.push(p);
    return out;
  }
  const out = [...orig];
  for (const p of patch) {
    if (!isObj(p)) {
      out.push(p);
      continue;
    }
    const idx = out.findIndex((o) => isObj(o) && o[key] !== undefined && deepEqual(o[key], p[key]));
    if (p['$patch'] === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
    } else if (idx >= 0) out[idx] = smpMap(out[idx], p, meta.item);
    else out.push(smpMap({}, p, meta.item));
  }
  return out;
}

function applyOrder(items: any[], order: any[], key: string | undefined): any[] {
  const pos = (x: any): number => order.findIndex((o) => (key && isObj(o) && isObj(x) ? deepEqual(o[key], x[key]) : deepEqual(o, x)));
  const ranked = items.map((x, i) => ({x, i, p: pos(x)}));
  ranked.sort((a, b) => (a.p < 0 && b.p < 0 ? a.i - b.i : a.p < 0 ? 1 : b.p < 0 ? -1 : a.p - b.p));
  return ranked.map((r) => r.x);
}

function stripDirectives(x: any): any {
  if (Array.isArray(x)) return x.map(stripDirectives);
  if (!isObj(x)) return x;
  const out: Record<string, any> = {};
  for (const [k, v] of Object.entries(x)) if (!k.startsWith('$')) out[k] = stripDirectives(v);
  return out;
}
