// A line-based reader for template files that are not valid YAML because of their `{{ … }}`
// lines (Helm charts, Go templates). It reads the object's shape from indentation alone:
// top-level kind/apiVersion/metadata, and the entries of data/stringData with their values.
// Lines that are only a template action (`{{- if … }}`) or a comment carry no structure and
// are skipped, so a conditional inside `data:` does not end the section.
import {templateDataPath, type Located, type ObjectView, type ValueEntry, type ValueField} from './object-view.js';

interface Line {
  no: number;
  indent: number;
  text: string;
}

const NOISE_RE = /^\s*(?:#.*)?$|^\s*\{\{.*\}\}\s*$/;

/**
 * `key: value` on one line: [whole, indent, key as written, inline value]. A hand-written scan
 * rather than a regular expression, because every expression for "a key up to the first colon,
 * then optional space" that we tried backtracks quadratically on a long run of spaces without
 * a colon; this one looks at each character once.
 */
function keyLine(text: string): [string, string, string, string | undefined] | undefined {
  let i = 0;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  const indent = text.slice(0, i);
  const c = text[i];
  let keyEnd: number;
  if (c === '"' || c === "'") {
    let j = i + 1;
    for (; j < text.length; j++) {
      if (c === '"' && text[j] === '\\') j++;
      else if (text[j] === c) {
        if (c === "'" && text[j + 1] === "'") j++;
        else break;
      }
    }
    if (j >= text.length) return undefined;
    keyEnd = j + 1;
    let k = keyEnd;
    while (k < text.length && isSpace(text.charCodeAt(k))) k++;
    if (text[k] !== ':') return undefined;
    return withValue(text, indent, text.slice(i, keyEnd), k);
  }
  if (c === undefined || ':#{'.includes(c) || (c === '-' && (i + 1 >= text.length || isSpace(text.charCodeAt(i + 1)) || text[i + 1] === ':'))) return undefined;
  const colon = text.indexOf(':', i + 1);
  if (colon < 0) return undefined;
  return withValue(text, indent, text.slice(i, colon).trimEnd(), colon);
}

/** After the colon: whitespace then the value, or nothing. */
function withValue(text: string, indent: string, key: string, colon: number): [string, string, string, string | undefined] | undefined {
  const rest = text.slice(colon + 1);
  if (rest === '') return [text, indent, key, undefined];
  if (!isSpace(rest.charCodeAt(0))) return undefined;
  return [text, indent, key, rest.trim()];
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 13 || code === 10 || code === 12 || code === 11;
}

export function readTemplated(text: string, startLine: number): ObjectView[] {
  const lines: Line[] = text.split('\n').map((t, i) => ({no: startLine + i, indent: t.length - t.trimStart().length, text: t.replace(/\r$/, '')}));
  const view: ObjectView = {anchor: {line: startLine, column: 1}, sops: false, values: [], secretGenerators: []};
  let seenKind = false;
  let spec: Line[] | undefined;
  const done = (): ObjectView[] => {
    if (spec) templateData(spec, view);
    return [view];
  };
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.indent !== 0 || NOISE_RE.test(l.text)) continue;
    const m = keyLine(l.text);
    if (!m) continue;
    const key = unquoteKey(m[2]);
    const inline = m[3];
    const end = sectionEnd(lines, i);
    switch (key) {
      case 'kind':
        if (seenKind) return done();
        seenKind = true;
        view.kind = scalar(inline);
        view.anchor = {line: l.no, column: 1};
        break;
      case 'apiVersion':
        view.apiVersion = scalar(inline);
        break;
      case 'sops':
        view.sops = true;
        break;
      case 'metadata':
        readMetadata(lines.slice(i + 1, end), view);
        break;
      case 'spec':
        spec = lines.slice(i + 1, end);
        break;
      case 'data':
      case 'stringData':
        pushValues(view, key, l, inline, lines.slice(i + 1, end));
        break;
    }
  }
  return view.kind === undefined ? [] : done();
}

function pushValues(view: ObjectView, field: ValueField, l: Line, inline: string | undefined, body: Line[]): void {
  if (inline !== undefined && inline !== '') {
    // `data: {{ toYaml .Values.x | nindent 2 }}` or `data: {}`: one value for the whole map.
    if (!/^\{\s*\}$/.test(inline)) view.values.push({field, key: '*', value: inline, line: l.no, column: l.indent + 1, endLine: l.no});
  } else {
    view.values.push(...entries(body).map(([k, value, at, endLine]) => ({field, key: k, value, ...at, endLine}) as ValueEntry));
  }
}

