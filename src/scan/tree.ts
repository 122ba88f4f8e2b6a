// The document tree that scan's own readers build (plain-yaml.ts for the block-style subset
// Secrets are written in, json-reader.ts for JSON), and the views built from it. It mirrors what
// manifest-view.ts reads from a `yaml` parse, node for node: the same values (YAML 1.2 core
// schema scalars, as `yaml` resolves them), the same line numbers, duplicate keys kept in order.
// What the tree cannot say for certain (a keep-chomped block scalar, a block collection where a
// value is read as text, a merge key) throws
// Unsure, and the caller reads the document with `yaml` as before: the views are `yaml`'s by
// construction (test/unit/scan/scan-prefilter.test.ts compares trees and views with `yaml`'s).
import type {DocumentChunk} from './documents.js';
import {templateDataPath, type Located, type ObjectView, type ValueField} from './object-view.js';

/** A document read by one of our own readers (plain-yaml.ts, json-reader.ts): its root node. */
export interface BlockDoc {
  root: TNode | null;
}

export class Unsure extends Error {}

/** A scalar: its value is worked out only when a rule needs it (most never are). */
export interface TScalar {
  k: 0;
  /** 1-based line of the value's start in the chunk, and of its end as `yaml`'s range ends it. */
  line: number;
  col: number;
  endLine: number;
  style: Style;
  /** The chunk's text and the value's source span in it (the content lines, for a block scalar). */
  src: string;
  from: number;
  to: number;
  /** A block scalar's content indentation. */
  indent: number;
}

export const enum Style {
  /** A plain scalar: resolved by the core schema (`true`, `12`, `0x1F`, `~`, `.inf`). */
  Plain,
  /** A quoted string without escapes: the span is the value. */
  Verbatim,
  /** A JSON string with escapes. */
  Json,
  Literal,
  LiteralStrip,
  Folded,
  FoldedStrip,
  /** An empty value (`key:`). */
  Null,
  /** Anything the tree does not work out (a keep-chomped block scalar, an empty block scalar). */
  Unknown,
}

export interface TMap {
  k: 1;
  keys: string[];
  keyLine: number[];
  keyCol: number[];
  values: TNode[];
  line: number;
  col: number;
  /** A flow collection's source text (how manifest-view.ts shows a collection read as a value), and its last line. */
  flow?: string;
  endLine?: number;
  /** `{{ .x }}`: `yaml` reads a flow mapping whose one key is a mapping, so it has no key a rule could read (keys stays empty). */
  template?: true;
}

export interface TSeq {
  k: 2;
  items: TNode[];
  line: number;
  col: number;
  flow?: string;
  endLine?: number;
}

export type TNode = TScalar | TMap | TSeq;

const CORE_INT = /^[-+]?[0-9]+$/;
const CORE_OCT = /^0o[0-7]+$/;
const CORE_HEX = /^0x[0-9a-fA-F]+$/;
const CORE_SPECIAL = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const CORE_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const CORE_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/** A plain scalar as `yaml`'s core schema resolves it (tags tried in the schema's order). */
export function resolvePlain(s: string): string | number | boolean | null {
  const c = s.charCodeAt(0);
  // Only these first characters can start a non-string: most values skip every test.
  if (!(c === 126 || c === 110 || c === 78 || c === 116 || c === 84 || c === 102 || c === 70 || c === 43 || c === 45 || c === 46 || (c >= 48 && c <= 57)) && s !== '') return s;
  if (s === '' || s === '~' || s === 'null' || s === 'Null' || s === 'NULL') return null;
  if (s === 'true' || s === 'True' || s === 'TRUE') return true;
  if (s === 'false' || s === 'False' || s === 'FALSE') return false;
  if (CORE_OCT.test(s)) return parseInt(s.substring(2), 8);
  if (CORE_INT.test(s)) return parseInt(s, 10);
  if (CORE_HEX.test(s)) return parseInt(s.substring(2), 16);
  if (CORE_SPECIAL.test(s)) return s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (CORE_EXP.test(s) || CORE_FLOAT.test(s)) return parseFloat(s);
  return s;
}

