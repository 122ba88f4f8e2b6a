// The renderings of `scan --history`: text as `scan` prints it plus where each leak came from,
// the documented JSON shape, and SARIF whose locations name the commit they are in. Built from
// findings and live answers only (names, keys, commits, words), never from values.
import {pathToFileURL} from 'node:url';
import type {HistoryFinding, HistoryReport} from './history.js';
import type {LiveResult} from './live-check.js';
import {atOrAbove} from './severity.js';
import {HINTS, RULE_IDS, type Severity} from './types.js';

export type LiveAnswers = Map<number, LiveResult[]>;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const active = (r: HistoryReport) => r.findings.map((f, i) => [f, i] as const).filter(([f]) => !f.suppressed);

function liveLine(l: LiveResult): string {
  const what = `${l.namespace}/${l.name} ${l.key}`;
  if (l.status === 'still live') return `live ${what}: still live; rotate now: ${l.command}`;
  if (l.status === 'rotated since') return `live ${what}: rotated since${l.rotatedAt ? ` (rotated-at ${l.rotatedAt})` : ''}`;
  return `live ${what}: ${l.status}`;
}

export function renderHistoryText(r: HistoryReport, live?: LiveAnswers): string {
  let out = '';
  for (const [f, i] of active(r)) {
    out += `${f.file}:${f.line}:${f.column}: ${f.rule}: ${f.message}\n`;
    out += `  introduced in ${f.commit.slice(0, 12)} (${f.date}) at ${f.path}; ${f.atHead ? 'still at HEAD' : 'no longer at HEAD'}\n`;
    if (live) {
      const answers = live.get(i);
      if (answers) for (const l of answers) out += `  ${liveLine(l)}\n`;
      else out += `  live: not checked (no Secret name and key to compare)\n`;
    }
    out += `  hint: ${f.hint}\n`;
  }
  return out;
}

/** Counts live answers, of every finding or (with `only`) of the findings whose indexes it holds. */
export function liveCounts(live: LiveAnswers, only?: Set<number>): Record<LiveResult['status'], number> {
  const c = {'still live': 0, 'rotated since': 0, 'secret gone': 0, 'cannot read': 0};
  for (const [i, answers] of live) if (!only || only.has(i)) for (const l of answers) c[l.status]++;
  return c;
}

/** Indexes of the unsuppressed findings at or above `--fail-on`: the ones that decide the exit status. */
export function failingIndexes(r: HistoryReport, failOn: Severity): Set<number> {
  return new Set(active(r).filter(([f]) => atOrAbove(f.severity, failOn)).map(([, i]) => i));
}

export function historySummary(r: HistoryReport, live?: LiveAnswers): string {
  const findings = active(r);
  const atHead = findings.filter(([f]) => f.atHead).length;
  const head = findings.length ? `${plural(findings.length, 'leak')} in history (${atHead} still at HEAD)` : 'no plaintext secrets in history';
  const skipped = r.skipped.binary + r.skipped['too-large'];
  const suppressed = r.findings.length - findings.length;
  let s = `${head} (${plural(r.commits, 'commit')}, ${plural(r.scanned, 'blob')} scanned${skipped ? `, ${skipped} skipped (${r.skipped.binary} binary, ${r.skipped['too-large']} too-large)` : ''}, ${suppressed} suppressed)`;
  if (live) {
    const c = liveCounts(live);
    s += `; live: ${c['still live']} still live, ${c['rotated since']} rotated since, ${c['secret gone']} secret gone, ${c['cannot read']} cannot read`;
  }
  return s;
}

const entry = (f: HistoryFinding, i: number, live?: LiveAnswers) => {
  const {rule, file, line, column, message, commit, date, path, atHead} = f;
  const extra = Object.fromEntries(Object.entries(f).filter(([k]) => k === 'severity'));
  return {rule, file, line, column, message, ...extra, commit, date, path, atHead, ...(live ? {live: live.get(i) ?? []} : {})};
};

export function historyJson(r: HistoryReport, live?: LiveAnswers) {
  const findings = active(r).map(([f, i]) => entry(f, i, live));
  return {
    findings,
    commits: r.commits,
    blobs: r.blobs,
    scanned: r.scanned,
    skipped: r.skipped.binary + r.skipped['too-large'],
    suppressed: r.findings.length - findings.length,
    hints: Object.fromEntries([...new Set(findings.map((f) => f.rule))].map((id) => [id, HINTS[id]])),
    warnings: r.warnings.map(({file, line, message}) => ({file, line, message})),
    ...(live ? {live: liveCounts(live)} : {}),
  };
}

/**
 * SARIF 2.1.0. Each location is in the commit that introduced the leak: its artifactLocation's
 * uriBaseId names a `versionControlProvenance` entry whose `mappedTo` is that base (SARIF
 * §3.14.18), which is how a viewer finds the file at that revision. `partialFingerprints.commitSha`
 * carries the same commit the way gitleaks' SARIF does, for tools that read that.
 */
export function historySarif(r: HistoryReport, o: {version: string; repositoryUri?: string; head?: string}, live?: LiveAnswers) {
  const repositoryUri = o.repositoryUri ?? pathToFileURL(r.root.endsWith('/') ? r.root : r.root + '/').href;
  const base = (sha: string) => `COMMIT_${sha}`;
  const commits = [...new Set(r.findings.map((f) => f.commit))];
  const rules = RULE_IDS.map((id) => ({id, help: {text: `Fix: ${HINTS[id]}`}, defaultConfiguration: {level: 'error'}}));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {driver: {name: 'kubectl-secret', version: o.version, rules}},
      versionControlProvenance: [
        ...(o.head ? [{repositoryUri, revisionId: o.head, mappedTo: {uriBaseId: '%SRCROOT%'}}] : []),
        ...commits.map((c) => ({repositoryUri, revisionId: c, mappedTo: {uriBaseId: base(c)}})),
      ],
      results: r.findings.map((f, i) => ({
        ruleId: f.rule,
        ruleIndex: RULE_IDS.indexOf(f.rule),
        level: 'error',
        message: {text: `${f.message} (introduced in ${f.commit.slice(0, 12)}; ${f.atHead ? 'still at HEAD' : 'no longer at HEAD'}). Fix: ${f.hint}`},
        locations: [{physicalLocation: {
          artifactLocation: {uri: encodeURI(f.path), uriBaseId: base(f.commit)},
          region: {startLine: f.line, startColumn: f.column},
        }}],
        partialFingerprints: {commitSha: f.commit},
        properties: {commit: f.commit, authorDate: f.date, path: f.path, atHead: f.atHead, ...(live ? {live: live.get(i) ?? []} : {})},
        ...(f.suppressed ? {suppressions: [{kind: f.suppressed === 'inline' ? 'inSource' : 'external'}]} : {}),
      })),
      invocations: [{executionSuccessful: true, toolExecutionNotifications: r.warnings.map((w) => ({level: 'warning', message: {text: `${w.file}${w.line ? ':' + w.line : ''}: ${w.message}`}}))}],
    }],
  };
}
