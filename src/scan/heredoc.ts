// Manifests in shell here-documents: `cat <<EOF | kubectl apply -f -` … `EOF`, `kubectl apply
// -f - <<-'EOF'`, in scripts, Makefiles (.ONESHELL recipes), CI steps (`run: |`, `script:`) and
// the shell blocks of a README. kubectl applies the body as written, so its values are as
// committed as a manifest file's. The body is what the shell hands over: `<<-` strips leading
// tabs, and the indentation of the closing delimiter (a YAML block's, a Makefile recipe's tab)
// is cut from every line; a console transcript's `> ` prompts too. With an unquoted delimiter
// the shell expands `$VAR`, `${VAR}`, `$(…)` and backquotes: those become `{{}}` (a template,
// which the rules do not take for plaintext), since the value is computed, not written down.
// The same holds for a manifest given as a shell string (shellStrings).
import {positions, TRIGGER_RE} from './documents.js';
import type {EmbeddedText} from './embedded.js';
import {shellCommands} from './kubectl-literal.js';

const HEREDOC_RE = /(?<!<)<<(-?)[ \t]*(?:'([^'\n]+)'|"([^"\n]+)"|\\?([A-Za-z_][A-Za-z0-9_]*))/g;
/** The shell's expansions in an unquoted heredoc (one level of `$(…)` nesting is enough to end it). */
const EXPANSION_RE = /\$\{[^}\n]*\}|\$\((?:[^()\n]|\([^()\n]*\))*\)|`[^`\n]*`|\$[A-Za-z_][A-Za-z0-9_]*|\$[0-9@*#?$!-]/g;

export function heredocs(text: string): EmbeddedText[] {
  const out: EmbeddedText[] = [];
  // Line numbers counted on from the last heredoc (they come in order).
  let line = 1;
  let counted = 0;
  const lineOf = (offset: number) => {
    for (let i = text.indexOf('\n', counted); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
    counted = offset;
    return line;
  };
  const re = new RegExp(HEREDOC_RE);
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const delimiter = m[2] ?? m[3] ?? m[4];
    const quoted = m[4] === undefined || m[0].includes('\\');
    const bodyStart = text.indexOf('\n', m.index) + 1;
    if (bodyStart === 0) break;
    // The terminator: the delimiter alone on a line, after any indentation (and a `> ` prompt).
    let end = text.length;
    let next = text.length;
    let cut = '';
    let prompt = false;
    for (let s = bodyStart; s < text.length; ) {
      const nl = text.indexOf('\n', s);
      const e = nl === -1 ? text.length : nl;
      const line = text.slice(s, text[e - 1] === '\r' ? e - 1 : e);
      const trimmed = line.trimStart();
      if (trimmed.trimEnd() === delimiter || (trimmed.startsWith('> ') && trimmed.slice(2).trimEnd() === delimiter)) {
        end = s;
        next = e;
        cut = line.slice(0, line.length - trimmed.length);
        prompt = trimmed.startsWith('> ');
        break;
      }
      s = e + 1;
    }
    // Without a terminator the body runs to the end, as the shell reads it; every `<<` after it
    // is in that body (so a file of `1 << n` shifts is read once, not once per shift).
    re.lastIndex = Math.max(next, re.lastIndex);
    const body = text.slice(bodyStart, end);
    if (!TRIGGER_RE.test(body)) continue;
    const removed: number[] = [];
    const lines = body.split('\n').map((l) => {
      let i = 0;
      if (m![1] === '-') while (l[i] === '\t') i++;
      for (let k = 0; k < cut.length && l[i] === cut[k]; k++) i++;
      if (prompt && (l.startsWith('> ', i) || l.slice(i) === '>')) i += 2;
      removed.push(i);
      const rest = l.slice(i);
      return quoted ? rest : rest.replace(EXPANSION_RE, '{{}}');
    });
    const lineOffset = lineOf(bodyStart) - 1;
    out.push({
      text: lines.join('\n'),
      lineOffset,
      indent: 0,
      // Columns: a line's cut is its own (tabs, a prompt); an expansion replaced before the key does not move it.
      locate: (line, column) => ({line: lineOffset + line, column: column + (removed[line - 1] ?? 0)}),
    });
  }
  return out;
}

/** Commands whose quoted argument is data they write out (to a pipe into kubectl, or a file). */
const WRITERS = new Set(['echo', 'printf', 'cat', 'write-output', 'set-content', 'out-file', 'kubectl', 'oc']);
/** A writer with a quoted argument, a here-string: only then can a string hold a manifest. */
const STRING_GATE_RE = /(?:echo|printf|cat|Write-Output|write-output|Set-Content|set-content|Out-File|out-file)[ \t]+(?:-[A-Za-z]+[ \t]+)*\$?['"]|<<<|@["']\r?\n/;
/** How far before a Secret kind its writer may be (the string's opening). */
const GATE_WINDOW = 256;
/** printf's conversions: the values come from its arguments. */
const PRINTF_RE = /%[-+ #0-9.]*[sdqbiuxXc]/g;

/**
 * Manifests given as a shell string: `echo '…' | kubectl apply -f -` over several lines,
 * `printf 'apiVersion: v1\nkind: Secret\n…' | kubectl apply -f -`, `kubectl apply -f - <<< "…"`,
 * and PowerShell here-strings `@"` … `"@ | kubectl apply -f -`. For script files and code
 * blocks only: a YAML file's apostrophes are not shell quotes.
 */
/** Could the text hold a manifest in a shell string? (cheap) */
export function mayHaveShellString(text: string): boolean {
  // Looked for only before each trigger (each stretch of text once): a long README with a
  // Secret in a YAML block costs a search of a few lines, not of the whole file.
  const re = new RegExp(TRIGGER_RE.source, 'g');
  let checked = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    // From the start of the line two lines up: where `echo '`, `@"` or `<<< "` opens the string.
    // Looked for within the window only: lastIndexOf ran back to the start of a long line for
    // every trigger on it, quadratic in the line (the linear-time fuzz test found it).
    const lo = Math.max(checked, m.index - GATE_WINDOW);
    let from = lo;
    for (let i = m.index - 1, seen = 0; i >= lo; i--) {
      if (text.charCodeAt(i) === 10 && ++seen === 3) {
        from = i + 1;
        break;
      }
    }
    const window = text.slice(from, m.index);
    // The string's opening quote (or `<<<`) is in the window: looked for first, it is cheaper.
    if ((window.includes("'") || window.includes('"') || window.includes('<<<')) && STRING_GATE_RE.test(window)) return true;
    checked = m.index;
  }
  return false;
}

