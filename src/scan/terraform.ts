// plaintext-secret in Terraform: a `kubernetes_secret` / `kubernetes_secret_v1` resource (the
// Kubernetes provider) with a literal in `data`, `binary_data` or `data_wo`, and a
// `kubernetes_manifest` whose manifest is a Secret with literal `data`/`stringData`. terraform
// apply creates that Secret with the value written in the .tf file, so it is as committed as in
// a manifest. A value Terraform computes (`var.x`, `random_password.x.result`, `file("…")`,
// `"${var.x}"`) is not in the file and is no finding. (`kubectl_manifest`'s `yaml_body = <<YAML`
// is a manifest in a heredoc, read by heredoc.ts.) Read from the text, one pass per resource.
import {positions} from './documents.js';
import {exemption} from './exceptions.js';
import type {RawFinding} from './rule.js';
import {severityOf} from './severity.js';

const RESOURCE_RE = /\bresource\s+"(kubernetes_secret(?:_v1)?|kubernetes_manifest)"\s+"[^"\n]*"\s*\{/g;
/** Functions that return their string argument as it is, or only re-encode it. */
const PASS_THROUGH = new Set(['base64encode', 'base64decode', 'sensitive', 'nonsensitive', 'tostring', 'trimspace', 'chomp']);

/** Could the file hold one? (cheap) */
export const mayHaveTerraformSecret = (path: string, text: string): boolean => /\.tf$/i.test(path) && text.includes('"kubernetes_');

interface Value {
  /** The string literal, when the value is one (or a pass-through call on one). */
  literal?: string;
  start: number;
  end: number;
}

export function terraformSecrets(text: string): RawFinding[] {
  const out: RawFinding[] = [];
  const pos = positions(text);
  const re = new RegExp(RESOURCE_RE);
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const open = m.index + m[0].length - 1;
    const close = skipBlock(text, open);
    re.lastIndex = close;
    const body = {from: open + 1, to: close - 1};
    const manifest = m[1] === 'kubernetes_manifest';
    // A manifest is a Secret by its kind; a kubernetes_secret resource is one by its type.
    if (manifest && !/\bkind\s*=\s*"Secret"/.test(text.slice(body.from, body.to))) continue;
    const name = /\bname\s*=\s*"([^"$%\n]*)"/.exec(text.slice(body.from, body.to))?.[1];
    const anchorLine = pos(m.index).line;
    const fields = manifest ? ['data', 'stringData'] : ['data', 'binary_data', 'data_wo'];
    const mapRe = new RegExp(`(?:^|[\\s{,])"?(${fields.join('|')})"?\\s*=\\s*\\{`, 'g');
    mapRe.lastIndex = body.from;
    for (let f = mapRe.exec(text); f && f.index < body.to; f = mapRe.exec(text)) {
      const mapOpen = f.index + f[0].length - 1;
      const mapClose = skipBlock(text, mapOpen);
      mapRe.lastIndex = mapClose;
      const base64 = f[1] === 'binary_data' || (manifest && f[1] === 'data');
      for (const e of entries(text, mapOpen + 1, mapClose - 1)) {
        const flagged = (key: string, keyAt: number, v: Value) => {
          if (v.literal === undefined || exemption(v.literal, {base64}) !== undefined) return;
          const at = pos(keyAt);
          out.push({rule: 'plaintext-secret', ...at, message: `Secret ${name ?? '(unnamed)'} has a plaintext value in ${f![1]}.${key}`, severity: severityOf(key, v.literal, {base64}), anchorLine, endLine: pos(v.end).line});
        };
        if (e.value.literal !== undefined) flagged(e.key, e.keyAt, e.value);
        // A docker config written with jsonencode({auths = {…}}): its passwords are the values.
        else if (/^jsonencode\s*\(/.test(text.slice(e.value.start, e.value.start + 16))) {
          for (const inner of nestedEntries(text, e.value.start, e.value.end)) if (/^(?:password|auth|token)$/i.test(inner.key)) flagged(`${e.key}(${inner.key})`, inner.keyAt, inner.value);
        }
      }
    }
  }
  return out;
}

/** Past the `}` (or `)`, `]`) closing the bracket at `open`: strings, comments and heredocs skipped. */
function skipBlock(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"') i = skipString(text, i) - 1;
    else if (c === '#' || (c === '/' && text[i + 1] === '/')) i = lineEnd(text, i) - 1;
    else if (c === '/' && text[i + 1] === '*') i = (text.indexOf('*/', i + 2) + 1 || text.length) - 1;
    else if (c === '<' && text[i + 1] === '<') i = skipHeredoc(text, i) - 1;
    else if (c === '{' || c === '(' || c === '[') depth++;
    else if ((c === '}' || c === ')' || c === ']') && --depth === 0) return i + 1;
  }
  return text.length;
}

