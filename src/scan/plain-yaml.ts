// A cheap proof that `yaml` reads a document without an error, for unparseable-secret: that
// rule asked `yaml` about every Secret document, and a `yaml` parse costs ~100 µs per document
// before it reads a byte (most of the scan's time on a folder of manifests). Most Secrets in a
// repository are a block mapping of keys to plain, quoted or block-scalar strings; such a text
// is valid YAML whatever its values, so it needs no parse. Anything outside that small grammar
// answers false and is parsed as before, so the rule's verdicts do not change
// (test/unit/scan/scan-prefilter.test.ts checks the claim against `yaml` on every corpus
// document and on random and mutated ones).
//
// The grammar, line by line (printable ASCII only, no tab, no CR):
//   blank or comment lines anywhere;
//   `---` (optionally with a comment) as the first line only;
//   `KEY:` or `KEY: VALUE` with KEY of [A-Za-z0-9_./-] starting with a letter, a digit, `_` or
//   `.` and one of those, at the indentation of an open mapping, or deeper right after a `KEY:`
//   with no value (a nested mapping);
//   `- VALUE` or `- KEY: VALUE` (a compact mapping), at the indentation of an open sequence,
//   or right after a `KEY:` with no value, deeper or at the key's own indentation;
//   VALUE: a plain scalar whose first character is no indicator and which holds no `: `, a
//   quoted string without escapes, `{}`, a one-line flow sequence of such strings and words,
//   or a block scalar header `|`/`>` (with `-`/`+`) whose content lines are all indented deeper
//   than the key, the first one setting the level.

const KEY_LINE_RE = /^( *)((?:[A-Za-z0-9_]|\.[A-Za-z0-9_])[A-Za-z0-9_./-]{0,1000}):(?: +(.*))?$/;
/** A one-line flow sequence of quoted strings and simple plain words: `["ALL"]`, `[a, b]`. */
const FLOW_SEQ_RE = /^\[ *(?:(?:"[^"\\]*"|'[^']*'|[A-Za-z0-9_./][A-Za-z0-9_./-]*)(?: *, *(?:"[^"\\]*"|'[^']*'|[A-Za-z0-9_./][A-Za-z0-9_./-]*))* *)?\]$/;
/** Printable ASCII and line feeds only: no tab, CR, control, non-ASCII or BOM to reason about. */
const ALLOWED_RE = /^[\x20-\x7e\n]*$/;
const PLAIN_FIRST_RE = /^(?:[A-Za-z0-9_./$(<=^~+;)\\]|-[A-Za-z0-9_-])/;
const BLOCK_HEADER_RE = /^[|>][-+]?$/;

function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) if (line.charCodeAt(i) !== 32) return false;
  return true;
}

function indentOf(line: string): number {
  let i = 0;
  while (i < line.length && line.charCodeAt(i) === 32) i++;
  return i;
}

type Value = 'nested' | 'scalar' | 'block' | undefined;

/** What follows `KEY:` on a line; undefined when it is outside the grammar. */
function valueKind(raw: string | undefined): Value {
  if (raw === undefined) return 'nested';
  // A comment after the value (or instead of it) ends the line as far as YAML is concerned.
  const hash = raw.startsWith('#') ? 0 : raw.indexOf(' #');
  const v = (hash >= 0 ? raw.slice(0, hash) : raw).trimEnd();
  if (v === '') return 'nested';
  if (v === '{}' || FLOW_SEQ_RE.test(v)) return 'scalar';
  if (BLOCK_HEADER_RE.test(v)) return hash >= 0 ? undefined : 'block';
  const q = v[0];
  if (q === '"' || q === "'") {
    const inner = v.slice(1, -1);
    return v.length >= 2 && v.endsWith(q) && !inner.includes(q) && (q === "'" || !inner.includes('\\')) ? 'scalar' : undefined;
  }
  if (!PLAIN_FIRST_RE.test(v) || v.includes(': ') || v.endsWith(':')) return undefined;
  return 'scalar';
}

interface Level {
  indent: number;
  seq: boolean;
}

export function plainBlockYaml(text: string): boolean {
  if (!ALLOWED_RE.test(text)) return false;
  const lines = text.split('\n');
  /** The open block collections, outermost first (a mapping's value may be a sequence at the same indentation). */
  const levels: Level[] = [];
  /** The indentation of the previous key when it had no value: the next line may open a collection under it. */
  let open = -1;

  /** Can a mapping key (seq false) or a sequence entry (seq true) stand at `indent` here? */
  const place = (indent: number, seq: boolean): boolean => {
    if (levels.length === 0) {
      if (indent !== 0) return false;
    } else if (open >= 0 && (indent > open || (indent === open && seq))) {
      // A nested collection; a sequence may sit at its key's own indentation.
    } else {
      while (levels.length > 0 && levels[levels.length - 1].indent > indent) levels.pop();
      const top = levels[levels.length - 1];
      // A key at the indentation of a sequence under a key: that sequence has ended.
      if (top?.indent === indent && top.seq && !seq) levels.pop();
      const now = levels[levels.length - 1];
      return now?.indent === indent && now.seq === seq;
    }
    levels.push({indent, seq});
    return true;
  };

  /** The line after a key's or an entry's block scalar header, past its content. */
  const skipBlock = (from: number, parent: number): number | undefined => {
    // The first non-blank line sets the content's indentation, which must be deeper than the
    // parent; leading blank lines must be empty (a longer one needs an indentation indicator).
    let j = from;
    while (j < lines.length && lines[j] === '') j++;
    if (j < lines.length && isBlank(lines[j])) return undefined;
    if (j >= lines.length) return j;
    const n = indentOf(lines[j]);
    if (n <= parent) return j;
    for (j++; j < lines.length; j++) if (!isBlank(lines[j]) && indentOf(lines[j]) < n) break;
    return j;
  };

  /** `KEY: VALUE` whose key is at `indent`, already placed; the next line to read, or undefined. */
  const keyValue = (i: number, indent: number, raw: string | undefined): number | undefined => {
    const kind = valueKind(raw);
    if (kind === undefined) return undefined;
    if (kind === 'nested') open = indent;
    return kind === 'block' ? skipBlock(i + 1, indent) : i + 1;
  };

  let i = 0;
  if (lines[0].startsWith('---')) {
    if (!/^---(?: +(?:#.*)?)?$/.test(lines[0])) return false;
    i = 1;
  }
  while (i < lines.length) {
    const line = lines[i];
    const indent = indentOf(line);
    // Blank and comment (`#`) lines.
    if (indent === line.length || line.charCodeAt(indent) === 35) {
      i++;
      continue;
    }
    let next: number | undefined;
    if (line.charCodeAt(indent) === 45 && line.charCodeAt(indent + 1) === 32 && line.charCodeAt(indent + 2) !== 32) {
      // `- ENTRY`: a scalar, or `KEY: VALUE` opening a compact mapping two columns in.
      if (!place(indent, true)) return false;
      open = -1;
      const rest = line.slice(indent + 2);
      const m = KEY_LINE_RE.exec(rest);
      if (m) {
        levels.push({indent: indent + 2, seq: false});
        next = keyValue(i, indent + 2, m[3]);
      } else {
        const kind = valueKind(rest);
        if (kind !== 'scalar' && kind !== 'block') return false;
        next = kind === 'block' ? skipBlock(i + 1, indent) : i + 1;
      }
    } else {
      const m = KEY_LINE_RE.exec(line);
      if (!m || !place(indent, false)) return false;
      open = -1;
      next = keyValue(i, indent, m[3]);
    }
    if (next === undefined) return false;
    i = next;
  }
  return true;
}
