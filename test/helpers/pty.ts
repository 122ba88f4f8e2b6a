// Runs the built CLI in a real pseudo-terminal (Python's pty module, /usr/bin/python3), for the
// paths that only exist on a terminal: hidden prompts, confirmations, Ctrl-C and Ctrl-D.
import {spawn} from 'node:child_process';
import {join} from 'node:path';
import {BIN, REPO_ROOT} from './cli.js';

export interface PtyResult {
  code: number;
  /** Everything the terminal showed: what the CLI wrote to /dev/tty, and stdout/stderr unless redirected. */
  tty: string;
  timeout?: string;
}

export interface PtyOptions {
  /** [expect, send] pairs: wait for the terminal to show `expect`, then type `send`. */
  script?: Array<[string, string]>;
  env?: Record<string, string | undefined>;
  /** Redirect stdout (as `> FILE`) or stderr to a file instead of the terminal. */
  stdout?: string;
  stderr?: string;
  timeoutMs?: number;
  /** Terminal width in columns (default 80). */
  cols?: number;
}

export function runInPty(args: string[], o: PtyOptions = {}): Promise<PtyResult> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({...process.env, NO_COLOR: '1', DEBUG: '', TERM: 'xterm', ...o.env})) if (v !== undefined) env[k] = v;
  const spec = {argv: [process.execPath, BIN, ...args], env, stdout: o.stdout, stderr: o.stderr, script: o.script ?? [], timeout: (o.timeoutMs ?? 60_000) / 1000, cwd: REPO_ROOT, cols: o.cols ?? 80};
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/python3', [join(REPO_ROOT, 'test', 'helpers', 'pty-run.py'), JSON.stringify(spec)], {stdio: ['ignore', 'pipe', 'inherit']});
    const out: Buffer[] = [];
    child.stdout.on('data', (d) => out.push(d));
    child.on('error', reject);
    child.on('close', () => {
      try {
        resolve(JSON.parse(Buffer.concat(out).toString()));
      } catch (error) {
        reject(error);
      }
    });
  });
}
