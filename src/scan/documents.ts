// Splits a manifest file into its YAML documents without parsing it, so that only the
// documents that could hold a finding (a Secret, a secretGenerator) pay for a YAML parse.
// A line starting with `---` or `...` is a document marker in every YAML context (YAML 1.2
// §9.1.2: c-forbidden content cannot start a line inside a scalar), so the split is exact.

export interface DocumentChunk {
  text: string;
  /** 1-based line of the chunk's first line in the file. */
  startLine: number;
}

const MARKER_RE = /^(?:---|\.\.\.)(?=[ \t\r\n]|$)/;

/**
 * Could this text produce a manifest finding? `kind: Secret` in YAML, JSON (`"kind": "Secret"`)
 * or escaped inside a last-applied JSON string (`\"kind\":\"Secret\"`), or a secretGenerator.
 */
export const TRIGGER_RE = /kind\\?["']?\s*:\s*\\?["']?Secret\b|secretGenerator/;

export function splitDocuments(text: string): DocumentChunk[] {
  const first = text.search(/\S/);
  // JSON is one document; a `{{- if }}`, `{% raw %}` or `{# #}` first line is a template, whose documents stay apart.
  if (first >= 0 && (text[first] === '{' || text[first] === '[') && !/^\{[{%#]/.test(text.slice(first, first + 2))) return [{text, startLine: 1}];
  const chunks: DocumentChunk[] = [];
  let start = 0;
  let startLine = 1;
  let line = 1;
  let pos = 0;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const end = nl === -1 ? text.length : nl + 1;
    if (pos > start && MARKER_RE.test(text.slice(pos, Math.min(end, pos + 4)))) {
      chunks.push({text: text.slice(start, pos), startLine});
      start = pos;
      startLine = line;
    }
    pos = end;
    line++;
  }
  chunks.push({text: text.slice(start), startLine});
  return chunks;
}

export function isManifestPath(path: string): boolean {
  return /\.(ya?ml|json)$/i.test(path) || /(^|\/)Kustomization$/.test(path);
}

export function isMarkdownPath(path: string): boolean {
  return /\.(md|markdown|mdx)$/i.test(path);
}

/** The cheap test every file goes through; only files that pass it load the YAML parser. */
export function mightFind(path: string, text: string, referenced: boolean): boolean {
  return referenced || text.includes('PRIVATE KEY') || text.includes('LS0tLS1CRUdJTi') || ((isManifestPath(path) || isMarkdownPath(path)) && TRIGGER_RE.test(text));
}
