// Server-side printing (meta.k8s.io/v1 Table) for `kubectl get`, with the columns of
// k8s.io/kubernetes/pkg/printers/internalversion for the kinds we print most; everything else
// gets Name and Age, as CRDs without additionalPrinterColumns do.
import type {ResourceType} from './registry.js';

interface Column { name: string; type: string; format?: string; priority?: number; description: string }

const NAME: Column = {name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.'};
const AGE: Column = {name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.'};

export function humanAge(ts: string | undefined): string {
  if (!ts) return '<unknown>';
  const s = Math.max(0, Math.floor((Date.now() - Date.parse(ts)) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return `${m}m${s % 60 ? `${s % 60}s` : ''}`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

function printer(kind: string): {columns: Column[]; cells: (o: any) => unknown[]} {
  const age = (o: any): string => humanAge(o.metadata?.creationTimestamp);
  switch (kind) {
    case 'Secret':
      return {columns: [NAME, {name: 'Type', type: 'string', description: 'The type of the secret'}, {name: 'Data', type: 'integer', description: 'The number of entries in the secret'}, AGE],
        cells: (o) => [o.metadata.name, o.type ?? 'Opaque', Object.keys(o.data ?? {}).length, age(o)]};
    case 'ConfigMap':
      return {columns: [NAME, {name: 'Data', type: 'integer', description: 'Number of data entries'}, AGE],
        cells: (o) => [o.metadata.name, Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length, age(o)]};
    case 'Namespace':
      return {columns: [NAME, {name: 'Status', type: 'string', description: 'The status of the namespace'}, AGE], cells: (o) => [o.metadata.name, o.status?.phase ?? 'Active', age(o)]};
    case 'ServiceAccount':
      return {columns: [NAME, {name: 'Secrets', type: 'string', description: 'Secrets'}, AGE], cells: (o) => [o.metadata.name, (o.secrets ?? []).length, age(o)]};
    case 'Deployment':
      return {columns: [NAME, {name: 'Ready', type: 'string', description: 'Number of ready pods'}, {name: 'Up-to-date', type: 'integer', description: 'Updated replicas'}, {name: 'Available', type: 'integer', description: 'Available replicas'}, AGE],
        cells: (o) => [o.metadata.name, `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`, o.status?.updatedReplicas ?? 0, o.status?.availableReplicas ?? 0, age(o)]};
    case 'StatefulSet':
      return {columns: [NAME, {name: 'Ready', type: 'string', description: 'Number of ready pods'}, AGE],
        cells: (o) => [o.metadata.name, `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`, age(o)]};
    case 'DaemonSet':
      return {columns: [NAME, ...['Desired', 'Current', 'Ready', 'Up-to-date', 'Available'].map((n) => ({name: n, type: 'integer', description: n})), AGE],
        cells: (o) => [o.metadata.name, o.status?.desiredNumberScheduled ?? 0, o.status?.currentNumberScheduled ?? 0, o.status?.numberReady ?? 0, o.status?.updatedNumberScheduled ?? 0, o.status?.numberAvailable ?? 0, age(o)]};
    case 'Pod':
      return {columns: [NAME, {name: 'Ready', type: 'string', description: 'Ready containers'}, {name: 'Status', type: 'string', description: 'Phase'}, {name: 'Restarts', type: 'string', description: 'Restarts'}, AGE],
        cells: (o) => {
          const cs: any[] = o.status?.containerStatuses ?? [];
          return [o.metadata.name, `${cs.filter((c) => c.ready).length}/${(o.spec?.containers ?? []).length}`, o.status?.phase ?? 'Pending', String(cs.reduce((n, c) => n + (c.restartCount ?? 0), 0)), age(o)];
        }};
    default:
      return {columns: [NAME, AGE], cells: (o) => [o.metadata?.name, age(o)]};
  }
}

/** True when the Accept header asks for a Table (what `kubectl get` sends). */
export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

export function toTable(t: ResourceType, objects: any[], listMeta: Record<string, unknown>, includeObject: string | null): object {
  const p = printer(t.builtin ? t.kind : '');
  return {
    kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: listMeta, columnDefinitions: p.columns.map((c) => ({priority: 0, format: '', ...c})),
    rows: objects.map((o) => {
      const row: Record<string, unknown> = {cells: p.cells(o)};
      if (includeObject === 'Object') row.object = o;
      else if (includeObject !== 'None') row.object = {kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata};
      return row;
    }),
  };
}
