// The SealedSecret's status: one `Synced` condition and observedGeneration. Conditions follow
// metav1.Condition and are set with the rules of apimachinery's meta.SetStatusCondition
// (k8s.io/apimachinery/pkg/api/meta/conditions.go): lastTransitionTime moves only when the
// status flips, so a resync that finds nothing new writes nothing.
import type {KubeObject} from '../manifests/parse.js';

export const SYNCED = 'Synced';

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

/** metav1.Time: RFC 3339 in whole seconds. */
export const metaTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

/** Returns whether anything changed; mutates `conditions` as SetStatusCondition does. */
export function setStatusCondition(conditions: Condition[], next: Condition, now: number): boolean {
  const existing = conditions.find((c) => c.type === next.type);
  if (!existing) {
    conditions.push({...next, lastTransitionTime: next.lastTransitionTime ?? metaTime(now)});
    return true;
  }
  let changed = false;
  if (existing.status !== next.status) {
    existing.status = next.status;
    existing.lastTransitionTime = next.lastTransitionTime ?? metaTime(now);
    changed = true;
  }
  if (existing.reason !== next.reason) {
    existing.reason = next.reason;
    changed = true;
  }
  if (existing.message !== next.message) {
    existing.message = next.message;
    changed = true;
  }
  if (existing.observedGeneration !== next.observedGeneration) {
    existing.observedGeneration = next.observedGeneration;
    changed = true;
  }
  return changed;
}

/**
 * The status the SealedSecret should carry, or undefined when it already does. `generation` is
 * the one the result was reconciled from (default: the object's own).
 */
export function nextStatus(sealed: KubeObject, synced: {ok: boolean; reason: string; message: string}, now: number, reconciled?: number): Record<string, any> | undefined {
  const generation = reconciled ?? (Number(sealed.metadata?.generation ?? 0) || undefined);
  const status = structuredClone(sealed.status ?? {}) as {conditions?: Condition[]; observedGeneration?: number};
  const conditions = Array.isArray(status.conditions) ? status.conditions : [];
  const changed = setStatusCondition(conditions, {type: SYNCED, status: synced.ok ? 'True' : 'False', reason: synced.reason, message: synced.message, observedGeneration: generation}, now);
  if (!changed && status.observedGeneration === generation) return undefined;
  return {...status, conditions, observedGeneration: generation};
}
