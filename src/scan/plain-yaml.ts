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
//   `KEY:` or `KEY: VALUE` with KEY of [A-Za-z0-9_][A-Za-z0-9_./-]*, at the indentation of an
//   open mapping, or deeper right after a `KEY:` with no value (a nested mapping);
//   VALUE: a plain scalar whose first character is no indicator and which holds no `: `, a
//   quoted string without escapes, `{}` or `[]`, or a block scalar header `|`/`>` (with `-`/`+`)
//   whose content lines are all indented deeper than the key, the first one setting the level.

const KEY_LINE_RE = /^( *)([A-Za-z0-9_][A-Za-z0-9_./-]{0,1000}):(?: +(.*))?$/;
/** Printable ASCII and line feeds only: no tab, CR, control, non-ASCII or BOM to reason about. */
const ALLOWED_RE = /^[\x20-\x7e\n]*$/;
const PLAIN_FIRST_RE = /^(?:[A-Za-z0-9_./$(<=^~+;)\\]|-[A-Za-z0-9_])/;
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
  if (v === '{}' || v === '[]') return 'scalar';
  if (BLOCK_HEADER_RE.test(v)) return hash >= 0 ? undefined : 'block';
  const q = v[0];
  if (q === '"' || q === "'") {
    const inner = v.slice(1, -1);
    return v.length >= 2 && v.endsWith(q) && !inner.includes(q) && (q === "'" || !inner.includes('\\')) ? 'scalar' : undefined;
  }
  if (!PLAIN_FIRST_RE.test(v) || v.includes(': ') || v.endsWith(':')) return undefined;
  return 'scalar';
}

export function plainBlockYaml(text: string): boolean {
  if (!ALLOWED_RE.test(text)) return false;
  const lines = text.split('\n');
  /** Indentations of the open block mappings, outermost first. */
  const levels: number[] = [];
  /** The previous key had no value: the next key may open a mapping under it. */
  let open = -1;
  let i = 0;
  if (lines[0].startsWith('---')) {
    if (!/^---(?: +(?:#.*)?)?$/.test(lines[0])) return false;
    i = 1;
  }
  for (; i < lines.length; i++) {
    const line = lines[i];
    if (isBlank(line)) continue;
    const indent = indentOf(line);
    if (line.charCodeAt(indent) === 35) continue; // `#`: a comment line
    const m = KEY_LINE_RE.exec(line);
    if (!m) return false;
    if (levels.length === 0) {
      if (indent !== 0) return false;
      levels.push(0);
    } else if (open >= 0 && indent > open) {
      levels.push(indent);
    } else {
      while (levels.length > 0 && levels[levels.length - 1] > indent) levels.pop();
      if (levels[levels.length - 1] !== indent) return false;
    }
    open = -1;
    const kind = valueKind(m[3]);
    if (kind === undefined) return false;
    if (kind === 'nested') open = indent;
    if (kind === 'block') {
      // The content: the first non-blank line sets its indentation, which must be deeper than
      // the key; leading blank lines must be empty (a longer one needs an indentation indicator).
      let j = i + 1;
      while (j < lines.length && lines[j] === '') j++;
      if (j < lines.length && isBlank(lines[j])) return false;
      if (j < lines.length) {
        const n = indentOf(lines[j]);
        if (n > indent) {
          for (j++; j < lines.length; j++) if (!isBlank(lines[j]) && indentOf(lines[j]) < n) break;
          i = j - 1;
        }
      }
    }
  }
  return true;
}
