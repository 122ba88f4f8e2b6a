// audit: one secret-hygiene report from what the other commands compute — consumers for
// env/automount/unused, who-can for readers, the SealedSecret owner lookup for unsealed
// sources. Pure: objects in, report out. Every object is indexed once, so the work grows with
// the number of objects, not with Secrets × bindings.
import type {KubeObject} from '../manifests/parse.js';
import type {Consumer} from '../rbac/holders.js';
import {consumingWorkloads, isTopLevelWorkload, podSpecOf, secretReferences, serviceAccountIndex, type ConsumerRef} from '../workloads/consumers.js';
import {CHECKS, type SecretContext} from './checks.js';
import type {AuditInputs} from './types.js';
import {readersIndex} from './read-access.js';
import {referencesBySecret} from '../workloads/resource-references.js';
import {SEVERITIES, rank, type AuditReport, type NamespaceSummary, type SecretResult, type Severity, type SeverityCounts} from './types.js';

export interface AuditOptions {
  now: number;
  maxAgeMs: number;
  expectSealed: boolean;
}

/** What one finding takes off a Secret's score of 100 (docs/audit.md). */
export const SCORE_WEIGHT: Record<Severity, number> = {critical: 60, high: 30, medium: 10, low: 3, info: 0};

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const nsName = (o: KubeObject) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

export function audit(inputs: AuditInputs, opts: AuditOptions): AuditReport {
  const serviceAccounts = serviceAccountIndex(inputs.serviceAccounts);
  // Every workload's references, once: namespace/secret → references.
  const refsBySecret = new Map<string, ConsumerRef[]>();
  const workloads = new Map<string, KubeObject>();
  for (const w of inputs.workloads) {
    if (!isTopLevelWorkload(w)) continue;
    const ns = w.metadata?.namespace ?? '';
    workloads.set(`${w.kind}/${ns}/${w.metadata?.name ?? ''}`, w);
    for (const r of secretReferences(w, serviceAccounts)) push(refsBySecret, `${ns}/${r.secret}`, r);
  }
  const tlsOf = new Map<string, string[]>();
  for (const ing of inputs.ingresses) {
    const ns = ing.metadata?.namespace ?? '';
    for (const t of Array.isArray(ing.spec?.tls) ? ing.spec.tls : []) if (t?.secretName) push(tlsOf, `${ns}/${t.secretName}`, ing.metadata?.name ?? '');
  }
  const pullSecretOf = new Map<string, string[]>();
  for (const sa of inputs.serviceAccounts) {
    const ns = sa.metadata?.namespace ?? '';
    for (const p of Array.isArray(sa.imagePullSecrets) ? sa.imagePullSecrets : []) if (p?.name) push(pullSecretOf, `${ns}/${p.name}`, sa.metadata?.name ?? '');
  }
  const usedBy = referencesBySecret(inputs.referencing);
  // The ServiceAccounts running workloads use, each with the first workload found: a Secret they
  // may read through the API is in use even when nothing names it (Argo CD reads argocd-secret so).
  const runningSa = new Map<string, string>();
  for (const w of workloads.values()) {
    if (!isRunning(w)) continue;
    const spec = podSpecOf(w);
    const k = `${w.metadata?.namespace ?? ''}/${spec?.serviceAccountName || spec?.serviceAccount || 'default'}`;
    if (!runningSa.has(k)) runningSa.set(k, `${w.kind} ${w.metadata?.namespace ?? ''}/${w.metadata?.name ?? ''}`);
  }
  const sealedByName = new Map<string, KubeObject[]>();
  for (const s of inputs.sealedSecrets) push(sealedByName, nsName(s), s);

  const workloadOf = (namespace: string) => (kind: string, name: string) => workloads.get(`${kind}/${namespace}/${name}`);
  const holdersOf = (namespace: string, secretName: string): Consumer[] =>
    consumingWorkloads(refsBySecret.get(`${namespace}/${secretName}`) ?? []).map((w) => {
      const spec = podSpecOf(workloads.get(`${w.kind}/${namespace}/${w.name}`) ?? {});
      return {kind: w.kind, name: w.name, namespace, serviceAccountName: spec?.serviceAccountName || spec?.serviceAccount || undefined};
    });
  const readers = readersIndex(inputs, holdersOf);

  const secrets = [...inputs.secrets].sort((a, b) => cmp(a.metadata?.namespace ?? '', b.metadata?.namespace ?? '') || cmp(a.metadata?.name ?? '', b.metadata?.name ?? ''));
  const results: SecretResult[] = secrets.map((secret) => {
    const namespace = secret.metadata?.namespace ?? '';
    const name = secret.metadata?.name ?? '';
    const key = `${namespace}/${name}`;
    const ctx: SecretContext = {
      secret,
      namespace,
      name,
      refs: refsBySecret.get(key) ?? [],
      workload: workloadOf(namespace),
      serviceAccount: (sa) => serviceAccounts.get(`${namespace}/${sa}`),
      ingresses: tlsOf.get(key) ?? [],
      pullSecretOf: pullSecretOf.get(key) ?? [],
      sealedSecrets: sealedByName.get(key) ?? [],
      usedBy: (usedBy.get(key) ?? []).map((r) => `${r.kind}/${r.objectNamespace ? `${r.objectNamespace}/` : ''}${r.name}`),
      readers: () => readers(namespace, name),
      runningWorkloadOf: (sa) => runningSa.get(sa),
      scope: inputs.scope,
      ...opts,
    };
    const findings = CHECKS.map((check) => check(ctx)).filter((f) => f !== undefined);
    findings.sort((a, b) => rank(a.severity) - rank(b.severity));
    return {namespace, name, findings};
  });
  return {secrets: results, summary: {...summarize(results, inputs.warnings), unreadable: inputs.unreadable}};
}

/** Scaled to zero or suspended: nothing of it runs to read a Secret. */
function isRunning(w: KubeObject): boolean {
  if (w.kind === 'CronJob') return w.spec?.suspend !== true;
  if (w.kind === 'Pod') return w.status?.phase !== 'Succeeded' && w.status?.phase !== 'Failed';
  return w.spec?.replicas !== 0;
}

const zero = (): SeverityCounts => ({critical: 0, high: 0, medium: 0, low: 0, info: 0});

/** A Secret scores 100 minus the weight of each of its findings (at least 0); a namespace, the mean of its Secrets. */
export function secretScore(r: SecretResult): number {
  return Math.max(0, 100 - r.findings.reduce((sum, f) => sum + SCORE_WEIGHT[f.severity], 0));
}

function summarize(results: SecretResult[], warnings: string[]): Omit<AuditReport['summary'], 'unreadable'> {
  const byNs = new Map<string, SecretResult[]>();
  for (const r of results) push(byNs, r.namespace, r);
  const mean = (rs: SecretResult[]) => (rs.length === 0 ? 100 : Math.round(rs.reduce((s, r) => s + secretScore(r), 0) / rs.length));
  const count = (rs: SecretResult[]) => {
    const c = zero();
    for (const r of rs) for (const f of r.findings) c[f.severity]++;
    return c;
  };
  const namespaces: NamespaceSummary[] = [...byNs].map(([namespace, rs]) => ({namespace, secrets: rs.length, findings: count(rs), score: mean(rs)}));
  return {secrets: results.length, findings: count(results), score: mean(results), namespaces, warnings};
}

/** The most severe finding in the report, if any. */
export function worstSeverity(report: AuditReport): Severity | undefined {
  return SEVERITIES.find((s) => report.summary.findings[s] > 0);
}
