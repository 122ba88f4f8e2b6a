// Prompts belong to the terminal. Questions, plans and confirmations are written to /dev/tty
// (else stderr), never to stdout, so `seal --prompt pw > out.yaml` writes only YAML to the file
// and `rotate … > log` still asks where the user can see it. Answers are read from stdin, and
// only when stdin is a terminal: a value is never read from a pipe by surprise.
// Hidden input echoes nothing per keystroke (no `*`, so no length leak, and no reveal key), as
// ssh and sudo do. Ctrl-C and Ctrl-D cancel with PromptCancelled, which the command layer
// reports as "cancelled; nothing was written" (exit 130), before anything is written.
import {closeSync, openSync, writeSync} from 'node:fs';
import {InputError} from '../errors.js';

/** Ctrl-C or Ctrl-D at a prompt. */
export class PromptCancelled extends Error {
  constructor() {
    super('cancelled at the prompt');
    this.name = 'PromptCancelled';
  }
}

export const isPromptCancel = (error: unknown): boolean => error instanceof PromptCancelled;

export function requireTty(what: string, alternative: string): void {
  if (!process.stdin.isTTY) throw new InputError(`${what} needs a terminal, and stdin is not one`, alternative);
}

let ttyFd: number | undefined | null;

/**
 * Writes text for the person at the terminal: /dev/tty when stdin is one (so stdout stays
 * data even when it is redirected), else stderr. Never stdout.
 */
export function toTerminal(text: string): void {
  if (ttyFd === undefined) {
    ttyFd = null;
    if (process.stdin.isTTY) {
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
  process.stderr.write(text);
}

/**
 * Reads one line from the terminal in raw mode. `echo` false shows nothing at all while typing.
 * Backspace and Ctrl-U edit; escape sequences (arrow keys) are ignored; Ctrl-C/Ctrl-D cancel.
 */
function readLine(question: string, echo: boolean): Promise<string> {
  const input = process.stdin;
  return new Promise((resolve, reject) => {
    let value = '';
    let escape = false;
    const done = (fn: () => void) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      toTerminal('\n');
      fn();
    };
    const onData = (chunk: string) => {
      for (const c of chunk) {
        if (escape) {
          // CSI sequences end with a letter or ~; a lone ESC followed by a letter ends at once.
          if (/[A-Za-z~]/.test(c)) escape = false;
          continue;
        }
        if (c === '\u0003' || c === '\u0004') return done(() => reject(new PromptCancelled()));
        if (c === '\r' || c === '\n') return done(() => resolve(value));
        if (c === '\u001B') escape = true;
        else if (c === '\u007F' || c === '\b') {
          if (value.length > 0 && echo) toTerminal('\b \b');
          value = [...value].slice(0, -1).join('');
        } else if (c === '\u0015') {
          if (echo) toTerminal('\b \b'.repeat([...value].length));
          value = '';
        } else if (c >= ' ') {
          value += c;
          if (echo) toTerminal(c);
        }
      }
    };
    input.setEncoding('utf8');
    // Raw mode before the question is shown: keys typed as soon as it appears are never echoed.
    input.setRawMode(true);
    toTerminal(question);
    input.on('data', onData);
    input.resume();
  });
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
    const first = await readLine(`Value for ${key} (input hidden): `, false);
    if (first === '' && !o.allowEmpty) {
      toTerminal(`An empty value for ${key} is refused; type one${o.allowEmptyFlag ? `, or rerun with ${o.allowEmptyFlag}` : ''}.\n`);
      continue;
    }
    const second = await readLine(`Again, to confirm ${key}: `, false);
    if (first === second) return Buffer.from(first, 'utf8');
    toTerminal('The two values differ; try again.\n');
  }
  throw new InputError(`no value accepted for ${key} after 3 attempts (empty, or the two entries differed); nothing was written`, 'run the command again');
}

/** A yes/no question on the terminal. It defaults to No: only "y" or "yes" answers yes. */
export async function confirm(message: string): Promise<boolean> {
  requireTty('confirmation', 'pass --yes to confirm without a terminal');
  const answer = (await readLine(`${message} [y/N] `, true)).trim().toLowerCase();
  return answer === 'y' || answer === 'yes';
}
