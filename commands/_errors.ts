// oclif's own failures (unknown flag, extra argument, bad option value, a violated flag
// relation) rewritten in kubectl's shape: one `error:` line and one hint line, no usage dump.
// A token the user typed is never echoed whole: a misplaced `password=…` or `--from-literl=k=v`
// would print the value, so arguments are named by position and flags by name only.
import type {Command} from '@oclif/core';
import {escapeControl} from '../src/render/escape.js';

export interface Described {
  message: string;
  hint: string;
}

/** kubectl's shape: "error: what went wrong", then one line on what to do. Control characters escaped. */
export function formatError(message: string, hint?: string): string {
  return `error: ${escapeControl(message)}\n${hint ? escapeControl(hint) + '\n' : ''}`;
}

/** Levenshtein distance, for "did you mean": small inputs only (flag and command names). */
function distance(a: string, b: string): number {
  const row = Array.from({length: b.length + 1}, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** The closest candidate, if it is close enough to be what the user meant (as cobra suggests). */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = c.startsWith(word) || word.startsWith(c) ? Math.min(1, distance(word, c)) : distance(word, c);
    if (d < bestD) [best, bestD] = [c, d];
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/** The user-facing command id: topics spelled with spaces, as typed (`keys init`). */
export const spaced = (id: string): string => id.replaceAll(':', ' ');

type AnyCommand = Command.Class | Command.Loadable;

function flagNames(cmd: AnyCommand): string[] {
  const flags = {...(cmd as {baseFlags?: object}).baseFlags, ...cmd.flags} as Record<string, {char?: string; allowNo?: boolean; hidden?: boolean}>;
  const names: string[] = [];
  for (const [name, f] of Object.entries(flags)) {
    if (f.hidden) continue;
    names.push(`--${name}`);
    if (f.allowNo) names.push(`--no-${name}`);
  }
  return names;
}

// oclif colours the reasons of a failed flag relation.
// eslint-disable-next-line no-control-regex -- an ANSI escape starts with ESC
const ANSI = /\u001B\[[0-9;]*m/g;

/** Only the flag's name: `--from-literl=k=v` → `--from-literl`. */
const flagOnly = (token: string): string => escapeControl(token.split('=')[0]!.slice(0, 60));

function argNames(cmd: AnyCommand): string[] {
  return Object.keys(cmd.args ?? {}).map((a) => a.toUpperCase());
}

/**
 * kubectl's wording for an oclif parse error, or undefined when `err` is not one. `id` is the
 * command's id as oclif knows it (`keys:init`).
 */
export function describeParseError(err: Error & {oclif?: {exit?: number}}, id: string, cmd: AnyCommand): Described | undefined {
  const name = err.constructor?.name ?? '';
  const usage = `See 'kubectl secret ${spaced(id)} --help' for usage`;
  const e = err as Error & {flags?: string[]; args?: unknown[]; parse?: {output?: {argv?: unknown[]}}};
  switch (name) {
    case 'NonExistentFlagsError': {
      const typed = (e.flags ?? []).map(flagOnly);
      const first = typed[0] ?? '';
      const guess = first.startsWith('--') ? closest(first, flagNames(cmd)) : undefined;
      return {
        message: `unknown flag${typed.length > 1 ? 's' : ''}: ${typed.join(', ')}`,
        hint: guess ? `did you mean ${guess}? ${capital(usage)}` : capital(usage),
      };
    }
    case 'UnexpectedArgsError': {
      const expected = argNames(cmd);
      const extra = e.args?.length ?? 1;
      const first = expected.length + 1;
      const where = extra === 1 ? `at position ${first}` : `at positions ${first}-${first + extra - 1}`;
      const takes = expected.length === 0 ? 'takes no arguments' : `takes ${expected.length === 1 ? 'one argument' : `${expected.length} arguments`} (${expected.join(' ')})`;
      return {
        message: `unexpected argument ${where} (not shown: it may hold a value)`,
        hint: `kubectl secret ${spaced(id)} ${takes}. ${usage}`,
      };
    }
    case 'RequiredArgsError': {
      const missing = ((e.args ?? []) as Array<{name?: string}>).map((a) => (a.name ?? '').toUpperCase());
      return {message: `missing required argument${missing.length > 1 ? 's' : ''}: ${missing.join(' ')}`, hint: capital(usage)};
    }
    case 'FlagInvalidOptionError':
    case 'ArgInvalidOptionError': {
      // "Expected --output=foo to be one of: a, b": the options are ours to print, the value is
      // shortened and escaped (option values are names, never secrets, but still typed input).
      const m = /^Expected (--[\w-]+)?=?(.*) to be one of: ([^\n]*)/.exec(err.message);
      if (!m) break;
      const value = escapeControl(m[2]!.slice(0, 40));
      return {message: `invalid value "${value}"${m[1] ? ` for ${m[1]}` : ''}`, hint: `expected one of: ${m[3]}`};
    }
    case 'FailedFlagValidationError':
    case 'ViolatedFlagConstraintError': {
      const reasons = err.message.split('\n').slice(1).map((l) => l.replace(ANSI, '').trim()).filter((l) => l && !l.startsWith('See more help'));
      // oclif says "--merge-into=my file.yaml cannot also be provided when using --raw": the
      // value (which may hold spaces) is dropped first, then any other FLAG=VALUE.
      const first = (reasons[0] ?? 'invalid combination of flags')
        .replace(/^--([\w-]+)=.* cannot also be provided when using --([\w-]+)$/s, '--$1 cannot also be provided when using --$2')
        .replace(/(--[\w-]+)=\S*/g, '$1');
      const message = first
        .replace(/^--([\w-]+) cannot also be provided when using --([\w-]+)$/, '--$1 and --$2 cannot be used together')
        .replace(/^All of the following must be provided when using --([\w-]+): (.*)$/, '--$1 only applies with $2');
      return {message: lowerFirst(message), hint: capital(usage)};
    }
    default:
      break;
  }
  if (err.oclif?.exit === undefined) return undefined;
  // Anything else oclif raises while parsing ("Flag --x expects a value", "Parsing --length …
  // Expected an integer but received: abc"): its first meaningful line, without the input.
  const lines = err.message.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('See more help'));
  const parsing = /^Parsing (--[\w-]+)/.exec(lines[0] ?? '');
  const text = parsing ? `${parsing[1]}: ${lowerFirst((lines[1] ?? 'invalid value').replace(/ but received: .*$/, ''))}` : (lines[0] ?? 'invalid command line');
  return {message: lowerFirst(text.replace(/ but received: .*$/, '')), hint: capital(usage)};
}

const capital = (s: string): string => s[0]!.toUpperCase() + s.slice(1);
const lowerFirst = (s: string): string => (/^[A-Z][a-z]/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s);
