// One printer, as kubectl's PrintFlags.ToPrinter() gives every command the same -o choices:
// a command describes what it prints once (a View) and the base command's print step turns it
// into table, wide, json, yaml, name or sarif. Commands never switch on -o themselves.
import {renderData} from './output.js';
import {escapeControl} from './escape.js';
import {finishColors, markDiffLines} from './color.js';
import {withTableStyle} from './table.js';

export type OutputFormat = 'table' | 'wide' | 'json' | 'yaml' | 'name' | 'sarif';

export interface View {
  /** What -o json|yaml print: a report with its documented schema, or a kind: List of objects. */
  data(): unknown;
  /** The human form: tables drawn with renderTable pick up the terminal's width and colour. */
  table(): string;
  /** `-o name`: one `kind/name` per line, for commands where a name list makes sense. */
  names?(): string[];
  sarif?(): unknown;
  /** Colour the +/-/~ markers of diff text on a terminal. */
  diffMarkers?: boolean;
}

export interface Terminal {
  /** Columns of the terminal stdout is; undefined when piped (never cut). */
  width?: number;
  color: boolean;
}

export function render(format: OutputFormat, view: View, term: Terminal): string {
  switch (format) {
    case 'json':
    case 'yaml':
      return renderData(view.data(), format);
    case 'name':
      return (view.names?.() ?? []).map((n) => `${escapeControl(n)}\n`).join('');
    case 'sarif':
      return JSON.stringify(view.sarif?.(), null, 2) + '\n';
    default: {
      const wide = format === 'wide';
      const text = withTableStyle({width: wide ? undefined : term.width, color: term.color}, () => view.table());
      // Text around the tables (headings, notes, diff lines) may hold names from the cluster:
      // control characters other than line breaks are shown escaped, never sent to the terminal.
      const safe = text.split('\n').map((l) => escapeControl(l, {keepColorMarks: true})).join('\n');
      return finishColors(view.diffMarkers && term.color ? markDiffLines(safe) : safe, term.color);
    }
  }
}

/** A kubectl-shaped list of objects. */
export const list = (items: unknown[]): {apiVersion: 'v1'; kind: 'List'; metadata: Record<string, never>; items: unknown[]} => ({apiVersion: 'v1', kind: 'List', metadata: {}, items});
