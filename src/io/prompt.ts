// Prompts belong to the terminal. Questions, plans and confirmations are written to /dev/tty
// (else stderr), never to stdout, so `seal --prompt pw > out.yaml` writes only YAML to the file
// and `rotate … > log` still asks where the user can see it. Answers are read from stdin, and
// only when stdin is a terminal: a value is never read from a pipe by surprise.
// Hidden input echoes nothing per keystroke (no `*`, so no length leak, and no reveal key), as
// ssh and sudo do. Ctrl-C and Ctrl-D cancel with PromptCancelled, which the command layer
// reports as "cancelled; nothing was written" (exit 130), before anything is written.
import {closeSync, openSync, writeSync} from 'node:fs';
import {InputError} from '../errors.js';
import {stdinIsTerminal} from './input.js';
import {writeErr} from './stdio.js';

/** Ctrl-C or Ctrl-D at a prompt. */
export class PromptCancelled extends Error {
  constructor() {
    super('cancelled at the prompt');
    this.name = 'PromptCancelled';
  }
}

export const isPromptCancel = (error: unknown): boolean => error instanceof PromptCancelled;

export function requireTty(what: string, alternative: string): void {
  if (!stdinIsTerminal()) throw new InputError(`${what} needs a terminal, and stdin is not one`, alternative);
}

let ttyFd: number | undefined | null;

/**
 * Writes text for the person at the terminal: /dev/tty when stdin is one (so stdout stays
 * data even when it is redirected), else stderr. Never stdout.
 */
export function toTerminal(text: string): void {
  if (ttyFd === undefined) {
    ttyFd = null;
    if (stdinIsTerminal()) {
      try {
        ttyFd = openSync('/dev/tty', 'w');
      } catch {
        ttyFd = null;
      }
    }
  }
  if (ttyFd !== null) {
    try {
      writeSync(ttyFd, text);
      return;
    } catch {
      closeSync(ttyFd);
      ttyFd = null;
    }
  }
  writeErr(text);
}

/** The terminal as a stream for inquirer: /dev/tty when stdin is one, else stderr. */
function terminalStream(): {stream: NodeJS.WritableStream; close(): void} {
  if (stdinIsTerminal()) {
    try {
      // Loaded here: every command imports this module (for isPromptCancel), few ever prompt.
      const {WriteStream} = process.getBuiltinModule('node:tty');
      const stream = new WriteStream(openSync('/dev/tty', 'w'));
      return {stream, close: () => stream.destroy()};
    } catch {
      // no controlling terminal: stderr below
    }
  }
  return {stream: process.stderr, close: () => undefined};
}

type Question = {type: 'password'; message: string} | {type: 'confirm'; message: string; default: false};

/**
 * Asks one question through inquirer, drawn on the terminal (never stdout). Ctrl-C is inquirer's
 * ExitPromptError; Ctrl-D (end of input), which inquirer's readline only treats as a close,
 * aborts the prompt too: both become PromptCancelled.
 */
async function ask<T>(question: Question): Promise<T> {
  const {createPromptModule} = await import('inquirer');
  const terminal = terminalStream();
  const abort = new AbortController();
  const onData = (chunk: Buffer | string) => {
    if (String(chunk).includes('\u0004')) abort.abort();
  };
  process.stdin.on('data', onData);
  try {
    const prompt = createPromptModule({input: process.stdin, output: terminal.stream, signal: abort.signal});
    const answers = (await prompt([{...question, name: 'answer'}] as never)) as {answer: T};
    return answers.answer;
  } catch (error) {
    if (error instanceof Error && /ExitPromptError|AbortPromptError|CancelPromptError/.test(error.name)) throw new PromptCancelled();
    throw error;
  } finally {
    process.stdin.off('data', onData);
    process.stdin.pause();
    terminal.close();
  }
}

export interface ValueOptions {
  /** Accept an empty value (seal --allow-empty-data); otherwise it is asked again, then refused. */
  allowEmpty?: boolean;
  /** The flag that accepts an empty value, for the refusal's hint. */
  allowEmptyFlag?: string;
}

export async function promptSecretValue(key: string, o: ValueOptions = {}): Promise<Buffer> {
  requireTty(`--prompt ${key}`, 'use --from-literal, --from-file or --from-env-file instead');
  for (let attempt = 0; attempt < 3; attempt++) {
    const first = await ask<string>({type: 'password', message: `Value for ${key} (input hidden):`});
    if (first === '' && !o.allowEmpty) {
      toTerminal(`An empty value for ${key} is refused; type one${o.allowEmptyFlag ? `, or rerun with ${o.allowEmptyFlag}` : ''}.\n`);
      continue;
    }
    const second = await ask<string>({type: 'password', message: `Again, to confirm ${key}:`});
    if (first === second) return Buffer.from(first, 'utf8');
    toTerminal('The two values differ; try again.\n');
  }
  throw new InputError(`no value accepted for ${key} after 3 attempts (empty, or the two entries differed); nothing was written`, 'run the command again');
}

/** A yes/no question on the terminal. It defaults to No: only "y" or "yes" answers yes. */
export async function confirm(message: string): Promise<boolean> {
  requireTty('confirmation', 'pass --yes to confirm without a terminal');
  return ask<boolean>({type: 'confirm', message, default: false});
}
