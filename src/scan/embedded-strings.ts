// Manifests written as YAML or JSON strings other than a plain literal block (embedded.ts reads
// those from the text): a JSON string or a YAML double-quoted string with `\n` escapes (an Argo
// CD Application or a kustomization written as JSON, `patch: "apiVersion: v1\nkind: Secret…"`),
// single-quoted and folded (`>`) scalars whose blank or more-indented lines keep line breaks,
// and literal blocks with an explicit indentation indicator (`|2`). What kustomize, Argo CD and
// Helm receive is the value the YAML parser yields, so that value is what is scanned: `yaml`
// reads the string, as the consumer's parser does, escapes, folding and all.
import type {LineCounter, Scalar} from 'yaml';
import {isPair, isScalar, visit} from '../manifests/yaml-nodes.js';
import {parseCost, splitDocuments, TRIGGER_RE} from './documents.js';
import type {EmbeddedText} from './embedded.js';
import {containsTemplate} from './exceptions.js';
import {LAST_APPLIED} from './manifest-view.js';
import {parseChunk, type ParseCache} from './yaml-parse.js';

/**
 * A trigger right after an escape (`\nkind: Secret`, `\"kind\":\"Secret\"`), possibly past an
 * escaped line break and indentation: a manifest inside a quoted string.
 */
const ESCAPED_TRIGGER_RE = /(?:\\[nrt]|\\")(?:\\?\r?\n)?[ \t]*(?:kind\\?["']?[ \t]*:[ \t]*\\?["']?Secret|secretGenerator)|(?:kind:[ \t]*["']?Secret|secretGenerator:)[ \t]*\\[rn]/;
/** A line that is only template control: `{{- if .Values.x }}`, `{{ end }}`, `{% raw %}`. */
const TEMPLATE_LINE_RE = /^[ \t]*(?:\{\{[^\n]*\}\}|\{%[^\n]*%\})[ \t]*$/gm;
/** A JSON manifest in a single-quoted YAML string, which needs no escapes: `'{"kind":"Secret",…}'`. */
const QUOTED_JSON_RE = /'\{[^'\n]*"kind"[ \t]*:[ \t]*"Secret"/;
/** `\u0053ecret`: a word spelled in escapes is only recognised once decoded. */
const CODE_ESCAPE_RE = /\\(?:u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2})/;
/** A folded block scalar, a literal one with an indentation indicator, or any block scalar after an anchor or a tag. */
const HEADER_RE = /(?:^|[:-])[ \t]+(?:(?:[&!][^\s]*[ \t]+)+[|>][1-9+-]{0,2}|>[1-9+-]{0,2}|\|(?:[1-9][+-]?|[+-][1-9]))[ \t]*(?:#[^\n]*)?$/m;
/** The header embedded.ts reads from the text: `|`, `|-`, `|+` right after `key:` or `-`. */
const TEXT_HEADER_RE = /(?:^|[:-])[ \t]+$/;
/** A quoted scalar that does not end on the line it starts on (its line breaks fold, blank lines stay). */
const OPEN_QUOTE_RE = /(?:^[ \t]*|[:-][ \t]+)(?:'(?:[^'\n]|'')*|"(?:[^"\\\n]|\\[^])*)\r?\n/m;

/** Whether a chunk that names a Secret may hold one in a string this module reads: cheap, no parse. */
export function mayHoldStrings(text: string): boolean {
  if (escapedTrigger(text) || CODE_ESCAPE_RE.test(text) || QUOTED_JSON_RE.test(text)) return true;
  if (!indentedTrigger(text)) return false;
  const header = text.includes('>') || text.includes('&') || text.includes('!') || /\|[+-]?[1-9]/.test(text);
  return (header && HEADER_RE.test(text)) || OPEN_QUOTE_RE.test(text);
}

/**
 * A trigger that does not start its line. The lines of a block scalar and the continuation
 * lines of a quoted one are indented (yaml ends the scalar at a line in column 0), so a chunk
 * whose triggers all start their lines (an ordinary `kind: Secret`) holds none in such a string.
 */
function indentedTrigger(text: string): boolean {
  const re = new RegExp(TRIGGER_RE.source, 'g');
  for (let m = re.exec(text); m; m = re.exec(text)) if (m.index > 0 && text[m.index - 1] !== '\n') return true;
  return false;
}

/**
 * An escaped trigger on a line other than the last-applied annotation's: that copy, which
 * `kubectl get -o yaml|json` dumps carry, is last-applied-secret's, and needs no parse here.
 * One test per line, so a long line of triggers stays linear.
 */
