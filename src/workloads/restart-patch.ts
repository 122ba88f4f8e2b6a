// The patch `restart` sends: kubectl rollout restart's (staging/src/k8s.io/kubectl/pkg/
// polymorphichelpers/objectrestarter.go sets spec.template.metadata.annotations
// ["kubectl.kubernetes.io/restartedAt"] = time.Now().Format(time.RFC3339), sent as a strategic
// merge patch), so `kubectl rollout status/undo/history` treat our restart as theirs; plus our
// own annotation recording which version of the Secret the pods were restarted for.
import {createHash} from 'node:crypto';
import type {KubeObject} from '../manifests/parse.js';

export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';
export const RESTARTED_FOR_PREFIX = 'kubectl-secret.dev/restarted-for.';

/** Annotation names are `prefix/name` with a name part of at most 63 characters. */
export const NAME_PART_MAX = 63;
const HASH_CHARS = 8;

/**
 * `kubectl-secret.dev/restarted-for.NAME`. Where the name part (`restarted-for.NAME`) would
 * exceed 63 characters, NAME is cut to fit and suffixed with `-` and the first 8 hex characters
 * of the SHA-256 of the full Secret name, so long names that share a beginning stay distinct.
 * The Secret name is a DNS subdomain (lower-case alphanumerics, `-`, `.`), so the result is a
 * valid annotation name; it ends with the alphanumeric hash.
 */
export function restartedForAnnotation(secretName: string): string {
  const namePart = `${RESTARTED_FOR_PREFIX.split('/')[1]}${secretName}`;
  if (namePart.length <= NAME_PART_MAX) return RESTARTED_FOR_PREFIX + secretName;
  const hash = createHash('sha256').update(secretName).digest('hex').slice(0, HASH_CHARS);
  const keep = NAME_PART_MAX - RESTARTED_FOR_PREFIX.split('/')[1].length - 1 - HASH_CHARS;
  return `${RESTARTED_FOR_PREFIX}${secretName.slice(0, keep)}-${hash}`;
}

/**
 * The version of the Secret's data that pods are restarted for. kube-apiserver records, per field
 * manager, the fields it last set and when (metadata.managedFields); the newest entry that owns
 * fields under `data` dates the last change of the data, so `<uid>/data@<time>/<manager>` moves when the
 * data does and not when only labels or annotations are edited by another manager. Limits:
 * managedFields times are whole seconds, and an entry's time also moves when the same manager
 * later edits only metadata (documented; --force covers both). Without such an entry
 * (managedFields stripped): `<uid>/<resourceVersion>`, which moves on every change. Never a value
 * or a hash of one: anyone who can read Deployments could test guesses against it.
 */
export function secretVersion(secret: KubeObject): string {
  const uid = secret.metadata?.uid ?? '';
  let latest: string | undefined;
  for (const e of secret.metadata?.managedFields ?? []) {
    const owns = e?.fieldsV1?.['f:data'] ?? e?.fieldsV1?.['f:stringData'];
    if (!owns || typeof e.time !== 'string') continue;
    // metav1.Time is RFC 3339 in UTC, so later times sort later as strings; the manager breaks
    // a tie within one second between two writers.
    const v = `${e.time}/${e.manager ?? ''}`;
    if (latest === undefined || v > latest) latest = v;
  }
  return latest ? `${uid}/data@${latest}` : `${uid}/${secret.metadata?.resourceVersion ?? ''}`;
}

/** Go's time.Now().Format(time.RFC3339): local time, whole seconds, numeric offset or Z. */
export function rfc3339(d: Date): string {
  const pad = (x: number) => String(x).padStart(2, '0');
  const off = -d.getTimezoneOffset();
  const zone = off === 0 ? 'Z' : `${off > 0 ? '+' : '-'}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${zone}`;
}

/**
 * `current` is the template's restartedAt. RFC 3339 has whole seconds, so a second restart in
 * the same second (or after the clock stepped back) would write the same value: a patch that
 * changes nothing and restarts nothing, while we report it restarted. Such a restart is
 * stamped one second after `current` instead.
 */
export function restartPatch(secretName: string, version: string, now: Date, current?: string): {spec: {template: {metadata: {annotations: Record<string, string>}}}} {
  const last = current === undefined ? NaN : Date.parse(current);
  const at = Number.isFinite(last) && Math.floor(now.getTime() / 1000) <= Math.floor(last / 1000) ? new Date(last + 1000) : now;
  return {spec: {template: {metadata: {annotations: {[RESTARTED_AT]: rfc3339(at), [restartedForAnnotation(secretName)]: version}}}}};
}

/** The restarted-for value currently on the workload's pod template, if any. */
export function currentRestartedFor(workload: KubeObject, secretName: string): string | undefined {
  return workload.spec?.template?.metadata?.annotations?.[restartedForAnnotation(secretName)];
}
