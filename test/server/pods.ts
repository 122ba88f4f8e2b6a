// Pods of StatefulSets and DaemonSets, kept as their controllers keep them
// (pkg/controller/statefulset, pkg/controller/daemon), off unless a test turns the knob on
// (`server.workloadPods()`, README.md): one pod per ordinal (`<name>-<i>`) or per simulated node,
// labelled with the template's labels and `controller-revision-hash`, owned by the workload. After
// a template change a RollingUpdate replaces the outdated pods (a StatefulSet only those at or
// above `rollingUpdate.partition`); `OnDelete` replaces none: a pod gets the new template only
// when it is deleted, and comes back Pending, then Ready one step later.
import {clone, type Store, type StoreEvent} from './store.js';
import type {Objects} from './objects.js';
import type {Registry, ResourceType} from './registry.js';
import {templateHash} from './rollout.js';

const NODES = 2;
const REVISION = 'controller-revision-hash';

export function runWorkloadPods(reg: Registry, store: Store, objects: Objects, stepMs: number): () => void {
  const podType = reg.byKind('v1', 'Pod')!;
  const types = {StatefulSet: reg.byKind('apps/v1', 'StatefulSet')!, DaemonSet: reg.byKind('apps/v1', 'DaemonSet')!} as Record<string, ResourceType>;
  const timers = new Set<NodeJS.Timeout>();
  const later = (fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, stepMs);
    timers.add(t);
  };

  const podNames = (kind: string, w: any): Array<{name: string; ordinal: number}> => {
    if (kind === 'DaemonSet') return Array.from({length: NODES}, (_, i) => ({name: `${w.metadata.name}-node${i}`, ordinal: i}));
    const start = Number(w.spec?.ordinals?.start ?? 0);
    return Array.from({length: Number(w.spec?.replicas ?? 1)}, (_, i) => ({name: `${w.metadata.name}-${start + i}`, ordinal: start + i}));
  };

  const reconcile = (kind: string, ns: string, name: string): void => {
    const w = store.get(types[kind], ns, name);
    if (!w || w.metadata.deletionTimestamp) return;
    const rev = `${name}-${templateHash(w)}`;
    const strategy = w.spec?.updateStrategy ?? {};
    const onDelete = strategy.type === 'OnDelete';
    const partition = kind === 'StatefulSet' ? Number(strategy.rollingUpdate?.partition ?? 0) : 0;
    for (const {name: podName, ordinal} of podNames(kind, w)) {
      const pod = store.get(podType, ns, podName);
      if (!pod) {
        objects.create(podType, {
          apiVersion: 'v1', kind: 'Pod',
          metadata: {name: podName, namespace: ns, labels: {...w.spec?.template?.metadata?.labels, [REVISION]: rev}, annotations: w.spec?.template?.metadata?.annotations,
            ownerReferences: [{apiVersion: 'apps/v1', kind, name, uid: w.metadata.uid, controller: true, blockOwnerDeletion: true}]},
          spec: clone(w.spec?.template?.spec ?? {}), status: {phase: 'Pending'},
        }, {direct: true, manager: 'kube-controller-manager'});
        later(() => ready(ns, podName));
        continue;
      }
      const outdated = pod.metadata.labels?.[REVISION] !== rev;
      if (outdated && !onDelete && ordinal >= partition) objects.delete(podType, ns, podName);
    }
  };

  const ready = (ns: string, podName: string): void => {
    const pod = store.get(podType, ns, podName);
    if (!pod) return;
    const next = clone(pod);
    next.status = {phase: 'Running', conditions: [{type: 'Ready', status: 'True'}, {type: 'ContainersReady', status: 'True'}]};
    objects.update(podType, next, {direct: true, manager: 'kubelet', subresource: 'status'});
  };

  const unsubscribe = store.subscribe((e: StoreEvent) => {
    const md = e.object.metadata;
    if (e.key === 'apps/statefulsets' || e.key === 'apps/daemonsets') {
      if (e.type !== 'DELETED') later(() => reconcile(e.key === 'apps/statefulsets' ? 'StatefulSet' : 'DaemonSet', md.namespace, md.name));
      return;
    }
    if (e.key !== '/pods' || e.type !== 'DELETED') return;
    const owner = (md.ownerReferences ?? []).find((r: any) => r.controller && types[r.kind]);
    if (owner) later(() => reconcile(owner.kind, md.namespace, owner.name));
  });
  for (const kind of Object.keys(types)) for (const w of store.list(types[kind])) reconcile(kind, w.metadata.namespace, w.metadata.name);
  return () => {
    unsubscribe();
    for (const t of timers) clearTimeout(t);
    timers.clear();
  };
}
