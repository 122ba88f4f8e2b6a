// kubectl-secret-literal: `kubectl create secret generic NAME --from-literal=KEY=VALUE` (and
// `docker-registry … --docker-password=VALUE`) written down in a script, a Makefile, a
// Dockerfile, a CI file or a Markdown code block: the value is in git as surely as in a
// plaintext manifest. The command is read as a POSIX shell reads it (quotes, escapes, line
// continuations), so the value judged is the one kubectl receives; a value the shell computes
// (`$PW`, `$(vault …)`, `` `cat f` ``) is not in the file, and is no finding. `tls` Secrets are
// made from files only.
import {argvLists, foldedScripts, type ShellWord} from './command-lists.js';
import {mayHaveKubectlLiteral, positions, STDIN_FILE_RE} from './documents.js';
import {exemption} from './exceptions.js';
import type {RawFinding} from './rule.js';
import {severityOf} from './severity.js';

export type {ShellWord} from './command-lists.js';

export interface KubectlLiterals {
  findings: RawFinding[];
  /** Lines with a `# kubectl-secret:allow` shell comment. */
  allow: Set<number>;
}

/** A command spans at most this many continued lines: bounds the work per flag on any input. */
const MAX_CONTINUED_LINES = 64;
const ALLOW_RE = /\bkubectl-secret:allow\b/;
/** kubectl, the `k` alias docs use, oc (OpenShift), microk8s.kubectl; a path or a make prefix (`@`, `-`) before it. */
const KUBECTL_RE = /^[@+-]*(?:[^\s]*\/)?(?:kubectl|k|oc|microk8s\.kubectl)(?:\.exe)?$/;
/** kubectl flags that take the next word as their value when written without `=`. */
const VALUE_FLAGS = new Set(['-n', '--namespace', '--context', '--cluster', '--user', '--kubeconfig', '-o', '--output', '-s', '--server', '--token', '--as', '--as-group', '--request-timeout', '--field-manager', '--type', '--from-file', '--from-env-file', '--docker-server', '--docker-username', '--docker-email', '--cert', '--key', '--append-hash', '--save-config', '--validate', '--dry-run', '--template']);
/** A value that names a variable another way: `%PW%` anywhere, `!PW!` (cmd.exe); PowerShell's `$env:PW` is caught as `$…`. */
const VARIABLE_RE = /\$[A-Za-z_{(]|%[A-Za-z_][A-Za-z0-9_]*%|^![A-Za-z_][A-Za-z0-9_]*!$/;
/** What the shell replaces: `$X`, `${X}`, `$(…)`, `$1`, `$$`, backquotes. */
const EXPANSION_RE = /\$[A-Za-z0-9_{(@*#?$!-]|`/;
const DEFAULT_RE = /\$\{[A-Za-z_][A-Za-z0-9_]*:?[-=]/g;

/**
 * Whether kubectl receives a value written in the file. A value the shell computes is not in
 * it, except a default (`${PW:-hunter2}`, deployed whenever PW is unset), judged as the
 * defaults of envsubst and Flux are (exceptions.ts). The key's expansions do not matter.
 */
function literal(value: string, depth = 0): boolean {
  if (!EXPANSION_RE.test(value) && !VARIABLE_RE.test(value)) return exemption(value) === undefined;
  // Defaults nested deeper than anybody writes are not read (bounds the work on any input).
  if (depth > 4) return false;
  DEFAULT_RE.lastIndex = 0;
  for (let m = DEFAULT_RE.exec(value); m; m = DEFAULT_RE.exec(value)) {
    // The default runs to the `}` that closes this `${`.
    let open = 1;
    let end = m.index + m[0].length;
    for (; end < value.length && open > 0; end++) {
      if (value[end] === '{') open++;
      else if (value[end] === '}') open--;
    }
    const fallback = value.slice(m.index + m[0].length, open === 0 ? end - 1 : end);
    if (fallback !== '' && literal(fallback, depth + 1)) return true;
    DEFAULT_RE.lastIndex = end;
  }
  return false;
}

/**
 * Words of the commands in `text` (split at newlines, `;`, `&`, `|`, parentheses), with their
 * offsets. A `#` that starts a word starts a comment, except at the start of a line, where it
 * is read as a commented-out command: its values are in git all the same.
 */
export function shellCommands(text: string, onAllow?: (offset: number) => void): ShellWord[][] {
  const commands: ShellWord[][] = [];
  forEachShellCommand(text, (words) => commands.push(words), onAllow);
  return commands;
}

/**
 * shellCommands, one command at a time: a line of many short commands (`a|a|a…`) is then read
 * in constant memory. Collected, their words outlived the young generation and the garbage
 * collector's work grew faster than the line (the linear-time fuzz test found it).
 */
export function forEachShellCommand(text: string, onCommand: (words: ShellWord[]) => void, onAllow?: (offset: number) => void): void {
  let words: ShellWord[] = [];
  let word: ShellWord | undefined;
  let lineStart = true;
  const start = (i: number) => (word ??= {text: '', dynamic: false, offset: i});
  const end = () => {
    if (word) words.push(word);
    word = undefined;
  };
  const endCommand = () => {
    end();
    if (words.length) onCommand(words);
    words = [];
  };
  const expansion = (i: number): boolean => {
    const n = text[i + 1];
    return n !== undefined && /[A-Za-z0-9_{(@*#?$!'-]/.test(n);
  };
  /** Past `$(…)`, `${…}` or `` `…` `` starting at i (nesting counted, quotes inside skipped), or i when none starts there. */
  const expansionEnd = (i: number): number => {
    const open = text[i] === '`' ? '`' : text[i] === '$' ? text[i + 1] : undefined;
    if (open === '`') {
      const close = text.indexOf('`', i + 1);
      return close === -1 ? text.length : close + 1;
    }
    if (open !== '(' && open !== '{') return i;
    const close = open === '(' ? ')' : '}';
    let depth = 0;
    for (let j = i + 1; j < text.length; j++) {
      const d = text[j];
      if (d === '\\') j++;
      else if (d === "'" || d === '"') {
        const q = text.indexOf(d, j + 1);
        if (q === -1) return text.length;
        j = q;
      } else if (d === open) depth++;
      else if (d === close && --depth === 0) return j + 1;
    }
    return text.length;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      endCommand();
      lineStart = true;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      end();
      continue;
    }
    if (c === '#' && !word) {
      if (lineStart) continue;
      const stop = text.indexOf('\n', i);
      const comment = text.slice(i, stop === -1 ? text.length : stop);
      if (ALLOW_RE.test(comment)) onAllow?.(i);
      i = (stop === -1 ? text.length : stop) - 1;
      continue;
    }
    lineStart = false;
    if (c === ';' || c === '&' || c === '|' || c === '(' || c === ')') {
      endCommand();
      continue;
    }
    if (c === '<' || c === '>') {
      end();
      continue;
    }
    const w = start(i);
    if (c === '\\') {
      if (text[i + 1] === '\n') i++;
      else if (text[i + 1] === '\r' && text[i + 2] === '\n') i += 2;
      else if (i + 1 < text.length) w.text += text[++i];
      // A continuation joins lines: what follows is the same word or the next one.
      if (text[i] === '\n' && w.text === '') word = undefined;
      continue;
    }
    if (c === "'") {
      const close = text.indexOf("'", i + 1);
      const stop = close === -1 ? text.length : close;
      w.text += text.slice(i + 1, stop);
      i = stop;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        const d = text[j];
        if (d === '\\' && j + 1 < text.length && '$`"\\\n'.includes(text[j + 1])) {
          if (text[j + 1] !== '\n') w.text += text[j + 1];
          j++;
        } else if ((d === '$' && expansion(j)) || d === '`') {
          w.dynamic = true;
          const e = Math.max(expansionEnd(j), j + 1);
          w.text += text.slice(j, e);
          j = e - 1;
        } else w.text += d;
      }
      i = j;
      continue;
    }
    // bash's ANSI-C quoting, $'…': a literal string with C escapes. $"…" is a double-quoted string.
    if (c === '$' && text[i + 1] === "'") {
      const r = ansiC(text, i + 2);
      w.text += r.text;
      i = r.end;
      continue;
    }
    if (c === '$' && text[i + 1] === '"') continue;
    if (c === '`' || (c === '$' && expansion(i))) {
      w.dynamic = true;
      const e = Math.max(expansionEnd(i), i + 1);
      w.text += text.slice(i, e);
      i = e - 1;
      continue;
    }
    w.text += c;
  }
  endCommand();
}

const C_ESCAPES: Record<string, string> = {n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', v: '\v'};

/** The value of $'…' from `from` (after the quote) to its closing quote, at `end`. */
function ansiC(text: string, from: number): {text: string; end: number} {
  let out = '';
  let j = from;
  for (; j < text.length && text[j] !== "'"; j++) {
    if (text[j] !== '\\' || j + 1 >= text.length) {
      out += text[j];
      continue;
    }
    const e = text[++j];
    const hex = e === 'x' ? /^[0-9a-fA-F]{1,2}/.exec(text.slice(j + 1, j + 3)) : e === 'u' || e === 'U' ? /^[0-9a-fA-F]{1,8}/.exec(text.slice(j + 1, j + (e === 'u' ? 5 : 9))) : null;
    const oct = /[0-7]/.test(e) ? /^[0-7]{1,3}/.exec(text.slice(j, j + 3)) : null;
    if (hex) {
      out += String.fromCodePoint(Math.min(parseInt(hex[0], 16), 0x10ffff));
      j += hex[0].length;
    } else if (oct) {
      out += String.fromCharCode(parseInt(oct[0], 8) & 0xff);
      j += oct[0].length - 1;
    } else out += C_ESCAPES[e] ?? e;
  }
  return {text: out, end: j};
}

/** Every word of `text`, commands joined (for tests and callers that do not care where commands end). */
export const shellWords = (text: string): ShellWord[] => shellCommands(text).flat();

/** The logical command line around `pos`: its line, and the lines a trailing `\` continues. */
function commandRegion(text: string, pos: number): {from: number; to: number} {
  const continued = (lineEnd: number) => {
    let j = lineEnd - 1;
    if (text[j] === '\r') j--;
    let n = 0;
    while (j >= 0 && text[j] === '\\') {
      n++;
      j--;
    }
    return n % 2 === 1;
  };
  let from = text.lastIndexOf('\n', pos - 1) + 1;
  for (let n = 0; n < MAX_CONTINUED_LINES && from > 0 && continued(from - 1); n++) from = text.lastIndexOf('\n', from - 2) + 1;
  let to = text.indexOf('\n', pos);
  if (to === -1) to = text.length;
  for (let n = 0; n < MAX_CONTINUED_LINES && to < text.length && continued(to); n++) {
    const next = text.indexOf('\n', to + 1);
    to = next === -1 ? text.length : next;
  }
  return {from, to};
}

/** The lines of fenced code blocks kept, everything else blanked: a README's prose is not a command that was run. */
export function codeBlocksOnly(md: string): string {
  const lines = md.split('\n');
  let fence: string | undefined;
  let quoted = false;
  for (let i = 0; i < lines.length; i++) {
    // A block in a blockquote: the `>` markers of its lines become blanks (same length, so
    // offsets stay the file's). Inside other blocks a leading `>` is a console prompt, kept.
    if (!fence) quoted = false;
    if ((!fence || quoted) && /^[ \t]{0,3}>/.test(lines[i])) {
      const unquoted = lines[i].replace(/^(?:[ \t]{0,3}>)+/, (q) => ' '.repeat(q.length));
      if (fence || /^[ \t]*(`{3,}|~{3,})/.test(unquoted)) {
        quoted = true;
        lines[i] = unquoted;
      }
    }
    const m = /^[ \t]*(`{3,}|~{3,})/.exec(lines[i]);
    if (!fence) {
      if (m) fence = m[1];
      lines[i] = '';
    } else if (m && m[1][0] === fence[0] && m[1].length >= fence.length && lines[i].trim() === m[1]) {
      fence = undefined;
      lines[i] = '';
    }
    if (!fence) lines[i] = '';
  }
  return lines.join('\n');
}

export function kubectlSecretLiterals(source: string, o: {markdown?: boolean}): KubectlLiterals {
  const out: KubectlLiterals = {findings: [], allow: new Set()};
  for (const f of located(source, o, (line) => out.allow.add(line))) {
    out.findings.push({
      rule: 'kubectl-secret-literal',
      line: f.line,
      column: f.column,
      message: `${f.literal.command} has a literal value for ${f.literal.key} on its command line`,
      severity: severityOf(f.literal.key, f.literal.value),
      anchorLine: f.anchorLine,
    });
  }
  return out;
}

/** A literal a command line writes, with where its finding is. In memory only (`--check-live`). */
export interface KubectlLiteralValue {
  line: number;
  column: number;
  /** The Secret's name and namespace as the command gives them (a variable as written). */
  name?: string;
  namespace?: string;
  /** The Secret key; `.dockerconfigjson` for `--docker-password`, whose value kubectl wraps in JSON. */
  key: string;
  value: string;
}

export function kubectlLiteralValues(source: string, o: {markdown?: boolean}): KubectlLiteralValue[] {
  return located(source, o).map(({line, column, literal: l}) => ({line, column, name: l.name, namespace: l.namespace, key: l.docker ? '.dockerconfigjson' : l.key, value: l.value}));
}

function located(source: string, o: {markdown?: boolean}, onAllow?: (line: number) => void): {line: number; column: number; anchorLine: number; literal: Literal}[] {
  if (!mayHaveKubectlLiteral(source)) return [];
  const text = continuations(o.markdown ? codeBlocksOnly(source) : source);
  const lineAt = positions(text);
  // By the flag's offset in the file: a command two readers see (a quoted `sh -c` item, one
  // line of a list) is one finding.
  const found = new Map<number, {anchor: number; literal: Literal}>();
  const collect = (words: ShellWord[], toFile: (offset: number) => number) => {
    for (const list of [commandFindings(words), ...words.filter(quotedCommand).map((w) => quotedFindings(w))]) {
      for (const f of list) {
        const at = toFile(f.word.offset);
        if (!found.has(at)) found.set(at, {anchor: toFile(list[0].kubectl.offset), literal: f});
      }
    }
  };
  const FLAG_RE = /--(?:from-literal|docker-password)\b/g;
  let done = -1;
  for (let m = FLAG_RE.exec(text); m; m = FLAG_RE.exec(text)) {
    if (m.index < done) continue;
    const region = commandRegion(text, m.index);
    done = region.to;
    const body = text.slice(region.from, region.to);
    // One command at a time: collected first, a line of many short commands outlived the young
    // generation and the garbage collector's work grew faster than the line (linear fuzz test).
    forEachShellCommand(body, (words) => collect(words, (x) => region.from + x), (at) => onAllow?.(lineAt(region.from + at).line));
    // A command substitution, `X=$(kubectl create secret … -o yaml)`: its commands are commands too.
    for (const sub of substitutions(body)) for (const words of shellCommands(body.slice(sub.from, sub.to))) collect(words, (x) => region.from + sub.from + x);
  }
  // Values kubectl reads from a file the command line writes: stdin fed by echo, printf or
  // `<<<`, and process substitutions `<(echo …)`.
  for (const f of stdinLiterals(text)) if (!found.has(f.at)) found.set(f.at, f);
  // Commands no shell line holds: argv lists, and lines YAML folds (command-lists.ts). Each
  // reads the whole file, so each runs only when some flag is written the way it reads.
  const shapes = flagShapes(text);
  if (shapes.item) for (const words of argvLists(text)) collect(argsOfKubectl(words), (x) => x);
  if (shapes.folded) for (const script of foldedScripts(text)) for (const words of shellCommands(script.value)) collect(words, script.at);
  return [...found.entries()].sort((a, b) => a[0] - b[0]).map(([at, {anchor, literal}]) => ({...lineAt(at), anchorLine: lineAt(anchor).line, literal}));
}

/** `--from-file=[KEY=]/dev/stdin`, `--from-file=[KEY=]<(…)`, `--from-env-file=…` the same (as a shell word). */
const STDIN_WORD_RE = /^--from-(env-)?file=(?:([^=<]{1,256})=)?(\/dev\/stdin|\/dev\/fd\/0|$)/;

/**
 * `echo -n 'pw' | kubectl create secret generic db --from-file=password=/dev/stdin`,
 * `… --from-file=password=/dev/stdin <<< 'pw'`, `--from-env-file=<(echo "PASSWORD=pw")`: the
 * file kubectl reads is written on the command line, so its value is as literal as
 * `--from-literal`'s. Only echo and printf of literal words count; anything else computes it.
 * Each command line is read once, whatever the number of flags on it.
 */
function stdinLiterals(text: string): {anchor: number; literal: Literal; at: number}[] {
  const out: {anchor: number; literal: Literal; at: number}[] = [];
  if (!text.includes('-file') || !STDIN_FILE_RE.test(text)) return out;
  const re = new RegExp(STDIN_FILE_RE.source, 'g');
  let done = -1;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index < done) continue;
    const region = commandRegion(text, m.index);
    done = region.to;
    const body = text.slice(region.from, region.to);
    // Each command with the ones before and after it (a writer piped in, a process
    // substitution): three at a time, not the line's every command held at once (linear, as in located).
    const judge = (words: ShellWord[], before: ShellWord[] | undefined, after: ShellWord[] | undefined) => {
      const head = createSecret(words);
      if (!head) return;
      // `<<< WORD`: the word after a here-string operator is kubectl's stdin.
      const here = words.find((w) => /<<<\s*$/.test(body.slice(Math.max(0, w.offset - 8), w.offset)));
      const piped = before && /\|\s*(?:\\\s*)?$/.test(body.slice(Math.max(0, words[0].offset - 64), words[0].offset)) ? written(before) : undefined;
      let namespace: string | undefined;
      for (const word of words) {
        const f = STDIN_WORD_RE.exec(word.text);
        if (!f) continue;
        // `=<(…)` ends the word at `<`: the substituted command is the next one shellCommands made.
        const substituted = f[3] === '' && body.startsWith('<(', word.offset + word.text.length + (text[region.from + word.offset] === '"' ? 2 : 0));
        let value = substituted ? written(after ?? []) : f[3] ? (here ? (here.dynamic ? undefined : here.text) : piped) : undefined;
        if (value === undefined) continue;
        let key = f[2] ?? 'stdin';
        if (f[1]) {
          // An env file: KEY=VALUE lines.
          const line = value.split('\n').map((l) => l.trim()).find((l) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(l));
          if (!line) continue;
          key = line.slice(0, line.indexOf('='));
          value = line.slice(key.length + 1);
        }
        if (!literal(value)) continue;
        namespace ??= namespaceOf(words) ?? '';
        out.push({at: region.from + word.offset, anchor: region.from + words[head.k].offset, literal: {word, kubectl: words[head.k], command: head.command, name: head.name, namespace: namespace || undefined, docker: false, key, value}});
      }
    };
    let before: ShellWord[] | undefined;
    let current: ShellWord[] | undefined;
    forEachShellCommand(body, (next) => {
      if (current) judge(current, before, next);
      before = current;
      current = next;
    });
    if (current) judge(current, before, undefined);
  }
  return out;
}

/** What `echo [-n|-e] WORDS` or `printf FORMAT [ARGS]` writes, when all of it is written down. */
function written(words: ShellWord[]): string | undefined {
  const cmd = words[0]?.text;
  if (cmd !== 'echo' && cmd !== 'printf') return undefined;
  const args = words.slice(1);
  if (args.some((w) => w.dynamic)) return undefined;
  if (cmd === 'echo') {
    const text = args.filter((w, j) => !(j === 0 && /^-[neE]+$/.test(w.text))).map((w) => w.text);
    return text.length ? text.join(' ') : undefined;
  }
  const [format, ...rest] = args.map((w) => w.text);
  if (format === undefined) return undefined;
  const decoded = format.replace(/\\n/g, '\n').replace(/\\t/g, '\t');
  return /%[-+ #0-9.]*s/.test(decoded) ? (rest[0] ?? '') : decoded;
}

/**
 * How the flags are written: as a list item (after a quote, `[`, `(`, `,` or `- `), and on a
 * line that no kubectl starts and no `\` continues (a line YAML folds into the one before).
 */
function flagShapes(text: string): {item: boolean; folded: boolean} {
  const shapes = {item: false, folded: text.includes('>')};
  const re = /--(?:from-literal|docker-password)\b/g;
  // Whether the line holds kubectl before the flag, read on from the last flag on the same line.
  let line = {start: -1, searched: 0, kubectl: false, checked: false};
  let lineStart = 0;
  let nl = text.indexOf('\n');
  for (let m = re.exec(text); m && !(shapes.item && shapes.folded); m = re.exec(text)) {
    let b = m.index - 1;
    while (text[b] === ' ' || text[b] === '\t') b--;
    if ('"\'[(,'.includes(text[b]) || (text[b] === '-' && (b === 0 || /\s/.test(text[b - 1])))) shapes.item = true;
    while (nl !== -1 && nl < m.index) {
      lineStart = nl + 1;
      nl = text.indexOf('\n', lineStart);
    }
    const start = lineStart;
    if (start !== line.start) line = {start, searched: start, kubectl: false, checked: false};
    line.kubectl ||= /\b(?:kubectl|oc|k)\b/.test(text.slice(Math.max(line.start, line.searched - 8), m.index));
    line.searched = m.index;
    // Once per line: whether the line before ends in a `\` continuation.
    if (!line.kubectl && !line.checked) {
      line.checked = true;
      let prev = start - 2;
      while (prev >= 0 && (text[prev] === ' ' || text[prev] === '\t' || text[prev] === '\r')) prev--;
      if (prev >= 0 && text[prev] !== '\\') shapes.folded = true;
    }
  }
  return shapes;
}

/** The insides of the outermost `$(…)` and `` `…` `` in a command line (quotes inside skipped). */
function substitutions(body: string): {from: number; to: number}[] {
  const out: {from: number; to: number}[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === "'") {
      const q = body.indexOf("'", i + 1);
      if (q === -1) break;
      i = q;
    } else if (c === '`') {
      const q = body.indexOf('`', i + 1);
      if (q === -1) break;
      out.push({from: i + 1, to: q});
      i = q;
    } else if (c === '$' && body[i + 1] === '(' && body[i + 2] !== '(') {
      let depth = 0;
      let j = i + 1;
      for (; j < body.length; j++) {
        const d = body[j];
        if (d === '\\') j++;
        else if (d === '"' || d === "'") {
          const q = body.indexOf(d, j + 1);
          if (q === -1) return out;
          j = q;
        } else if (d === '(') depth++;
        else if (d === ')' && --depth === 0) break;
      }
      out.push({from: i + 2, to: j});
      i = j;
    }
  }
  return out;
}

/**
 * PowerShell's backtick and cmd's caret at a line's end continue the command, as `\` does for
 * a POSIX shell: written as one (same length, so offsets stay the file's). No POSIX command line
 * ends in a lone backtick or caret, so this holds in any file or code block, labelled or not.
 */
const continuations = (text: string): string => (text.includes('`') || text.includes('^') ? text.replace(/(?<=[ \t])[`^](?=\r?\n)/g, '\\') : text);

/**
 * A container's `args:` without the program (it is in `command:`): a list that starts with
 * kubectl's `create` (after global flags) is kubectl's, and is read with it.
 */
function argsOfKubectl(words: ShellWord[]): ShellWord[] {
  if (words.length === 0 || words.some((w) => KUBECTL_RE.test(w.text))) return words;
  for (let i = 0; i < words.length; i++) {
    const t = words[i].text;
    if (t.startsWith('-')) {
      if (VALUE_FLAGS.has(t)) i++;
      continue;
    }
    return t === 'create' ? [{text: 'kubectl', dynamic: false, offset: words[0].offset}, ...words] : words;
  }
  return words;
}

interface Literal {
  word: ShellWord;
  kubectl: ShellWord;
  command: string;
  name?: string;
  namespace?: string;
  docker: boolean;
  key: string;
  value: string;
}

/** `-n NS`, `-nNS`, `--namespace NS`, `--namespace=NS` anywhere in the command. */
function namespaceOf(words: ShellWord[]): string | undefined {
  for (let i = 0; i < words.length; i++) {
    const t = words[i].text;
    if (t === '-n' || t === '--namespace') return words[i + 1]?.text;
    const m = /^(?:--namespace=|-n=?)(.+)$/.exec(t);
    if (m) return m[1];
  }
  return undefined;
}

/**
 * A command written as one quoted word: `sh -c "kubectl create secret …"`, a YAML list item
 * `- "kubectl …"`, a container's `command: ["sh", "-c", "kubectl …"]`. The inner shell reads it again.
 */
const quotedCommand = (w: ShellWord): boolean => /\bkubectl\b|\boc\b/.test(w.text) && /--(?:from-literal|docker-password)\b/.test(w.text) && /\s/.test(w.text);

/** Findings of the command inside a quoted word, placed at the word (its text is not the file's, escapes removed). */
function quotedFindings(w: ShellWord): Literal[] {
  return shellCommands(w.text).flatMap(commandFindings).map((f) => ({...f, word: w, kubectl: w}));
}

/** `kubectl [flags] create [flags] secret TYPE NAME …`: where kubectl and create are, and what it names. */
function createSecret(words: ShellWord[]): {k: number; c: number; command: string; name?: string} | undefined {
  const k = words.findIndex((w) => !w.dynamic && KUBECTL_RE.test(w.text));
  if (k === -1) return undefined;
  const c = words.findIndex((w, i) => i > k && w.text === 'create');
  if (c === -1) return undefined;
  // `create [flags] secret TYPE NAME`: the positional words after `create`, flags' values skipped.
  const positional: string[] = [];
  for (let i = c + 1; i < words.length && positional.length < 3; i++) {
    const t = words[i].text;
    if (t.startsWith('-')) {
      if (VALUE_FLAGS.has(t)) i++;
      continue;
    }
    positional.push(t);
  }
  if (positional[0] !== 'secret') return undefined;
  const name = (positional[2] ?? '').slice(0, 100);
  return {k, c, command: `kubectl create secret ${positional[1] ?? ''}${name ? ' ' + name : ''}`.trimEnd(), name: positional[2]};
}

function commandFindings(words: ShellWord[]): Literal[] {
  const head = createSecret(words);
  if (!head) return [];
  const {k, c, command, name} = head;
  const out: Literal[] = [];
  let namespace: string | undefined;
  for (let i = c + 1; i < words.length; i++) {
    const w = words[i];
    const m = /^--(from-literal|docker-password)(=|$)/.exec(w.text);
    if (!m) continue;
    const arg = m[2] === '=' ? w : words[++i];
    if (!arg) continue;
    const raw = m[2] === '=' ? w.text.slice(m[0].length) : arg.text;
    let key = 'docker-password';
    let value = raw;
    if (m[1] === 'from-literal') {
      // kubectl's ParseLiteralSource: KEY=VALUE, split at the first `=`.
      const eq = raw.indexOf('=');
      if (eq <= 0) continue;
      key = raw.slice(0, eq);
      value = raw.slice(eq + 1);
    }
    if (!literal(value)) continue;
    // Once per command: a long line of flags stays linear.
    namespace ??= namespaceOf(words) ?? '';
    out.push({word: w, kubectl: words[k], command, name, namespace: namespace || undefined, docker: m[1] === 'docker-password', key, value});
  }
  return out;
}
