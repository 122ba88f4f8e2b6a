// Commands that are not written as one shell line, for kubectl-literal.ts. A program is often
// started from an argv list that no shell splits: a container's `command:`/`args:` (Jobs,
// CronJobs, Helm hooks, Tekton and Argo steps), a JSON array, a Dockerfile's exec form
// `RUN ["kubectl", …]`. And a shell line is often written as a YAML string that YAML folds over
// several lines: a GitLab `script:` item continued on the next lines, `run: >`, a quoted string.
// Both are read from the text (no YAML parser: templates such as `{{ .Release.Namespace }}`
// leave the file invalid YAML, and the list is still run as written), each line and character
// once, so the readers stay linear in the file.
import {lastAtOrBefore} from './documents.js';
import {literalBlock} from './embedded.js';

/** A word of a command (kubectl-literal.ts reads shell lines into these; the readers here, argv lists). */
export interface ShellWord {
  /** The word as the command receives it: quotes removed, escapes applied. */
  text: string;
  /** Holds an expansion the shell (or make, or a CI runner) replaces: `$X`, `${X}`, `$(…)`, backquotes. */
  dynamic: boolean;
  /** Offset of the word's first character in the text given. */
  offset: number;
}

const FLAG_RE = /--(?:from-literal|docker-password)\b/;

/**
 * Flow lists `[a, "b", 'c']`, argument lists `("kubectl", "create", …)` and block sequences
 * (`- a` lines) of scalars that hold a flag item, as argv.
 */
export function argvLists(text: string): ShellWord[][] {
  const out: ShellWord[][] = [];
  flowLists(text, out);
  blockLists(text, out);
  return out;
}

const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\r' || c === '\n';

/**
 * Every `[` starts an attempt to read a flat list of scalars up to its `]`; the next attempt
 * starts where this one stopped (at a nested `[`, or past what it read), so no character is read twice.
 */
function flowLists(text: string, out: ShellWord[][]): void {
  const OPEN_RE = /[[(]/g;
  for (let m = OPEN_RE.exec(text); m; m = OPEN_RE.exec(text)) {
    const i = m.index;
    const r = flowList(text, i, text[i] === '[' ? ']' : ')');
    // An argument list, `exec.Command("kubectl", …)`, `subprocess.call(("kubectl", …))`, is one
    // only when each argument is a quoted string or a bare name: `$(kubectl create …)` is a shell line.
    const argv = r.words && (text[i] === '[' || r.words.every((w) => text[w.offset] === '"' || text[w.offset] === "'" || !/\s/.test(w.text)));
    if (argv && r.words!.some((w) => FLAG_RE.test(w.text))) out.push(r.words!);
    OPEN_RE.lastIndex = Math.max(r.end, i + 1);
  }
}

function flowList(text: string, open: number, close: string): {words?: ShellWord[]; end: number} {
  const words: ShellWord[] = [];
  let j = open + 1;
  const skip = () => {
    for (;;) {
      if (isSpace(text[j])) j++;
      // A Dockerfile instruction continued on the next line.
      else if (text[j] === '\\' && (text[j + 1] === '\n' || (text[j + 1] === '\r' && text[j + 2] === '\n'))) j += 2;
      else return;
    }
  };
  for (;;) {
    skip();
    if (text[j] === close && words.length === 0) return {words, end: j + 1};
    const item = scalarAt(text, j, ',' + close);
    if (!item) return {end: j};
    words.push(item.word);
    j = item.end;
    skip();
    if (text[j] === close) return {words, end: j + 1};
    if (text[j] !== ',') return {end: j};
    j++;
  }
}

/**
 * A one-line scalar starting at `i`: JSON/YAML double-quoted (escapes decoded), YAML
 * single-quoted (`''` is a quote), or plain up to one of `stops`, a ` #` comment or the line's end.
 */
function scalarAt(text: string, i: number, stops: string): {word: ShellWord; end: number} | undefined {
  const c = text[i];
  if (c === undefined || c === '[' || (c === '{' && text[i + 1] !== '{') || isSpace(c)) return undefined;
  if (c === '"') {
    let s = '';
    for (let j = i + 1; j < text.length; j++) {
      const d = text[j];
      if (d === '\n') return undefined;
      if (d === '"') return {word: {text: s, dynamic: false, offset: i}, end: j + 1};
      if (d === '\\') {
        const e = text[++j];
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(j + 1, j + 5))) {
          s += String.fromCharCode(parseInt(text.slice(j + 1, j + 5), 16));
          j += 4;
        } else s += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : (e ?? '');
      } else s += d;
    }
    return undefined;
  }
  if (c === "'") {
    let s = '';
    for (let j = i + 1; j < text.length; j++) {
      const d = text[j];
      if (d === '\n') return undefined;
      if (d === "'") {
        if (text[j + 1] !== "'") return {word: {text: s, dynamic: false, offset: i}, end: j + 1};
        j++;
      }
      s += d;
    }
    return undefined;
  }
  let j = i;
  // A template item, `{{ .Release.Namespace }}`, is read as a word up to its `}}`.
  if (c === '{' && text[i + 1] === '{') {
    const close = text.indexOf('}}', i + 2);
    const nl = text.indexOf('\n', i);
    if (close === -1 || (nl !== -1 && nl < close)) return undefined;
    j = close + 2;
  }
  while (j < text.length && text[j] !== '\n' && !stops.includes(text[j]) && !(text[j] === '#' && isSpace(text[j - 1]))) j++;
  let end = j;
  while (end > i && isSpace(text[end - 1])) end--;
  return end > i ? {word: {text: text.slice(i, end), dynamic: false, offset: i}, end: j} : undefined;
}

