// The one YAML writer: every file and every `-o yaml` we print goes through `toYaml`. We write
// with the `yaml` library (YAML 1.2), but kubectl reads with go-yaml v2 (YAML 1.1) and so do
// Python's PyYAML and many GitOps tools. Under 1.1 a plain `yes`, `on`, `y`, `~`, `0777`,
// `1_000`, `1:20`, `.inf`, `=`, `<<` or `2001-12-14` is not a string, so a label `backup: "yes"`
// written plain becomes a boolean and the file no longer applies. Every string that a YAML 1.1
// (or go-yaml v2) reader could take for another type is therefore double-quoted, and the
// characters 1.1 treats as line breaks or forbids are escaped.
import {Document, isPair, isScalar, Scalar, visit} from 'yaml';

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
  if (node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE) return;
  if (needsYaml11Quotes(node.value)) node.type = Scalar.QUOTE_DOUBLE;
}

/**
 * The `yaml` library writes these characters raw, even inside double quotes. Every string that
 * holds one was double-quoted above, so each occurrence in the text is inside a double-quoted
 * scalar, where a \u escape means the same character (or in a comment, where it is harmless).
 */
function escapeUnsafeChars(text: string): string {
  return text.replace(YAML11_UNSAFE_CHARS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
