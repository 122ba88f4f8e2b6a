// Every file we write goes through here: write a temporary file in the same directory, fsync,
// then rename over the target. A crash or a kill at any point leaves either the old file or
// the new one, never a half-written file, and never a stray temporary beside it for long.
import {closeSync, fsyncSync, openSync, readdirSync, renameSync, statSync, unlinkSync, writeSync, chmodSync} from 'node:fs';
import {basename, dirname, join} from 'node:path';
import {randomBytes} from 'node:crypto';

export interface AtomicWriteOptions {
  /** File mode for a new file; an existing file keeps its own mode. Default 0o644, 0o600 when `private`. */
  mode?: number;
  private?: boolean;
}

export function atomicWriteFile(path: string, data: string | Uint8Array, opts: AtomicWriteOptions = {}): void {
  let mode = opts.mode ?? (opts.private ? 0o600 : 0o644);
  try {
    mode = statSync(path).mode & 0o7777;
  } catch {}
  removeStaleTemporaries(path);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', mode);
  try {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {}
    throw error;
  }
  closeSync(fd);
  pauseForTests();
  try {
    chmodSync(tmp, mode);
    renameSync(tmp, path);
  } catch (error) {
    try {
      unlinkSync(tmp);
    } catch {}
    throw error;
  }
  // Make the rename itself durable.
  try {
    const dfd = openSync(dirname(path), 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {}
}

/**
 * A process killed between creating its temporary file and renaming it (SIGKILL, power loss)
 * leaves that file behind, and it may hold what was being written (for `unseal -w`, plaintext,
 * mode 0600). The next write to the same path removes the temporaries of processes that are gone.
 */
function removeStaleTemporaries(path: string): void {
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return;
  }
  for (const n of names) {
    if (!n.startsWith(prefix)) continue;
    const m = /^(\d+)\.[0-9a-f]{8}\.tmp$/.exec(n.slice(prefix.length));
    if (!m || Number(m[1]) === process.pid || alive(Number(m[1]))) continue;
    try {
      unlinkSync(join(dirname(path), n));
    } catch {}
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * TEST-ONLY: KUBECTL_SECRET_TEST_PAUSE_BEFORE_RENAME_MS holds the process with its temporary file
 * complete and the target not yet replaced, so test/e2e/atomic-files.test.ts can kill it in that
 * window. It only sleeps; it prints and writes nothing. Not documented for users.
 */
function pauseForTests(): void {
  const ms = Number(process.env.KUBECTL_SECRET_TEST_PAUSE_BEFORE_RENAME_MS);
  if (Number.isFinite(ms) && ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.min(ms, 60_000));
}
