// A stand-in for Bitnami's sealed-secrets controller (pkg/controller/controller.go) as seen from
// the API: for each bitnami.com SealedSecret whose spec changed it writes the Secret it controls
// (the keys of encryptedData and of the template's data; values are placeholders, since the test
// server holds no private key) and, when asked, the Synced condition. Its knobs are the ways real
// versions differ (see README.md): status writes are off unless --update-status (the default only
// from v0.17.0), some versions write status only when Synced flips, and an unseal that fails is
// retried, so a first Synced=False can turn True.
import {clone, type Store, type StoreEvent} from './store.js';
import type {Objects} from './objects.js';
import type {Registry, ResourceType} from './registry.js';

export interface BitnamiOptions {
  /** Write status.conditions Synced and observedGeneration (--update-status). Default true. */
  updateStatus?: boolean;
  /** Write status only when the Synced condition's status changes (some versions). Default false. */
  statusOnlyOnChange?: boolean;
  /** The first unseal of each object fails (Synced=False, no Secret) and is retried. Default false. */
  failFirst?: boolean;
  /** Every unseal fails (the object was sealed for another key). Default false. */
  failAlways?: boolean;
  /** Time from a change to its sync, and between retries. Default 50 ms. */
  delayMs?: number;
}

export const PLACEHOLDER = Buffer.from('unsealed-by-the-fake-controller').toString('base64');

export function runBitnamiController(reg: Registry, store: Store, objects: Objects, o: BitnamiOptions): () => void {
  const delay = o.delayMs ?? 50;
  const failed = new Set<string>();
  const seenGeneration = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  const type = (): ResourceType | undefined => reg.all().find((t) => t.group === 'bitnami.com' && t.plural === 'sealedsecrets');
  const secretType = reg.byKind('v1', 'Secret')!;
  const later = (fn: () => void, ms = delay): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const sync = (ns: string, name: string): void => {
    const t = type();
    const cur = t && store.get(t, ns, name);
    if (!t || !cur || cur.metadata.deletionTimestamp) return;
    const key = `${ns}/${name}`;
    const fail = o.failAlways || (o.failFirst && !failed.has(key));
    if (fail) {
      failed.add(key);
      writeStatus(t, cur, false);
      if (!o.failAlways) later(() => sync(ns, name), delay * 2);
      return;
    }
    const keys = [...Object.keys(cur.spec?.encryptedData ?? {}), ...Object.keys(cur.spec?.template?.data ?? {})];
    const secret = {
      apiVersion: 'v1', kind: 'Secret', type: cur.spec?.template?.type ?? 'Opaque',
      metadata: {name, namespace: ns, labels: cur.spec?.template?.metadata?.labels, ownerReferences: [{apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', name, uid: cur.metadata.uid, controller: true}]},
      // A placeholder per generation, so a re-sealed object writes the Secret again as a real unseal would.
      data: Object.fromEntries(keys.map((k) => [k, Buffer.from(`${PLACEHOLDER}:${cur.metadata.generation}`).toString('base64')])),
    };
    const live = store.get(secretType, ns, name);
    try {
      if (live) objects.update(secretType, {...secret, metadata: {...secret.metadata, resourceVersion: live.metadata.resourceVersion}}, {manager: 'sealed-secrets-controller'});
      else objects.create(secretType, secret, {manager: 'sealed-secrets-controller'});
    } catch {
      return;
    }
    writeStatus(t, cur, true);
  };

  const writeStatus = (t: ResourceType, cur: any, ok: boolean): void => {
    if (o.updateStatus === false) return;
    const before = (cur.status?.conditions ?? []).find((c: any) => c.type === 'Synced');
    const status = ok ? 'True' : 'False';
    if (o.statusOnlyOnChange && before?.status === status) return;
    const next = clone(cur);
    next.status = {
      observedGeneration: cur.metadata.generation,
      conditions: [{type: 'Synced', status, lastUpdateTime: new Date().toISOString(), ...(ok ? {} : {reason: 'ErrUnsealFailed', message: 'no key could decrypt secret (k)'})}],
    };
    try {
      objects.update(t, next, {manager: 'sealed-secrets-controller', subresource: t.status ? 'status' : undefined});
    } catch {}
  };

  const unsubscribe = store.subscribe((e: StoreEvent) => {
    const t = type();
    if (!t || e.key !== `${t.group}/${t.plural}` || e.type === 'DELETED') return;
    const md = e.object.metadata;
    const key = `${md.namespace}/${md.name}`;
    // Status writes (ours too) leave the generation alone; only spec changes are synced.
    if (seenGeneration.get(`${key}/${md.uid}`) === md.generation) return;
    seenGeneration.set(`${key}/${md.uid}`, md.generation);
    later(() => sync(md.namespace, md.name));
  });
  return () => {
    unsubscribe();
    for (const t of timers) clearTimeout(t);
    timers.clear();
  };
}
