// Parses manifest text the way kubectl reads -f: multi-document YAML, JSON, and `kind: List`
// (items expanded). Every object keeps the file and 1-based line it starts on, so errors and
// findings can point at it. Parse errors quote no source text: the line may hold a secret.
import type {Document, LineCounter} from 'yaml';
import type * as JsYaml from 'js-yaml';
import {InputError} from '../errors.js';
import {readBlockYaml} from '../scan/plain-yaml.js';
import {scalarValue, Style, type TNode} from '../scan/tree.js';
import {jsyaml, yaml} from './yaml-libs.js';

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [k: string]: any;
  };
  [k: string]: any;
}

export interface SourcedObject {
  object: KubeObject;
  file: string;
  /** 1-based line of the object's first line in the file. */
  line: number;
  /** Position among the file's documents (List items count separately). */
  index: number;
}

export class ManifestError extends InputError {
  constructor(readonly file: string, readonly line: number, what: string, hint = 'fix the file and try again') {
    super(`${file}:${line}: ${what}`, hint);
  }
}

/** Parses one file's text. `file` is only used in messages. */
export function parseManifests(text: string, file: string): SourcedObject[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    const json = tryJson(text);
    if (json !== undefined) return expand(json, file, lineOf(text, text.length - trimmed.length), 0, undefined);
  }
  return parseOwnReader(text, file) ?? parseWithLibraries(text, file);
}

/** What parseManifests gives for YAML text, from the libraries alone (the differential tests' reference). */
export function parseWithLibraries(text: string, file: string): SourcedObject[] {
  return parseYamlFast(text, file) ?? parseYamlExact(text, file);
}

/**
 * One document in the block grammar of src/scan/plain-yaml.ts (what a Secret is nearly always
 * written in), read without loading either library: a third of `seal --cert`'s start-up. Only
 * where the answer is certainly the one the libraries give: the reader builds `yaml`'s tree
 * (test/unit/scan/scan-prefilter.test.ts), and a plain scalar or key that js-yaml's core schema
 * might resolve to another type than `yaml`'s (a number, anything starting with a digit, sign or
 * dot), a List, a non-mapping root, `__proto__` and deep nesting are left to the libraries
 * (test/unit/manifests/parse-own.test.ts compares both on random and corpus documents).
 */
export function parseOwnReader(text: string, file: string): SourcedObject[] | undefined {
  const doc = readBlockYaml(text);
  if (!doc) return undefined;
  if (doc.root === null) return [];
  if (doc.root.k !== 1) return undefined;
  let object: KubeObject;
  try {
    object = ownValue(doc.root, 0) as KubeObject;
  } catch {
    return undefined;
  }
  if (typeof object.kind === 'string' && object.kind.endsWith('List') && Array.isArray(object.items)) return undefined;
  return [{object, file, line: doc.root.line, index: 0}];
}

/** Thrown where ownValue cannot be sure of the libraries' answer. */
const UNSURE = new Error('unsure');

function ownValue(n: TNode, depth: number): unknown {
  if (depth > 64) throw UNSURE;
  if (n.k === 2) return n.items.map((item) => ownValue(item, depth + 1));
  if (n.k === 1) {
    if (n.template) throw UNSURE;
    const o: Record<string, unknown> = {};
    for (let i = 0; i < n.keys.length; i++) {
      const key = n.keys[i];
      if (key === '__proto__' || !surelyString(key)) throw UNSURE;
      o[key] = ownValue(n.values[i], depth + 1);
    }
    return o;
  }
  if (n.style === Style.Plain) {
    const s = n.src.slice(n.from, n.to);
    if (s === 'true' || s === 'True' || s === 'TRUE') return true;
    if (s === 'false' || s === 'False' || s === 'FALSE') return false;
    if (s === '~' || s === 'null' || s === 'Null' || s === 'NULL') return null;
    if (!surelyString(s)) throw UNSURE;
    return s;
  }
  return scalarValue(n);
}

/**
 * A plain scalar that both libraries' core schemas read as this string: not empty, not a null
 * or bool word, and not starting as any number form does (a digit, after an optional sign and
 * dot; `.inf`, `.nan`). A key is tested the same way whether it was quoted or not: the tree
 * keeps only its text.
 */
function surelyString(s: string): boolean {
  return s !== '' && !/^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE)$|^[-+]?(?:\.?[0-9]|\.(?:inf|Inf|INF|nan|NaN|NAN)$)/.test(s);
}

/**
 * js-yaml's event parser is about five times faster than the `yaml` document API on large
 * manifests (-f over a repository, audits). It is used when it parses the text and no alias is
 * present; anything else takes the exact path below, which also gives the error's line and
 * bounds alias expansion (billion laughs).
 */
export function parseYamlFast(text: string, file: string): SourcedObject[] | undefined {
  const js = jsyaml();
  let events: JsYaml.Event[];
  let docs: unknown[];
  try {
    events = js.parseEvents(text, {maxDepth: 200});
    if (events.some((e) => e.type === js.EVENT_ID.ALIAS)) return undefined;
    docs = js.constructFromEvents(events, {source: text, schema: js.CORE_SCHEMA, json: true});
  } catch {
    return undefined;
  }
  const lines = new LineIndex(text);
  const starts = documentStarts(events, text);
  const out: SourcedObject[] = [];
  let index = 0;
  docs.forEach((value, i) => {
    if (value === null || value === undefined) return;
    const s = starts[i] ?? {start: 0, items: []};
    for (const o of expand(value, file, lines.lineOf(s.start), index, s.items.map((x) => lines.lineOf(x)))) {
      out.push(o);
      index++;
    }
  });
  return out;
}

