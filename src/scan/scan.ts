// One file's text in, findings out: no file system, no git, no clock. Everything that reads
// the outside world (files.ts, staged.ts, run.ts) gathers the text first and calls this.
import {isMarkdownPath, isScriptPath, mayHaveHeredoc, readAsManifest} from './documents.js';
import {embeddedManifests, type EmbeddedText} from './embedded.js';
import {embeddedStrings} from './embedded-strings.js';
import {heredocs, mayHaveShellString, shellStrings} from './heredoc.js';
import {mayHaveTerraformSecret, terraformSecrets} from './terraform.js';
import {inlinePatchFindings} from './kustomize-patch.js';
import {codeBlocksOnly, kubectlSecretLiterals} from './kubectl-literal.js';
import {kustomizeSecretLiteral, referencedFile} from './kustomize-secret-literal.js';
import {lastAppliedSecret} from './last-applied-secret.js';
import {readManifest} from './manifest-view.js';
import type {ObjectView} from './object-view.js';
import {markdownManifests} from './markdown.js';
import {plaintextSecret} from './plaintext-secret.js';
import {privateKey} from './private-key.js';
import type {RawFinding} from './rule.js';
import {allowCommentLines, allowedInline} from './suppress.js';
import {unparseableSecret} from './unparseable-secret.js';
import type {ParseCache} from './yaml-parse.js';
import {HINTS, RULE_IDS, type Finding, type ScanOptions, type ScanWarning} from './types.js';

/** The file names kustomize reads a kustomization from. */
const KUSTOMIZATION_RE = /(?:^|\/)(?:kustomization\.ya?ml|Kustomization)$/;

export interface TextScanOptions extends Partial<ScanOptions> {
  /** The name to print (default: `path`). */
  display?: string;
  /** `.kubectl-secret.yaml` scan.allow, as a matcher on the repository-relative path. */
  allow?: (path: string) => boolean;
  /**
   * Parse every document with `yaml`, skipping no document a cheap check clears (the test that
   * those checks lose nothing compares both; see test/unit/scan/scan-prefilter.test.ts).
   */
  exhaustive?: boolean;
}

export interface TextScanResult {
  findings: Finding[];
  warnings: ScanWarning[];
  /** Objects read from the file, for callers that follow kustomize references. */
  views: ObjectView[];
}

/** `path` is repository-relative with `/` separators: rules and allow globs are matched on it. */
export function scanText(path: string, text: string, o: TextScanOptions = {}): TextScanResult {
  // The YAML parser makes an Error for every problem it meets, and each captures a stack trace:
  // on a broken file that was most of the time, growing with its size. Nothing reads them here.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return scanTextInner(path, text, o);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function scanTextInner(path: string, text: string, o: TextScanOptions): TextScanResult {
  const rules = o.rules ?? new Set(RULE_IDS);
  const display = o.display ?? path;
  const raw: RawFinding[] = [];
  const warnings: ScanWarning[] = [];
  let views: ObjectView[] = [];
  // Allow comments inside embedded manifests are comments to the YAML that holds them.
  const embeddedAllow = new Set<number>();
  const manifest = readAsManifest(path);
  const markdown = !manifest && isMarkdownPath(path) ? markdownManifests(text) : undefined;
  if (manifest || markdown) {
    // unparseable-secret first: the documents it parses are then read from its parse.
    const cache: ParseCache = new Map();
    const unparseable = manifest && rules.has('unparseable-secret') ? unparseableSecret(text, o.exhaustive ? undefined : cache, {exhaustive: o.exhaustive}) : [];
    const read = readManifest(markdown?.chunks ?? text, o.exhaustive ? {fast: false, all: true} : {cache});
    views = read.views;
    raw.push(...unparseable);
    // A Markdown code block is often a fragment: not being valid YAML is no news there.
    if (!markdown) for (const w of read.warnings) if (!unparseable.some((f) => f.line === w.line)) warnings.push({file: display, line: w.line, message: w.message});
    const found = objectFindings(views, rules);
    found.push(...embeddedFindings(markdown?.text ?? text, rules, found, embeddedAllow, 1, o.exhaustive ? undefined : cache));
    if (manifest && rules.has('kustomize-secret-literal') && KUSTOMIZATION_RE.test(path)) found.push(...inlinePatchFindings(path, text));
    // Columns in the Markdown file: the block's indentation was cut before reading it.
    for (const f of found) raw.push(markdown ? {...f, column: f.column + (markdown.indent.get(f.line) ?? 0)} : f);
  }
  // Manifests in shell heredocs, in any file that holds commands (in Markdown, its code blocks).
  // And in shell strings (`echo '…' | kubectl apply -f -`), in scripts and code blocks only.
  const strings = (isScriptPath(path) || isMarkdownPath(path)) && mayHaveShellString(text);
  const heredoc = mayHaveHeredoc(text);
  if (heredoc || strings) {
    const code = isMarkdownPath(path) ? codeBlocksOnly(text) : text;
    const docs = [...(heredoc ? heredocs(code) : []), ...(strings ? shellStrings(code) : [])];
    const found = blockFindings(docs, rules, raw, embeddedAllow, 1);
    // The Secret unparseable-secret feared in a Makefile or a script is read now: reported once.
    if (found.length > 0) {
      // From the command's line to the terminator's.
      const spans = docs.map((d) => [d.lineOffset, d.lineOffset + d.text.split('\n').length + 1]);
      const kept = raw.filter((f) => f.rule !== 'unparseable-secret' || !spans.some(([from, to]) => f.line >= from && f.line <= to));
      raw.splice(0, raw.length, ...kept);
    }
    raw.push(...found);
  }
  if (rules.has('plaintext-secret') && mayHaveTerraformSecret(path, text)) raw.push(...terraformSecrets(text));
  if (rules.has('kubectl-secret-literal')) {
    const k = kubectlSecretLiterals(text, {markdown: isMarkdownPath(path)});
    raw.push(...k.findings);
    for (const line of k.allow) embeddedAllow.add(line);
  }
  const refs = o.references?.get(path);
  if (refs && rules.has('kustomize-secret-literal')) raw.push(...referencedFile(text, refs));
  if (rules.has('private-key')) {
    // A key inside a Secret value that is already reported is the same leak: report it once.
    const covered = raw.filter((f) => f.rule === 'plaintext-secret' && f.endLine !== undefined);
    raw.push(...privateKey(text).filter((k) => !covered.some((f) => k.line >= f.line && k.line <= f.endLine!)));
  }
  raw.sort((a, b) => a.line - b.line || a.column - b.column);
  const allowLines = raw.length > 0 ? allowCommentLines(text) : new Set<number>();
  for (const line of embeddedAllow) allowLines.add(line);
  const allowed = o.allow?.(path) ?? false;
  const findings = raw.map((f): Finding => {
    const finding: Finding = {rule: f.rule, file: display, line: f.line, column: f.column, message: f.message, severity: f.severity, hint: HINTS[f.rule]};
    if (allowedInline(allowLines, f)) finding.suppressed = 'inline';
    else if (allowed) finding.suppressed = 'config';
    return finding;
  });
  return {findings, warnings, views};
}

