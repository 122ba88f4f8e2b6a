// Markdown policy: the manifests in a README are copied and applied as they are, so fenced code
// blocks labelled yaml, yml, json (or not labelled at all) are scanned with every manifest rule.
// Prose and blocks in other languages (bash, go…) are not manifests. The private-key rule reads
// the whole file, as it reads every text file.
//
// The blocks are laid out in a text with the Markdown file's line count: every other line is
// blank, and each fence line becomes a `---` document marker, so a finding's line is the line in
// the Markdown file and blocks never run into each other. Each block is also split into the
// objects its writer meant (`chunks`): docs put several manifests in one block without a `---`
// between them — JSON objects one after another, YAML documents after a blank line, or both —
// and a reader that took the block as one document saw only the first, or one object merged
// from all (the last `kind:` winning, so a ConfigMap after a Secret hid it).
import type {DocumentChunk} from './documents.js';

const FENCE_RE = /^((?:[ \t]{0,3}>[ \t]?)*)([ \t]*)(`{3,}|~{3,})[ \t]*([^\s`{]*)/;
/** One blockquote marker (`>`, with the blank after it), as CommonMark reads it. */
const QUOTE_RE = /^[ \t]{0,3}>[ \t]?/;
const MANIFEST_LANGS = new Set(['', 'yaml', 'yml', 'json', 'jsonc', 'yaml+jinja', 'helm']);

export interface MarkdownManifests {
  text: string;
  /** Per 1-based line, the columns removed from the start of the line (the block's indentation). */
  indent: Map<number, number>;
  /** The objects of every block, one chunk each, at their lines in the Markdown file. */
  chunks: DocumentChunk[];
}

export function markdownManifests(md: string): MarkdownManifests {
  if (!md.includes('```') && !md.includes('~~~')) return {text: '', indent: new Map(), chunks: []};
  const lines = md.split('\n');
  const out: string[] = new Array<string>(lines.length).fill('');
  const indent = new Map<number, number>();
  const chunks: DocumentChunk[] = [];
  const blocks: {first: number; end: number; split: boolean}[] = [];
  let open: {fence: string; indent: number; quotes: number; keep: boolean; first: number; split: boolean; apiVersions: number; kinds: number} | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    // Most lines are prose: only a line holding ``` or ~~~ can be a fence.
    const m = line.includes('```') || line.includes('~~~') ? FENCE_RE.exec(line) : null;
    if (!open) {
      if (!m) continue;
      // A block in a blockquote (`> ```yaml`): its lines carry as many `>` markers.
      const quotes = m[1] === '' ? 0 : (m[1].match(/>/g) ?? []).length;
      open = {fence: m[3], indent: m[2].length, quotes, keep: MANIFEST_LANGS.has(m[4].toLowerCase()), first: i + 1, split: false, apiVersions: 0, kinds: 0};
      if (open.keep) out[i] = '---';
      continue;
    }
    // CommonMark: a closing fence is the same character, at least as long, with nothing after it.
    if (m && m[3][0] === open.fence[0] && m[3].length >= open.fence.length && line.slice(m[1].length).trim() === m[3]) {
      if (open.keep) {
        out[i] = '---';
        blocks.push({first: open.first, end: i, split: open.split});
      }
      open = undefined;
      continue;
    }
    if (!open.keep) continue;
    let cut = 0;
    for (let q = 0; q < open.quotes; q++) {
      const marker = QUOTE_RE.exec(line.slice(cut));
      if (!marker) break;
      cut += marker[0].length;
    }
    const indentFrom = cut;
    while (cut - indentFrom < open.indent && (line[cut] === ' ' || line[cut] === '\t')) cut++;
    out[i] = line.slice(cut);
    if (cut) indent.set(i + 1, cut);
    // What splitBlock needs to know to take the block whole: JSON or a marker at a line's
    // start, or a second apiVersion/kind (one character compared per line, mostly).
    const c0 = line[cut];
    if (c0 === '{' || c0 === '[' || c0 === '-' || c0 === '.' || c0 === '"' || c0 === "'") open.split = true;
    else if (c0 === 'a' && line.startsWith('apiVersion', cut)) open.split ||= ++open.apiVersions > 1;
    else if (c0 === 'k' && line.startsWith('kind', cut)) open.split ||= ++open.kinds > 1;
  }
  // A block left open runs to the end of the file (CommonMark).
  if (open?.keep) blocks.push({first: open.first, end: lines.length, split: open.split});
  const text = out.join('\n');
  // Each block's text is a slice of the laid-out text: the lines' offsets, counted once.
  let line = 0;
  let offset = 0;
  const offsetOf = (n: number) => {
    for (; line < n; line++) offset += out[line].length + 1;
    return Math.min(offset, text.length);
  };
  for (const b of blocks) {
    const from = offsetOf(b.first);
    const to = offsetOf(b.end);
    const body = b.end >= lines.length ? text.slice(from) + '\n' : text.slice(from, to);
    if (!b.split) {
      if (/\S/.test(body)) chunks.push({text: body, startLine: b.first + 1});
    } else chunks.push(...splitBlock(body, () => out.slice(b.first, b.end), b.first + 1));
  }
  return {text, indent, chunks};
}

