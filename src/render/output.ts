import {stringify} from 'yaml';

/** Serializes data for -o json|yaml, the way kubectl prints objects. */
export function renderData(data: unknown, format: 'json' | 'yaml'): string {
  if (format === 'json') return JSON.stringify(data, null, 2) + '\n';
  // No anchors or aliases (&a1/*a1) for objects shared in the data: kubectl never prints them.
  return stringify(data, {lineWidth: 0, aliasDuplicateObjects: false});
}

/** Colour only on a TTY and never with NO_COLOR (https://no-color.org). */
export function useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  return Boolean(stream.isTTY) && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb';
}
