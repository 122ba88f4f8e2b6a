// Write semantics shared by the HTTP API and the direct store access of tests: create, update,
// delete with the metadata bookkeeping the apiserver's generic registry does
// (k8s.io/apiserver/pkg/registry/generic/registry/store.go), status subresource separation,
// generation tracking, CRD registration and owner-reference garbage collection.
import {randomUUID} from 'node:crypto';
import {recordUpdate} from './apply.js';
import {canonical, deepEqual} from './patch.js';
import {apiVersionOf, Registry, storageKey, VIRTUAL_KINDS, type ResourceType} from './registry.js';
import {ROLLOUT_KINDS, settledStatus, type Rollouts} from './rollout.js';
import {errors} from './status.js';
import {clone, Store} from './store.js';
import {applyDefaults, validate} from './validate.js';

/**
 * A mutating admission hook (a webhook, Kyverno, Gatekeeper's AssignMetadata): changes the object
 * in place before it is stored. As in kube-apiserver since 1.18 (kubernetes/kubernetes#87671),
 * it runs after managedFields were computed, so what it adds is owned by no field manager.
 */
export type Mutator = (op: 'CREATE' | 'UPDATE', obj: any, subresource?: 'status') => void;

export interface WriteOptions {
  dryRun?: boolean;
  /** fieldManager for managedFields. */
  manager?: string;
  /** Test set-up through the TestServer methods: no validation, namespaces made on demand, workloads settled. */
  direct?: boolean;
  subresource?: 'status';
  /** managedFields were computed by server-side apply already. */
  keepManagedFields?: boolean;
}

const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const SUFFIX = 'bcdfghjklmnpqrstvwxz2456789';
const randomSuffix = (): string => Array.from({length: 5}, () => SUFFIX[Math.floor(Math.random() * SUFFIX.length)]).join('');

/** The part of an object that metadata.generation follows. */
function specOf(t: ResourceType, o: any): unknown {
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o ?? {})) if (k !== 'metadata' && k !== 'apiVersion' && k !== 'kind' && !(k === 'status' && t.status)) rest[k] = v;
  return canonical(rest);
}

/** Object equality that ignores what the server itself rewrites on every write. */
function sameContent(a: any, b: any): boolean {
  const strip = (o: any): any => {
    const c = clone(o);
    delete c.metadata.resourceVersion;
    delete c.metadata.managedFields;
    return c;
  };
  return deepEqual(strip(a), strip(b));
}

export class Objects {
  rollouts: Rollouts | undefined;
  readonly mutators: Mutator[] = [];

  constructor(readonly reg: Registry, readonly store: Store) {}

  ensureNamespace(name: string): void {
    const t = this.reg.byKind('v1', 'Namespace')!;
    if (!this.store.get(t, undefined, name)) this.create(t, {metadata: {name}}, {direct: true});
  }

  private typeForKey(key: string): ResourceType | undefined {
    return this.reg.all().find((t) => storageKey(t) === key);
  }

