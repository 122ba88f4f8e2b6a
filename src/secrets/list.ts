// The rows of `kubectl secret list`: names, types, key names and ages — never values.
import {formatAge} from '../duration.js';
import type {KubeObject} from '../manifests/parse.js';

import {ROTATED_AT} from './annotations.js';

export interface SecretSummary {
  name: string;
  namespace: string;
  type: string;
  keys: string[];
  created?: string;
  rotatedAt?: string;
  immutable: boolean;
}

export function summarizeSecret(o: KubeObject): SecretSummary {
  return {
    name: o.metadata?.name ?? '',
    namespace: o.metadata?.namespace ?? '',
    type: o.type ?? 'Opaque',
    keys: Object.keys({...(o.data ?? {}), ...(o.stringData ?? {})}).sort(),
    created: o.metadata?.creationTimestamp,
    rotatedAt: o.metadata?.annotations?.[ROTATED_AT],
    immutable: o.immutable === true,
  };
}

export function summaryRow(s: SecretSummary, now = Date.now()): string[] {
  const age = (t?: string) => (t && !Number.isNaN(Date.parse(t)) ? formatAge(now - Date.parse(t)) : '<none>');
  return [s.name, s.type, String(s.keys.length), s.keys.join(',') || '<none>', age(s.created), s.rotatedAt ? age(s.rotatedAt) : '<never>'];
}
