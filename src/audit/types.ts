// The vocabulary of `audit`: finding ids, severities and the report every output is made from.
// The ids and the JSON shape are a public contract (docs/audit.md): add, never rename.

import type {KubeObject} from '../manifests/parse.js';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const FINDING_IDS = ['stale', 'broad-readers', 'env-exposure', 'unused', 'legacy-sa-token', 'automount', 'unsealed-source', 'api-read'] as const;
export type FindingId = (typeof FINDING_IDS)[number];

/** One severity per finding type, so a --fail-on threshold means the same on every cluster. */
export const SEVERITY_OF: Record<FindingId, Severity> = {
  'broad-readers': 'critical',
  'legacy-sa-token': 'high',
  'unsealed-source': 'high',
  'env-exposure': 'medium',
  stale: 'medium',
  automount: 'low',
  unused: 'low',
  'api-read': 'info',
};

export interface Finding {
  id: FindingId;
  severity: Severity;
  /** Names, counts and ages only: never a value. */
  message: string;
}

export interface SecretResult {
  namespace: string;
  name: string;
  findings: Finding[];
}

export type SeverityCounts = Record<Severity, number>;

export interface NamespaceSummary {
  namespace: string;
  secrets: number;
  findings: SeverityCounts;
  score: number;
}

export interface AuditSummary {
  secrets: number;
  findings: SeverityCounts;
  score: number;
  namespaces: NamespaceSummary[];
  warnings: string[];
  /** What could not be read (forbidden lists): when not empty the audit is incomplete and exits 3. */
  unreadable: string[];
}

export interface AuditReport {
  secrets: SecretResult[];
  summary: AuditSummary;
}

/** 0 is the most severe. */
export const rank = (s: Severity): number => SEVERITIES.indexOf(s);

/** Whether `s` is at or above the threshold. */
export const atOrAbove = (s: Severity, threshold: Severity): boolean => rank(s) <= rank(threshold);

/** What audit reads, each kind listed once for the whole scope (inputs.ts gathers it). */
export interface AuditInputs {
  secrets: KubeObject[];
  roles: KubeObject[];
  roleBindings: KubeObject[];
  clusterRoles: KubeObject[];
  clusterRoleBindings: KubeObject[];
  serviceAccounts: KubeObject[];
  workloads: KubeObject[];
  ingresses: KubeObject[];
  /** Objects that name Secrets outside pod specs (cert-manager, External Secrets, Flux, Prometheus Operator, webhooks). */
  referencing: KubeObject[];
  /** Both schemes: bitnami.com and kubectl-secret.dev. */
  sealedSecrets: KubeObject[];
  /** Compute ClusterRole aggregation (manifests); a live cluster's `.rules` are already aggregated. */
  aggregate: boolean;
  /** Role kinds we could not list: a roleRef to them is unknown, not dangling. */
  unavailable: string[];
  warnings: string[];
  /** What could not be read (forbidden): the audit is incomplete, and says so with exit 3. */
  unreadable: string[];
  /** The namespace audited (undefined: all): workloads elsewhere were not read. */
  scope?: string;
}
