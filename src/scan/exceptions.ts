// What is not plaintext even though it sits where a value goes. The list is deliberately short
// and explicit (templates, SOPS, marked placeholders, empty): unmarked dummy values such as
// `admin` or `minio123` are flagged, because real leaks look exactly the same.
import {decodeBase64Strict} from '../manifests/secret.js';

export type Exemption = 'empty' | 'template' | 'sops' | 'placeholder';

/** The start of `${VAR}` or `${VAR:-default}` (and `=`, `?`, `+`), as envsubst and Flux write it. */
const ENVSUBST_RE = /\$\{[A-Za-z_][A-Za-z0-9_]*(\}|:?[-=?+])/g;
/** SOPS writes every encrypted leaf as ENC[CIPHER,data:…,iv:…,tag:…,type:…]. */
const SOPS_RE = /^ENC\[[A-Z0-9_]+,data:[^\]]*\]$/;
const PLACEHOLDER_RES = [
  /^<[^<>]*>$/, // <base64 of the client id>
  /^\*\*.*\*\*$/s, // **access token goes here**
  /^change[-_ ]?me$/i, // CHANGEME
  /^YOUR_[A-Za-z0-9_-]*$/, // YOUR_API_KEY
];

/**
 * Helm/Go `{{ … }}`, and `${VAR}` as envsubst and Flux post-build substitution write it.
 * Written as searches rather than one regular expression with `[\s\S]*?`/`[^}]*` after each
 * opening, which rescans the rest of the text from every `{{` or `${A:-` and so takes time
 * quadratic in the text (minutes for a few hundred KB of `${A:-x` repeated).
 */
export function containsTemplate(text: string): boolean {
  const open = text.indexOf('{{');
  if (open >= 0 && text.indexOf('}}', open + 2) >= 0) return true;
  ENVSUBST_RE.lastIndex = 0;
  const m = ENVSUBST_RE.exec(text);
  if (!m) return false;
  if (m[1] === '}') return true;
  // `${A:-…}` ends at the first `}` after it; with none after the first opening, no later one
  // can close either, except a `${B}` — which itself holds a `}` after the first opening.
  return text.indexOf('}', m.index + m[0].length) >= 0;
}

export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  return PLACEHOLDER_RES.some((re) => re.test(v));
}

/**
 * Why a value is not plaintext, or undefined when it is. `base64` is set for `data` values:
 * a placeholder may also be base64-encoded (`Q0hBTkdFTUU=` is CHANGEME).
 */
export function exemption(value: string | null | undefined, o: {sops?: boolean; base64?: boolean} = {}): Exemption | undefined {
  if (value === null || value === undefined) return 'empty';
  const v = value.trim();
  if (v === '') return 'empty';
  if (containsTemplate(v)) return 'template';
  if (o.sops && SOPS_RE.test(v)) return 'sops';
  if (isPlaceholder(v)) return 'placeholder';
  if (o.base64) {
    const decoded = decodeBase64Strict(v)?.toString('utf8');
    if (decoded !== undefined) {
      if (decoded.trim() === '') return 'empty';
      if (containsTemplate(decoded)) return 'template';
      if (isPlaceholder(decoded)) return 'placeholder';
    }
  }
  return undefined;
}
