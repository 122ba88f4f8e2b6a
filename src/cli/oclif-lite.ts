// What the fast path (src/cli/fast.ts) gives command classes in place of `@oclif/core`: the
// build (scripts/build.mjs) bundles commands/ a second time with `@oclif/core` resolved to this
// file. Loading oclif and its configuration costs 3-8x `node -e 0` before a command does
// anything (docs/performance.md); this is the part of it our commands use: flag and argument
// definitions, a parser, and the Command life cycle (init, run, catch, finally, exit).
//
// The parser accepts only what it reads exactly as oclif does. Anything else — an unknown flag,
// a missing or invalid value, `--`, a violated `exclusive`, a flag property it does not know —
// throws Fallback before the command has done anything (every command parses first), and the
// launcher runs the same argv through oclif, which prints its own message and help.
import {format} from 'node:util';
import {writeErr, writeOut} from '../io/stdio.js';

/** The argv needs oclif itself; nothing has been printed or changed yet. */
export class Fallback extends Error {
  constructor(why: string) {
    super(`fast path declined: ${why}`);
  }
}

/** oclif's ExitError, as far as our code reads it (BaseCommand.catch looks at err.oclif.exit). */
export class ExitError extends Error {
  readonly code = 'EEXIT';
  readonly oclif: {exit: number};
  constructor(exit: number) {
    super(`EEXIT: ${exit}`);
    this.oclif = {exit};
  }
}

export interface LiteFlag {
  type: 'boolean' | 'option';
  char?: string;
  default?: unknown;
  options?: readonly string[];
  multiple?: boolean;
  allowNo?: boolean;
  exclusive?: string[];
  dependsOn?: string[];
  integer?: {min?: number; max?: number};
  [other: string]: unknown;
}

export interface LiteArg {
  required?: boolean;
  ignoreStdin?: boolean;
  default?: unknown;
  options?: readonly string[];
  [other: string]: unknown;
}

/** Flag properties that only describe (help, completion) or that the parser below implements. */
const KNOWN_FLAG_KEYS = new Set(['type', 'char', 'default', 'options', 'multiple', 'allowNo', 'exclusive', 'dependsOn', 'integer', 'description', 'summary', 'helpGroup', 'helpValue', 'hidden', 'name']);
const KNOWN_ARG_KEYS = new Set(['required', 'ignoreStdin', 'default', 'options', 'description', 'hidden', 'name', 'type']);

type FlagOptions = Record<string, unknown>;

export const Flags = {
  boolean: (o: FlagOptions = {}): LiteFlag => ({...o, type: 'boolean', allowNo: Boolean(o.allowNo)}),
  string: (o: FlagOptions = {}): LiteFlag => ({...o, type: 'option'}),
  integer: (o: FlagOptions = {}): LiteFlag => {
    const {min, max, ...rest} = o as {min?: number; max?: number};
    return {...rest, type: 'option', integer: {min, max}};
  },
};

export const Args = {
  string: (o: FlagOptions = {}): LiteArg => ({...o, type: 'string'}),
};

/** Types only in oclif; present so a compiled `import {Interfaces}` resolves. */
export const Interfaces = {};

export interface LiteConfig {
  name: string;
  version: string;
  bin: string;
  userAgent: string;
  root: string;
  pjson: Record<string, any>;
  findCommand(id: string): (typeof Command) | undefined;
  runHook(): Promise<{successes: unknown[]; failures: unknown[]}>;
  scopedEnvVar(name: string): string | undefined;
}

/** Throws Fallback unless every flag and argument of `cmd` is one this file parses exactly. */
export function assertLiteSafe(flags: Record<string, LiteFlag>, args: Record<string, LiteArg>): void {
  for (const [name, f] of Object.entries(flags)) {
    for (const [k, v] of Object.entries(f)) if (!KNOWN_FLAG_KEYS.has(k) && v !== undefined && v !== false) throw new Fallback(`flag --${name} has ${k}`);
    if (typeof f.default === 'function') throw new Fallback(`flag --${name} has a computed default`);
  }
  for (const [name, a] of Object.entries(args)) {
    for (const [k, v] of Object.entries(a)) if (!KNOWN_ARG_KEYS.has(k) && v !== undefined && v !== false) throw new Fallback(`argument ${name} has ${k}`);
    if (typeof a.default === 'function') throw new Fallback(`argument ${name} has a computed default`);
  }
}

interface ParseOptions {
  flags?: Record<string, LiteFlag>;
  baseFlags?: Record<string, LiteFlag>;
  args?: Record<string, LiteArg>;
  strict?: boolean;
}

