// kustomize JSON 6902 patches that write values into a Secret (`patches` and the older
// `patchesJson6902`, inline or in the file a `path:` names): kustomize builds the Secret with
// those values, so they are plaintext in git as much as a secretGenerator literal is.
import {posix} from 'node:path';
import type {LineCounter, Node, Scalar} from 'yaml';
import {yaml} from '../manifests/yaml-libs.js';
import {isMap, isScalar, isSeq} from '../manifests/yaml-nodes.js';
import {dedent, literalBlock} from './embedded.js';
import {exemption} from './exceptions.js';
import type {RawFinding} from './rule.js';
import {severityOf} from './severity.js';
import type {KustomizeReference} from './types.js';

const KUSTOMIZE_KINDS = new Set([undefined, 'Kustomization', 'Component']);
const PATCH_FIELDS = ['patches', 'patchesJson6902'] as const;

interface SecretPatch {
  /** The Secret's name as the target selects it (`*` when it selects by other means). */
  secret: string;
  /** The target says Secret; without a kind only `/stringData` paths say it. */
  kindKnown: boolean;
  patch?: Scalar;
  path?: string;
}

/** A cheap test before parsing: only a kustomization with patches can hold one. */
export const mayHavePatches = (text: string): boolean => /\bpatches(?:Json6902)?\s*:/.test(text);

function secretPatches(text: string, lineCounter?: LineCounter): SecretPatch[] {
  const out: SecretPatch[] = [];
  for (const doc of yaml().parseAllDocuments(text, {uniqueKeys: false, keepSourceTokens: false, lineCounter})) {
    if (!('contents' in doc) || !isMap(doc.contents)) continue;
    const kind = doc.contents.get('kind');
    if (!KUSTOMIZE_KINDS.has(typeof kind === 'string' ? kind : undefined)) continue;
    for (const field of PATCH_FIELDS) {
      const list = doc.contents.get(field, true);
      if (!isSeq(list)) continue;
      for (const entry of list.items) {
        if (!isMap(entry)) continue;
        const target = entry.get('target');
        const t = isMap(target) ? (target.toJSON() as Record<string, unknown>) : undefined;
        if (!t) continue;
        // A Secret is core/v1: a target naming another group or kind selects something else.
        if ((t.group !== undefined && t.group !== '') || (t.kind !== undefined && t.kind !== 'Secret')) continue;
        const patch = entry.get('patch', true);
        const path = entry.get('path');
        out.push({
          secret: typeof t.name === 'string' ? t.name : '*',
          kindKnown: t.kind === 'Secret',
          patch: isScalar(patch) && typeof patch.value === 'string' ? patch : undefined,
          path: typeof path === 'string' ? path : undefined,
        });
      }
    }
  }
  return out;
}

interface Written {
  key: string;
  field: 'data' | 'stringData';
  value: string;
  pointer: string;
  line: number;
  column: number;
}

/** JSON pointer segments (RFC 6901): `~1` is `/`, `~0` is `~`. */
const unescape = (s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~');

/** The string values add/replace operations write under /data or /stringData, with positions in `text`. */
function writtenValues(text: string): Written[] {
  const lc = new (yaml().LineCounter)();
  const doc = yaml().parseDocument(text, {uniqueKeys: false, lineCounter: lc});
  if (!isSeq(doc.contents)) return [];
  const at = (node: Node | null | undefined) => {
    const p = lc.linePos(node?.range?.[0] ?? 0);
    return {line: p.line, column: p.col};
  };
  const out: Written[] = [];
  for (const op of doc.contents.items) {
    if (!isMap(op)) continue;
    const verb: unknown = op.get('op');
    const pointer: unknown = op.get('path');
    if ((verb !== 'add' && verb !== 'replace') || typeof pointer !== 'string') continue;
    const [, field, key, ...rest] = pointer.split('/');
    if ((field !== 'data' && field !== 'stringData') || rest.length > 0) continue;
    const value = op.get('value', true);
    if (key !== undefined) {
      if (isScalar(value) && typeof value.value === 'string') out.push({key: unescape(key), field, value: value.value, pointer, ...at(value)});
    } else if (isMap(value)) {
      for (const pair of value.items) {
        const k = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (k !== undefined && isScalar(pair.value) && typeof pair.value.value === 'string') {
          out.push({key: k, field, value: pair.value.value, pointer: `/${field}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, ...at(pair.value as Node)});
        }
      }
    }
  }
  return out;
}

function findings(text: string, where: string, secret: string, kindKnown: boolean, shift: (w: Written) => {line: number; column: number}): RawFinding[] {
  const out: RawFinding[] = [];
  for (const w of writtenValues(text)) {
    // Without a kind in the target, `/data` could be a ConfigMap's; only Secrets have stringData.
    if (!kindKnown && w.field !== 'stringData') continue;
    if (exemption(w.value, {base64: w.field === 'data'})) continue;
    const name = secret === '*' ? 'the Secrets it targets' : `Secret ${secret}`;
    out.push({rule: 'kustomize-secret-literal', ...shift(w), message: `a patch in ${where} writes a value into ${name} at ${w.pointer}`, severity: severityOf(w.key, w.value, {base64: w.field === 'data'})});
  }
  return out;
}

/** Values the kustomization's inline patches write, at their lines in the kustomization. */
export function inlinePatchFindings(kustomizationPath: string, text: string): RawFinding[] {
  if (!mayHavePatches(text)) return [];
  const lc = new (yaml().LineCounter)();
  const out: RawFinding[] = [];
  for (const p of secretPatches(text, lc)) {
    if (!p.patch) continue;
    const node = p.patch;
    const start = node.range?.[0] ?? 0;
    const head = lc.linePos(start);
    if (node.type === 'BLOCK_LITERAL') {
      // The block's lines are the patch's lines: read them where they are in the file.
      const headEnd = text.indexOf('\n', start);
      const block = headEnd === -1 ? undefined : literalBlock(text, headEnd, 0);
      if (!block) continue;
      const body = {text: dedent(text, headEnd, block), indent: block.indent};
      out.push(...findings(body.text, kustomizationPath, p.secret, p.kindKnown, (w) => ({line: head.line + w.line, column: w.column + body.indent})));
    } else {
      // A quoted or folded patch: its lines are not the file's, so report it at the patch.
      out.push(...findings(node.value as string, kustomizationPath, p.secret, p.kindKnown, () => ({line: head.line, column: head.col})));
    }
  }
  return out;
}

/** The patch files the kustomization's Secret patches name (`path:`), keyed by repository-relative path. */
export function patchReferencesOf(kustomizationPath: string, text: string): [string, KustomizeReference][] {
  if (!mayHavePatches(text)) return [];
  const dir = posix.dirname(kustomizationPath);
  return secretPatches(text)
    .filter((p) => p.path !== undefined && !/^[a-z][a-z0-9+.-]*:\/\//i.test(p.path))
    .map((p) => [posix.join(dir, p.path!), {via: 'patch', generator: p.secret, kustomization: kustomizationPath, kindKnown: p.kindKnown}]);
}

/** Findings for a patch file a kustomization applies to a Secret. */
export function referencedPatch(text: string, ref: KustomizeReference): RawFinding[] {
  return findings(text, ref.kustomization, ref.generator, ref.kindKnown ?? false, (w) => w);
}
