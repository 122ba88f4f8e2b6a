// Manifests written as YAML strings inside other manifests. The tool that reads the field emits
// them verbatim: kustomize's inline `patches[].patch` and `patchesStrategicMerge` entries, Argo
// CD's `spec.source.helm.values`, Helm charts' `extraDeploy: |` (rendered through `tpl`), a
// ConfigMap a Job applies. Found from the text alone, so every reader and template shape is
// covered alike: a literal block scalar (`|`, `|-`, `|+`) whose content could hold a finding.
import {TRIGGER_RE} from './documents.js';

export interface EmbeddedText {
  /** The block's content with its indentation removed: a manifest as the consumer reads it. */
  text: string;
  /** Lines in the file before the block's first line. */
  lineOffset: number;
  /** Columns removed from every line. */
  indent: number;
  /**
   * For a string whose lines are not the file's (escapes, folding; embedded-strings.ts): where a
   * position in `text` is in the file, and the file line an allow comment for it goes on.
   */
  locate?: (line: number, column: number) => {line: number; column: number};
  anchorLine?: number;
}

/**
 * `key: |`, `- |`, `- key: |-`, with a chomping indicator and a comment allowed. A folded (`>`)
 * scalar joins lines, and an explicit indentation indicator (`|2`) may keep leading spaces: both
 * are read by embedded-strings.ts, from the value the YAML parser yields.
 */
const HEAD_RE = /(?:^|[:-])[ \t]+\|[+-]?[ \t]*(?:#[^\n]*)?$/gm;

const indentOf = (text: string, from: number, to: number): number => {
  let i = from;
  while (i < to && text.charCodeAt(i) === 32) i++;
  return i - from;
};

/**
 * The literal block scalar whose header line ends at `headEnd`, nested under a line indented
 * `parent`: its content's indentation, and where it ends. The content's
 * indentation is its first non-blank line's; the block ends at the first non-blank line
 * indented less (YAML 1.2 §8.1.1.1, auto-detected indentation).
 */
export function literalBlock(text: string, headEnd: number, parent: number): {indent: number; end: number} | undefined {
  let indent = -1;
  let end = headEnd + 1;
  for (let start = headEnd + 1; start < text.length; ) {
    const next = text.indexOf('\n', start);
    const stop = next === -1 ? text.length : next;
    const spaces = indentOf(text, start, stop);
    const blank = start + spaces === stop || (spaces === stop - start - 1 && text.charCodeAt(stop - 1) === 13);
    if (!blank) {
      if (indent === -1) indent = spaces;
      if (spaces < indent || indent <= parent) break;
    }
    end = next === -1 ? text.length : next + 1;
    start = end;
  }
  return indent <= parent ? undefined : {indent, end};
}

/** The block's content as its consumer reads it: every line without the block's indentation. */
export const dedent = (text: string, headEnd: number, block: {indent: number; end: number}): string =>
  text.slice(headEnd + 1, block.end).split('\n').map((l) => l.slice(block.indent)).join('\n');

export function embeddedManifests(text: string): EmbeddedText[] {
  const out: EmbeddedText[] = [];
  let line = 1; // line number of `counted`
  let counted = 0;
  const lineAt = (pos: number): number => {
    for (let i = text.indexOf('\n', counted); i !== -1 && i < pos; i = text.indexOf('\n', i + 1)) line++;
    counted = pos;
    return line;
  };
  const re = new RegExp(HEAD_RE);
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const headStart = text.lastIndexOf('\n', m.index) + 1;
    const headEnd = text.indexOf('\n', m.index);
    if (headEnd === -1) break;
    const block = literalBlock(text, headEnd, indentOf(text, headStart, headEnd));
    re.lastIndex = Math.max(block?.end ?? headEnd + 1, headEnd + 1);
    if (!block || !TRIGGER_RE.test(text.slice(headEnd + 1, block.end))) continue;
    const lineOffset = lineAt(headEnd + 1) - 1;
    out.push({text: dedent(text, headEnd, block), lineOffset, indent: block.indent});
  }
  return out;
}
