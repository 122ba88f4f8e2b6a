// last-applied-secret: `kubectl apply` copies the whole object it applied into the
// kubectl.kubernetes.io/last-applied-configuration annotation, so a dumped object
// (`kubectl get -o yaml`) carries the Secret's values a second time, as JSON.
import {exemption} from './exceptions.js';
import type {ObjectView} from './object-view.js';
import {isV1Secret, secretLabel} from './plaintext-secret.js';
import type {RawFinding} from './rule.js';
import {highest, severityOf} from './severity.js';
import type {Severity} from './types.js';

export function lastAppliedSecret(view: ObjectView): RawFinding[] {
  const la = view.lastApplied;
  if (!la) return [];
  let applied: any;
  try {
    applied = JSON.parse(la.json);
  } catch {
    return [];
  }
  if (typeof applied !== 'object' || applied === null || !isV1Secret(applied)) return [];
  const keys: string[] = [];
  const severities: Severity[] = [];
  for (const field of ['data', 'stringData'] as const) {
    const m = applied[field];
    if (typeof m !== 'object' || m === null) continue;
    for (const [k, v] of Object.entries(m)) {
      const value = v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v);
      if (exemption(value, {sops: applied.sops !== undefined, base64: field === 'data'})) continue;
      keys.push(`${field}.${k}`);
      severities.push(severityOf(k, value, {base64: field === 'data'}));
    }
  }
  if (keys.length === 0) return [];
  const name = secretLabel({name: applied.metadata?.name ?? view.name, namespace: applied.metadata?.namespace ?? view.namespace});
  return [{
    rule: 'last-applied-secret',
    line: la.line,
    column: la.column,
    message: `the last-applied-configuration annotation holds values of Secret ${name}: ${keys.join(', ')}`,
    severity: highest(severities),
    anchorLine: view.anchor.line,
  }];
}
