// The human and JSON renderings of a scan. Both are built from findings only (names, keys,
// positions), never from file contents.
import type {SkipReason} from './files.js';
import type {ScanReport} from './inputs.js';
import {atOrAbove} from './severity.js';
import {HINTS, type Finding, type RuleId, type Severity} from './types.js';

export function activeFindings(r: ScanReport): Finding[] {
  return r.findings.filter((f) => !f.suppressed);
}

export function suppressedCount(r: ScanReport): number {
  return r.findings.filter((f) => f.suppressed).length;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The findings that make the scan fail (exit 1) at `--fail-on` severity. */
export function failingFindings(r: ScanReport, failOn: Severity = 'low'): Finding[] {
  return activeFindings(r).filter((f) => atOrAbove(f.severity, failOn));
}

const SKIP_WORDS: Record<SkipReason, string> = {'binary': 'binary', 'too-large': 'too large', 'not-a-file': 'not a regular file', 'unreadable': 'unreadable', 'ignored': 'ignored by .gitignore'};

export function summaryLine(r: ScanReport, failOn: Severity = 'low'): string {
  const active = activeFindings(r);
  const files = new Set(active.map((f) => f.file)).size;
  const head = active.length ? `${plural(active.length, 'finding')} in ${plural(files, 'file')}` : 'no plaintext secrets found';
  const skipped = r.skipped ? `, ${r.skipped} skipped: ${Object.entries(r.skippedBy).filter(([, n]) => n).map(([k, n]) => `${n} ${SKIP_WORDS[k as SkipReason]}`).join(', ')};` : ',';
  const high = active.filter((f) => f.severity === 'high').length;
  const bySeverity = active.length ? `; ${high} high, ${active.length - high} low` : '';
  const below = active.length && failingFindings(r, failOn).length === 0 ? `, none at or above --fail-on ${failOn}` : '';
  return `${head} (${plural(r.scanned, 'file')} scanned${skipped} ${suppressedCount(r)} suppressed)${bySeverity}${below}`;
}

/** `file:line:column: rule: message [severity]`, then the hint, as compilers and linters print. */
export function renderText(r: ScanReport): string {
  let out = '';
  for (const f of activeFindings(r)) out += `${f.file}:${f.line}:${f.column}: ${f.rule}: ${f.message} [${f.severity}]\n  hint: ${f.hint}\n`;
  return out;
}

export function renderWarnings(r: ScanReport): string {
  return r.warnings.map((w) => `warning: ${w.file}${w.line ? ':' + w.line : ''}: ${w.message}\n`).join('');
}

/** The documented JSON shape: findings as {rule, severity, file, line, column, message}, plus counts (skipped ones by reason). */
export function toJson(r: ScanReport) {
  const findings = activeFindings(r).map(({rule, severity, file, line, column, message}) => ({rule, severity, file, line, column, message}));
  const rules = [...new Set(findings.map((f) => f.rule))] as RuleId[];
  return {
    findings,
    scanned: r.scanned,
    skipped: r.skipped,
    skippedBy: r.skippedBy,
    suppressed: suppressedCount(r),
    hints: Object.fromEntries(rules.map((id) => [id, HINTS[id]])),
    warnings: r.warnings.map(({file, line, message}) => ({file, line, message})),
  };
}
