// How a diff reads: one block per object, one line per key with kubectl-diff-like markers
// (`+ added`, `- removed`, `~ changed`, `= same`, `~ resealed (value unknown)`), then the
// metadata lines. Values appear only with showValues; the machine shape (-o json|yaml) is the
// same data with values dropped unless showValues.
import type {DiffReport, ObjectDiff} from './inputs.js';
import type {KeyDiff, MetaDiff} from './diff.js';

const MARK: Record<KeyDiff['state'], string> = {
  added: '+ added',
  removed: '- removed',
  changed: '~ changed',
  same: '= same',
  resealed: '~ resealed (value unknown)',
};

/** A value as text: JSON-quoted when it is printable UTF-8, else base64 with a prefix. */
export function showValue(v: Buffer | undefined): string {
  if (v === undefined) return '(none)';
  const s = v.toString('utf8');
  // eslint-disable-next-line no-control-regex
  if (Buffer.from(s, 'utf8').equals(v) && !/[\u0000-\u0008\u000e-\u001f\u007f]/.test(s)) return JSON.stringify(s);
  return `base64:${v.toString('base64')}`;
}

export function keyLine(k: KeyDiff, showValues: boolean): string {
  const line = `${MARK[k.state]} ${k.key}`;
  if (!showValues || k.state === 'resealed') return line;
  if (k.state === 'changed') return `${line}: ${showValue(k.from)} → ${showValue(k.to)}`;
  return `${line}: ${showValue(k.state === 'removed' ? k.from : k.to)}`;
}

export function metaLine(m: MetaDiff): string {
  if (m.bookkeeping) {
    const side = m.state === 'removed' ? `live only: ${m.from}` : m.state === 'added' ? `file only: ${m.to}` : `${m.from} → ${m.to}`;
    return `note: annotation ${m.name} (${side}) is kubectl-secret bookkeeping, not drift`;
  }
  if (m.field === 'type' || m.field === 'immutable') return `~ ${m.field}: ${m.from} → ${m.to}`;
  if (m.state === 'added') return `+ ${m.field} ${m.name}=${m.to}`;
  if (m.state === 'removed') return `- ${m.field} ${m.name}=${m.from}`;
  return `~ ${m.field} ${m.name}: ${m.from} → ${m.to}`;
}

function header(o: ObjectDiff): string {
  const id = `${o.kind} ${o.namespace}/${o.name}`;
  if (o.from.where === 'live') {
    const scheme = o.scheme ? `, ${o.scheme}` : '';
    return `${id} (${o.to.where}${scheme}):`;
  }
  return `Secret ${o.name}: ${o.from.where} → ${o.to.where}`;
}

function objectLines(o: ObjectDiff, showValues: boolean): string[] {
  const lines = [header(o)];
  const ind = '  ';
  if (o.from.where !== 'live') {
    if (!o.from.exists) lines.push(`${ind}missing in ${o.from.where}`);
    if (!o.to.exists) lines.push(`${ind}missing in ${o.to.where}`);
  } else if (!o.from.exists) {
    lines.push(o.kind === 'SealedSecret' && o.scheme === 'nacl' ? `${ind}no live SealedSecret (nacl files are applied as Secrets)` : `${ind}not in the cluster`);
  }
  if (o.synced) lines.push(`${ind}status: ${o.synced.status === 'True' ? 'Synced' : o.synced.status === 'False' ? `not synced${o.synced.reason ? ` (${o.synced.reason})` : ''}${o.synced.message ? `: ${o.synced.message}` : ''}` : `unknown: ${o.synced.message ?? ''}`}`);
  for (const m of o.metadata) lines.push(ind + metaLine(m));
  for (const k of o.keys) lines.push(ind + keyLine(k, showValues));
  if (o.values) {
    if (!o.values.compared) lines.push(`${ind}values not compared: ${o.values.reason}`);
    else {
      lines.push(`${ind}values vs live Secret ${o.namespace}/${o.name}:${o.values.liveSecret ? '' : ' (not in the cluster)'}`);
      for (const m of o.values.metadata) lines.push(ind + ind + metaLine(m));
      for (const k of o.values.keys) lines.push(ind + ind + keyLine(k, showValues));
    }
  }
  return lines;
}

export function renderDiffText(r: DiffReport, showValues: boolean): string {
  const blocks = r.objects.map((o) => objectLines(o, showValues).join('\n'));
  const differing = r.objects.filter((o) => o.differs).length;
  const summary = differing === 0 ? 'no differences' : `${differing} of ${r.objects.length} object${r.objects.length === 1 ? '' : 's'} differ${differing === 1 && r.objects.length === 1 ? 's' : ''}`;
  return `${blocks.join('\n\n')}\n\n${summary}\n`;
}

function keyData(k: KeyDiff, showValues: boolean): Record<string, string> {
  const out: Record<string, string> = {key: k.key, state: k.state};
  if (showValues && k.state !== 'resealed') {
    if (k.from) out.from = showValue(k.from);
    if (k.to) out.to = showValue(k.to);
  }
  return out;
}

/** The documented machine shape: the report with values removed unless showValues. */
export function diffData(r: DiffReport, showValues: boolean): unknown {
  return {
    differs: r.differs,
    objects: r.objects.map((o) => ({
      kind: o.kind,
      ...(o.scheme ? {scheme: o.scheme} : {}),
      name: o.name,
      namespace: o.namespace,
      from: o.from,
      to: o.to,
      differs: o.differs,
      metadata: o.metadata,
      keys: o.keys.map((k) => keyData(k, showValues)),
      ...(o.synced ? {synced: o.synced} : {}),
      ...(o.values ? {values: {...o.values, keys: o.values.keys.map((k) => keyData(k, showValues))}} : {}),
    })),
    ...(r.skipped.length ? {skipped: r.skipped} : {}),
    ...(r.warnings.length ? {warnings: r.warnings} : {}),
  };
}