export function shellStrings(text: string): EmbeddedText[] {
  const out: EmbeddedText[] = [];
  if (!mayHaveShellString(text)) return out;
  const at = positions(text);
  for (const command of shellCommands(text)) {
    const head = command[0].text.toLowerCase();
    for (const w of command) {
      const hereString = /^@\r?\n[^]*\r?\n@$/.test(w.text);
      if (!hereString && (w === command[0] || !WRITERS.has(head))) continue;
      if (!TRIGGER_RE.test(w.text)) continue;
      let value = hereString ? w.text.replace(/^@\r?\n/, '').replace(/\r?\n@$/, '') : w.text;
      let escaped = false;
      if (head === 'printf' || head === 'echo') {
        escaped = /\\[nt]/.test(value);
        value = value.replace(/\\([nt\\])/g, (_, e: string) => (e === 'n' ? '\n' : e === 't' ? '\t' : '\\'));
        if (head === 'printf') value = value.replace(PRINTF_RE, '{{}}');
      }
      if (w.dynamic) value = value.replace(EXPANSION_RE, '{{}}');
      if (!value.includes('\n')) continue;
      const quote = text[w.offset] === "'" || text[w.offset] === '"';
      const first = at(w.offset);
      const lineOffset = first.line - (hereString ? 0 : 1);
      out.push({
        text: value,
        lineOffset,
        indent: 0,
        locate: (line, column) => {
          // A string whose lines are not the file's (escapes decoded, a prefix before the quote) is reported at its start.
          if (escaped || (!quote && !hereString)) return first;
          return {line: lineOffset + line, column: line === 1 && !hereString ? first.column + column : column};
        },
      });
    }
  }
  return out;
}
