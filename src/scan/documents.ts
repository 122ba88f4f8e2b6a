// Splits a manifest file into its YAML documents without parsing it, so that only the
// documents that could hold a finding (a Secret, a secretGenerator) pay for a YAML parse.
// A line starting with `---` or `...` is a document marker in every YAML context (YAML 1.2
// §9.1.2: c-forbidden content cannot start a line inside a scalar), so the split is exact.

export interface DocumentChunk {
  text: string;
  /** 1-based line of the chunk's first line in the file. */
  startLine: number;
}

/** A `---` or `...` line: after a line feed (or at the start), followed by a blank or the end. */
const MARKER_RE = /(?<![^\n])(?:---|\.\.\.)(?=[ \t\r\n]|(?![^]))/g;

/**
 * Could this text produce a manifest finding? `kind: Secret` in YAML, JSON (`"kind": "Secret"`)
 * or escaped inside a last-applied JSON string (`\"kind\":\"Secret\"`), a secretGenerator, or a
 * kustomize patch writing `/stringData` (its target may select the Secret by name only).
 */
export const TRIGGER_RE = /kind\\?["']?\s*:\s*\\?["']?(?:Sealed|External)?Secret(?:Generator)?\b|secretGenerator|\/stringData\b/;

export function splitDocuments(text: string): DocumentChunk[] {
  const first = text.search(/\S/);
  // JSON is one document, or a stream of objects; a `{{- if }}`, `{% raw %}` or `{# #}` first line is a template, whose documents stay apart.
  if (first >= 0 && (text[first] === '{' || text[first] === '[') && !/^\{[{%#]/.test(text.slice(first, first + 2))) {
    return (text[first] === '{' && /\}\s*\{/.test(text) && jsonStream(text, first)) || [{text, startLine: 1}];
  }
  const chunks: DocumentChunk[] = [];
  let start = 0;
  let startLine = 1;
  // The regular expression finds the markers, and only the lines before each are counted: a
  // line-by-line loop was most of the time spent on a file of a million short lines.
  const re = new RegExp(MARKER_RE);
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index === 0) continue;
    chunks.push({text: text.slice(start, m.index), startLine});
    for (let i = text.indexOf('\n', start); i !== -1 && i < m.index; i = text.indexOf('\n', i + 1)) startLine++;
    start = m.index;
  }
  chunks.push({text: text.slice(start), startLine});
  return chunks;
}

/**
 * `{…}{…}` or `{…}\n{…}`: kubectl's YAMLOrJSONDecoder reads a file that starts with `{` as a
 * stream of JSON values, one object after another, so each is a document of its own. Each
 * chunk starts at its object's line, with what precedes the object on that line blanked, so
 * lines and columns stay the file's. Undefined when the text is not such a stream (one object,
 * text between objects, an object left open): then it is one document, read or reported as before.
 */
function jsonStream(text: string, first: number): DocumentChunk[] | undefined {
  const chunks: DocumentChunk[] = [];
  let line = 1;
  let lineStart = 0;
  let depth = 0;
  let start = -1;
  let startLine = 1;
  let startColumn = 0;
  let padded = 0;
  let inString = false;
  for (let i = first; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      lineStart = i + 1;
      continue;
    }
    if (inString) {
      if (c === 92) i++; // `\"` and `\\` inside a string
      else if (c === 34) inString = false;
      continue;
    }
    if (depth === 0) {
      if (c === 32 || c === 9 || c === 13) continue;
      if (c !== 123) return undefined;
      start = i;
      startLine = line;
      startColumn = i - lineStart;
    }
    if (c === 34) inString = true;
    else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) {
      if (--depth === 0) {
        // Blanks keep the object's columns; within a budget of the text's size, so that
        // thousands of objects on one long line stay linear (past it, columns count from the object).
        const pad = padded + startColumn <= text.length ? startColumn : 0;
        padded += pad;
        chunks.push({text: ' '.repeat(pad) + text.slice(start, i + 1), startLine});
      }
    }
  }
  return depth === 0 && !inString && chunks.length > 1 ? chunks : undefined;
}

/**
 * Source code and prose, which kubectl could not apply and which are full of YAML-looking
 * snippets that are not valid YAML: read for private keys only. Every other file is read for
 * manifests by its content whatever its name, because `kubectl apply -f FILE` takes any file
 * named explicitly (`secret.txt`, `secret.tpl`, `secret.j2`, a name without extension).
 */
const NOT_MANIFEST_RE = /\.(?:md|markdown|mdx|rst|adoc|asciidoc|html?|css|scss|less|go|py|pyi|rb|js|mjs|cjs|jsx|ts|mts|cts|tsx|java|kt|kts|scala|groovy|gradle|c|cc|cpp|cxx|h|hh|hpp|cs|fs|rs|swift|m|mm|php|pl|pm|lua|r|dart|ex|exs|erl|hs|clj|sh|bash|zsh|fish|ps1|psm1|bat|cmd|tf|hcl|nix|sql|proto|svg|xml|csv|tsv|lock|sum|mod)$/i;

