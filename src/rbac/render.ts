// The who-can report as data (-o json|yaml, documented in docs/who-can.md) and as tables.
// Both are built from the same rows, so the table never says more or less than the JSON.
import {renderTable} from '../render/table.js';
import type {Holder} from './holders.js';
import type {Verification} from './verify.js';
import type {AccessRow, DanglingBinding, Via, WhoCanReport} from './who-can.js';

export interface ReportOptions {
  directOnly?: boolean;
  /** Per row, in the order direct then indirect; present when --verify ran. */
  verifications?: Array<Verification | undefined>;
  warnings?: string[];
}

type OutRow = Omit<AccessRow, 'requests'> & {verified?: Verification};

export interface WhoCanOutput {
  secret: {name: string; namespace: string};
  direct: OutRow[];
  indirect?: OutRow[];
  holders?: Holder[];
  dangling: DanglingBinding[];
  warnings: string[];
}

export function reportData(report: WhoCanReport, o: ReportOptions = {}): WhoCanOutput {
  const verifications = o.verifications ?? [];
  const out = (rows: AccessRow[], offset: number): OutRow[] =>
    rows.map(({requests: _r, ...row}, i) => {
      const v = verifications[offset + i];
      return v ? {...row, verified: v} : row;
    });
  const data: WhoCanOutput = {secret: report.secret, direct: out(report.direct, 0), dangling: report.dangling, warnings: o.warnings ?? []};
  if (!o.directOnly) {
    data.indirect = out(report.indirect, report.direct.length);
    data.holders = report.holders;
  }
  return data;
}

export function describeVia(v: Via): string {
  const binding = v.binding.namespace ? `${v.binding.kind} ${v.binding.namespace}/${v.binding.name}` : `${v.binding.kind} ${v.binding.name}`;
  return `${binding} → ${v.role.kind} ${v.role.name}${v.group ? ` (as Group ${v.group})` : ''}`;
}

function accessLabel(row: OutRow, namespace: string, direct: boolean): string {
  if (direct && (row.access === 'list' || row.access === 'watch')) {
    return row.nameRestricted ? `${row.access} (name-restricted: only with --field-selector metadata.name)` : `${row.access} (all secrets in ${namespace})`;
  }
  return row.nameRestricted ? `${row.access} (name-restricted)` : row.access;
}

function verifiedLabel(v: Verification | undefined): string {
  if (!v) return 'unverified';
  return `${v.confirmed ? 'confirmed' : 'NOT CONFIRMED'}${v.reason ? ` (${v.reason})` : ''}`;
}

function rowTable(rows: OutRow[], namespace: string, direct: boolean, verified: boolean): string {
  const headers = ['SUBJECT KIND', 'SUBJECT', 'NAMESPACE', 'ACCESS', 'VIA'];
  if (verified) headers.push('VERIFIED');
  return renderTable(headers, rows.map((r) => {
    const cells = [r.subject.kind, r.subject.name, r.subject.namespace ?? '-', accessLabel(r, namespace, direct), r.via.length ? r.via.map(describeVia).join(', ') : 'system:masters bypasses RBAC'];
    if (verified) cells.push(verifiedLabel(r.verified));
    return cells;
  }));
}

export function reportTables(data: WhoCanOutput, verified: boolean): string {
  const {name, namespace} = data.secret;
  const parts: string[] = [];
  parts.push(`Direct readers of Secret ${namespace}/${name}:\n${rowTable(data.direct, namespace, true, verified)}`);
  if (data.indirect) {
    parts.push(data.indirect.length
      ? `Indirect paths to Secret ${namespace}/${name}:\n${rowTable(data.indirect, namespace, false, verified)}`
      : `Indirect paths to Secret ${namespace}/${name}: none found.\n`);
  }
  if (data.holders) {
    parts.push(data.holders.length
      ? `Holders of Secret ${namespace}/${name} (workloads that consume it):\n${renderTable(
        ['SUBJECT KIND', 'SUBJECT', 'NAMESPACE', 'ACCESS', 'VIA'],
        data.holders.map((h) => [h.kind, h.name, h.namespace, 'consumes the Secret', `runs as ServiceAccount ${h.serviceAccount.namespace}/${h.serviceAccount.name}`]),
      )}`
      : `Holders of Secret ${namespace}/${name}: no pod or workload in namespace ${namespace} references it.\n`);
  }
  if (data.dangling.length) {
    parts.push(`Dangling bindings (their role does not exist, so they grant nothing):\n${renderTable(
      ['BINDING KIND', 'BINDING', 'NAMESPACE', 'ROLE'],
      data.dangling.map((d) => [d.binding.kind, d.binding.name, d.binding.namespace ?? '-', `${d.roleRef.kind} ${d.roleRef.name}`]),
    )}`);
  }
  return parts.join('\n');
}