/** The scalar's value as `yaml` gives it. */
export function scalarValue(n: TScalar): string | number | boolean | null {
  switch (n.style) {
    case Style.Plain:
      return resolvePlain(n.src.slice(n.from, n.to));
    case Style.Verbatim:
      return n.src.slice(n.from, n.to);
    case Style.Json:
      return JSON.parse(n.src.slice(n.from, n.to)) as string;
    case Style.Null:
      return null;
    case Style.Literal:
    case Style.LiteralStrip:
    case Style.Folded:
    case Style.FoldedStrip:
      return blockValue(n);
    default:
      throw new Unsure();
  }
}

/** A block scalar's content (clip or strip chomping; no line is more indented in a folded one). */
function blockValue(n: TScalar): string {
  const lines = n.src.slice(n.from, n.to).split('\n');
  const folded = n.style === Style.Folded || n.style === Style.FoldedStrip;
  let out = '';
  let empties = 0;
  let first = true;
  for (const l of lines) {
    // A line of no more spaces than the indentation is an empty line; one with more is content
    // of spaces, which folding treats apart: left to `yaml`.
    if (l.length <= n.indent) {
      let blank = true;
      for (let i = 0; i < l.length; i++) if (l.charCodeAt(i) !== 32) blank = false;
      if (blank) {
        empties++;
        continue;
      }
    }
    if (folded && l.charCodeAt(n.indent) === 32) throw new Unsure();
    let i = 0;
    while (i < n.indent) if (l.charCodeAt(i++) !== 32) throw new Unsure();
    const content = l.slice(n.indent);
    if (first) out = '\n'.repeat(empties) + content;
    else out += (folded ? (empties === 0 ? ' ' : '\n'.repeat(empties)) : '\n'.repeat(empties + 1)) + content;
    first = false;
    empties = 0;
  }
  if (first) throw new Unsure();
  return n.style === Style.Literal || n.style === Style.Folded ? out + '\n' : out;
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const MAX_DEPTH = 64;

function lastIndex(m: TMap, key: string): number {
  for (let i = m.keys.length - 1; i >= 0; i--) if (m.keys[i] === key) return i;
  return -1;
}

function get(m: TMap, key: string): TNode | undefined {
  const i = lastIndex(m, key);
  return i < 0 ? undefined : m.values[i];
}

function str(n: TNode | undefined): string | undefined {
  if (n?.k !== 0) return undefined;
  const v = scalarValue(n);
  return v === null ? undefined : String(v);
}

function strings(n: TNode | undefined): string[] {
  if (n?.k === 0) {
    const v = scalarValue(n);
    return v ? [String(v)] : [];
  }
  return n?.k === 2 ? n.items.map(str).filter((s): s is string => s !== undefined) : [];
}

const isMap = (n: TNode | null | undefined): n is TMap => n?.k === 1;

/** The views manifest-view.ts would build from `yaml`'s parse of the chunk; throws Unsure where it cannot tell. */
export function viewsOfTree(root: TNode | null, chunk: DocumentChunk): ObjectView[] {
  const out: ObjectView[] = [];
  const at = (line: number, column: number): Located => ({line: line + chunk.startLine - 1, column});
  const view = (map: TMap, sops: boolean): ObjectView => {
    const k = lastIndex(map, 'kind');
    const metadata = get(map, 'metadata');
    const v: ObjectView = {
      kind: k < 0 ? undefined : str(map.values[k]),
      apiVersion: str(get(map, 'apiVersion')),
      name: isMap(metadata) ? str(get(metadata, 'name')) : undefined,
      namespace: isMap(metadata) ? str(get(metadata, 'namespace')) : undefined,
      anchor: k < 0 ? at(map.line, map.col) : at(map.keyLine[k], map.keyCol[k]),
      sops,
      values: [],
      secretGenerators: [],
    };
    const holders: {field: ValueField; map: TMap}[] = [{field: 'data', map}, {field: 'stringData', map}];
    const path = templateDataPath(v.kind, v.apiVersion);
    if (path) {
      let t: TNode | undefined = map;
      for (const k of path) t = t && isMap(t) ? get(t, k) : undefined;
      if (t && isMap(t)) holders.push({field: path.length === 2 ? 'spec.template.data' : 'spec.target.template.data', map: t});
    }
    for (const {field, map: holder} of holders) {
      const name = field === 'stringData' ? 'stringData' : 'data';
      for (let i = 0; i < holder.keys.length; i++) {
        if (holder.keys[i] !== name) continue;
        const m = holder.values[i];
        if (!isMap(m)) continue;
        for (let j = 0; j < m.keys.length; j++) {
          if (m.keys[j] === '<<') throw new Unsure();
          const val = m.values[j];
          let value: string | null;
          let endLine: number;
          if (val.k === 0) {
            const s = scalarValue(val);
            value = s === null ? null : String(s);
            endLine = val.endLine;
          } else if (val.flow !== undefined && val.endLine !== undefined) {
            value = val.flow;
            endLine = val.endLine;
          } else throw new Unsure();
          v.values.push({field, key: m.keys[j], value, ...at(m.keyLine[j], m.keyCol[j]), endLine: endLine + chunk.startLine - 1});
        }
      }
    }
    const annotations = isMap(metadata) ? get(metadata, 'annotations') : undefined;
    const la = isMap(annotations) ? get(annotations, LAST_APPLIED) : undefined;
    if (la?.k === 0) {
      const json = scalarValue(la);
      if (typeof json === 'string') v.lastApplied = {json, ...at(la.line, la.col)};
    }
    const gens = get(map, 'secretGenerator');
    // kustomize's builtin SecretGenerator plugin configuration is one generator at the top level.
    const items = v.kind === 'SecretGenerator' ? [map] : gens?.k === 2 ? gens.items : [];
    for (const g of items) {
      if (!isMap(g)) continue;
      const literals = get(g, 'literals');
      v.secretGenerators.push({
        name: str(get(g, 'name')) ?? (v.kind === 'SecretGenerator' ? v.name : undefined) ?? '(unnamed)',
        ...at(g.line, g.col),
        literals: literals?.k === 2 ? literals.items.filter((s) => s.k === 0).map((s) => ({text: String(scalarValue(s) ?? ''), ...at(s.line, s.col)})) : [],
        files: strings(get(g, 'files')),
        // `env` (one file) is the deprecated spelling of `envs` that kustomize still reads.
        envs: [...strings(get(g, 'envs')), ...strings(get(g, 'env'))],
      });
    }
    return v;
  };
  const nested = (node: TNode, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    const children = node.k === 1 ? node.values : node.k === 2 ? node.items : [];
    for (const child of children) {
      if (child.k === 0) continue;
      if (child.k === 1 && str(get(child, 'kind')) === 'Secret' && str(get(child, 'apiVersion')) === 'v1') out.push(view(child, isMap(get(child, 'sops'))));
      else nested(child, depth + 1);
    }
  };
  const push = (map: TMap, sops: boolean): void => {
    const kind = str(get(map, 'kind'));
    const items = get(map, 'items');
    if (kind?.endsWith('List') && items?.k === 2) {
      for (const item of items.items) if (isMap(item)) push(item, sops || isMap(get(item, 'sops')));
      return;
    }
    out.push(view(map, sops));
    if (kind !== 'Secret') nested(map, 0);
  };
  if (root?.k === 2) {
    for (const item of root.items) if (isMap(item)) push(item, false);
  } else if (isMap(root)) push(root, isMap(get(root, 'sops')));
  return out;
}