function escapedTrigger(text: string): boolean {
  const re = new RegExp(ESCAPED_TRIGGER_RE.source, 'g');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const start = text.lastIndexOf('\n', m.index) + 1;
    const end = text.indexOf('\n', m.index);
    if (!text.slice(start, end === -1 ? text.length : end).includes(LAST_APPLIED)) return true;
    if (end === -1) break;
    re.lastIndex = end;
  }
  return false;
}

/** Literal blocks without an indentation indicator, anchor or tag are read from the text by embedded.ts. */
function readFromText(node: Scalar, text: string): boolean {
  if (node.type !== 'BLOCK_LITERAL') return false;
  const at = node.range?.[0] ?? 0;
  if (/^\|[+-]?[1-9]/.test(text.slice(at, at + 3))) return false;
  return TEXT_HEADER_RE.test(text.slice(text.lastIndexOf('\n', at - 1) + 1, at));
}

/** `cache`: the file's parses by the rules before (unparseable-secret, the manifest reader), reused. */
export function embeddedStrings(text: string, cache?: ParseCache): EmbeddedText[] {
  const out: EmbeddedText[] = [];
  if (!TRIGGER_RE.test(text)) return out;
  for (const chunk of splitDocuments(text)) {
    // A document too costly to parse is reported by unparseable-secret when it may hold a Secret.
    if (!TRIGGER_RE.test(chunk.text) || !mayHoldStrings(chunk.text) || parseCost(chunk.text)) continue;
    const templated = containsTemplate(chunk.text);
    // Template control lines (`{{- if … }}`, `{% for %}`) would turn the document into one flow
    // map to the parser: blanked (the line count kept), the YAML around them reads as rendered.
    const source = templated ? chunk.text.replace(TEMPLATE_LINE_RE, '') : chunk.text;
    const {docs, lc} = parseChunk(source, templated ? undefined : cache);
    for (const doc of docs) {
      // A template is not valid YAML, but a quoted or block string in it is read the same
      // (its content is one token to the lexer); other invalid documents are left alone.
      if (!('contents' in doc) || (doc.errors.length > 0 && !templated)) continue;
      visit(doc, {
        Scalar(_key, node, path) {
          const value = node.value;
          if (typeof value !== 'string' || readFromText(node, source) || !TRIGGER_RE.test(value)) return;
          // A manifest has more than one line, or is a JSON object.
          if (!value.includes('\n') && !/^\s*[{[]/.test(value)) return;
          // The last-applied annotation is a copy kubectl writes: last-applied-secret reports it.
          const parent = path[path.length - 1];
          if (isPair(parent) && isScalar(parent.key) && parent.key.value === LAST_APPLIED) return;
          const start = node.range?.[0] ?? 0;
          const end = node.range?.[1] ?? start;
          const head = lc.linePos(start);
          const line = head.line + chunk.startLine - 1;
          // An allow comment for the string goes after it, on its last line.
          const anchorLine = lc.linePos(Math.max(start, end - 1)).line + chunk.startLine - 1;
          out.push({text: value, lineOffset: line - 1, indent: 0, anchorLine, locate: locator(source, chunk.startLine, lc, value, start, end, {line, column: head.col})});
        },
      });
    }
  }
  return out;
}

/**
 * Where a position in the string's value is in the file. The value's lines are not the file's
 * (escapes, folding), so the text of the flagged line from its column up to the first `:` (a
 * key, never a value) is looked for in the scalar's source, in order; failing that, the
 * position is the scalar's start.
 */
function locator(text: string, startLine: number, lc: LineCounter, value: string, start: number, end: number, fallback: {line: number; column: number}) {
  const lines = value.split('\n');
  const source = text.slice(start, end);
  let cursor = 0;
  return (line: number, column: number): {line: number; column: number} => {
    const rest = (lines[line - 1] ?? '').slice(column - 1);
    const colon = rest.indexOf(':');
    const needle = (colon > 0 ? rest.slice(0, colon + 1) : rest).slice(0, 64);
    if (needle.trim() === '') return fallback;
    // From the last position found, then (once) from the start: each search is within the string.
    let at = source.indexOf(needle, cursor);
    if (at === -1 && cursor > 0) at = source.indexOf(needle);
    if (at === -1) return fallback;
    cursor = at + needle.length;
    const p = lc.linePos(start + at);
    return {line: p.line + startLine - 1, column: p.col};
  };
}
