// private-key: a PEM private key block in any text file. The block must have a body that looks
// like key material, so documentation that elides it (`-----BEGIN … PRIVATE KEY----- ...`) or a
// template that fills it in is not reported.
import type {RawFinding} from './rule.js';

const BEGIN_RE = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----/g;
/** At least one base64 line's worth of key material before the END line. */
const BODY_RE = /^(?:\s|\\[rn]|[A-Za-z-]+: [^\n\\]*(?:\\n|\n))*[A-Za-z0-9+/=]{32}/;

export function privateKey(text: string): RawFinding[] {
  const out: RawFinding[] = [];
  if (!text.includes('PRIVATE KEY')) return out;
  BEGIN_RE.lastIndex = 0;
  for (let m = BEGIN_RE.exec(text); m; m = BEGIN_RE.exec(text)) {
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 400);
    if (!BODY_RE.test(stripIndentation(after))) continue;
    const {line, column} = position(text, m.index);
    out.push({rule: 'private-key', line, column, message: `a PEM private key (${(m[1] + 'PRIVATE KEY' + (m[2] ?? '')).trim()}) is in this file`});
  }
  return out;
}

/** YAML block scalars and quoted strings indent or prefix the body; only the characters matter. */
function stripIndentation(s: string): string {
  return s.replace(/\n[ \t>|"']*/g, '\n');
}

function position(text: string, offset: number): {line: number; column: number} {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return {line, column: offset - lineStart + 1};
}