const lineEnd = (text: string, i: number): number => {
  const nl = text.indexOf('\n', i);
  return nl === -1 ? text.length : nl;
};

/** Past the closing quote of the string at `i` (a string does not span lines in HCL). */
function skipString(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    if (text[j] === '\\') j++;
    else if (text[j] === '"' || text[j] === '\n') return j + 1;
  }
  return text.length;
}

const HEREDOC_RE = /^<<-?([A-Za-z_][A-Za-z0-9_]*)[ \t]*\r?\n/;

/** Past a heredoc `<<EOT` … `EOT` at `i`, or i + 2 when none starts there. */
function skipHeredoc(text: string, i: number): number {
  const h = HEREDOC_RE.exec(text.slice(i, i + 80));
  if (!h) return i + 2;
  for (let s = i + h[0].length; s < text.length; ) {
    const e = lineEnd(text, s);
    if (text.slice(s, e).trim() === h[1]) return e;
    s = e + 1;
  }
  return text.length;
}

/** The `key = value` (or `key: value`) entries of an object between from and to. */
function entries(text: string, from: number, to: number): {key: string; keyAt: number; value: Value}[] {
  const out: {key: string; keyAt: number; value: Value}[] = [];
  const ENTRY_RE = /([A-Za-z_][A-Za-z0-9_.-]*|"(?:[^"\\\n]|\\.)*")\s*[=:]\s*/y;
  for (let i = from; i < to; ) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === ',') {
      i++;
      continue;
    }
    if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      i = lineEnd(text, i);
      continue;
    }
    ENTRY_RE.lastIndex = i;
    const k = ENTRY_RE.exec(text);
    if (!k || ENTRY_RE.lastIndex > to) break;
    const start = ENTRY_RE.lastIndex;
    const end = valueEnd(text, start, to);
    out.push({key: k[1].startsWith('"') ? unquote(k[1]) : k[1], keyAt: i, value: valueAt(text, start, end)});
    i = Math.max(end, i + 1);
  }
  return out;
}

/** Entries at any depth inside a value (the object given to jsonencode). */
function nestedEntries(text: string, from: number, to: number): {key: string; keyAt: number; value: Value}[] {
  const out: {key: string; keyAt: number; value: Value}[] = [];
  const re = /(?<![A-Za-z0-9_"-])([A-Za-z_][A-Za-z0-9_-]*|"[^"\\\n]*")\s*[=:]\s*"/g;
  re.lastIndex = from;
  for (let m = re.exec(text); m && m.index < to; m = re.exec(text)) {
    const start = re.lastIndex - 1;
    const end = skipString(text, start);
    out.push({key: m[1].startsWith('"') ? m[1].slice(1, -1) : m[1], keyAt: m.index, value: valueAt(text, start, end)});
    re.lastIndex = end;
  }
  return out;
}

/** Where the value starting at `start` ends: at a newline or comma outside brackets, strings and heredocs. */
function valueEnd(text: string, start: number, to: number): number {
  for (let i = start; i < to; i++) {
    const c = text[i];
    if (c === '"') i = skipString(text, i) - 1;
    else if (c === '<' && text[i + 1] === '<') i = skipHeredoc(text, i) - 1;
    else if (c === '{' || c === '(' || c === '[') i = skipBlock(text, i) - 1;
    else if (c === '\n' || c === ',' || c === '#') return i;
    else if (c === '/' && text[i + 1] === '/') return i;
  }
  return to;
}

function valueAt(text: string, start: number, end: number): Value {
  const raw = text.slice(start, end).trim();
  const call = /^([a-z0-9_]+)\(\s*("(?:[^"\\\n]|\\.)*"|<<-?[A-Za-z_][\s\S]*)\s*\)$/.exec(raw);
  const expr = call && PASS_THROUGH.has(call[1]) ? call[2] : raw;
  let literal: string | undefined;
  if (/^"(?:[^"\\\n]|\\.)*"$/.test(expr)) literal = unquote(expr);
  else {
    const h = /^<<(-?)([A-Za-z_][A-Za-z0-9_]*)[ \t]*\r?\n([\s\S]*?)\n[ \t]*\2[ \t]*$/.exec(expr);
    if (h) literal = h[3];
  }
  // Interpolation and directives are computed by Terraform (`$${` and `%%{` are escapes for the text itself).
  if (literal !== undefined && /(?<![$%])[$%]\{/.test(literal)) literal = undefined;
  return {literal, start, end};
}

function unquote(s: string): string {
  return s.slice(1, -1).replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, e: string) => (e.length > 1 ? String.fromCharCode(parseInt(e.slice(1), 16)) : e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e));
}