export function parseArgv(o: ParseOptions, argv: string[]): {flags: Record<string, unknown>; args: Record<string, unknown>; argv: string[]} {
  const defs: Record<string, LiteFlag> = {...o.baseFlags, ...o.flags};
  const argDefs = o.args ?? {};
  assertLiteSafe(defs, argDefs);
  const byChar = new Map(Object.entries(defs).filter(([, f]) => f.char).map(([n, f]) => [f.char!, n]));
  const given = new Map<string, unknown>();
  const positional: string[] = [];
  const set = (name: string, value: unknown) => {
    const f = defs[name];
    if (f.multiple) given.set(name, [...((given.get(name) as unknown[]) ?? []), value]);
    else if (given.has(name)) throw new Fallback(`--${name} given twice`);
    else given.set(name, value);
  };
  // oclif's multiple option flags are greedy: `--key a b` gives key [a, b], and so does
  // `--key a --force b`, until the next option flag (parser/parse.js, currentFlag).
  let current: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i];
    if (word === '--' || word === '-') throw new Fallback(`"${word}"`);
    if (!word.startsWith('-')) {
      if (current !== undefined && defs[current].multiple) set(current, word);
      else positional.push(word);
      continue;
    }
    let name: string | undefined;
    let inline: string | undefined;
    if (word.startsWith('--')) {
      const eq = word.indexOf('=');
      name = eq === -1 ? word.slice(2) : word.slice(2, eq);
      inline = eq === -1 ? undefined : word.slice(eq + 1);
      if (!defs[name] && name.startsWith('no-') && defs[name.slice(3)]?.type === 'boolean' && defs[name.slice(3)].allowNo && inline === undefined) {
        set(name.slice(3), false);
        continue;
      }
    } else if (word.length === 2) {
      name = byChar.get(word[1]);
    }
    const f = name === undefined ? undefined : defs[name];
    if (!f || name === undefined) throw new Fallback(`unknown flag ${word}`);
    if (f.type === 'boolean') {
      if (inline !== undefined) throw new Fallback(`${word} with a value`);
      set(name, true);
      continue;
    }
    current = name;
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith('-'))) throw new Fallback(`${word} without a plain value`);
    if (f.options && !f.options.includes(value)) throw new Fallback(`${word} ${value} is not one of its options`);
    if (f.integer) {
      if (!/^-?\d+$/.test(value)) throw new Fallback(`${word} ${value} is not an integer`);
      const n = Number.parseInt(value, 10);
      if ((f.integer.min !== undefined && n < f.integer.min) || (f.integer.max !== undefined && n > f.integer.max)) throw new Fallback(`${word} out of range`);
      set(name, n);
    } else set(name, value);
  }
  for (const name of given.keys()) {
    for (const other of defs[name].exclusive ?? []) if (given.has(other)) throw new Fallback(`--${name} with --${other}`);
    // A flag given without the one it depends on: oclif's message, so oclif's to print.
    for (const needed of defs[name].dependsOn ?? []) if (!given.has(needed) && defs[needed]?.default === undefined) throw new Fallback(`--${name} without --${needed}`);
  }
  const flags: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(defs)) {
    if (given.has(name)) flags[name] = given.get(name);
    else if (f.default !== undefined) flags[name] = f.default;
  }
  const names = Object.keys(argDefs);
  if (o.strict !== false && positional.length > names.length) throw new Fallback('unexpected argument');
  const args: Record<string, unknown> = {};
  names.forEach((name, i) => {
    const a = argDefs[name];
    const value = positional[i];
    if (value === undefined) {
      // oclif reads a missing argument from piped stdin unless told not to, and errors on a required one.
      if (a.required || !a.ignoreStdin) throw new Fallback(`argument ${name} missing`);
      if (a.default !== undefined) args[name] = a.default;
      return;
    }
    if (a.options && !a.options.includes(value)) throw new Fallback(`argument ${name} not one of its options`);
    args[name] = value;
  });
  return {flags, args, argv: positional};
}

export class Command {
  static id?: string;
  static summary?: string;
  static description?: string;
  static examples?: unknown;
  static hidden?: boolean;
  static strict = true;
  static flags: Record<string, LiteFlag> = {};
  static baseFlags: Record<string, LiteFlag> = {};
  static args: Record<string, LiteArg> = {};

  id?: string;
  parsed = false;

  constructor(public argv: string[], public config: LiteConfig) {
    this.id = this.ctor.id;
  }

  get ctor(): typeof Command {
    return this.constructor as typeof Command;
  }

  async _run(): Promise<unknown> {
    let err: unknown;
    try {
      await this.init();
      return await this.run();
    } catch (error) {
      err = error;
      if (error instanceof Fallback) throw error;
      return await this.catch(error as Error);
    } finally {
      await this.finally(err);
    }
  }

  async run(): Promise<unknown> {
    return undefined;
  }

  async init(): Promise<void> {}

  async catch(err: Error): Promise<unknown> {
    throw err;
  }

  async finally(_err: unknown): Promise<void> {}

  async parse(options: ParseOptions = this.ctor, argv: string[] = this.argv): Promise<ReturnType<typeof parseArgv>> {
    const result = parseArgv(options, argv);
    this.parsed = true;
    return result;
  }

  exit(code = 0): never {
    throw new ExitError(code);
  }

  log(message: unknown = '', ...rest: unknown[]): void {
    writeOut(`${format(typeof message === 'string' ? message : format('%O', message), ...rest)}\n`);
  }

  logToStderr(message: unknown = '', ...rest: unknown[]): void {
    writeErr(`${format(typeof message === 'string' ? message : format('%O', message), ...rest)}\n`);
  }

  debug = (..._args: unknown[]): void => {};

  jsonEnabled(): boolean {
    return false;
  }

  // oclif formats these through its own error handler: only oclif can print them exactly.
  error(): never {
    throw new Fallback('this.error');
  }

  warn(): never {
    throw new Fallback('this.warn');
  }
}

/** oclif's Help, as far as commands/_help.ts uses it outside `--help` (the overview). */
export class Help {
  constructor(public config: LiteConfig, public opts: Record<string, unknown> = {}) {}

  log(...args: unknown[]): void {
    writeOut(`${format(...args)}\n`);
  }

  async showHelp(_argv: string[]): Promise<void> {
    throw new Fallback('help');
  }
}

/** oclif's Errors, as far as our commands use them: ExitError travels as an exit code. */
export const Errors = {
  ExitError,
  exit(code = 0): never {
    throw new ExitError(code);
  },
};

/** Help is oclif's to render: the fast path hands `help` to oclif. */
export async function loadHelpClass(): Promise<never> {
  throw new Fallback('help is rendered by oclif');
}
