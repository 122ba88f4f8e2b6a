// Label and field selectors, following k8s.io/apimachinery/pkg/labels (selector.go parser) and
// pkg/fields: comma means AND, set-based operators only exist for labels.
import {errors} from './status.js';

export type LabelRequirement =
  | {op: '=' | '!='; key: string; value: string}
  | {op: 'in' | 'notin'; key: string; values: string[]}
  | {op: 'exists' | '!'; key: string};

const KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

// A deliberate copy of src/workloads/label-selector.ts's splitting: the test server is an
// independent check of the CLI, so it shares no code with it (issue #18).
/** Splits on commas that are not inside parentheses. */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((x) => x.trim()).filter((x) => x !== '');
}

function bad(sel: string, why: string): never {
  throw errors.badRequest(`unable to parse requirement: ${why} (selector "${sel}")`);
}

function checkKey(sel: string, key: string): string {
  if (!KEY.test(key) || key.length > 316) bad(sel, `invalid label key "${key}"`);
  return key;
}

function checkValue(sel: string, v: string): string {
  if (!VALUE.test(v) || v.length > 63) bad(sel, `invalid label value: "${v}"`);
  return v;
}

export function parseLabelSelector(sel: string | null | undefined): LabelRequirement[] {
  if (!sel) return [];
  const reqs: LabelRequirement[] = [];
  for (const part of splitTop(sel)) {
    let m: RegExpMatchArray | null;
    if ((m = part.match(/^!\s*(\S+)$/))) reqs.push({op: '!', key: checkKey(sel, m[1])});
    else if ((m = part.match(/^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/))) {
      const values = m[3].split(',').map((v) => v.trim()).filter((v, i, a) => v !== '' || a.length === 1);
      values.forEach((v) => checkValue(sel, v));
      reqs.push({op: m[2] as 'in' | 'notin', key: checkKey(sel, m[1]), values});
    } else if ((m = part.match(/^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/))) {
      reqs.push({op: m[2] === '!=' ? '!=' : '=', key: checkKey(sel, m[1]), value: checkValue(sel, m[3])});
    } else if ((m = part.match(/^([^=!\s()]+)$/))) reqs.push({op: 'exists', key: checkKey(sel, m[1])});
    else bad(sel, `found '${part}', expected: !, identifier, or 'end of string'`);
  }
  return reqs;
}

export function matchLabels(reqs: LabelRequirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case '=': return has && l[r.key] === r.value;
      case '!=': return !has || l[r.key] !== r.value;
      case 'in': return has && r.values.includes(l[r.key]);
      case 'notin': return !has || !r.values.includes(l[r.key]);
      case 'exists': return has;
      case '!': return !has;
    }
  });
}

export interface FieldRequirement { field: string; op: '=' | '!='; value: string }

export function parseFieldSelector(sel: string | null | undefined, allowed: string[], kindForMessage: string): FieldRequirement[] {
  if (!sel) return [];
  const reqs: FieldRequirement[] = [];
  for (const part of splitTop(sel)) {
    const m = part.match(/^([^=!]+?)\s*(==|=|!=)\s*(.*)$/);
    if (!m) throw errors.badRequest(`invalid selector: '${sel}'; can't understand '${part}'`);
    const field = m[1].trim();
    if (field !== 'metadata.name' && field !== 'metadata.namespace' && !allowed.includes(field)) {
      throw errors.badRequest(`field label not supported: ${field}`);
    }
    reqs.push({field, op: m[2] === '!=' ? '!=' : '=', value: m[3].trim()});
  }
  void kindForMessage;
  return reqs;
}

function fieldValue(obj: any, field: string): string {
  if (field === 'source') return String(obj?.source?.component ?? obj?.reportingComponent ?? '');
  let cur = obj;
  for (const k of field.split('.')) cur = cur?.[k];
  if (cur === undefined || cur === null) return '';
  return String(cur);
}

export function matchFields(reqs: FieldRequirement[], obj: any): boolean {
  return reqs.every((r) => (fieldValue(obj, r.field) === r.value) === (r.op === '='));
}

/** A label selector object (matchLabels/matchExpressions) as used in workload specs. */
export function matchLabelSelectorObject(sel: any, labels: Record<string, string> | undefined): boolean {
  if (!sel) return false;
  const reqs: LabelRequirement[] = [];
  for (const [key, value] of Object.entries(sel.matchLabels ?? {})) reqs.push({op: '=', key, value: String(value)});
  for (const e of sel.matchExpressions ?? []) {
    const op = String(e.operator);
    if (op === 'In') reqs.push({op: 'in', key: e.key, values: e.values ?? []});
    else if (op === 'NotIn') reqs.push({op: 'notin', key: e.key, values: e.values ?? []});
    else if (op === 'Exists') reqs.push({op: 'exists', key: e.key});
    else if (op === 'DoesNotExist') reqs.push({op: '!', key: e.key});
  }
  return matchLabels(reqs, labels);
}
