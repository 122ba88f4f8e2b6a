// How `consumers` reads: the table's rows and the documented -o json|yaml shape, from the
// report inputs.ts builds.
import type {ConsumerRef} from './consumers.js';
import type {ConsumersReport} from './inputs.js';
import type {ResourceReference} from './resource-references.js';

/** The -o json|yaml entry: exactly the documented fields, optional ones only when they apply. */
export interface ConsumerJson {
  kind: string;
  name: string;
  namespace: string;
  container?: string;
  via: ConsumerRef['via'];
  key?: string;
  mountPath?: string;
  optional: boolean;
}

export function consumerJson(r: ConsumerRef): ConsumerJson {
  return {
    kind: r.kind,
    name: r.name,
    namespace: r.namespace,
    ...(r.container !== undefined ? {container: r.container} : {}),
    via: r.via,
    ...(r.via === 'env' && r.key !== undefined ? {key: r.key} : {}),
    ...(r.mountPath !== undefined ? {mountPath: r.mountPath} : {}),
    optional: r.optional,
  };
}

export function reportJson(report: ConsumersReport): {consumers: ConsumerJson[]; usedBy?: Array<{kind: string; name: string; namespace?: string}>; sealedSecret?: {apiVersion: string; name: string; namespace: string}} {
  const s = report.sealedSecret;
  return {
    consumers: report.consumers.map(consumerJson),
    ...(report.usedBy.length ? {usedBy: report.usedBy.map((r) => ({kind: r.kind, name: r.name, ...(r.objectNamespace ? {namespace: r.objectNamespace} : {})}))} : {}),
    ...(s ? {sealedSecret: {apiVersion: s.apiVersion, name: s.name, namespace: s.namespace}} : {}),
  };
}

/** `used by Certificate/web`: what reads the Secret without a pod spec naming it. */
export function usedByLine(r: ResourceReference): string {
  return `used by ${r.kind}/${r.objectNamespace ? `${r.objectNamespace}/` : ''}${r.name} (its operator reads the Secret; not restarted)`;
}

/** The HOW column: what the pod does with the Secret, in the words of its spec. */
export function describeHow(r: ConsumerRef): string {
  switch (r.via) {
    case 'env':
      return `env ${r.envVar ?? '?'} ← key ${r.key ?? '?'}`;
    case 'envFrom':
      return r.prefix ? `envFrom (prefix ${r.prefix})` : 'envFrom';
    case 'volume':
    case 'projected': {
      const what = r.via === 'projected' ? `projected volume ${r.volume}` : `volume ${r.volume}`;
      return r.mountPath !== undefined ? `${what} at ${r.mountPath}` : `${what} (not mounted)`;
    }
    case 'imagePullSecret':
      return 'imagePullSecret';
    case 'serviceAccountImagePullSecret':
      return `imagePullSecret of ServiceAccount ${r.serviceAccount}`;
  }
}

export const CONSUMER_COLUMNS = ['KIND', 'NAME', 'CONTAINER', 'HOW', 'OPTIONAL'];

export function consumerRow(r: ConsumerRef): string[] {
  return [r.kind, r.name, r.container ?? '<none>', describeHow(r), String(r.optional)];
}