/** Offsets where each document's root node starts, and where the items of a root `items:` sequence start. */
function documentStarts(events: JsYaml.Event[], text: string): Array<{start: number; items: number[]}> {
  const E = jsyaml().EVENT_ID;
  const out: Array<{start: number; items: number[]}> = [];
  // Each open collection: its kind, how many child nodes it has seen, and whether it is the root's `items` value.
  const stack: Array<{kind: number; children: number; isItems: boolean}> = [];
  let lastRootKey: string | undefined;
  const startOf = (e: JsYaml.Event): number => ('start' in e ? e.start : 'valueStart' in e ? e.valueStart : 0);
  for (const e of events) {
    if (e.type === E.DOCUMENT) {
      out.push({start: -1, items: []});
      stack.length = 0;
      continue;
    }
    if (e.type === E.POP) {
      stack.pop();
      continue;
    }
    const doc = out[out.length - 1];
    if (!doc) continue;
    const parent = stack[stack.length - 1];
    if (!parent) {
      if (doc.start < 0) doc.start = startOf(e);
    } else {
      if (parent.isItems) doc.items.push(startOf(e));
      if (stack.length === 1 && parent.kind === E.MAPPING && parent.children % 2 === 0 && e.type === E.SCALAR) {
        lastRootKey = text.slice(e.valueStart, e.valueEnd).replace(/^["']|["']$/g, '');
      }
      parent.children++;
    }
    if (e.type === E.MAPPING || e.type === E.SEQUENCE) {
      const isItems = stack.length === 1 && e.type === E.SEQUENCE && stack[0].kind === E.MAPPING && stack[0].children % 2 === 0 && lastRootKey === 'items';
      stack.push({kind: e.type, children: 0, isItems});
    }
  }
  for (const d of out) if (d.start < 0) d.start = 0;
  return out;
}

class LineIndex {
  private readonly newlines: number[] = [];
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.newlines.push(i);
  }

  /** 1-based line of an offset. */
  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.newlines[mid] < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  }
}

export function parseYamlExact(text: string, file: string): SourcedObject[] {
  const {LineCounter, parseAllDocuments, isMap} = yaml();
  const lc = new LineCounter();
  // logLevel 'error': yaml would otherwise print warnings to stderr that quote the source text.
  const docs = parseAllDocuments(text, {lineCounter: lc, uniqueKeys: false, prettyErrors: false, logLevel: 'error'});
  const list: Document[] = Array.isArray(docs) ? docs : [docs as unknown as Document];
  const out: SourcedObject[] = [];
  let index = 0;
  for (const doc of list) {
    if (doc.errors.length > 0) {
      const e = doc.errors[0];
      const line = e.linePos?.[0]?.line ?? lc.linePos(e.pos[0]).line;
      throw new ManifestError(file, line, `malformed YAML: ${describeYamlError(e.message)}`);
    }
    let value;
    try {
      value = doc.toJS({maxAliasCount: 100});
    } catch {
      throw new ManifestError(file, lc.linePos(doc.contents?.range?.[0] ?? 0).line, 'YAML aliases expand too much (over 100 resolved aliases)', 'write the values out instead of aliasing them');
    }
    if (value === null || value === undefined) continue;
    const start = doc.contents?.range?.[0] ?? 0;
    const line = lc.linePos(start).line;
    const itemLines = isMap(doc.contents) ? listItemLines(doc, lc) : undefined;
    for (const o of expand(value, file, line, index, itemLines)) {
      out.push(o);
      index++;
    }
  }
  return out;
}

function expand(value: unknown, file: string, line: number, index: number, itemLines: number[] | undefined): SourcedObject[] {
  if (Array.isArray(value)) {
    return value.flatMap((v, i) => expand(v, file, line, index + i, undefined));
  }
  if (typeof value !== 'object' || value === null) {
    throw new ManifestError(file, line, 'expected a Kubernetes object (a mapping with apiVersion and kind)');
  }
  const obj = value as KubeObject;
  if (typeof obj.kind === 'string' && obj.kind.endsWith('List') && Array.isArray(obj.items)) {
    return obj.items.map((item: unknown, i: number) => {
      if (typeof item !== 'object' || item === null) throw new ManifestError(file, itemLines?.[i] ?? line, `item ${i} of the List is not an object`);
      return {object: item as KubeObject, file, line: itemLines?.[i] ?? line, index: index + i};
    });
  }
  return [{object: obj, file, line, index}];
}

function listItemLines(doc: Document, lc: LineCounter): number[] | undefined {
  const items = (doc.contents as any)?.get?.('items', true);
  if (!yaml().isSeq(items)) return undefined;
  return items.items.map((n: any) => lc.linePos(n?.range?.[0] ?? 0).line);
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** yaml's messages end with " at line L, column C:" and a source excerpt; keep only the kind of error. */
export function describeYamlError(message: string): string {
  return message.split(/ at line \d+/)[0].split('\n')[0].trim();
}
