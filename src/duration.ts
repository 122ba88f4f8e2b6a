import {InputError} from './errors.js';

const UNIT_MS: Record<string, number> = {ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000};

/**
 * Parses kubectl-style durations: `30s`, `1m30s`, `5m`, `2h`, `90d`, a bare number of seconds
 * (as kubectl's --request-timeout accepts), or `0` for "no limit". Returns milliseconds.
 */
export function parseDuration(text: string, flag = 'duration'): number {
  const t = text.trim();
  if (/^\d+$/.test(t)) return Number(t) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
  let total = 0;
  let consumed = 0;
  for (const m of t.matchAll(re)) {
    if (m.index !== consumed) break;
    total += Number(m[1]) * UNIT_MS[m[2]];
    consumed += m[0].length;
  }
  if (consumed === 0 || consumed !== t.length) {
    throw new InputError(`invalid ${flag} "${text}"`, 'use a duration such as 30s, 5m, 2h or 90d');
  }
  return Math.round(total);
}

export function formatAge(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 120) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}
