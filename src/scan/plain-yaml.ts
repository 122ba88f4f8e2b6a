// A reader for the block-style YAML most Secrets in a repository are written in, in one pass:
// it proves the text valid (so unparseable-secret need not ask `yaml`, whose parse costs
// ~100 µs per document before it reads a byte) and builds the document tree with line numbers
// that the manifest reader needs (tree.ts), where js-yaml and `yaml` cost most of a scan.
// Such a text is valid YAML whatever its values, and anything outside the small grammar below
// is left to `yaml` (undefined), so no verdict changes
// (test/unit/scan/scan-prefilter.test.ts checks both claims against `yaml` on every corpus
// document and on random and mutated ones).
//
// The grammar, line by line (printable ASCII only, no tab, no CR):
//   blank or comment lines anywhere;
//   `---` (optionally with a comment) as the first line only;
//   `KEY:` or `KEY: VALUE` with a plain KEY (see keyEnd) or a quoted one without escapes, at the
//   indentation of an open mapping, or deeper right after a `KEY:` with no value (a nested mapping);
//   `- VALUE` or `- KEY: VALUE` (a compact mapping), at the indentation of an open sequence,
//   or right after a `KEY:` with no value, deeper or at the key's own indentation;
//   VALUE: a plain scalar whose first character is no indicator and which holds no `: `, a
//   quoted string without escapes, `{}`, a one-line flow sequence of such strings and words,
//   or a block scalar header `|`/`>` (with `-`/`+`) whose content lines are all indented deeper
//   than the key, the first one setting the level; or a one-line Go template action of words
//   and pipes (`{{ .Values.x }}`, `{{.x | quote}}`), which `yaml` reads as a flow mapping whose
//   only key is a mapping: nothing in it is ever read as a key or a value, only its text.
//
// And a proof that `yaml` rejects a template (templateRejected): when every line before it is in
// the grammar, a line starting with `{{- ` or `{%` that cannot continue a plain scalar opens a
// flow mapping in block context, and `- ` (a block sequence entry) or `%` cannot start anything
// inside one. Such a chunk goes straight to the tolerant reader, which is what happened after
// `yaml`'s parse failed; a chunk the proof does not cover is parsed by `yaml` as before.
// Written with charCodeAt over the whole text (no line array, no expression per line): it runs
// on every Secret document of a scan.
import {readJson} from './json-reader.js';
import {Style, resolvePlain, type BlockDoc, type TMap, type TNode, type TScalar, type TSeq} from './tree.js';

export type {BlockDoc};

