// private-key: a PEM private key block in any text file, as armour or wrapped in base64 (the
// `LS0tLS1CRUdJTi…` form Secrets and Helm values carry). Everything between the armour lines
// must be key material: a body that elides it (`...`, `. . .`, `<snip>`) or stands in for it
// (`<your-key>`, `{{ .Values.key }}`, `xxxx`) is documentation, not a key.
import type {RawFinding} from './rule.js';

const BEGIN_RE = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----/g;
/** "-----BEGIN" in base64, as it starts a base64-encoded PEM file. */
const B64_BEGIN = 'LS0tLS1CRUdJTi';
/** The smallest real key body: an Ed25519 PKCS#8 key is 64 base64 characters. */
const MIN_BODY = 60;
/** Without an END line in sight (a truncated key), one line's worth, as before. */
const MIN_BODY_UNTERMINATED = 32;
const WINDOW = 16 * 1024;
/** Line splits as they appear in files, in JSON/Go string escapes too. */
const LINE_SPLIT_RE = /\\r\\n|\\n|\r?\n/;
/** What quoting, indentation, comments and string concatenation put around a body line. */
const LEAD = new Set(' \t\r"\'`+#/>|*,;(');
const TRAIL = new Set(' \t\r"\'`+,;)\\');
const HEADER_RE = /^[A-Za-z][A-Za-z0-9-]*:\s/;
const BASE64_LINE_RE = /^[A-Za-z0-9+/=]+$/;
/** Placeholder bodies that happen to be base64 characters: xxxxxxxx, or one character 16 times. */
const FILLER_RE = /[Xx]{8}/;
const MAX_RUN = 16;

function hasLongRun(s: string): boolean {
  let run = 1;
  for (let i = 1; i < s.length; i++) {
    run = s.charCodeAt(i) === s.charCodeAt(i - 1) ? run + 1 : 1;
    if (run >= MAX_RUN) return true;
  }
  return false;
}

export function privateKey(text: string): RawFinding[] {
  const out: RawFinding[] = [];
  if (text.includes('PRIVATE KEY')) {
    for (const k of armouredKeys(text)) out.push(finding(text, k.offset, `a PEM private key (${k.label}) is in this file`));
  }
  if (text.includes(B64_BEGIN)) {
    for (let i = text.indexOf(B64_BEGIN); i !== -1; ) {
      const run = decodeBase64Run(text, i);
      const key = armouredKeys(run.decoded)[0];
      if (key) out.push(finding(text, i, `a base64-encoded PEM private key (${key.label}) is in this file`));
      // Resume after the run: every later "LS0t…" inside it is part of the same value.
      i = text.indexOf(B64_BEGIN, run.end);
    }
  }
  return out;
}

/** True when `text` holds a private key in either form (for severities). */
export function hasPrivateKey(text: string): boolean {
  if (text.includes('PRIVATE KEY') && armouredKeys(text).length > 0) return true;
  const i = text.indexOf(B64_BEGIN);
  return i !== -1 && armouredKeys(decodeBase64Run(text, i).decoded).length > 0;
}

function armouredKeys(text: string): {offset: number; label: string}[] {
  const out: {offset: number; label: string}[] = [];
  const re = new RegExp(BEGIN_RE);
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const from = m.index + m[0].length;
    // The body ends at the next armour line; any BEGIN in between would not be key material,
    // so looking no further keeps a file of many BEGIN lines linear.
    const stop = text.indexOf('-----', from);
    const terminated = stop !== -1 && stop - from <= WINDOW && text.startsWith('-----END', stop);
    const body = terminated ? text.slice(from, stop) : text.slice(from, Math.min(stop === -1 ? text.length : stop, from + 400));
    if (!isKeyMaterial(body, terminated)) continue;
    out.push({offset: m.index, label: (m[1] + 'PRIVATE KEY' + (m[2] ?? '')).trim()});
  }
  return out;
}

function isKeyMaterial(body: string, terminated: boolean): boolean {
  const lines = body.split(LINE_SPLIT_RE);
  // Unterminated: the last line may be cut off by the window.
  if (!terminated) lines.pop();
  let chars = 0;
  let material = '';
  for (const raw of lines) {
    const line = trim(raw);
    if (line === '' || HEADER_RE.test(line)) continue;
    if (!BASE64_LINE_RE.test(line)) return false;
    chars += line.length;
    material += line;
  }
  return chars >= (terminated ? MIN_BODY : MIN_BODY_UNTERMINATED) && !FILLER_RE.test(material) && !hasLongRun(material);
}

function trim(line: string): string {
  let a = 0;
  let b = line.length;
  while (a < b && LEAD.has(line[a])) a++;
  while (b > a && TRAIL.has(line[b - 1])) b--;
  return line.slice(a, b);
}

/** The base64 run starting at `start`, across the line breaks of a folded value, decoded. */
function decodeBase64Run(text: string, start: number): {decoded: string; end: number} {
  const run = /[A-Za-z0-9+/]+(?:(?:\\n|\r?\n)[ \t"'>|]*[A-Za-z0-9+/]+)*=*/y;
  run.lastIndex = start;
  const m = run.exec(text.slice(0, start + 4 * WINDOW));
  if (!m) return {decoded: '', end: start + B64_BEGIN.length};
  return {decoded: Buffer.from(m[0].replace(/\\n|[\s"'>|]/g, ''), 'base64').toString('latin1'), end: start + m[0].length};
}

function finding(text: string, offset: number, message: string): RawFinding {
  const {line, column} = position(text, offset);
  return {rule: 'private-key', line, column, message, severity: 'high'};
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
