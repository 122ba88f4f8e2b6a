import {isTerminal} from '../io/stdio.js';
import {toYaml} from './yaml.js';

/** Serializes data for -o json|yaml, the way kubectl prints objects. */
export function renderData(data: unknown, format: 'json' | 'yaml'): string {
  if (format === 'json') return JSON.stringify(data, null, 2) + '\n';
  return toYaml(data);
}

/** Colour only when stdout is a terminal, and never with NO_COLOR (https://no-color.org). */
export function useColor(): boolean {
  return !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb' && isTerminal(1);
}
