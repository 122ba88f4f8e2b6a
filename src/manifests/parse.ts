// Parses manifest text the way kubectl reads -f: multi-document YAML, JSON, and `kind: List`
// (items expanded). Every object keeps the file and 1-based line it starts on, so errors and
// findings can point at it. Parse errors quote no source text: the line may hold a secret.
import {LineCounter, parseAllDocuments, isMap, isSeq, type Document} from 'yaml';
import {InputError} from '../errors.js';

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
    const value = doc.toJS({maxAliasCount: 100});
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
  if (!isSeq(items)) return undefined;
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