  create(t: ResourceType, input: any, opts: WriteOptions & {namespace?: string} = {}): any {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) throw errors.badRequest(`the body of the request was not a ${t.kind} object`);
    const obj = clone(input);
    if (obj.kind !== undefined && obj.kind !== t.kind) throw errors.badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${apiVersionOf(t)})`);
    obj.apiVersion = apiVersionOf(t);
    obj.kind = t.kind;
    const md = (obj.metadata = typeof obj.metadata === 'object' && obj.metadata ? obj.metadata : {});
    if (!md.name && md.generateName) md.name = `${md.generateName}${randomSuffix()}`;
    if (t.namespaced) {
      const ns = opts.namespace ?? md.namespace ?? 'default';
      if (md.namespace && md.namespace !== ns) throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
      md.namespace = ns;
      if (!this.store.get(this.reg.byKind('v1', 'Namespace')!, undefined, ns)) {
        if (opts.direct) this.ensureNamespace(ns);
        else throw errors.namespaceNotFound(ns);
      }
    } else delete md.namespace;
    for (const k of ['uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'selfLink']) delete md[k];
    if (!opts.direct && !opts.keepManagedFields) delete md.managedFields;
    if (!opts.direct) this.resetStatus(t, obj);
    applyDefaults(t, obj);
    if (!opts.direct) validate(t, obj, undefined);
    else if (!md.name) throw errors.invalid(t, '', [{field: 'metadata.name', type: 'Required value', detail: 'name or generateName is required'}]);
    if (this.store.get(t, md.namespace, md.name)) throw errors.alreadyExists(t, md.name);
    md.uid = randomUUID();
    md.creationTimestamp = now();
    if (t.generation) md.generation = 1;
    if (t.kind === 'CustomResourceDefinition') obj.status = crdStatus(obj);
    if (opts.direct && t.builtin && ROLLOUT_KINDS.has(t.kind) && obj.status === undefined) obj.status = settledStatus(t.kind, obj);
    if (!opts.keepManagedFields && (!opts.direct || !md.managedFields)) recordUpdate(undefined, obj, opts.manager ?? 'unknown', obj.apiVersion, !t.status);
    if (!opts.direct) for (const m of this.mutators) m('CREATE', obj);
    if (opts.dryRun) return obj;
    const stored = this.store.put(t, obj);
    if (t.kind === 'CustomResourceDefinition') this.registerFromCRD(stored);
    if (!opts.direct && t.builtin && ROLLOUT_KINDS.has(t.kind)) this.rollouts?.start(t.kind, stored);
    return clone(stored);
  }

  private resetStatus(t: ResourceType, obj: any): void {
    if (!t.status) return;
    if (t.kind === 'Pod') obj.status = {phase: 'Pending'};
    else if (t.kind === 'Service') obj.status = {loadBalancer: {}};
    else delete obj.status;
  }

  update(t: ResourceType, input: any, opts: WriteOptions & {namespace?: string; name?: string} = {}): any {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) throw errors.badRequest(`the body of the request was not a ${t.kind} object`);
    const obj = clone(input);
    const md = (obj.metadata = typeof obj.metadata === 'object' && obj.metadata ? obj.metadata : {});
    const name = opts.name ?? md.name;
    const namespace = t.namespaced ? opts.namespace ?? md.namespace : undefined;
    if (opts.name !== undefined && md.name !== undefined && md.name !== opts.name) throw errors.badRequest(`the name of the object (${md.name}) does not match the name on the URL (${opts.name})`);
    if (t.namespaced && opts.namespace !== undefined && md.namespace && md.namespace !== opts.namespace) throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    const old = this.store.get(t, namespace, name);
    if (!old) throw errors.notFound(t, name);
    if (md.resourceVersion && md.resourceVersion !== old.metadata.resourceVersion) throw errors.conflict(t, name);
    if (md.uid && md.uid !== old.metadata.uid) throw errors.conflict(t, name, `Precondition failed: UID in precondition: ${md.uid}, UID in object meta: ${old.metadata.uid}`);
    let next: any;
    if (opts.subresource === 'status') {
      next = clone(old);
      next.status = obj.status;
    } else {
      next = obj;
      next.apiVersion = apiVersionOf(t);
      next.kind = t.kind;
      md.name = name;
      if (t.namespaced) md.namespace = namespace;
      else delete md.namespace;
      md.uid = old.metadata.uid;
      md.creationTimestamp = old.metadata.creationTimestamp;
      if (old.metadata.generation !== undefined) md.generation = old.metadata.generation;
      else delete md.generation;
      // Only a delete sets deletionTimestamp; an update cannot add or remove it.
      if (old.metadata.deletionTimestamp) md.deletionTimestamp = old.metadata.deletionTimestamp;
      else delete md.deletionTimestamp;
      if (!opts.keepManagedFields && (!opts.direct || !md.managedFields)) md.managedFields = old.metadata.managedFields;
      if (t.status && !opts.direct) next.status = clone(old.status);
      if (next.status === undefined) delete next.status;
      if (t.kind === 'CustomResourceDefinition') next.status = crdStatus(next);
    }
    next.metadata.resourceVersion = old.metadata.resourceVersion;
    applyDefaults(t, next);
    if (!opts.direct) validate(t, next, old);
    if (t.generation && !deepEqual(specOf(t, old), specOf(t, next))) next.metadata.generation = (old.metadata.generation ?? 0) + 1;
    // A direct write that carries back the managedFields it read is recorded like any update, as
    // kube-apiserver ignores unchanged managedFields in a request.
    const keptFields = input.metadata?.managedFields && !deepEqual(input.metadata.managedFields, old.metadata.managedFields);
    if (!opts.keepManagedFields && (!opts.direct || !keptFields)) recordUpdate(old, next, opts.manager ?? 'unknown', next.apiVersion, !t.status, opts.subresource);
    if (!opts.direct) for (const m of this.mutators) m('UPDATE', next, opts.subresource);
    if (sameContent(old, next)) return clone(old);
    if (opts.dryRun) return next;
    // The last finalizer of an object being deleted is gone: the object goes now.
    if (next.metadata.deletionTimestamp && !(next.metadata.finalizers?.length)) {
      this.store.put(t, next);
      return this.finishDelete(t, old, namespace, name!, false);
    }
    const stored = this.store.put(t, next);
    if (t.kind === 'CustomResourceDefinition') this.registerFromCRD(stored);
    if (!opts.direct && t.builtin && ROLLOUT_KINDS.has(t.kind) && stored.metadata.generation !== old.metadata.generation) this.rollouts?.start(t.kind, stored);
    return clone(stored);
  }

  delete(t: ResourceType, namespace: string | undefined, name: string, opts: {dryRun?: boolean; preconditions?: {uid?: string; resourceVersion?: string}; propagationPolicy?: string} = {}): any {
    const old = this.store.get(t, namespace, name);
    if (!old) throw errors.notFound(t, name);
    const pre = opts.preconditions ?? {};
    if (pre.uid && pre.uid !== old.metadata.uid) throw errors.conflict(t, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`);
    if (pre.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) {
      throw errors.conflict(t, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`);
    }
    if (opts.dryRun) return clone(old);
    const foreground = opts.propagationPolicy === 'Foreground';
    const finalizers: string[] = (old.metadata.finalizers ?? []).filter((f: string) => f !== 'foregroundDeletion');
    if (finalizers.length > 0 || (foreground && !old.metadata.deletionTimestamp)) {
      // Finalizers hold the object, marked with a deletionTimestamp, until they are removed
      // (metav1.ObjectMeta). Foreground deletion removes the dependents first, as the garbage
      // collector does under its foregroundDeletion finalizer.
      const marked = clone(old);
      marked.metadata.deletionTimestamp ??= now();
      marked.metadata.deletionGracePeriodSeconds ??= 0;
      marked.metadata.finalizers = [...finalizers, ...(foreground ? ['foregroundDeletion'] : [])];
      this.store.put(t, marked);
      if (!foreground) return clone(marked);
      this.collectDependents(old.metadata.uid, false);
      marked.metadata.finalizers = finalizers;
      if (finalizers.length > 0) return clone(this.store.put(t, marked));
    }
    return this.finishDelete(t, old, namespace, name, opts.propagationPolicy === 'Orphan');
  }

  private finishDelete(t: ResourceType, old: any, namespace: string | undefined, name: string, orphan: boolean): any {
    const gone = this.store.delete(t, namespace, name);
    if (t.kind === 'Namespace' && t.builtin) {
      for (const {key, object} of [...this.store.everything()]) {
        const ot = this.typeForKey(key);
        if (ot?.namespaced && object.metadata.namespace === name) this.store.delete(ot, name, object.metadata.name);
      }
    }
    if (t.kind === 'CustomResourceDefinition') {
      const spec = old.spec;
      for (const v of spec?.versions ?? []) {
        const ct = this.reg.byPlural(spec.group, v.name, spec.names.plural);
        if (ct) this.store.dropType(ct);
        this.reg.unregister(spec.group, v.name, spec.names.plural);
      }
    }
    this.collectDependents(old.metadata.uid, orphan);
    return gone;
  }

  /** Owner-reference garbage collection, done at once instead of by the garbage collector controller. */
  private collectDependents(uid: string, orphan: boolean): void {
    for (const {key, object} of [...this.store.everything()]) {
      const refs: any[] = object.metadata.ownerReferences ?? [];
      if (!refs.some((r) => r.uid === uid)) continue;
      const t = this.typeForKey(key);
      if (!t) continue;
      const rest = refs.filter((r) => r.uid !== uid);
      if (orphan || rest.length > 0) {
        const next = clone(object);
        if (rest.length > 0) next.metadata.ownerReferences = rest;
        else delete next.metadata.ownerReferences;
        this.store.put(t, next);
      } else if (this.store.get(t, object.metadata.namespace, object.metadata.name)) {
        this.delete(t, object.metadata.namespace, object.metadata.name, {});
      }
    }
  }

  /** The rollout simulator's status write, as the workload controllers' /status updates. */
  writeStatus(kind: string, namespace: string, name: string, generation: number, status: any): boolean {
    const t = this.reg.all().find((x) => x.builtin && x.kind === kind);
    if (!t) return false;
    const cur = this.store.get(t, namespace, name);
    if (!cur || (cur.metadata.generation ?? 1) !== generation) return false;
    const next = clone(cur);
    next.status = status;
    recordUpdate(cur, next, 'kube-controller-manager', next.apiVersion, true, 'status');
    this.store.put(t, next);
    return true;
  }

  registerFromCRD(crd: any): void {
    const spec = crd.spec ?? {};
    const names = spec.names ?? {};
    for (const t of this.reg.all().filter((x) => !x.builtin && x.group === spec.group && x.plural === names.plural)) this.reg.unregister(t.group, t.version, t.plural);
    for (const v of spec.versions ?? []) {
      if (v.served === false) continue;
      this.reg.registerCustom({
        group: spec.group, version: v.name, kind: names.kind, plural: names.plural, singular: names.singular, listKind: names.listKind,
        namespaced: spec.scope !== 'Cluster', status: !!v.subresources?.status, shortNames: names.shortNames, categories: names.categories,
      });
    }
  }
}

function crdStatus(crd: any): any {
  const names = {...crd.spec?.names};
  names.singular ??= String(names.kind ?? '').toLowerCase();
  names.listKind ??= `${names.kind}List`;
  const t = now();
  const storage = (crd.spec?.versions ?? []).find((v: any) => v.storage)?.name ?? crd.spec?.versions?.[0]?.name;
  return {
    acceptedNames: names,
    conditions: [
      {type: 'NamesAccepted', status: 'True', lastTransitionTime: t, reason: 'NoConflicts', message: 'no conflicts found'},
      {type: 'Established', status: 'True', lastTransitionTime: t, reason: 'InitialNamesAccepted', message: 'the initial names have been accepted'},
    ],
    storedVersions: storage ? [storage] : [],
  };
}

export function isVirtual(t: ResourceType): boolean {
  return t.builtin && VIRTUAL_KINDS.has(t.kind);
}
