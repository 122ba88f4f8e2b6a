// The part of a manifest the rules look at, with positions: kind, name, the data/stringData
// entries, the last-applied annotation and kustomize secretGenerators. Two readers build it:
// the YAML reader below (YAML and JSON, multi-document, `kind: List`, v1 Secrets nested where a
// renderer emits them verbatim, aliases and merge keys), and the tolerant
// line reader for templates that are not valid YAML (tolerant-reader.ts). Rules only ever see
// this view, so both readers get the same verdicts.
import type {Document, Node, Pair, YAMLMap} from 'yaml';
import {isAlias, isMap, isScalar, isSeq} from '../manifests/yaml-nodes.js';
import {describeYamlError} from '../manifests/parse.js';
import {TRIGGER_RE, parseCost, splitDocuments, type DocumentChunk} from './documents.js';
import {containsTemplate} from './exceptions.js';
import {readFast} from './fast-reader.js';
import {readTemplated} from './tolerant-reader.js';
import {readTree, templateRejected} from './plain-yaml.js';
import {Unsure, viewsOfTree} from './tree.js';
import {cachedParse, parseChunk, type ParseCache} from './yaml-parse.js';
import {templateDataPath, type Located, type ObjectView, type ReadResult, type ValueField} from './object-view.js';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * `fast: false` reads every chunk with `yaml` (the fast path's own tests compare both). A chunk
 * already in `cache` (parsed by unparseable-secret) is read from that parse, which costs less
 * than a js-yaml parse on top. `all` reads the chunks TRIGGER_RE clears too.
 */
export function readManifest(text: string | readonly DocumentChunk[], o: {fast?: boolean; cache?: ParseCache; all?: boolean} = {}): ReadResult {
  const out: ReadResult = {views: [], warnings: []};
  // Chunks split already: the objects of Markdown code blocks (markdown.ts).
  for (const chunk of typeof text === 'string' ? splitDocuments(text) : text) {
    if (!o.all && !TRIGGER_RE.test(chunk.text)) continue;
    // Parsed already: read from that parse. Where it failed, js-yaml may still read the text
    // (` ---` on the first line, say), and the verdict must be `yaml`'s, as without the cache.
    // A document too costly for `yaml` is not given to js-yaml either: the readers' verdicts
    // stay the same, and js-yaml's error message alone re-reads all of a 10 MB document.
    const cost = parseCost(chunk.text);
    if (o.fast !== false && !cost) {
      // Block-style YAML of the common subset and JSON are read in one pass, values and lines
      // together (plain-yaml.ts, json-reader.ts); what they cannot read goes on as before.
      const hit = o.cache?.get(chunk.text);
      const doc = hit ? ('root' in hit ? hit : undefined) : readTree(chunk.text);
      if (doc) {
        try {
          out.views.push(...viewsOfTree(doc.root, chunk));
          continue;
        } catch (e) {
          if (!(e instanceof Unsure)) throw e;
        }
      }
    }
    const fast = o.fast === false || cost || cachedParse(chunk.text, o.cache) ? undefined : readFast(chunk);
    if (fast) out.views.push(...fast);
    else readChunk(chunk, cost, out, o.cache, o.fast !== false);
  }
  return out;
}

function readChunk(chunk: DocumentChunk, cost: string | undefined, out: ReadResult, cache: ParseCache | undefined, proofs: boolean): void {
  if (cost) {
    if (containsTemplate(chunk.text)) {
      out.views.push(...readTemplated(chunk.text, chunk.startLine));
      return;
    }
    out.warnings.push({line: chunk.startLine, message: `not read as YAML (${cost}); not scanned for Secrets`});
    return;
  }
  // A template `yaml` is proven to reject goes where `yaml`'s error would send it, unparsed:
  // that parse was a quarter of a scan of Helm charts (docs/performance.md).
  if (proofs && !cachedParse(chunk.text, cache) && containsTemplate(chunk.text) && templateRejected(chunk.text)) {
    out.views.push(...readTemplated(chunk.text, chunk.startLine));
    return;
  }
  const {docs: list, lc} = parseChunk(chunk.text, cache);
  const failed = list.find((d) => d.errors.length > 0);
  if (failed) {
    if (containsTemplate(chunk.text)) {
      out.views.push(...readTemplated(chunk.text, chunk.startLine));
      return;
    }
    const e = failed.errors[0];
    out.warnings.push({line: lc.linePos(e.pos[0]).line + chunk.startLine - 1, message: `not valid YAML (${describeYamlError(e.message)}); not scanned for Secrets`});
    return;
  }
  const at = (offset: number): Located => {
    const p = lc.linePos(offset);
    return {line: p.line + chunk.startLine - 1, column: p.col};
  };
  for (const doc of list) {
    const ctx: Ctx = {at, text: chunk.text, doc};
    const root = doc.contents;
    if (isSeq(root)) {
      for (const item of root.items) if (isMap(item)) pushObject(item, false, ctx, out);
    } else if (isMap(root)) {
      pushObject(root, isMap(get(root, 'sops')), ctx, out);
    }
  }
}

interface Ctx {
  at: (offset: number) => Located;
  text: string;
  doc: Document.Parsed;
}

/** Deeper than any real values file; keeps a hostile one from recursing without end. */
const MAX_DEPTH = 64;

function pushObject(map: YAMLMap, sops: boolean, ctx: Ctx, out: ReadResult): void {
  const kind = str(get(map, 'kind'));
  const items = get(map, 'items');
  // kind: List (and any *List), as kubectl expands them.
  if (kind?.endsWith('List') && isSeq(items)) {
    for (const item of items.items) if (isMap(item)) pushObject(item, sops || isMap(get(item, 'sops')), ctx, out);
    return;
  }
  out.views.push(viewOf(map, sops, ctx));
  if (kind !== 'Secret') nested(map, ctx, out, 0);
}

/**
 * v1 Secrets inside another object, where a renderer copies them out verbatim: OpenShift
 * `Template.objects`, Helm values lists (`extraObjects`, `extraDeploy`, `resources`) and maps
 * rendered with `toYaml`. Nested ones must say `apiVersion: v1`: a bare `kind: Secret` inside
 * a spec is a reference (`secretRef: {kind: Secret, name: x}`), not an object.
 */
function nested(node: unknown, ctx: Ctx, out: ReadResult, depth: number): void {
  if (depth > MAX_DEPTH) return;
  const children = isMap(node) ? node.items.map((p) => p.value) : isSeq(node) ? node.items : [];
  for (const child of children) {
    if (!isMap(child) && !isSeq(child)) continue;
    if (isMap(child) && str(get(child, 'kind')) === 'Secret' && str(get(child, 'apiVersion')) === 'v1') out.views.push(viewOf(child, isMap(get(child, 'sops')), ctx));
    else nested(child, ctx, out, depth + 1);
  }
}

function viewOf(map: YAMLMap, sops: boolean, ctx: Ctx): ObjectView {
  const kindPair = pair(map, 'kind');
  const metadata = get(map, 'metadata');
  const view: ObjectView = {
    kind: str(kindPair?.value),
    apiVersion: str(get(map, 'apiVersion')),
    name: isMap(metadata) ? str(get(metadata, 'name')) : undefined,
    namespace: isMap(metadata) ? str(get(metadata, 'namespace')) : undefined,
    anchor: ctx.at(((kindPair?.key as Node | undefined) ?? map).range?.[0] ?? 0),
    sops,
    values: [],
    secretGenerators: [],
  };
  const holders: {field: ValueField; map: YAMLMap}[] = [{field: 'data', map}, {field: 'stringData', map}];
  const path = templateDataPath(view.kind, view.apiVersion);
  if (path) {
    let t: unknown = map;
    for (const k of path) t = isMap(t) ? resolve(get(t, k), ctx) : undefined;
    if (isMap(t)) holders.push({field: path.length === 2 ? 'spec.template.data' : 'spec.target.template.data', map: t});
  }
  for (const {field, map: holder} of holders) {
    const name = field === 'stringData' ? 'stringData' : 'data';
    // kubectl keeps the last of duplicate keys, but the values of every copy are in the file.
    for (const copy of holder.items.filter((p) => isScalar(p.key) && p.key.value === name).map((p) => p.value)) {
      const m = resolve(copy, ctx);
    if (!isMap(m)) continue;
    for (const p of mergedPairs(m, ctx, 0)) {
      const key = p.key as Node | null;
      if (!isScalar(key)) continue;
      const v = resolve(p.value, ctx) as Node | null;
      view.values.push({
        field,
        key: String(key.value),
        value: valueText(v, ctx),
        ...ctx.at(key.range?.[0] ?? 0),
        endLine: ctx.at(v?.range?.[1] ?? key.range?.[1] ?? 0).line,
      });
    }
    }
  }
  const annotations = isMap(metadata) ? get(metadata, 'annotations') : undefined;
  const la = isMap(annotations) ? (get(annotations, LAST_APPLIED) as Node | undefined) : undefined;
  if (isScalar(la) && typeof la.value === 'string') view.lastApplied = {json: la.value, ...ctx.at(la.range?.[0] ?? 0)};
  const gens = get(map, 'secretGenerator');
  // kustomize's builtin SecretGenerator plugin configuration is one generator at the top level.
  const items = view.kind === 'SecretGenerator' ? [map] : isSeq(gens) ? gens.items : [];
  {
    for (const g of items) {
      if (!isMap(g)) continue;
      const literals = get(g, 'literals');
      view.secretGenerators.push({
        name: str(get(g, 'name')) ?? (view.kind === 'SecretGenerator' ? view.name : undefined) ?? '(unnamed)',
        ...ctx.at(g.range?.[0] ?? 0),
        literals: isSeq(literals) ? literals.items.filter(isScalar).map((s) => ({text: String(s.value ?? ''), ...ctx.at(s.range?.[0] ?? 0)})) : [],
        files: strings(get(g, 'files')),
        // `env` (one file) is the deprecated spelling of `envs` that kustomize still reads.
        envs: [...strings(get(g, 'envs')), ...strings(get(g, 'env'))],
      });
    }
  }
  return view;
}

/** `stringData: *creds` reads the anchored map. */
function resolve(n: unknown, ctx: Ctx): unknown {
  return isAlias(n) ? n.resolve(ctx.doc) : n;
}

/** A map's own pairs, with `<<: *base` (or `<<: [*a, *b]`) merge keys expanded as YAML 1.1 does. */
function mergedPairs(map: YAMLMap, ctx: Ctx, depth: number): Pair[] {
  const out: Pair[] = [];
  for (const p of map.items) {
    if (isScalar(p.key) && p.key.value === '<<' && depth < MAX_DEPTH) {
      const sources = isSeq(p.value) ? p.value.items : [p.value];
      for (const s of sources) {
        const m = resolve(s, ctx);
        if (isMap(m)) out.push(...mergedPairs(m, ctx, depth + 1));
      }
    } else out.push(p as Pair);
  }
  return out;
}

/** Of duplicate keys the last, as kubectl's decoder (sigs.k8s.io/yaml over yaml.v2) keeps it. */
function pair(map: YAMLMap, key: string) {
  return map.items.findLast((p) => isScalar(p.key) && p.key.value === key);
}

function get(map: YAMLMap, key: string): unknown {
  return pair(map, key)?.value;
}

function str(n: unknown): string | undefined {
  return isScalar(n) && n.value !== null && n.value !== undefined ? String(n.value) : undefined;
}

function strings(n: unknown): string[] {
  if (isScalar(n)) return n.value ? [String(n.value)] : [];
  return isSeq(n) ? n.items.map(str).filter((s): s is string => s !== undefined) : [];
}

/** Scalars as parsed; anything else (a `{{ … }}` read as a flow map, say) as its source text. */
function valueText(v: Node | null, ctx: Ctx): string | null {
  if (v === null || v === undefined) return null;
  if (isScalar(v)) return v.value === null || v.value === undefined ? null : String(v.value);
  const r = v.range;
  return r ? ctx.text.slice(r[0], r[1]) : '';
}
