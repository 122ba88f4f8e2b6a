// What one file adds to a scan report, as a value: the same step for the sequential loop
// (inputs.ts) and for the worker threads of a large scan (parallel.ts), so both can only give the
// same report. The outcomes are merged in the order the files were listed (applyOutcome).
import {mightFind} from './documents.js';
import type {FileRead, SkipReason, SourceFile} from './files.js';
import {privateKey} from './private-key.js';
import {HINTS, type Finding, type KustomizeReference, type RuleId, type ScanWarning} from './types.js';
import {MATERIAL_NAMES, secretMaterial} from './unparseable-secret.js';

export interface FileStepContext {
  rules: ReadonlySet<RuleId>;
  /** Repository-relative path → the generators that read it. */
  references: ReadonlyMap<string, KustomizeReference[]>;
  /** `.kubectl-secret.yaml` scan.allow as a matcher. */
  allow?: (path: string) => boolean;
  maxFileSize: number;
}

/** Plain data (findings hold names and positions only), so it can cross from a worker thread. */
export type FileOutcome =
  /** Gone since it was listed: nothing was there to scan. */
  | {kind: 'gone'}
  | {kind: 'skipped'; reason: SkipReason; warning?: ScanWarning}
  /** Too large or not text; a finding when it may hold Secret material. */
  | {kind: 'unscannable'; reason: 'too-large' | 'binary'; finding?: Finding}
  | {kind: 'scanned'; findings: Finding[]; warnings: ScanWarning[]};

type ScanTextFn = typeof import('./scan.js').scanText;
// The YAML readers and the rules are loaded only once some file could hold a finding.
let scanText: ScanTextFn | undefined;

export async function fileOutcome(f: SourceFile, r: FileRead | undefined, o: FileStepContext): Promise<FileOutcome> {
  if (!r) return {kind: 'gone'};
  if ('skipped' in r) {
    // Fail closed: a file the scan could not open may hold anything, so it is said, not only counted.
    return r.skipped === 'unreadable' ? {kind: 'skipped', reason: r.skipped, warning: {file: f.display, message: `${r.why}; not scanned for Secrets`}} : {kind: 'skipped', reason: r.skipped};
  }
  if ('tooLarge' in r || 'binary' in r) {
    // Fail closed: a file the rules cannot read is a finding when it may hold Secret material.
    const why = unreadable(r, o.references.has(f.path), o.maxFileSize);
    const reason = 'tooLarge' in r ? 'too-large' : 'binary';
    if (!why || !o.rules.has('unparseable-secret')) return {kind: 'unscannable', reason};
    const finding: Finding = {rule: 'unparseable-secret', severity: 'high', file: f.display, line: why.line, column: 1, message: why.message, hint: HINTS['unparseable-secret']};
    if (o.allow?.(f.path)) finding.suppressed = 'config';
    return {kind: 'unscannable', reason, finding};
  }
  if (!mightFind(f.path, r.text, o.references.has(f.path))) return {kind: 'scanned', findings: [], warnings: []};
  scanText ??= (await import('./scan.js')).scanText;
  const res = scanText(f.path, r.text, {display: f.display, rules: o.rules, references: o.references, allow: o.allow});
  return {kind: 'scanned', findings: res.findings, warnings: res.warnings};
}

/** The parts of a report the per-file outcomes add up to. */
export interface OutcomeTotals {
  findings: Finding[];
  warnings: ScanWarning[];
  scanned: number;
  skipped: number;
  skippedBy: Record<SkipReason, number>;
  files: Map<string, SourceFile>;
}

export function applyOutcome(report: OutcomeTotals, f: SourceFile, out: FileOutcome): void {
  switch (out.kind) {
    case 'gone':
      return;
    case 'skipped':
      report.skipped++;
      report.skippedBy[out.reason]++;
      if (out.warning) report.warnings.push(out.warning);
      return;
    case 'unscannable':
      report.skipped++;
      report.skippedBy[out.reason]++;
      if (out.finding) {
        report.findings.push(out.finding);
        report.files.set(f.display, f);
      }
      return;
    case 'scanned':
      report.scanned++;
      report.files.set(f.display, f);
      report.findings.push(...out.findings);
      report.warnings.push(...out.warnings);
  }
}

function unreadable(r: Extract<FileRead, {tooLarge: number} | {binary: string}>, referenced: boolean, max: number): {line: number; message: string} | undefined {
  if ('tooLarge' in r) {
    if (!r.probe.material && !referenced) return undefined;
    const what = !r.probe.material ? 'is read by a secretGenerator' : r.probe.command ? 'may hold a kubectl create secret command line with a value' : 'may hold Secret material';
    return {line: r.probe.line ?? 1, message: `the file is ${r.tooLarge} bytes, over --max-file-size (${max}), and ${what}: it was not scanned (scan it with --max-file-size ${r.tooLarge} or more)`};
  }
  let material = secretMaterial(r.binary);
  // The armour alone is a string in every TLS library, and so in many binaries: a key needs a body.
  if (material === 'armour' && privateKey(r.binary).length === 0) material = undefined;
  if (!material && !referenced) return undefined;
  return {line: r.nulLine, message: `the file is not text (a NUL byte on line ${r.nulLine}) and ${material ? `may hold ${MATERIAL_NAMES[material]}` : 'is read by a secretGenerator'}: it could not be scanned`};
}
