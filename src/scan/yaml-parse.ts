// One `yaml` parse per document chunk, shared by the rules that need one. unparseable-secret
// asks `yaml` whether a document holding Secret material is valid, and the manifest reader
// needs the same parse (with positions) to build the views: parsing it once for both was
// a third of the scan's time on a corpus of Secret manifests (docs/performance.md).
import type {Document, LineCounter} from 'yaml';
import {yaml} from '../manifests/yaml-libs.js';
import type {BlockDoc} from './plain-yaml.js';

export interface ParsedChunk {
  docs: Document.Parsed[];
  lc: LineCounter;
}

/** Chunk text → its parse (by `yaml`, or by plain-yaml.ts's reader), for the length of one file's scan. */
export type ParseCache = Map<string, ParsedChunk | BlockDoc>;

/** The `yaml` parse of the chunk, if one is cached. */
export function cachedParse(text: string, cache?: ParseCache): ParsedChunk | undefined {
  const hit = cache?.get(text);
  return hit && 'docs' in hit ? hit : undefined;
}

export function parseChunk(text: string, cache?: ParseCache): ParsedChunk {
  const hit = cachedParse(text, cache);
  if (hit) return hit;
  const {LineCounter, parseAllDocuments} = yaml();
  const lc = new LineCounter();
  // Templates make `yaml` raise an error per broken line, and each Error captures a stack trace
  // that nobody reads: that was a third of the time spent on a Helm chart.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  let docs;
  try {
    docs = parseAllDocuments(text, {lineCounter: lc, uniqueKeys: false, prettyErrors: false});
  } finally {
    Error.stackTraceLimit = limit;
  }
  const parsed = {docs: Array.isArray(docs) ? docs : [docs], lc};
  cache?.set(text, parsed);
  return parsed;
}
