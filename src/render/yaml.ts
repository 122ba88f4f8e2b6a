// The one YAML writer: every file and every `-o yaml` we print goes through `toYaml`. We write
// with the `yaml` library (YAML 1.2), but kubectl reads with go-yaml v2 (YAML 1.1) and so do
// Python's PyYAML and many GitOps tools. Under 1.1 a plain `yes`, `on`, `y`, `~`, `0777`,
// `1_000`, `1:20`, `.inf`, `=`, `<<` or `2001-12-14` is not a string, so a label `backup: "yes"`
// written plain becomes a boolean and the file no longer applies. Every string that a YAML 1.1
// (or go-yaml v2) reader could take for another type is therefore double-quoted, and the
// characters 1.1 treats as line breaks or forbids are escaped.
// Most of what we print (a SealedSecret: mappings of plain words, base64 and booleans) is
// written by writeSimple below, byte for byte what the library writes, without loading it.
import type {Document, Scalar} from 'yaml';
import {yaml} from '../manifests/yaml-libs.js';

/**
 * Plain scalars that some YAML 1.1 reader resolves to a non-string. From PyYAML's resolver.py
 * (bool, null, int, float, merge, value, timestamp) and go-yaml v2's resolve.go, which adds
 * y/Y/n/N and hands anything starting with a digit, sign or dot to strconv (so `+Inf`, `1e3`).
 * Every number-looking string is caught by its first characters: quoting too much is harmless.
 */
const YAML11_NON_STRING = [
  /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:~|null|Null|NULL)$/,
  /^(?:<<|=)$/,
  /^[-+]?\.?[0-9]/,
  /^[-+]?\.?(?:inf|infinity|nan)$/i,
];

/** Characters YAML 1.1 reads as line breaks (NEL, LS, PS) or does not allow raw (DEL, C1 controls, BOM). */
const YAML11_UNSAFE_CHARS = /[\u007f-\u009f\u2028\u2029\ufeff]/g;

export function needsYaml11Quotes(s: string): boolean {
  YAML11_UNSAFE_CHARS.lastIndex = 0;
  return YAML11_NON_STRING.some((re) => re.test(s)) || YAML11_UNSAFE_CHARS.test(s);
}

/** YAML text of one value (or one document per object with `toYamlDocuments`), safe for YAML 1.1 readers. */
export function toYaml(value: unknown): string {
  return writeSimpleYaml(value) ?? toYamlWithLibrary(value);
}

/** toYaml through the `yaml` library alone (the differential tests' reference). */
export function toYamlWithLibrary(value: unknown): string {
  const {Document, visit} = yaml();
  // No anchors or aliases (&a1/*a1) for objects shared in the data: kubectl never prints them.
  const doc = new Document(value, {aliasDuplicateObjects: false});
  visit(doc, {
    Scalar(_key, node) {
      quoteIfNeeded(node);
    },
  });
  return escapeUnsafeChars(doc.toString({lineWidth: 0}));
}

export function toYamlDocuments(values: unknown[]): string {
  return values.map(toYaml).join('---\n');
}

/**
 * An edited document (--merge-into), serialized. Only the `touched` pairs get the quoting of
 * strings that look like other types, so every other node keeps its bytes; a string holding a
 * character that YAML 1.1 reads as a line break or forbids is double-quoted and escaped wherever
 * it is, since no 1.1 reader could read it as it stood. Such a character in a comment is
 * escaped too, which keeps it a comment for a 1.1 reader.
 */
export function editedDocumentToString(doc: Document, touched: Iterable<unknown>): string {
  const {isPair, isScalar, Scalar, visit} = yaml();
  for (const n of touched) {
    if (isPair(n)) for (const s of [n.key, n.value]) if (isScalar(s)) quoteIfNeeded(s);
  }
  visit(doc, {
    Scalar(_key, node) {
      YAML11_UNSAFE_CHARS.lastIndex = 0;
      if (typeof node.value === 'string' && YAML11_UNSAFE_CHARS.test(node.value)) node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  return escapeUnsafeChars(doc.toString({lineWidth: 0}));
}

function quoteIfNeeded(node: Scalar): void {
  if (typeof node.value !== 'string') return;
  if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') return;
  if (needsYaml11Quotes(node.value)) node.type = 'QUOTE_DOUBLE';
}

/**
 * The text toYamlWithLibrary writes for a document of nested mappings (plain objects) whose
 * leaves are booleans and one-line strings of printable ASCII, or undefined for anything else
 * (arrays, numbers, null, other characters, a key over 1,000 characters), which the library
 * then writes. Each string is written as the library decides for it with lineWidth 0 (no
 * folding): double-quoted when needsYaml11Quotes says so or when a plain scalar would not read
 * back (see plainOk), and then as JSON writes it (the library's double-quoted form of printable
 * ASCII); a string holding `"` that cannot be plain is left to the library (it single-quotes).
 * test/unit/fuzz/yaml-writer.test.ts compares the two on random Secrets and SealedSecrets.
 */
export function writeSimpleYaml(value: unknown): string | undefined {
  if (!isPlainObject(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.every((k) => value[k] === undefined)) return '{}\n';
  const out: string[] = [];
  return writeMap(value, keys, '', out) ? out.join('') : undefined;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const p = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

function writeMap(o: Record<string, unknown>, keys: string[], indent: string, out: string[]): boolean {
  for (const k of keys) {
    const v = o[k];
    // The library leaves out a pair whose value is undefined.
    if (v === undefined) continue;
    if (k.length > 1000) return false;
    const key = scalarText(k);
    if (key === undefined) return false;
    if (typeof v === 'string') {
      const s = scalarText(v);
      if (s === undefined) return false;
      out.push(indent, key, ': ', s, '\n');
    } else if (typeof v === 'boolean') {
      out.push(indent, key, v ? ': true\n' : ': false\n');
    } else if (isPlainObject(v)) {
      const inner = Object.keys(v);
      if (inner.every((ik) => v[ik] === undefined)) {
        out.push(indent, key, ': {}\n');
      } else {
        out.push(indent, key, ':\n');
        if (!writeMap(v, inner, indent + '  ', out)) return false;
      }
    } else {
      return false;
    }
  }
  return true;
}

/** A key's or value's text as the library writes it, or undefined (see writeSimple). */
function scalarText(s: string): string | undefined {
  // Printable ASCII only: no line break, tab, control, non-ASCII or unpaired surrogate.
  // A document marker at the start is written by rules of its own (by where the string stands).
  if (!/^[\x20-\x7e]*$/.test(s) || /^(?:---|\.\.\.)/.test(s)) return undefined;
  if (!needsYaml11Quotes(s) && plainOk(s)) return s;
  return s.includes('"') ? undefined : JSON.stringify(s);
}

/**
 * Would the library write this one-line printable string plain (stringifyString.js, plainString)?
 * Not when empty (the core schema reads it as null), when it starts with an indicator or is `-`
 * or `?` alone or followed by a space, holds `: ` or ` #`, or ends with a space or `:`. Strings
 * the core schema reads as another type are already quoted by needsYaml11Quotes, whose patterns
 * cover all of them.
 */
function plainOk(s: string): boolean {
  return s !== '' && !/^[\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[:][ \t]|[\t ]#|[\t :]$/.test(s);
}

/**
 * The `yaml` library writes these characters raw, even inside double quotes. Every string that
 * holds one was double-quoted above, so each occurrence in the text is inside a double-quoted
 * scalar, where a \u escape means the same character (or in a comment, where it is harmless).
 */
function escapeUnsafeChars(text: string): string {
  return text.replace(YAML11_UNSAFE_CHARS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
