// Output on fd 1 and 2 without process.stdout and process.stderr. Node builds those streams on
// first use: for a pipe a net.Socket (loading net, stream and their helpers), for a file a
// write stream; ~8 ms of CPU, a fifth of `node -e 0`, in every command whose output git,
// kubectl or a pipeline reads (docs/performance.md). write(2) until everything is written is
// what those streams do for files and terminals on POSIX; it also means nothing is left in a
// queue when a command exits. A descriptor left non-blocking by whoever made it (EAGAIN) goes
// on through the stream, so nothing is lost or reordered.
import {fstatSync, writeSync} from 'node:fs';

type Fd = 1 | 2;
const viaStream: {1?: NodeJS.WriteStream; 2?: NodeJS.WriteStream} = {};

function write(fd: Fd, text: string): void {
  const stream = viaStream[fd];
  if (stream) {
    stream.write(text);
    return;
  }
  let rest = Buffer.from(text);
  while (rest.length > 0) {
    try {
      rest = rest.subarray(writeSync(fd, rest));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        const s = fd === 1 ? process.stdout : process.stderr;
        s.on('error', (e: NodeJS.ErrnoException) => (fd === 1 && e.code === 'EPIPE' ? process.exit(0) : undefined));
        viaStream[fd] = s;
        s.write(rest);
        return;
      }
      // The reader went away (`| head -1`): stdout ends quietly, as bin/run.js has the stream do; stderr is best effort.
      if (code === 'EPIPE') {
        if (fd === 1) process.exit(0);
        return;
      }
      throw error;
    }
  }
}

/** The command's output. */
export const writeOut = (text: string): void => write(1, text);

/** Notes, warnings and errors for the user. */
export const writeErr = (text: string): void => write(2, text);

/**
 * Whether `fd` is a terminal. Pipes, files and sockets are answered by fstat; only a character
 * device asks the tty module, which loads net (~5 ms) to answer.
 */
export function isTerminal(fd: 0 | 1 | 2): boolean {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  return process.getBuiltinModule('node:tty').isatty(fd);
}

/** The width of the terminal on stdout; undefined when stdout is not one. */
export function stdoutColumns(): number | undefined {
  return isTerminal(1) ? process.stdout.columns : undefined;
}

/** Resolves once stdout has written everything: at once, unless it went on through the stream (EAGAIN). */
export function stdoutDrained(): Promise<void> {
  const stream = viaStream[1];
  return stream ? new Promise<void>((resolve) => stream.write('', () => resolve())) : Promise.resolve();
}
