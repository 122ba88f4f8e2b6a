// How much a plaintext value matters, from its key's name and its value. A plaintext Secret is
// a finding whatever its keys are called (the policy is "no plaintext Secrets in git"), but a
// hook can block on what is a credential and still report a committed CA certificate or URL.
// Unknown names are high: only names that say "public data" are low.
import {decodeBase64Strict} from '../manifests/secret.js';
import {hasPrivateKey} from './private-key.js';
import type {Severity} from './types.js';

/** The last word of a key name that says its value is public: ca.crt, tls.crt, url, host, port… */
const PUBLIC_WORDS = new Set([
  'crt', 'cert', 'certs', 'certificate', 'cer', 'ca', 'bundle', 'pub', 'hosts', 'url', 'uri', 'host', 'hostname', 'port', 'endpoint',
  'server', 'address', 'addr', 'namespace', 'region', 'zone', 'domain', 'type', 'id', 'email', 'project', 'bucket', 'database', 'db',
]);
/** Words that make any name a credential, whatever it ends with (host-password, url-token). */
const CREDENTIAL_RE = /pass|pwd|secret|token|key|auth|cred|priv|cookie|session|salt|sign|bearer|jwt|otp|pin$|dsn|conn/i;
/** user:password@ right after a scheme's `://` (matched from each `://`, so long values stay linear). */
const USERINFO_RE = /[^/\s:@]+:[^/\s@]+@/y;

function hasUrlPassword(v: string): boolean {
  for (let i = v.indexOf('://'); i !== -1; i = v.indexOf('://', i + 3)) {
    USERINFO_RE.lastIndex = i + 3;
    if (USERINFO_RE.test(v)) return true;
  }
  return false;
}

export function words(name: string): string[] {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(/[^A-Za-z0-9]+/).filter((w) => w !== '').map((w) => w.toLowerCase());
}

export function isPublicName(name: string): boolean {
  const w = words(name);
  return w.length > 0 && PUBLIC_WORDS.has(w[w.length - 1]) && !w.some((x) => CREDENTIAL_RE.test(x));
}

/** `base64`: the value is a `data` value; its decoded form is judged too. */
export function severityOf(key: string, value: string | null, o: {base64?: boolean} = {}): Severity {
  if (!isPublicName(key)) return 'high';
  if (value === null || value === '') return 'low';
  const decoded = o.base64 ? decodeBase64Strict(value.trim())?.toString('latin1') : undefined;
  for (const v of decoded === undefined ? [value] : [value, decoded]) {
    if (hasUrlPassword(v) || hasPrivateKey(v)) return 'high';
  }
  return 'low';
}

export function highest(s: Severity[]): Severity {
  return s.includes('high') ? 'high' : 'low';
}

export function atOrAbove(s: Severity, threshold: Severity): boolean {
  return threshold === 'low' || s === 'high';
}
