// Offline ClusterRole aggregation. On a live cluster the controller has already written the
// aggregated rules into `.rules`; in manifests they are usually empty (`rules: null`), so we
// compute them as kubernetes pkg/controller/clusterroleaggregation does: an aggregated role's
// rules become the union of the rules of every other ClusterRole its selectors match, roles in
// name order, duplicates dropped. The controller re-runs whenever any ClusterRole changes, so
// aggregation chains (view -> edit -> admin) settle; we iterate to the same fixed point.
import type {PolicyRule} from './match.js';

export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[] | null;
}

export interface LabelSelector {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: LabelSelectorRequirement[] | null;
}

export interface ClusterRoleLike {
  name: string;
  labels: Record<string, string>;
  rules: PolicyRule[];
  aggregationRule?: {clusterRoleSelectors?: LabelSelector[] | null} | null;
}

/**
 * metav1.LabelSelectorAsSelector semantics: an empty selector matches everything; an unknown
 * operator makes the selector invalid, and the controller then aggregates nothing for it.
 */
export function selectorMatches(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(labels[e.key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[e.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** equality.Semantic.DeepEqual on PolicyRules: field order fixed, nil and empty lists equal. */
const ruleKeys = new WeakMap<PolicyRule, string>();
function ruleKey(r: PolicyRule): string {
  let k = ruleKeys.get(r);
  if (k === undefined) ruleKeys.set(r, (k = JSON.stringify([r.verbs ?? [], r.apiGroups ?? [], r.resources ?? [], r.resourceNames ?? [], r.nonResourceURLs ?? []])));
  return k;
}

/** Returns the rules of every ClusterRole after aggregation, by name. Roles without an aggregationRule keep theirs. */
export function aggregateClusterRoles(roles: ClusterRoleLike[]): Map<string, PolicyRule[]> {
  const sorted = [...roles].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const rules = new Map<string, PolicyRule[]>(sorted.map((r) => [r.name, r.rules]));
  const aggregated = sorted.filter((r) => r.aggregationRule);
  if (aggregated.length === 0) return rules;
  // Which roles each aggregated role selects never changes (labels are fixed), so match once.
  const selected = new Map<string, ClusterRoleLike[][]>();
  for (const agg of aggregated) {
    selected.set(agg.name, (agg.aggregationRule!.clusterRoleSelectors ?? []).map((sel) => sorted.filter((r) => r.name !== agg.name && selectorMatches(sel, r.labels))));
  }
  // Each pass can only push rules one link further along a chain, so chains settle within
  // one pass per aggregated role; the extra pass confirms nothing changed.
  for (let pass = 0; pass <= aggregated.length; pass++) {
    let changed = false;
    for (const agg of aggregated) {
      const out: PolicyRule[] = [];
      const seen = new Set<string>();
      for (const group of selected.get(agg.name)!) {
        for (const r of group) {
          for (const rule of rules.get(r.name) ?? []) {
            const k = ruleKey(rule);
            if (seen.has(k)) continue;
            seen.add(k);
            out.push(rule);
          }
        }
      }
      const before = rules.get(agg.name) ?? [];
      if (before.length !== out.length || before.some((r, i) => ruleKey(r) !== ruleKey(out[i]))) {
        rules.set(agg.name, out);
        changed = true;
      }
    }
    if (!changed) break;
  }
  return rules;
}
