// Names that come from the cluster or from files (subject names, object names, messages) are
// printed with their control characters escaped, as kubectl does since 1.30 for `describe`:
// a User named "\e[2K…" or "a\nb" must not erase, hide or forge a row in a table or a report.
// C0 and C1 controls, DEL, the Unicode line separators and the bidirectional overrides (which
// reorder what a terminal shows) become visible escapes; everything else prints as it is.
// U+E000-E002 are escaped too: the printer uses them to mark its own colours (src/render/color.ts).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069\uE000-\uE002]/g;
const NAMED: Record<string, string> = {'\n': '\\n', '\r': '\\r', '\t': '\\t'};

export function escapeControl(text: string, o: {keepColorMarks?: boolean} = {}): string {
  return text.replace(UNSAFE, (c) => (o.keepColorMarks && c >= '\uE000' ? c : undefined) ?? NAMED[c] ?? (c.charCodeAt(0) <= 0xff ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}` : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/** True when `text` holds a character escapeControl would change. */
export const hasControl = (text: string): boolean => new RegExp(UNSAFE.source).test(text);