function objectFindings(views: ObjectView[], rules: ReadonlySet<string>): RawFinding[] {
  const found: RawFinding[] = [];
  for (const view of views) {
    if (rules.has('plaintext-secret')) found.push(...plaintextSecret(view));
    if (rules.has('last-applied-secret')) found.push(...lastAppliedSecret(view));
    if (rules.has('kustomize-secret-literal')) found.push(...kustomizeSecretLiteral(view));
  }
  return found;
}

/**
 * Rules on manifests held in block scalars (embedded.ts), at their lines in the file. A block
 * inside a Secret value that is already reported is the same leak. Four levels cover a values
 * string holding a patch holding a manifest; a renderer goes no deeper.
 */
function embeddedFindings(text: string, rules: ReadonlySet<string>, outer: RawFinding[], allow: Set<number>, depth: number, cache?: ParseCache): RawFinding[] {
  if (depth > 4) return [];
  return blockFindings([...embeddedManifests(text), ...embeddedStrings(text, cache)], rules, outer, allow, depth);
}

function blockFindings(blocks: EmbeddedText[], rules: ReadonlySet<string>, outer: RawFinding[], allow: Set<number>, depth: number): RawFinding[] {
  const covered = outer.filter((f) => f.rule === 'plaintext-secret' && f.endLine !== undefined);
  const out: RawFinding[] = [];
  const seen = new Set<string>();
  for (const block of blocks) {
    const first = block.lineOffset + 1;
    if (covered.some((f) => first >= f.line && first <= f.endLine!)) continue;
    const inner = objectFindings(readManifest(block.text, {}).views, rules);
    const innerAllow = new Set<number>();
    inner.push(...embeddedFindings(block.text, rules, inner, innerAllow, depth + 1));
    if (inner.length > 0) for (const line of allowCommentLines(block.text)) innerAllow.add(line);
    const {locate, anchorLine} = block;
    for (const line of innerAllow) allow.add(locate ? locate(line, 1).line : line + block.lineOffset);
    for (const f of inner) {
      const at = locate ? locate(f.line, f.column) : {line: f.line + block.lineOffset, column: f.column + block.indent};
      // A folded block may hold a literal block that the text reader found already.
      const key = `${f.rule}:${at.line}:${at.column}:${f.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({
        ...f,
        ...at,
        ...(locate ? {anchorLine} : f.anchorLine === undefined ? {} : {anchorLine: f.anchorLine + block.lineOffset}),
        ...(f.endLine === undefined ? {} : {endLine: locate ? at.line : f.endLine + block.lineOffset}),
      });
    }
  }
  return out;
}
