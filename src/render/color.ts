// Colour for severities and diff markers, only when the printer says the output is a terminal
// that wants it (a TTY, no NO_COLOR, TERM not dumb). Plain ANSI SGR codes, no dependency.
// Tables mark the cells to colour with private-use characters (which escapeControl escapes in
// any text from outside), so the printer can escape everything and still colour what it chose.
const CODES = {red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36} as const;
export type Color = keyof typeof CODES | undefined;
const NAMES = Object.keys(CODES) as Array<keyof typeof CODES>;

/** Marks `text` to be coloured by finishColors. */
export const paint = (text: string, color: Color): string => (color ? `\uE000${NAMES.indexOf(color)}\uE001${text}\uE002` : text);

/** Turns the marks of paint into ANSI colour, or drops them when colour is off. */
export function finishColors(text: string, color: boolean): string {
  return text.replace(/\uE000(\d)\uE001([^\uE002]*)\uE002/g, (_, i: string, t: string) => (color ? `\u001B[${CODES[NAMES[Number(i)]!]}m${t}\u001B[0m` : t));
}

export function severityColor(severity: string): Color {
  switch (severity.trim().toLowerCase()) {
    case 'critical': return 'magenta';
    case 'high': return 'red';
    case 'medium': return 'yellow';
    case 'low': return 'cyan';
    default: return undefined;
  }
}

/** Diff text: `+` added green, `-` removed red, `~` changed yellow, line by line. */
export function markDiffLines(text: string): string {
  const colors: Record<string, Color> = {'+': 'green', '-': 'red', '~': 'yellow'};
  return text.split('\n').map((l) => {
    const m = /^(\s+)([+\-~]) /.exec(l);
    return m ? m[1] + paint(l.slice(m[1]!.length), colors[m[2]!]) : l;
  }).join('\n');
}
