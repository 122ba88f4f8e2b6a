// Label selectors as kubectl's -l/--selector accepts them (k8s.io/apimachinery/pkg/labels
// selector.go): comma-separated requirements `k`, `!k`, `k=v`, `k==v`, `k!=v`, `k in (a,b)`,
// `k notin (a,b)`. Matched locally so restart can filter the workloads it already listed.
import {InputError} from '../errors.js';

type Requirement = {key: string; op: 'exists' | 'notexists' | 'in' | 'notin'; values: string[]};

export type LabelSelector = (labels: Record<string, string> | undefined) => boolean;

export function parseLabelSelector(text: string): LabelSelector {
  const reqs = splitRequirements(text).map(parseRequirement);
  return (labels = {}) => reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    switch (r.op) {
      case 'exists':
        return has;
      case 'notexists':
        return !has;
      case 'in':
        return has && r.values.includes(labels[r.key]);
      case 'notin':
        // As in Kubernetes, a missing label satisfies `!=` and `notin`.
        return !has || !r.values.includes(labels[r.key]);
    }
  });
}

function splitRequirements(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

const KEY = String.raw`[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?`;
const VALUE = String.raw`([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?`;

function parseRequirement(req: string): Requirement {
  let m = new RegExp(`^(!)?\\s*(${KEY})$`).exec(req);
  if (m) return {key: m[2], op: m[1] ? 'notexists' : 'exists', values: []};
  m = new RegExp(`^(${KEY})\\s*(==|=|!=)\\s*(${VALUE})$`).exec(req);
  if (m) return {key: m[1], op: m[3] === '!=' ? 'notin' : 'in', values: [m[4]]};
  m = new RegExp(`^(${KEY})\\s+(in|notin)\\s*\\(([^)]*)\\)$`).exec(req);
  if (m) {
    const values = m[4].split(',').map((v) => v.trim());
    if (values.every((v) => new RegExp(`^${VALUE}$`).test(v))) return {key: m[1], op: m[3] as 'in' | 'notin', values};
  }
  throw new InputError(`invalid label selector requirement "${req}"`, 'use e.g. app=api, tier!=db, env in (prod,staging), or !canary');
}
