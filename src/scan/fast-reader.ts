// The fast path of manifest-view.ts. The `yaml` parser gives every node its position but reads
// about 1 MB/s of Secret-dense YAML; js-yaml reads the same documents five times faster without
// positions. So a chunk is read with js-yaml first, and the positions a finding needs (the key
// line of a value that is not exempt, the `kind:` line) are found in the text of a plain
// block-style Secret. Whenever that is not certain (a parse error, a template, an alias or merge
// key, a flow or non-string value that is not exempt, JSON, a nested or List item with a value,
// a secretGenerator, a last-applied annotation), the caller reads the chunk with `yaml`, so the
// verdicts are those of the slow path by construction (test/unit/scan/rules-fast-path.test.ts
// compares both on every corpus file).
import {jsyaml} from '../manifests/yaml-libs.js';
import type {DocumentChunk} from './documents.js';
import {exemption} from './exceptions.js';
import {templateDataPath, type ObjectView, type ValueEntry} from './object-view.js';
import {isV1Secret} from './plaintext-secret.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const MAX_DEPTH = 64;
const TEMPLATE_LINE_RE = /^[ \t]*(?:-[ \t]+)?\{[{%#]|:[ \t]+\{[{%#]/m;
const KEY_RE = /^( *)("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"][^:#]*?)[ \t]*:(?:[ \t]|$)/;

class Unsure extends Error {}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
const strOf = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);

/** The views of `chunk`, or undefined when only the `yaml` reader can tell. */
export function readFast(chunk: DocumentChunk): ObjectView[] | undefined {
  // A template action on a line of its own is where `yaml` fails and the tolerant reader takes
  // over; a template inside a value (`${VAR}`, `"{{ .x }}"`) parses the same in both.
  if (TEMPLATE_LINE_RE.test(chunk.text)) return undefined;
  let docs: unknown[];
  try {
    docs = jsyaml().loadAll(chunk.text) as unknown[];
  } catch {
    return undefined;
  }
  const reader = new FastReader(chunk);
  try {
    for (const doc of docs) {
      if (Array.isArray(doc)) for (const item of doc) if (isObj(item)) reader.object(item, false, false);
      if (isObj(doc)) reader.object(doc, isObj(doc.sops), docs.length === 1);
    }
  } catch (e) {
    if (e instanceof Unsure) return undefined;
    throw e;
  }
  return reader.views;
}

class FastReader {
  views: ObjectView[] = [];
  private lines?: string[];
  private seen = new Set<object>();

  constructor(private readonly chunk: DocumentChunk) {}

  object(o: Obj, sops: boolean, root: boolean): void {
    const kind = strOf(o.kind);
    if (kind?.endsWith('List') && Array.isArray(o.items)) {
      for (const item of o.items) if (isObj(item)) this.object(item, sops || isObj(item.sops), false);
      return;
    }
    this.view(o, sops, root);
    if (kind !== 'Secret') this.nested(o, 0);
  }

  private view(o: Obj, sops: boolean, root: boolean): void {
    // Generators (a kustomization's list, or kustomize's builtin SecretGenerator plugin) are the YAML reader's.
    if (o.secretGenerator !== undefined || o.kind === 'SecretGenerator') throw new Unsure();
    const metadata = isObj(o.metadata) ? o.metadata : undefined;
    if (isObj(metadata?.annotations) && metadata.annotations[LAST_APPLIED] !== undefined) throw new Unsure();
    const view: ObjectView = {
      kind: strOf(o.kind),
      apiVersion: strOf(o.apiVersion),
      name: strOf(metadata?.name),
      namespace: strOf(metadata?.namespace),
      anchor: {line: this.chunk.startLine, column: 1},
      sops,
      values: [],
      secretGenerators: [],
    };
    // A Secret template's data (SealedSecret, ExternalSecret) is the YAML reader's, with its positions.
    const path = templateDataPath(view.kind, view.apiVersion);
    if (path) {
      let t: unknown = o;
      for (const k of path) t = isObj(t) ? t[k] : undefined;
      if (isObj(t) && t.data !== undefined) throw new Unsure();
    }
    const secret = isV1Secret(view);
    for (const field of ['data', 'stringData'] as const) {
      const m = o[field];
      if (!isObj(m)) continue;
      for (const [key, v] of Object.entries(m)) {
        if (key === '<<' || key === '[object Object]') throw new Unsure();
        const value = v === null || v === undefined ? null : strOf(v);
        if (value === undefined) throw new Unsure();
        const entry: ValueEntry = {field, key, value, line: view.anchor.line, column: 1, endLine: view.anchor.line};
        // Only a value that will be reported needs its position.
        if (secret && !exemption(value, {sops, base64: field === 'data'})) {
          if (!root) throw new Unsure();
          Object.assign(entry, this.locate(field, key));
          view.anchor = {line: this.lineOf(/^kind[ \t]*:/), column: 1};
        }
        view.values.push(entry);
      }
    }
    this.views.push(view);
  }

  /** v1 Secrets nested in other objects, as manifest-view.ts finds them. */
  private nested(node: unknown, depth: number): void {
    if (depth > MAX_DEPTH || typeof node !== 'object' || node === null || this.seen.has(node)) return;
    this.seen.add(node);
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (isObj(child) && strOf(child.kind) === 'Secret' && strOf(child.apiVersion) === 'v1') this.view(child, isObj(child.sops), false);
      else if (typeof child === 'object' && child !== null) this.nested(child, depth + 1);
    }
  }

  private text(): string[] {
    return (this.lines ??= this.chunk.text.split('\n').map((l) => l.replace(/\r$/, '')));
  }

  private found = new Map<string, number>();

  /** The 1-based file line of the only line matching `re` (looked up once per pattern). */
  private lineOf(re: RegExp): number {
    let line = this.found.get(re.source);
    if (line === undefined) {
      const hits = this.text().flatMap((l, i) => (re.test(l) ? [i] : []));
      line = hits.length === 1 ? hits[0] + this.chunk.startLine : -1;
      this.found.set(re.source, line);
    }
    if (line < 0) throw new Unsure();
    return line;
  }

  /** Where `field.key` is written in a block-style top-level map: the key's line and column, and the value's last line. */
  private locate(field: string, key: string): {line: number; column: number; endLine: number} {
    const lines = this.text();
    const start = this.lineOf(new RegExp(`^${field}[ \\t]*:[ \\t]*(?:#.*)?$`)) - this.chunk.startLine;
    let level = -1;
    let found: {line: number; column: number; endLine: number} | undefined;
    for (let i = start + 1; i < lines.length; i++) {
      const l = lines[i];
      if (/^\s*(?:#.*)?$/.test(l)) continue;
      const indent = l.length - l.trimStart().length;
      if (indent === 0) break;
      if (level < 0) level = indent;
      if (indent < level) break;
      if (indent !== level) continue;
      const m = KEY_RE.exec(l);
      if (!m) throw new Unsure();
      if (unquote(m[2]) !== key) continue;
      if (found) throw new Unsure();
      let end = i;
      let next = false;
      for (let j = i + 1; j < lines.length; j++) {
        const t = lines[j];
        if (/^\s*$/.test(t)) continue;
        if (t.length - t.trimStart().length <= level) {
          next = true;
          break;
        }
        end = j;
      }
      // As `yaml` counts it: a block scalar followed by more text ends after its last line break.
      const block = next && /^[|>]/.test(l.slice(m[0].length).trimStart());
      found = {line: i + this.chunk.startLine, column: level + 1, endLine: end + (block ? 1 : 0) + this.chunk.startLine};
    }
    if (!found) throw new Unsure();
    return found;
  }
}

function unquote(k: string): string {
  if (k.startsWith('"')) {
    try {
      return JSON.parse(k) as string;
    } catch {
      return k;
    }
  }
  if (k.startsWith("'")) return k.slice(1, -1).replace(/''/g, "'");
  return k;
}
