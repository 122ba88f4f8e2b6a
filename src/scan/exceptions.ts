// What is not plaintext even though it sits where a value goes: templates, SOPS, placeholders
// in the shapes people write them, and empty values. Unmarked dummy values such as `admin` or
// `minio123` are flagged, because real leaks look exactly the same.
import {decodeBase64Strict} from '../manifests/secret.js';

export type Exemption = 'empty' | 'template' | 'sops' | 'placeholder';

/**
 * Helm/Go `{{`, Jinja `{%`/`{#`, and `${VAR}` as envsubst and Flux post-build substitution write
 * it. An opening `{{` is enough: a template may span lines or hold quotes that end a YAML scalar
 * early (`"{{ b64enc (include "x.password" .) }}"`), so its closing braces may not be in the value.
 */
// `${VAR}` and `${VAR:-default}` are found by their head, then a `}` after it: envsubst and
// Flux leave an unclosed `${A:-x` as it is, so such a value is plaintext (fail closed). One
// search for the head and one for a brace keep an unclosed `${A:-x` repeated linear.
const BRACE_TEMPLATE_RE = /\{\{|\{%|\{#/;
const VAR_HEAD_RE = /\$\{[A-Za-z_][A-Za-z0-9_]*(?:\}|:?[-=?+])/;
/** SOPS writes every encrypted leaf as ENC[CIPHER,data:…,iv:…,tag:…,type:…]. */
const SOPS_RE = /^ENC\[[A-Z0-9_]+,data:[^\]]*\]$/;
/** Placeholders judged on the whole value. */
const PLACEHOLDER_RES = [
  /^<[^<>]*>$/, // <base64 of the client id>
  /^\*\*.*\*\*$/s, // **access token goes here**
  /^change[-_ ]?me(?![a-z])/i, // CHANGEME, change-me-to-something, changeme-placeholder, changeme123
  /^YOUR_[A-Za-z0-9_-]*$/, // YOUR_API_KEY
  /^your[-_ ].*[-_ ]here$/i, // your-password-here
  /^(?:insert|enter|put|paste|add)[-_ ].*[-_ ]here$/i, // insert-password-here
  /^(?:set|fill)[-_ ]?me$/i, // set-me, FILL_ME
  /^(?:\.{3,}|…|\. \. \.)$/, // ...
  // Tokens a pipeline replaces before the manifest is applied, the whole value and nothing
  // else: Azure Pipelines' replacetokens (#{X}#, __X__) and macros ($(X)), Octopus and cmd
  // (%X%), Maven and autotools (@X@, @@X@@), envsubst ($X). The upper-case shapes stay upper
  // case only: `$uperman1` or `__init__pw9` is a password.
  /^#\{[A-Za-z_][A-Za-z0-9_.-]*\}#$/,
  /^__[A-Z][A-Z0-9_]*[A-Z0-9]__$/,
  /^\$\([A-Za-z_][A-Za-z0-9_.]*\)$/,
  /^%[A-Za-z_][A-Za-z0-9_]*%$/,
  /^(@@?)[A-Z_][A-Z0-9_.]*\1$/,
  /^\$[A-Z_][A-Z0-9_]*$/,
];
/**
 * Placeholders anywhere in a one-line value: `<myemail>@gmail.com`, `https://<user>:<token>@…`,
 * `p-XXXX`, `sk_live_xxxxxxxx`, `********`, the words PLACEHOLDER, REPLACE_ME, REDACTED, TODO,
 * FIXME (`BASE64-TOKEN-VALUE-PLACEHOLDER`), and values cut short with `...`. Only one-line values: a multi-line value is a
 * configuration file, and one placeholder in it says nothing about the rest.
 */
const WORD_PLACEHOLDER_RE = /(?<![A-Za-z])(?:placeholder|replace[-_ ]?me|redacted|todo|fixme)(?![A-Za-z])/i;
const INLINE_PLACEHOLDER_RE = /(?:\.\.\.|…)$|<[A-Za-z_][^<>\n]*>|X{4,}|x{8,}|(?<![A-Za-z0-9])x{4,}(?![A-Za-z0-9])|\*{4,}|\*\*[^*\s]+\*\*/;

export function containsTemplate(text: string): boolean {
  if (BRACE_TEMPLATE_RE.test(text)) return true;
  const head = VAR_HEAD_RE.exec(text);
  return head !== null && text.indexOf('}', head.index + 2) !== -1;
}

/**
 * The defaults `${VAR:-x}`, `${VAR-x}`, `${VAR:=x}` and `${VAR=x}` are what envsubst, Flux and
 * the shells deploy when VAR is unset, so a default that is itself a value is plaintext in git.
 * One left-to-right pass over heads and closing braces; a default holding another head is a
 * template and is not re-read, so the defaults read are disjoint and nesting stays linear too.
 */
const SUBSTITUTION_RE = /\$\{[A-Za-z_][A-Za-z0-9_]*(\}|:?[-=?+])|\}/g;
function hasLiteralDefault(text: string): boolean {
  const open: {start: number; substitutes: boolean; nested: boolean}[] = [];
  SUBSTITUTION_RE.lastIndex = 0;
  for (let m = SUBSTITUTION_RE.exec(text); m !== null; m = SUBSTITUTION_RE.exec(text)) {
    if (m[0] === '}') {
      const frame = open.pop();
      if (!frame?.substitutes || frame.nested) continue;
      const value = text.slice(frame.start, m.index).trim();
      if (value !== '' && !containsTemplate(value) && !isPlaceholder(value)) return true;
      continue;
    }
    const top = open.at(-1);
    if (top) top.nested = true;
    if (m[1] !== '}') open.push({start: m.index + m[0].length, substitutes: m[1].endsWith('-') || m[1].endsWith('='), nested: false});
  }
  return false;
}

/**
 * Helm's `default` (sprig) with a string literal, `| default "x"` or `default "x" .Values.y`:
 * the literal is deployed whenever the value is not set. A Go string is "…" with escapes or `…`.
 */
const GO_DEFAULT_RE = /\bdefault\s+(?:"((?:[^"\\\n]|\\.)*)"|`([^`]*)`)/g;
function hasLiteralGoDefault(text: string): boolean {
  if (!BRACE_TEMPLATE_RE.test(text) || !text.includes('default')) return false;
  GO_DEFAULT_RE.lastIndex = 0;
  for (let m = GO_DEFAULT_RE.exec(text); m !== null; m = GO_DEFAULT_RE.exec(text)) {
    const value = (m[1] ?? m[2]).replace(/\\(.)/g, '$1').trim();
    if (value !== '' && !containsTemplate(value) && !isPlaceholder(value)) return true;
  }
  return false;
}

