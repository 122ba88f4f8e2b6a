// Markdown policy: the manifests in a README are copied and applied as they are, so fenced code
// blocks labelled yaml, yml, json (or not labelled at all) are scanned with every manifest rule.
// Prose and blocks in other languages (bash, go…) are not manifests. The private-key rule reads
// the whole file, as it reads every text file.
//
// The blocks are laid out in a text with the Markdown file's line count: every other line is
// blank, and each fence line becomes a `---` document marker, so a finding's line is the line in
// the Markdown file and blocks never run into each other.

const FENCE_RE = /^([ \t]*)(`{3,}|~{3,})[ \t]*([^\s`{]*)/;
const MANIFEST_LANGS = new Set(['', 'yaml', 'yml', 'json', 'jsonc', 'yaml+jinja', 'helm']);

export interface MarkdownManifests {
  text: string;
  /** Per 1-based line, the columns removed from the start of the line (the block's indentation). */
  indent: Map<number, number>;
}

export function markdownManifests(md: string): MarkdownManifests {
  if (!md.includes('```') && !md.includes('~~~')) return {text: '', indent: new Map()};
  const lines = md.split('\n');
  const out: string[] = new Array<string>(lines.length).fill('');
  const indent = new Map<number, number>();
  let open: {fence: string; indent: number; keep: boolean} | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    // Most lines are prose: only a line holding ``` or ~~~ can be a fence.
    const m = line.includes('```') || line.includes('~~~') ? FENCE_RE.exec(line) : null;
    if (!open) {
      if (!m) continue;
      open = {fence: m[2], indent: m[1].length, keep: MANIFEST_LANGS.has(m[3].toLowerCase())};
      if (open.keep) out[i] = '---';
      continue;
    }
    // CommonMark: a closing fence is the same character, at least as long, with nothing after it.
    if (m && m[2][0] === open.fence[0] && m[2].length >= open.fence.length && line.trim() === m[2]) {
      if (open.keep) out[i] = '---';
      open = undefined;
      continue;
    }
    if (!open.keep) continue;
    let cut = 0;
    while (cut < open.indent && (line[cut] === ' ' || line[cut] === '\t')) cut++;
    out[i] = line.slice(cut);
    if (cut) indent.set(i + 1, cut);
  }
  return {text: out.join('\n'), indent};
}