/** The `data` of a SealedSecret's or an ExternalSecret's Secret template (object-view.ts), read from `spec`'s lines. */
function templateData(spec: Line[], view: ObjectView): void {
  const path = templateDataPath(view.kind, view.apiVersion);
  if (!path) return;
  let body: Line[] | undefined = spec;
  for (const key of path.slice(1)) body = body && child(body, key)?.body;
  const data = body && child(body, 'data');
  if (data) pushValues(view, path.length === 2 ? 'spec.template.data' : 'spec.target.template.data', data.line, data.inline, data.body);
}

/** The entry `key` at the first indentation level of a section: its line, inline value and the lines under it. */
function child(body: Line[], key: string): {line: Line; inline: string | undefined; body: Line[]} | undefined {
  const first = body.find((l) => !NOISE_RE.test(l.text));
  if (!first) return undefined;
  for (let i = 0; i < body.length; i++) {
    const l = body[i];
    if (l.indent !== first.indent || NOISE_RE.test(l.text)) continue;
    const m = keyLine(l.text);
    if (!m || unquoteKey(m[2]) !== key) continue;
    let j = i + 1;
    while (j < body.length && (body[j].indent > first.indent || NOISE_RE.test(body[j].text))) j++;
    return {line: l, inline: m[3], body: body.slice(i + 1, j)};
  }
  return undefined;
}

function sectionEnd(lines: Line[], i: number): number {
  let j = i + 1;
  while (j < lines.length && (lines[j].indent > 0 || NOISE_RE.test(lines[j].text))) j++;
  return j;
}

function readMetadata(body: Line[], view: ObjectView): void {
  const ents = entries(body);
  for (const [k, v] of ents) {
    if (k === 'name') view.name = v ?? undefined;
    if (k === 'namespace') view.namespace = v ?? undefined;
  }
  const ann = body.findIndex((l) => keyLine(l.text)?.[2] === 'annotations');
  if (ann >= 0) {
    const indent = body[ann].indent;
    let end = ann + 1;
    while (end < body.length && (body[end].indent > indent || NOISE_RE.test(body[end].text))) end++;
    for (const [k, v, at] of entries(body.slice(ann + 1, end))) {
      if (k === 'kubectl.kubernetes.io/last-applied-configuration' && v) view.lastApplied = {json: v, ...at};
    }
  }
}

/** The key: value entries at the first indentation level of a section, values read per YAML's scalar styles. */
function entries(body: Line[]): [string, string | null, Located, number][] {
  const first = body.find((l) => !NOISE_RE.test(l.text));
  if (!first) return [];
  const level = first.indent;
  const out: [string, string | null, Located, number][] = [];
  for (let i = 0; i < body.length; i++) {
    const l = body[i];
    if (l.indent !== level || NOISE_RE.test(l.text)) continue;
    const m = keyLine(l.text);
    if (!m) continue;
    let j = i + 1;
    while (j < body.length && (body[j].indent > level || body[j].text.trim() === '')) j++;
    const more = body.slice(i + 1, j).map((x) => x.text.trim()).filter((x) => x !== '');
    const inline = m[3] ?? '';
    let value: string | null;
    if (/^[|>]/.test(inline)) value = more.join('\n');
    else if (inline === '') value = more.length ? more.join(' ') : null;
    else value = scalar(inline) ?? null;
    out.push([unquoteKey(m[2]), value, {line: l.no, column: l.indent + 1}, body[Math.max(i, j - 1)].no]);
  }
  return out;
}

function unquoteKey(k: string): string {
  return scalar(k) ?? k;
}

/** One-line scalar: quoted (with YAML's escapes for '' and \") or plain (a trailing comment removed). */
function scalar(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const s = raw.trim();
  if (s.startsWith('"')) {
    const m = /^"((?:[^"\\]|\\.)*)"?/.exec(s);
    const value = m?.[1] ?? '';
    // `"{{ .Values.p | default "x" }}"`: the renderer reads the template before YAML sees the
    // quotes, so a template still open at the first inner quote runs to the line's last quote.
    const open = value.lastIndexOf('{{');
    if (open !== -1 && value.indexOf('}}', open) === -1) {
      const last = s.lastIndexOf('"');
      if (last > value.length + 1) return s.slice(1, last);
    }
    return value.replace(/\\(.)/g, '$1');
  }
  if (s.startsWith("'")) {
    const m = /^'((?:[^']|'')*)'?/.exec(s);
    return (m?.[1] ?? '').replace(/''/g, "'");
  }
  // A comment starts at a `#` after whitespace (searched, not matched with /\s+#.*$/, which is
  // quadratic in a long run of spaces).
  for (let i = s.indexOf('#'); i > 0; i = s.indexOf('#', i + 1)) if (isSpace(s.charCodeAt(i - 1))) return s.slice(0, i).trimEnd();
  return s;
}