/** A one-line flow sequence of quoted strings and simple plain words: `["ALL"]`, `[a, b]`. */
const FLOW_SEQ_RE = /^\[ *(?:(?:"[^"\\]*"|'[^']*'|[A-Za-z0-9_./][A-Za-z0-9_./-]*)(?: *, *(?:"[^"\\]*"|'[^']*'|[A-Za-z0-9_./][A-Za-z0-9_./-]*))* *)?\]$/;
const DOC_START_RE = /^---(?: +(?:#.*)?)?$/;
/** `{{ .Values.x }}`, `{{.x | quote}}`, `{{ $v }}`: no quote, colon, comma, `#` or bracket inside, and not `{{-`. */
const TEMPLATE_VALUE_RE = /^\{\{ *[.$A-Za-z_][A-Za-z0-9_.$|/ -]*\}\}$/;

/** What blockYaml found when asked for a proof of rejection. */
const REJECTED = Symbol('rejected');

/** [A-Za-z0-9_] */
function word(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

/** A plain scalar may start with these (or `-` and a word character): no indicator, no quote. */
function plainFirst(c: number): boolean {
  // . / $ ( < = ^ ~ + ; ) \
  return word(c) || c === 46 || c === 47 || c === 36 || c === 40 || c === 60 || c === 61 || c === 94 || c === 126 || c === 43 || c === 59 || c === 41 || c === 92;
}

/** Characters a plain key may hold past its first besides word characters, `.`, `/` and `-`: < > $ ( ) = + ~ ^ ; @ \ */
function keyChar(c: number): boolean {
  return c === 60 || c === 62 || c === 36 || c === 40 || c === 41 || c === 61 || c === 43 || c === 126 || c === 94 || c === 59 || c === 64 || c === 92;
}

interface Level {
  indent: number;
  seq: boolean;
  node: TMap | TSeq;
}

const newMap = (line: number, col: number): TMap => ({k: 1, keys: [], keyLine: [], keyCol: [], values: [], line, col});
const newSeq = (line: number, col: number): TSeq => ({k: 2, items: [], line, col});

/** The tree of a JSON document (json-reader.ts) or of one in the block grammar above, or undefined. */
export function readTree(text: string): BlockDoc | undefined {
  let i = 0;
  while (i < text.length && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 10 || text.charCodeAt(i) === 9)) i++;
  const c = text.charCodeAt(i);
  return c === 123 || c === 91 ? readJson(text) : readBlockYaml(text);
}

/** Is the text valid YAML of the grammar above? */
export function plainBlockYaml(text: string): boolean {
  return readBlockYaml(text) !== undefined;
}

/** The text's tree, or undefined when it is outside the grammar. */
export function readBlockYaml(text: string): BlockDoc | undefined {
  const r = blockYaml(text, false);
  return r === REJECTED ? undefined : r;
}

/**
 * Does `yaml` certainly report an error for this text? True only when the lines before its
 * first template action line are in the grammar (so the reader knows where that line stands) and
 * the action is `{{- ` or `{%` at a line start in block context (see the top of this file).
 * False says nothing.
 */
export function templateRejected(text: string): boolean {
  return blockYaml(text, true) === REJECTED;
}

function blockYaml(text: string, templates: boolean): BlockDoc | undefined | typeof REJECTED {
  const len = text.length;
  /** The first character outside the grammar's alphabet: past it, nothing is known. */
  let bad = len;
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 10) || c > 126) {
      if (!templates) return undefined;
      bad = i;
      break;
    }
  }
  const levels: Level[] = [];
  let root: TNode | null = null;
  /** The indentation of the previous key when it had no value: the next line may open a collection under it. */
  let open = -1;

  /** The collection a mapping key (seq false) or a sequence entry (seq true) at `indent` goes into, if it can stand there. */
  const place = (indent: number, seq: boolean, line: number, col: number): TMap | TSeq | undefined => {
    let node: TMap | TSeq;
    if (levels.length === 0) {
      if (indent !== 0) return undefined;
      node = seq ? newSeq(line, col) : newMap(line, col);
      root = node;
    } else if (open >= 0 && (indent > open || (indent === open && seq))) {
      // A nested collection, the value of the key above; a sequence may sit at its key's own indentation.
      node = seq ? newSeq(line, col) : newMap(line, col);
      const parent = levels[levels.length - 1].node as TMap;
      parent.values[parent.values.length - 1] = node;
    } else {
      while (levels.length > 0 && levels[levels.length - 1].indent > indent) levels.pop();
      const top = levels[levels.length - 1];
      // A key at the indentation of a sequence under a key: that sequence has ended.
      if (top?.indent === indent && top.seq && !seq) levels.pop();
      const now = levels[levels.length - 1];
      return now?.indent === indent && now.seq === seq ? now.node : undefined;
    }
    levels.push({indent, seq, node});
    return node;
  };

  /** The offset of the pair of characters a, b in [from, to), or -1. */
  const find = (a: number, b: number, from: number, to: number): number => {
    for (let i = from; i + 1 < to; i++) if (text.charCodeAt(i) === a && text.charCodeAt(i + 1) === b) return i;
    return -1;
  };

  const eolOf = (p: number): number => {
    const e = text.indexOf('\n', p);
    return e < 0 ? len : e;
  };

  /** Where the line after a value is: set by value(). */
  let nextPos = 0;
  let nextLine = 0;
  /** Set by value(): the value was on its line alone (a scalar or flow node, not a block scalar or nothing), so a deeper line may continue it. */
  let inline = false;

  /**
   * The value in [r, eol) on `line` (r past the spaces after `:` or `- `), whose key or entry is
   * at `parent`; sets nextPos/nextLine. null for no value (a nested collection may follow),
   * undefined when outside the grammar.
   */
  const value = (r: number, eol: number, line: number, parent: number, col: number): TNode | null | undefined => {
    nextPos = eol + 1;
    nextLine = line + 1;
    inline = false;
    if (r >= eol || text.charCodeAt(r) === 35) return null;
    inline = true;
    // A comment after the value ends the line as far as YAML is concerned.
    // (Searched within the line only: a search to the end of the text per line was quadratic.)
    const hash = find(32, 35, r, eol);
    let ve = hash >= 0 ? hash : eol;
    while (ve > r && text.charCodeAt(ve - 1) === 32) ve--;
    const c = text.charCodeAt(r);
    const n = ve - r;
    if (c === 123 && n === 2 && text.charCodeAt(r + 1) === 125) return {...newMap(line, col), flow: '{}', endLine: line};
    if (c === 123 && text.charCodeAt(r + 1) === 123) {
      const src = text.slice(r, ve);
      return TEMPLATE_VALUE_RE.test(src) ? {...newMap(line, col), flow: src, endLine: line, template: true} : undefined;
    }
    if (c === 91) return flowSeq(r, ve, line, col);
    if ((c === 124 || c === 62) && (n === 1 || (n === 2 && (text.charCodeAt(r + 1) === 45 || text.charCodeAt(r + 1) === 43)))) {
      if (hash >= 0) return undefined;
      inline = false;
      const chomp = n === 2 ? text.charCodeAt(r + 1) : 0;
      const style = chomp === 43 ? Style.Unknown : c === 124 ? (chomp === 45 ? Style.LiteralStrip : Style.Literal) : chomp === 45 ? Style.FoldedStrip : Style.Folded;
      return block(r, eol, line, parent, style);
    }
    if (c === 34 || c === 39) {
      if (n < 2 || text.charCodeAt(ve - 1) !== c) return undefined;
      for (let i = r + 1; i < ve - 1; i++) {
        const d = text.charCodeAt(i);
        if (d === c || (c === 34 && d === 92)) return undefined;
      }
      return scalar(line, r, Style.Verbatim, r + 1, ve - 1);
    }
    if (!(plainFirst(c) || (c === 45 && r + 1 < ve && (word(text.charCodeAt(r + 1)) || text.charCodeAt(r + 1) === 45)))) return undefined;
    if (text.charCodeAt(ve - 1) === 58) return undefined;
    if (find(58, 32, r, ve + 1) >= 0) return undefined;
    return scalar(line, r, Style.Plain, r, ve);
  };

  /** The start of the line being read, for columns. */
  let lineStart = 0;
  const scalar = (line: number, at: number, style: Style, from: number, to: number, endLine = line, indent = 0): TScalar => ({k: 0, line, col: at - lineStart + 1, endLine, style, src: text, from, to, indent});

  const flowSeq = (r: number, ve: number, line: number, col: number): TSeq | undefined => {
    const src = text.slice(r, ve);
    if (!FLOW_SEQ_RE.test(src)) return undefined;
    const seq: TSeq = {...newSeq(line, col), flow: src, endLine: line};
    let i = r + 1;
    while (i < ve - 1) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 44) {
        i++;
        continue;
      }
      if (c === 34 || c === 39) {
        const close = text.indexOf(String.fromCharCode(c), i + 1);
        seq.items.push(scalar(line, i, Style.Verbatim, i + 1, close));
        i = close + 1;
      } else {
        let e = i;
        while (e < ve - 1 && text.charCodeAt(e) !== 32 && text.charCodeAt(e) !== 44) e++;
        seq.items.push(scalar(line, i, Style.Plain, i, e));
        i = e;
      }
    }
    return seq;
  };

  /** A block scalar whose header ends at `eol`, under a key or entry at `parent`. */
  const block = (at: number, eol: number, line: number, parent: number, style: Style): TScalar | undefined => {
    // The first non-blank line sets the content's indentation, which must be deeper than the
    // parent; leading blank lines must be empty (a longer one needs an indentation indicator).
    let q = eol + 1;
    let ln = line + 1;
    const from = q;
    let e = 0;
    while (q <= len) {
      e = eolOf(q);
      if (e !== q) break;
      q = e + 1;
      ln++;
    }
    nextPos = q;
    nextLine = ln;
    if (q > len) return scalar(line, at, Style.Unknown, from, from);
    let s = q;
    while (s < e && text.charCodeAt(s) === 32) s++;
    if (s === e) return undefined;
    const n = s - q;
    if (n <= parent) return scalar(line, at, Style.Unknown, from, from);
    let lastEnd = e;
    let lastLine = ln;
    let spaces = false;
    for (q = e + 1, ln++; q <= len; q = e + 1, ln++) {
      e = eolOf(q);
      s = q;
      while (s < e && text.charCodeAt(s) === 32) s++;
      if (s < e) {
        if (s - q < n) break;
        lastEnd = e;
        lastLine = ln;
      } else if (s - q > n) spaces = true;
    }
    nextPos = q;
    nextLine = ln;
    // A line of spaces deeper than the content inside the scalar is content of its own: left to `yaml`.
    return scalar(line, at, spaces ? Style.Unknown : style, from, lastEnd, lastEnd < len ? lastLine + 1 : lastLine, n);
  };

  /**
   * `KEY` from `p` to a `:` that ends the line or is followed by a space: the colon's offset, or
   * -1. A plain key (a word character, `.` and one, or `<`, `$`, `(`, `/` first; then those,
   * `-`, `>`, `)`, `=`, `+`, `~`, `^`, `;`, `@`, `\` and single spaces, none before the colon), or a
   * quoted one without escapes or its own quote inside (`"jenkins.io/credentials-type":`).
   */
  const keyEnd = (p: number, eol: number): number => {
    let i = p;
    const c = text.charCodeAt(i);
    if (c === 34 || c === 39) {
      i++;
      while (i < eol && text.charCodeAt(i) !== c && !(c === 34 && text.charCodeAt(i) === 92)) i++;
      if (i >= eol || text.charCodeAt(i) !== c) return -1;
      i++;
    } else {
      if (word(c) || c === 60 || c === 36 || c === 40 || c === 47) i++;
      else if (c === 46 && word(text.charCodeAt(i + 1))) i += 2;
      else return -1;
      const max = i + 1000;
      while (i < eol && i < max) {
        const d = text.charCodeAt(i);
        if (word(d) || d === 46 || d === 47 || d === 45 || keyChar(d)) i++;
        else if (d === 32 && text.charCodeAt(i + 1) !== 35 && text.charCodeAt(i + 1) !== 32 && text.charCodeAt(i + 1) !== 58) i++;
        else break;
      }
    }
    if (text.charCodeAt(i) !== 58) return -1;
    return i + 1 === eol || text.charCodeAt(i + 1) === 32 ? i : -1;
  };

  /** `KEY: VALUE` into `map`; false when outside the grammar. */
  const keyValue = (map: TMap, p: number, colon: number, eol: number, line: number, indent: number, pos: number): boolean => {
    const q = text.charCodeAt(p);
    const key = q === 34 || q === 39 ? text.slice(p + 1, colon - 1) : resolvePlain(text.slice(p, colon));
    map.keys.push(typeof key === 'string' ? key : String(key));
    map.keyLine.push(line);
    map.keyCol.push(p - pos + 1);
    let r = colon + 1;
    while (r < eol && text.charCodeAt(r) === 32) r++;
    const v = value(r, eol, line, indent, r - pos + 1);
    if (v === undefined) return false;
    if (v === null) {
      open = indent;
      map.values.push(scalar(line, r, Style.Null, r, r));
    } else map.values.push(v);
    return true;
  };

  let pos = 0;
  let line = 1;
  /** How deep a line may start and still not continue the value above it (a plain scalar's next line). */
  let shallow = Number.MAX_SAFE_INTEGER;
  if (text.startsWith('---')) {
    const e = eolOf(0);
    if (e > bad || !DOC_START_RE.test(text.slice(0, e))) return undefined;
    pos = e + 1;
    line = 2;
  }
  while (pos <= len) {
    const eol = eolOf(pos);
    lineStart = pos;
    let p = pos;
    while (p < eol && text.charCodeAt(p) === 32) p++;
    const indent = p - pos;
    if (templates && indent <= shallow && p + 3 < bad && text.charCodeAt(p) === 123) {
      const d = text.charCodeAt(p + 1);
      if (d === 37 || (d === 123 && text.charCodeAt(p + 2) === 45 && text.charCodeAt(p + 3) === 32)) return REJECTED;
    }
    if (eol > bad) return undefined;
    // Blank and comment (`#`) lines.
    if (p === eol || text.charCodeAt(p) === 35) {
      pos = eol + 1;
      line++;
      continue;
    }
    if (text.charCodeAt(p) === 45 && text.charCodeAt(p + 1) === 32 && text.charCodeAt(p + 2) !== 32) {
      // `- ENTRY`: a scalar, or `KEY: VALUE` opening a compact mapping two columns in.
      const seq = place(indent, true, line, indent + 1) as TSeq | undefined;
      if (!seq) return undefined;
      open = -1;
      const colon = p + 2 < eol ? keyEnd(p + 2, eol) : -1;
      if (colon >= 0) {
        const map = newMap(line, indent + 3);
        seq.items.push(map);
        levels.push({indent: indent + 2, seq: false, node: map});
        if (!keyValue(map, p + 2, colon, eol, line, indent + 2, pos)) return undefined;
      } else {
        const v = value(p + 2, eol, line, indent, indent + 3);
        if (!v) return undefined;
        seq.items.push(v);
      }
    } else {
      const colon = keyEnd(p, eol);
      if (colon < 0) return undefined;
      const map = place(indent, false, line, indent + 1) as TMap | undefined;
      if (!map) return undefined;
      open = -1;
      if (!keyValue(map, p, colon, eol, line, indent, pos)) return undefined;
    }
    shallow = inline ? indent : Number.MAX_SAFE_INTEGER;
    pos = nextPos;
    line = nextLine;
  }
  return templates ? undefined : {root};
}
