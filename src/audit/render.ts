// The table and the -o json data of `audit`. Both come from the same report; the JSON shape is
// the documented contract: {secrets: [{namespace, name, findings: [{id, severity, message}]}], summary}.
import {renderTable} from '../render/table.js';
import {SEVERITIES, type AuditReport, type SeverityCounts} from './types.js';

export function auditJson(report: AuditReport): AuditReport {
  return {
    secrets: report.secrets.map((s) => ({namespace: s.namespace, name: s.name, findings: s.findings.map((f) => ({id: f.id, severity: f.severity, message: f.message}))})),
    summary: report.summary,
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
// info is shown only when there is some, so a cluster without any reads as before.
const counts = (c: SeverityCounts) => SEVERITIES.filter((s) => s !== 'info' || c.info > 0).map((s) => `${c[s]} ${s}`).join(', ');

export function auditTable(report: AuditReport): string {
  const rows = report.secrets.flatMap((s) => s.findings.map((f) => [s.namespace, s.name, f.severity.toUpperCase(), f.id, f.message]));
  const head = rows.length > 0 ? renderTable(['NAMESPACE', 'SECRET', 'SEVERITY', 'FINDING', 'MESSAGE'], rows) : report.secrets.length > 0 ? 'No findings.\n' : 'No Secrets found.\n';
  const lines = report.summary.namespaces.map((n) => `${n.namespace}: ${plural(n.secrets, 'Secret')}, score ${n.score}/100 (${counts(n.findings)})`);
  const s = report.summary;
  if (s.namespaces.length > 1) lines.push(`total: ${plural(s.secrets, 'Secret')} in ${plural(s.namespaces.length, 'namespace')}, score ${s.score}/100 (${counts(s.findings)})`);
  return lines.length > 0 ? `${head}\n${lines.join('\n')}\n` : head;
}