const isTemplate = (text: string) => containsTemplate(text) && !hasLiteralDefault(text) && !hasLiteralGoDefault(text);

export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  return PLACEHOLDER_RES.some((re) => re.test(v)) || (!v.includes('\n') && (INLINE_PLACEHOLDER_RE.test(v) || WORD_PLACEHOLDER_RE.test(v)));
}

/**
 * Why a value is not plaintext, or undefined when it is. A placeholder may also be
 * base64-encoded (`Q0hBTkdFTUU=` is CHANGEME): in `data` (`base64` set) as the API requires, and
 * in stringData too, where a masked dump (`flux diff` writes base64 of **SOPS**) leaves it.
 */
export function exemption(value: string | null | undefined, o: {sops?: boolean; base64?: boolean} = {}): Exemption | undefined {
  if (value === null || value === undefined) return 'empty';
  const v = value.trim();
  // `{}` and `[]`: an empty YAML/JSON document holds nothing.
  if (v === '' || v === '{}' || v === '[]') return 'empty';
  if (isTemplate(v)) return 'template';
  if (o.sops && SOPS_RE.test(v)) return 'sops';
  if (isPlaceholder(v)) return 'placeholder';
  const decoded = decodeBase64Strict(v)?.toString('utf8');
  if (decoded !== undefined) {
    if (o.base64 && decoded.trim() === '') return 'empty';
    if (isTemplate(decoded)) return 'template';
    if (isPlaceholder(decoded)) return 'placeholder';
  }
  return undefined;
}