interface Run {
  indent: number;
  words: ShellWord[];
  /** The last item is a plain scalar, which more indented lines would continue. */
  plain: boolean;
}

const ITEM_RE = /^([ \t]*)-(?:[ \t]+|$)/;
/** An item that is not one scalar word: a mapping, a block or flow collection, an alias, a tag. */
const NOT_WORD_RE = /^(?:[|>[{&*!%@`]|[^'"][^\n]*?:(?:[ \t]|$))/;
const BREAK: ShellWord = {text: '\0', dynamic: true, offset: 0};

/**
 * Runs of `- item` lines at one indentation (comments, blank lines and the more indented lines
 * of an item between them), nested runs kept on a stack, each closed by a line indented less.
 */
function blockLists(text: string, out: ShellWord[][]): void {
  const stack: Run[] = [];
  const close = (indent: number, orEqual: boolean) => {
    while (stack.length && (stack.at(-1)!.indent > indent || (orEqual && stack.at(-1)!.indent === indent))) {
      const run = stack.pop()!;
      if (run.words.some((w) => FLAG_RE.test(w.text))) out.push(run.words);
    }
  };
  for (let start = 0; start <= text.length; ) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl;
    const line = text.slice(start, end);
    const lineStart = start;
    start = end + 1;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const m = ITEM_RE.exec(line);
    const indent = m ? m[1].length : line.length - line.trimStart().length;
    if (!m) {
      const top = stack.at(-1);
      // An item continued on more lines is a string YAML folds (foldedScripts reads it as a
      // shell line, to the flag's line), not one word of an argv.
      if (top && indent > top.indent) {
        if (top.plain) top.words[top.words.length - 1] = BREAK;
        top.plain = false;
        continue;
      }
      close(indent, true);
      continue;
    }
    close(indent, false);
    let run = stack.at(-1);
    if (!run || run.indent !== indent) stack.push((run = {indent, words: [], plain: false}));
    const valueAt = lineStart + m[0].length;
    const value = text.slice(valueAt, end);
    const item = NOT_WORD_RE.test(value) ? undefined : scalarAt(text, valueAt, '');
    run.words.push(item?.word ?? BREAK);
    run.plain = item !== undefined && value[0] !== '"' && value[0] !== "'";
  }
  close(-1, true);
}

/** A YAML string whose value is one shell line folded over several lines of the file. */
export interface FoldedScript {
  value: string;
  /** Offset in the file of an offset in `value`. */
  at(offset: number): number;
}

/** A block mapping key and the blank after its `:`. */
const KEY_RE = /^(?:"[^"\n]*"|'[^'\n]*'|[^\s'"#?:,[\]{}|>-][^:\n]*):[ \t]+/;

/**
 * Plain scalars continued on more indented lines, `>` folded blocks and quoted strings that
 * span lines, holding a flag: their value as YAML folds it (line breaks become spaces, blank
 * lines stay breaks), with a map back to the file for each piece. A scalar is found after its
 * indicator: `key: value`, `- value`, `- key: value`.
 */
export function foldedScripts(text: string): FoldedScript[] {
  const out: FoldedScript[] = [];
  for (let start = 0; start < text.length; ) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl;
    const lineStart = start;
    start = end + 1;
    const line = text.slice(lineStart, end);
    let i = 0;
    while (line[i] === ' ' || line[i] === '\t') i++;
    let parent = -1;
    if (line[i] === '-' && (line[i + 1] === ' ' || line[i + 1] === '\t')) {
      parent = i;
      i += 2;
      while (line[i] === ' ' || line[i] === '\t') i++;
    }
    const key = KEY_RE.exec(line.slice(i));
    if (key) {
      parent = i;
      i += key[0].length;
    }
    if (parent === -1 || i >= line.length) continue;
    const valueAt = lineStart + i;
    const c = text[valueAt];
    let folded: {script: FoldedScript; end: number} | undefined;
    if (c === '>') folded = foldedBlock(text, end, parent);
    else if (c === '"' || c === "'") folded = quoted(text, valueAt);
    else if (!'|[{&*!%@`#'.includes(c)) folded = plain(text, valueAt, end, parent);
    if (!folded || folded.end <= end + 1) continue;
    if (FLAG_RE.test(folded.script.value)) out.push(folded.script);
    start = Math.max(start, folded.end);
  }
  return out;
}

/** Pieces of a value and where each starts in the file. */
class Pieces {
  value = '';
  private starts: number[] = [];
  private files: number[] = [];
  add(piece: string, fileAt: number): void {
    this.starts.push(this.value.length);
    this.files.push(fileAt);
    this.value += piece;
  }
  script(): FoldedScript {
    const {starts, files, value} = this;
    return {
      value,
      at: (offset) => {
        const lo = lastAtOrBefore(starts, offset);
        return files[lo] + offset - starts[lo];
      },
    };
  }
}

/** Lines from `from` on that are blank or indented more than `parent`: a multi-line scalar's. */
function continuation(text: string, from: number, parent: number, each: (lineStart: number, lineEnd: number, blank: boolean) => boolean): number {
  let start = from;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl;
    let i = start;
    while (i < end && (text[i] === ' ' || text[i] === '\t')) i++;
    const blank = i === end || (text[i] === '\r' && i + 1 === end);
    if (!blank && i - start <= parent) break;
    if (!each(i, text[end - 1] === '\r' ? end - 1 : end, blank)) break;
    start = end + 1;
  }
  return start;
}

/** A plain scalar's line without its ` # comment` and trailing blanks. */
function withoutComment(line: string): string {
  for (let i = line.indexOf('#'); i !== -1; i = line.indexOf('#', i + 1)) {
    if (i > 0 && (line[i - 1] === ' ' || line[i - 1] === '\t')) return line.slice(0, i).trimEnd();
  }
  return line.trimEnd();
}

function plain(text: string, valueAt: number, lineEnd: number, parent: number): {script: FoldedScript; end: number} | undefined {
  const p = new Pieces();
  const first = withoutComment(text.slice(valueAt, lineEnd));
  if (/:(?:[ \t]|$)/.test(first)) return undefined;
  p.add(first, valueAt);
  let breaks = 0;
  const end = continuation(text, lineEnd + 1, parent, (s, e, blank) => {
    if (blank) {
      breaks++;
      return true;
    }
    const line = text.slice(s, e);
    // A comment ends a plain scalar; a `key:` line is the mapping's next key.
    if (line.startsWith('#') || /:(?:[ \t]|$)/.test(line) || line.startsWith('- ')) return false;
    p.add(breaks ? '\n'.repeat(breaks) : ' ', s);
    breaks = 0;
    p.add(withoutComment(line), s);
    return true;
  });
  return {script: p.script(), end};
}

function foldedBlock(text: string, headEnd: number, parent: number): {script: FoldedScript; end: number} | undefined {
  const block = literalBlock(text, headEnd, parent);
  if (!block) return undefined;
  const p = new Pieces();
  let breaks = 0;
  for (let s = headEnd + 1; s < block.end; ) {
    const nl = text.indexOf('\n', s);
    const e = nl === -1 || nl > block.end ? block.end : nl;
    const line = text.slice(s + Math.min(block.indent, e - s), e).replace(/\r$/, '');
    if (line.trim() === '') breaks++;
    else {
      if (p.value !== '') p.add(breaks ? '\n'.repeat(breaks) : ' ', s);
      breaks = 0;
      p.add(line, s + block.indent);
    }
    s = e + 1;
  }
  return {script: p.script(), end: block.end};
}

/** A double- or single-quoted YAML string that spans lines: line breaks fold to spaces, `\` escapes decoded. */
function quoted(text: string, at: number): {script: FoldedScript; end: number} | undefined {
  const q = text[at];
  const p = new Pieces();
  let j = at + 1;
  let lines = 0;
  // Blanks are added once something follows them on their line: trailing ones are dropped.
  let blanks = -1;
  const flush = () => {
    if (blanks !== -1) p.add(text.slice(blanks, j), blanks);
    blanks = -1;
  };
  while (j < text.length) {
    const d = text[j];
    if (d === ' ' || d === '\t') {
      if (blanks === -1) blanks = j;
      j++;
      continue;
    }
    flush();
    if (d === q) {
      if (q === "'" && text[j + 1] === "'") {
        p.add("'", j);
        j += 2;
        continue;
      }
      return lines > 0 ? {script: p.script(), end: text.indexOf('\n', j) === -1 ? text.length : text.indexOf('\n', j) + 1} : undefined;
    }
    if (d === '\n' || (d === '\r' && text[j + 1] === '\n')) {
      lines++;
      // The next line's indentation is dropped too; one break is one space.
      blanks = -1;
      j = text.indexOf('\n', j) + 1;
      while (text[j] === ' ' || text[j] === '\t') j++;
      p.add(' ', j);
      continue;
    }
    if (q === '"' && d === '\\') {
      const e = text[j + 1];
      if (e === '\n' || e === '\r') {
        j = text.indexOf('\n', j) + 1;
        while (text[j] === ' ' || text[j] === '\t') j++;
        lines++;
        continue;
      }
      p.add(e === 'n' ? '\n' : e === 't' ? '\t' : (e ?? ''), j);
      j += 2;
      continue;
    }
    p.add(d, j);
    j++;
  }
  return undefined;
}
