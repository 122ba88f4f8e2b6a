// kubectl-style tables: upper-case headers, columns separated by three spaces, no borders.
// Every cell is escaped (names come from the cluster or from files: a newline or a terminal
// escape in a subject name must not hide or forge a row). On a terminal the printer sets a
// width: the widest columns are cut with … until the table fits, as `kubectl get` leaves to
// `-o wide`; piped output is never cut.
import {escapeControl} from './escape.js';
import {paint, severityColor} from './color.js';

export interface TableStyle {
  /** Terminal width to fit into; undefined never cuts (pipes, -o wide). */
  width?: number;
  color: boolean;
}

const PLAIN: TableStyle = {color: false};
let current: TableStyle = PLAIN;

/**
 * Renders with `style` for every table drawn inside `fn`. Reports (who-can, audit) draw several
 * tables among their own text; the printer sets the terminal's style once around them.
 */
export function withTableStyle<T>(style: TableStyle, fn: () => T): T {
  const saved = current;
  current = style;
  try {
    return fn();
  } finally {
    current = saved;
  }
}

const SEP = '   ';
const MIN_COLUMN = 6;
const len = (s: string): number => [...s].length;
const cut = (s: string, w: number): string => (len(s) <= w ? s : [...s].slice(0, Math.max(1, w - 1)).join('') + '…');

/** Column widths that fit `width`: the widest column gives way first, never below its header. */
function fit(natural: number[], headers: string[], width: number | undefined): number[] {
  const widths = [...natural];
  if (width === undefined) return widths;
  const total = () => widths.reduce((a, b) => a + b, 0) + SEP.length * (widths.length - 1);
  while (total() > width) {
    let widest = -1;
    for (let i = 0; i < widths.length; i++) {
      const floor = Math.max(MIN_COLUMN, len(headers[i] ?? ''));
      if (widths[i]! > floor && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
    }
    if (widest < 0) break;
    widths[widest]! -= 1;
  }
  return widths;
}

export function renderTable(headers: string[], rows: string[][], style: TableStyle = current): string {
  const cells = rows.map((r) => headers.map((_, i) => escapeControl(r[i] ?? '')));
  const natural = headers.map((h, i) => Math.max(len(h), ...cells.map((r) => len(r[i]!))));
  const widths = fit(natural, headers, style.width);
  const severity = headers.indexOf('SEVERITY');
  const line = (row: string[], header = false) => row.map((c, i) => {
    const text = cut(c, widths[i]!);
    const pad = i === row.length - 1 ? '' : ' '.repeat(widths[i]! - len(text));
    return (style.color && !header && i === severity ? paint(text, severityColor(c)) : text) + pad;
  }).join(SEP).trimEnd();
  return [line(headers, true), ...cells.map((r) => line(r))].join('\n') + '\n';
}