/** A line that may start another document: JSON, a marker. */
const SPLIT_HINT_RE = /^(?:[{[]|---(?:[ \t]|$)|\.\.\.(?:[ \t]|$))/m;
const IDENTITY_LINES_RE = /^["']?(apiVersion|kind)["']?[ \t]*:/gm;
/** `---` or `...` alone (a YAML document marker). */
const MARKER_RE = /^(?:---|\.\.\.)(?:[ \t]|$)/;
/** A top-level `apiVersion:` or `kind:` (quoted or not), in column 0: an object's identity. */
const IDENTITY_KEY_RE = /^(?:"(apiVersion|kind)"|'(apiVersion|kind)'|(apiVersion|kind))[ \t]*:(?:[ \t]|$)/;

/**
 * The documents of one code block (its text and lines, indentation already cut; `firstLine` is
 * the 1-based Markdown line of the first). A new document starts at a `---` line; where a JSON
 * object (or array) closes and another text follows; at a `{`/`[` in column 0 after YAML; and
 * at an `apiVersion:` or `kind:` the document has already (the next object, as its writer
 * meant it) — from the blank line before it when only comments are between.
 * One pass, each character looked at once or twice.
 */
export function splitBlock(whole: string, lineList: () => string[], firstLine: number): DocumentChunk[] {
  // Most blocks are one YAML document: no JSON, no marker, one apiVersion and one kind.
  if (!SPLIT_HINT_RE.test(whole)) {
    let apiVersions = 0;
    let kinds = 0;
    for (const m of whole.matchAll(IDENTITY_LINES_RE)) if (m[1] === 'kind' ? ++kinds > 1 : ++apiVersions > 1) break;
    if (apiVersions <= 1 && kinds <= 1) return /\S/.test(whole) ? [{text: whole, startLine: firstLine}] : [];
  }
  const lines = lineList();
  const chunks: DocumentChunk[] = [];
  // The document being read: from line `start` (from column `col` on that line).
  let start = 0;
  let col = 0;
  let keys = new Map<string, number>();
  let lastBlank = -1;
  let commentsSinceBlank = true;
  let content = false;
  let json: {depth: number; inString: boolean} | undefined;
  let padded = 0;
  /** Emits the document up to line `endLine`, exclusive; with `endCol`, up to that column of `endLine`. */
  const emit = (endLine: number, endCol?: number) => {
    if (!content) return;
    const body = lines.slice(start, endLine + (endCol === undefined ? 0 : 1));
    if (endCol !== undefined) body[body.length - 1] = body[body.length - 1].slice(0, endCol);
    // Blanks keep the object's columns, within a budget of the line's length: thousands of
    // objects on one long line stay linear (past it, columns count from the object).
    if (col > 0) {
      const pad = padded + col <= lines[start].length ? col : 0;
      padded += pad;
      body[0] = ' '.repeat(pad) + body[0].slice(col);
    }
    chunks.push({text: body.join('\n') + '\n', startLine: firstLine + start});
  };
  const begin = (line: number, column = 0) => {
    start = line;
    col = column;
    keys = new Map();
    lastBlank = -1;
    commentsSinceBlank = true;
    content = false;
    json = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    let from = 0;
    if (!json) {
      if ((line[0] === '-' || line[0] === '.') && MARKER_RE.test(line)) {
        emit(i);
        begin(i);
        continue;
      }
      const c = line[0];
      if ((c === '{' || c === '[') && !/^\{[{%#]/.test(line)) {
        if (content) {
          emit(i);
          begin(i);
        }
        json = {depth: 0, inString: false};
      } else {
        let first = 0;
        while (line[first] === ' ' || line[first] === '\t' || line[first] === '\r') first++;
        if (first === line.length) {
          lastBlank = i;
          commentsSinceBlank = true;
          continue;
        }
        if (line[first] === '#') continue;
        const k = line[0] === 'a' || line[0] === 'k' || line[0] === '"' || line[0] === "'" ? IDENTITY_KEY_RE.exec(line) : null;
        const key = k ? (k[1] ?? k[2] ?? k[3]) : undefined;
        if (key !== undefined && keys.has(key)) {
          const at = lastBlank > keys.get(key)! && commentsSinceBlank ? lastBlank + 1 : i;
          emit(at);
          begin(at);
        }
        if (key !== undefined) keys.set(key, i);
        content = true;
        commentsSinceBlank = false;
        continue;
      }
    }
    // Inside JSON: strings and nesting, so that the object's end is found; what follows it on
    // the line starts the next document.
    for (let j = from; j < line.length; j++) {
      const c = line[j];
      if (!json) {
        if (c === ' ' || c === '\t' || c === ',') continue;
        // Another object on the same line: a document from this column. Other text after an
        // object is not JSON, and not another document either.
        if (c !== '{' && c !== '[') break;
        emit(i, from);
        begin(i, j);
        json = {depth: 0, inString: false};
      }
      const s = json;
      if (s.inString) {
        if (c === '\\') j++;
        else if (c === '"') s.inString = false;
        continue;
      }
      content = true;
      if (c === '"') s.inString = true;
      else if (c === '{' || c === '[') s.depth++;
      else if ((c === '}' || c === ']') && --s.depth === 0) {
        json = undefined;
        from = j + 1;
      }
    }
    if (!json) {
      // The object closed on this line: the next line starts a new document.
      emit(i, from);
      begin(i + 1);
    }
  }
  emit(lines.length);
  return chunks;
}