export function readAsManifest(path: string): boolean {
  return !NOT_MANIFEST_RE.test(path);
}

export function isMarkdownPath(path: string): boolean {
  return /\.(md|markdown|mdx)$/i.test(path);
}

/** Could the text hold a `kubectl create secret` command line with a literal value (kubectl-literal.ts)? */
export const mayHaveKubectlLiteral = (text: string): boolean =>
  // One search clears nearly every file (cheaper than two `includes` of strings starting with `--`).
  FLAG_HINT_RE.test(text) && (text.includes('--from-literal') || text.includes('--docker-password') || STDIN_FILE_RE.test(text));
const FLAG_HINT_RE = /--(?:from-|docker-password)/;
/** `--from-file=KEY=/dev/stdin`, `--from-env-file=<(…)`: a file the command line itself writes. */
export const STDIN_FILE_RE = /--from-(?:env-)?file[= ](?:[^\s=<]{1,256}=)?(?:\/dev\/stdin|\/dev\/fd\/0|<\()/;

/** Scripts, whose quoted strings are shell strings (a manifest in `echo '…' | kubectl apply -f -`, heredoc.ts). */
export const isScriptPath = (path: string): boolean => /\.(?:sh|bash|zsh|ksh|ps1|psm1|bat|cmd|mk)$|(?:^|\/)(?:Makefile|Dockerfile|Containerfile)[^/]*$/i.test(path);

/** Could the text hold a manifest in a shell heredoc (`<<EOF`, heredoc.ts), in any file? */
export const mayHaveHeredoc = (text: string): boolean => text.includes('<<') && TRIGGER_RE.test(text);

/** The cheap test every file goes through; only files that pass it load the YAML parser. */
export function mightFind(path: string, text: string, referenced: boolean): boolean {
  return referenced || text.includes('PRIVATE KEY') || (/\.tf$/i.test(path) && text.includes('"kubernetes_')) || text.includes('LS0tLS1CRUdJTi') || mayHaveKubectlLiteral(text) || ((readAsManifest(path) || isMarkdownPath(path) || isScriptPath(path) || text.includes('<<')) && TRIGGER_RE.test(text));
}

/** More than this many lines, flow indicators and escapes in one document, or deeper flow nesting, is not parsed. */
export const MAX_YAML_TOKENS = 100_000;
export const MAX_FLOW_DEPTH = 64;

/**
 * Why a document is too costly to hand to the YAML parser, or undefined. The parser's time
 * grows with the number of tokens (and faster than that with flow nesting: `{{{{…` took
 * seconds per 100 KB), and a Secret needs few of either; a document past these bounds is
 * reported as unreadable instead, so no input can keep the scan busy. Counted in one pass,
 * quotes ignored: an over-count only errs towards reporting.
 */
export function parseCost(text: string): string | undefined {
  // Each token is a character, and nesting needs an opening bracket per level: a document
  // shorter than the token bound with few brackets (nearly all) is cleared by indexOf alone.
  if (text.length <= MAX_YAML_TOKENS && fewOpenings(text)) return undefined;
  let tokens = 0;
  let depth = 0;
  let maxDepth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Line breaks, `,` `:` and escapes (`\\`, which the parser decodes one by one in quoted scalars).
    if (c === 10 || c === 44 || c === 58 || c === 92) tokens++;
    else if (c === 123 || c === 91) {
      tokens++;
      if (++depth > maxDepth) maxDepth = depth;
    } else if (c === 125 || c === 93) {
      tokens++;
      if (depth > 0) depth--;
    }
  }
  if (maxDepth > MAX_FLOW_DEPTH) return `flow collections nested ${maxDepth} deep, over ${MAX_FLOW_DEPTH}`;
  if (tokens > MAX_YAML_TOKENS) return `${tokens} lines, flow indicators and escapes in one document, over ${MAX_YAML_TOKENS}`;
  return undefined;
}

/** At most MAX_FLOW_DEPTH `{` and `[` in all. */
function fewOpenings(text: string): boolean {
  let n = 0;
  for (const open of ['{', '[']) {
    for (let i = text.indexOf(open); i !== -1; i = text.indexOf(open, i + 1)) if (++n > MAX_FLOW_DEPTH) return false;
  }
  return true;
}

/** The index of the last of the ascending `starts` at or before `offset` (there is one: starts[0] <= offset). */
export function lastAtOrBefore(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Line and column (1-based) of offsets in `text`, in any order; its line starts are found on first use. */
export function positions(text: string): (offset: number) => {line: number; column: number} {
  let starts: number[] | undefined;
  return (offset) => {
    if (!starts) {
      starts = [0];
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    }
    const line = lastAtOrBefore(starts, offset);
    return {line: line + 1, column: offset - starts[line] + 1};
  };
}
