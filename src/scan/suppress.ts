// Suppressions: a `# kubectl-secret:allow` comment on the flagged line (or on the object's
// `kind:` line, for everything in it), and `.kubectl-secret.yaml` at the repository root:
//
//   scan:
//     allow: ["test/fixtures/**", "docs/*.md"]   # globs, repository-relative
//     rules: {private-key: false}                  # enable/disable rules by id
//
// Suppressed findings are still counted, so nobody mistakes "allowed" for "clean".
import {yaml} from '../manifests/yaml-libs.js';
import {InputError} from '../errors.js';
import type {RawFinding} from './rule.js';
import {RULE_IDS, type RuleId, type ScanWarning} from './types.js';

export const CONFIG_FILE = '.kubectl-secret.yaml';
const ALLOW_RE = /\bkubectl-secret:allow\b/;

/**
 * The lines that carry an allow comment. Only a YAML comment counts: the text is tokenised by
 * the YAML lexer (which reads any input, valid or not), so the marker inside a quoted or plain
 * scalar, or on a line of a block scalar, is part of a value and allows nothing.
 */
export function allowCommentLines(text: string): Set<number> {
  const out = new Set<number>();
  if (!text.includes('kubectl-secret:allow')) return out;
  let line = 1;
  for (const tok of new (yaml().Lexer)().lex(text)) {
    // The lexer's control tokens (document start, scalar marker, flow-error end) are not source text.
    if (tok.length === 1 && (tok === '\x02' || tok === '\x1f' || tok === '\x18')) continue;
    if (tok[0] === '#' && ALLOW_RE.test(tok)) out.add(line);
    for (let i = tok.indexOf('\n'); i !== -1; i = tok.indexOf('\n', i + 1)) line++;
  }
  return out;
}

export function allowedInline(lines: ReadonlySet<number>, f: RawFinding): boolean {
  return lines.has(f.line) || (f.anchorLine !== undefined && lines.has(f.anchorLine));
}

export interface ScanConfig {
  allow: string[];
  rules: Set<RuleId>;
  /** Keys nobody reads (a typo silently disables an allow list): said, with the nearest known key. */
  warnings: ScanWarning[];
}

export const defaultConfig = (): ScanConfig => ({allow: [], rules: new Set(RULE_IDS), warnings: []});

/** Every key .kubectl-secret.yaml may have, by section (seal: read by seal --in-place, scan --fix). */
const KNOWN_KEYS: Record<string, string[]> = {
  '': ['scan', 'seal'],
  scan: ['allow', 'rules'],
  seal: ['cert', 'scheme', 'scope', 'keyNamespace', 'controllerNamespace', 'controllerName'],
};

function distance(a: string, b: string): number {
  const d = Array.from({length: a.length + 1}, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
  return d[a.length][b.length];
}

/** Unknown keys at the top and in scan/seal, each with the closest known key (of any section) when one is close. */
function unknownKeys(doc: any, file: string): ScanWarning[] {
  const out: ScanWarning[] = [];
  const all = Object.entries(KNOWN_KEYS).flatMap(([section, keys]) => keys.map((k) => ({section, k})));
  const check = (obj: unknown, section: string) => {
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return;
    for (const key of Object.keys(obj)) {
      if (KNOWN_KEYS[section].includes(key)) continue;
      const near = all.map((c) => ({...c, d: distance(key, c.k)})).sort((a, b) => a.d - b.d)[0];
      const where = section ? `${section}.${key}` : key;
      const hint = near && near.d <= Math.max(2, Math.floor(key.length / 3)) ? ` (did you mean ${near.section === section ? near.k : `${near.section ? near.section + '.' : ''}${near.k}`}?)` : ` (known keys: ${KNOWN_KEYS[section].join(', ')})`;
      out.push({file, message: `unknown key "${where}" is ignored${hint}`});
    }
  };
  check(doc, '');
  check(doc?.scan, 'scan');
  check(doc?.seal, 'seal');
  return out;
}

/** Parses the `scan:` part of `.kubectl-secret.yaml` (other sections belong to other commands). */
export async function parseScanConfig(text: string, file = CONFIG_FILE): Promise<ScanConfig> {
  const {parseDocument} = await import('yaml');
  const parsed = parseDocument(text, {logLevel: 'silent'});
  if (parsed.errors.length) {
    const {describeYamlError} = await import('../manifests/parse.js');
    throw new InputError(`${file}: not valid YAML (${describeYamlError(parsed.errors[0].message)})`, 'fix the file, or move it away to scan without it');
  }
  const doc: any = parsed.toJS({maxAliasCount: 100});
  const config = defaultConfig();
  config.warnings = unknownKeys(doc, file);
  const scan = doc?.scan;
  if (scan === undefined || scan === null) return config;
  if (typeof scan !== 'object' || Array.isArray(scan)) throw new InputError(`${file}: scan must be a mapping`, 'see docs/scan-and-hook.md for the format');
  if (scan.allow !== undefined && scan.allow !== null) {
    if (!Array.isArray(scan.allow) || !scan.allow.every((g: unknown) => typeof g === 'string')) {
      throw new InputError(`${file}: scan.allow must be a list of globs`, 'e.g. allow: ["test/fixtures/**"]');
    }
    config.allow = scan.allow;
  }
  if (scan.rules !== undefined && scan.rules !== null) {
    if (typeof scan.rules !== 'object' || Array.isArray(scan.rules)) throw new InputError(`${file}: scan.rules must map rule ids to true/false`, 'e.g. rules: {private-key: false}');
    for (const [id, setting] of Object.entries(scan.rules)) {
      if (!(RULE_IDS as readonly string[]).includes(id)) throw new InputError(`${file}: unknown rule "${id}" in scan.rules`, `rules are: ${RULE_IDS.join(', ')}`);
      const on = ruleSetting(setting);
      if (on === undefined) throw new InputError(`${file}: scan.rules.${id} must be true/false (or on/off, enabled/disabled)`);
      if (on) config.rules.add(id as RuleId);
      else config.rules.delete(id as RuleId);
    }
  }
  return config;
}

function ruleSetting(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'object' && v !== null && typeof (v as any).enabled === 'boolean') return (v as any).enabled;
  if (typeof v !== 'string') return undefined;
  if (/^(on|enabled?|true|yes)$/i.test(v)) return true;
  if (/^(off|disabled?|false|no)$/i.test(v)) return false;
  return undefined;
}

/**
 * gitignore-flavoured globs on repository-relative POSIX paths: `*` and `?` stay within a path
 * segment, `**` crosses them, a pattern without `/` matches a base name at any depth, and a
 * pattern that names a folder covers everything under it.
 */
export function globMatcher(patterns: string[]): (path: string) => boolean {
  const res = patterns.map(globToRegExp);
  return (path) => res.some((re) => re.test(path));
}

export function globToRegExp(glob: string): RegExp {
  let g = glob.trim().replace(/^\.\//, '');
  const anchored = g.replace(/\/$/, '').includes('/');
  g = g.replace(/^\//, '').replace(/\/$/, '');
  let re = '';
  for (let i = 0; i < g.length; i++) {
    const c = g[i];
    if (c === '*' && g[i + 1] === '*') {
      const slash = g[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const close = g.indexOf('}', i);
      if (close < 0) re += '\\{';
      else {
        re += `(?:${g.slice(i + 1, close).split(',').map(escape).join('|')})`;
        i = close;
      }
    } else re += escape(c);
  }
  return new RegExp(`^${anchored ? '' : '(?:.*/)?'}${re}(?:/.*)?$`);
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
