// Where commands that read many objects (who-can, consumers, audit) get them: the live cluster
// (one paginated list per kind and namespace, never one request per object) or manifest files
// given with -f (files or folders, -R to recurse, as kubectl reads them).
import {readdirSync, readFileSync, statSync} from 'node:fs';
import {extname, join} from 'node:path';
import {InputError} from '../errors.js';
import {parseManifests, type KubeObject, type SourcedObject} from '../manifests/parse.js';
import {resourceFor} from './resources.js';
import type {Cluster} from './cluster.js';
import {fileError, shownPath} from '../io/file-error.js';

export interface ObjectSource {
  /**
   * Objects of a kind; `namespace` undefined means every namespace. `group` picks one API group
   * when a kind exists in several (SealedSecret: bitnami.com, the default, or kubectl-secret.dev).
   * A kind the cluster does not serve (a CRD that is not installed) lists as none.
   */
  list(kind: string, namespace?: string, group?: string): Promise<KubeObject[]>;
  /** Where a manifest object was read from (files only), for reports that point at lines. */
  origin?(o: KubeObject): {file: string; line: number} | undefined;
  /** Things we could not read (e.g. a 403 on a list): the answer may be incomplete. */
  readonly warnings: string[];
  /** Kinds at least one list of which was forbidden (for "unknown" rather than "absent"). */
  readonly forbiddenKinds: ReadonlySet<string>;
  readonly live: boolean;
}

const MANIFEST_EXT = new Set(['.yaml', '.yml', '.json']);

/** Expands -f paths into manifest files, as kubectl does: folders list their .yaml/.yml/.json files, -R recurses. */
export function manifestFiles(paths: string[], recursive: boolean): string[] {
  const out: string[] = [];
  const visit = (p: string, top: boolean) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new InputError(`-f: no such file or folder: ${shownPath(p)}`, 'check the -f/--filename argument');
    }
    if (st.isDirectory()) {
      if (!top && !recursive) return;
      for (const name of readdirSync(p).sort()) {
        const child = join(p, name);
        if (statSync(child).isDirectory()) {
          if (recursive) visit(child, false);
        } else if (MANIFEST_EXT.has(extname(name).toLowerCase())) out.push(child);
      }
    } else out.push(p);
  };
  for (const p of paths) visit(p, true);
  return out;
}

/** Reads and parses manifests; objects without a namespace get `defaultNamespace` for namespaced kinds. */
export function loadManifests(paths: string[], recursive: boolean, defaultNamespace?: string): SourcedObject[] {
  const objects: SourcedObject[] = [];
  for (const file of manifestFiles(paths, recursive)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw fileError(error, file);
    }
    for (const o of parseManifests(text, file)) {
      if (defaultNamespace && o.object.metadata && !o.object.metadata.namespace && isNamespaced(o.object.kind, o.object.apiVersion)) {
        o.object.metadata.namespace = defaultNamespace;
      }
      objects.push(o);
    }
  }
  return objects;
}

function isNamespaced(kind?: string, apiVersion?: string): boolean {
  if (!kind) return false;
  const group = apiVersion?.includes('/') ? apiVersion.split('/')[0] : '';
  for (const g of [group, undefined]) {
    // The group first; then the kind alone, so old groups of built-ins (extensions/v1beta1
    // DaemonSet, apps/v1beta2 Deployment) still count as the namespaced kinds they are.
    try {
      return resourceFor(kind, g).namespaced;
    } catch {}
  }
  // A kind we do not know (IngressClass, webhook configurations, CRs…): leave it as written
  // rather than guess it into a namespace.
  return false;
}

export function fileSource(paths: string[], recursive: boolean, defaultNamespace?: string): ObjectSource {
  const byKind = new Map<string, KubeObject[]>();
  const origins = new WeakMap<KubeObject, {file: string; line: number}>();
  for (const {object: o, file, line} of loadManifests(paths, recursive, defaultNamespace)) {
    if (!o.kind) continue;
    origins.set(o, {file, line});
    if (!byKind.has(o.kind)) byKind.set(o.kind, []);
    byKind.get(o.kind)!.push(o);
  }
  return {
    live: false,
    warnings: [],
    forbiddenKinds: new Set(),
    async list(kind, namespace, group) {
      let items = byKind.get(kind) ?? [];
      if (group !== undefined) items = items.filter((o) => (o.apiVersion?.includes('/') ? o.apiVersion.split('/')[0] : '') === group);
      return namespace === undefined ? items : items.filter((o) => (o.metadata?.namespace ?? '') === namespace || !isNamespaced(o.kind, o.apiVersion));
    },
    origin: (o) => origins.get(o),
  };
}

export function liveSource(cluster: Cluster, opts: {tolerateForbidden?: boolean} = {}): ObjectSource {
  const cache = new Map<string, Promise<KubeObject[]>>();
  const warnings: string[] = [];
  const forbiddenKinds = new Set<string>();
  return {
    live: true,
    warnings,
    forbiddenKinds,
    list(kind, namespace, group) {
      const r = resourceFor(kind, group);
      const key = `${r.group}/${kind}/${r.namespaced ? namespace ?? '*' : ''}`;
      if (!cache.has(key)) {
        // Items of a live list carry no kind or apiVersion (only the List does): restore them,
        // so live objects look like the ones read from manifests.
        const apiVersion = r.group ? `${r.group}/${r.version}` : r.version;
        const listed = cluster.list(r, r.namespaced && namespace !== undefined ? namespace : null).then((items) => items.map((o) => (o.kind ? o : {...o, kind, apiVersion})));
        cache.set(key, listed.catch((error) => {
          // 404 on a collection: the resource is not served here (its CRD is not installed).
          if ((error as {status?: number}).status === 404) return [];
          if (opts.tolerateForbidden && (error as {status?: number}).status === 403) {
            forbiddenKinds.add(kind);
            warnings.push(`cannot list ${r.plural}${r.namespaced && namespace ? ` in namespace "${namespace}"` : ''} (forbidden): the answer may be incomplete`);
            return [];
          }
          throw error;
        }));
      }
      return cache.get(key)!;
    },
  };
}
