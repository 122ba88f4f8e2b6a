// Every file we write goes through here: write a temporary file in the same directory, fsync,
// then rename over the target. A crash or a kill at any point leaves either the old file or
// the new one, never a half-written file, and never a stray temporary beside it for long.
//
// What is replaced is decided first, as editors decide it: a symbolic link is followed and the
// file it points to is rewritten, the link kept (renaming over the link would leave the real
// file, and whatever plaintext it held, untouched). Plaintext (`private`) is never written
// through a link, always ends at mode 0600, and a read-only target is replaced only with
// `force`. Problems with the path are input errors that name it, never internal errors.
import {closeSync, fsyncSync, lstatSync, openSync, readdirSync, realpathSync, renameSync, statSync, unlinkSync, writeSync, chmodSync, type Stats} from 'node:fs';
import {basename, dirname, join, resolve} from 'node:path';
import {randomBytes} from 'node:crypto';
import {InputError} from '../errors.js';

export interface AtomicWriteOptions {
  /** File mode for a new file; an existing file keeps its own mode. Default 0o644. */
  mode?: number;
  /** Plaintext: the file ends at mode 0600 whatever it was, and a symbolic link is refused. */
  private?: boolean;
  /**
   * Replace a read-only target. `false` means the command has a --force flag (the hint names
   * it); `undefined` means it has none.
   */
  force?: boolean;
}

export function atomicWriteFile(path: string, data: string | Uint8Array, opts: AtomicWriteOptions = {}): void {
  const {target, existing} = resolveTarget(path, opts);
  let mode = opts.mode ?? 0o644;
  if (existing) mode = existing.mode & 0o7777;
  if (opts.private) mode = 0o600;
  removeStaleTemporaries(target);
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd: number;
  try {
    // Never wider than 0600 while the content is being written; the final mode is set below.
    fd = openSync(tmp, 'wx', mode & 0o600);
  } catch (error) {
    throw pathError(error, path, dirname(target));
  }
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
    throw pathError(error, path, dirname(target));
  }
  closeSync(fd);
  pauseForTests();
  try {
    chmodSync(tmp, mode);
    renameSync(tmp, target);
  } catch (error) {
    try {
      unlinkSync(tmp);
    } catch {}
    throw pathError(error, path, dirname(target));
  }
  // Make the rename itself durable.
  try {
    const dfd = openSync(dirname(target), 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {}
}

/** The file to replace (a link's final target) and its current state, after the refusals. */
function resolveTarget(path: string, opts: AtomicWriteOptions): {target: string; existing?: Stats} {
  let link: Stats | undefined;
  try {
    link = lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw pathError(error, path, dirname(resolve(path)));
  }
  if (!link) {
    assertDirectory(dirname(resolve(path)), path);
    return {target: path};
  }
  let target = path;
  if (link.isSymbolicLink()) {
    if (opts.private) throw new InputError(`refusing to write plaintext to ${path}: it is a symbolic link`, 'write to the file it points to, or to a new path');
    try {
      target = realpathSync(path);
    } catch {
      throw new InputError(`cannot write ${path}: it is a symbolic link to a file that does not exist`, 'fix or remove the link, or write to another path');
    }
  }
  const existing = statSync(target);
  if (!existing.isFile()) throw new InputError(`cannot write ${path}: it is not a regular file`, 'choose a file path');
  // Owner write bit, not access(2): root may write anything, and a read-only mark is the user's intent.
  if ((existing.mode & 0o200) === 0 && !opts.force) {
    throw new InputError(`refusing to replace ${path}: it is read-only`, opts.force === false ? `make it writable (chmod u+w ${path}), or pass --force` : `make it writable first (chmod u+w ${path})`);
  }
  return {target, existing};
}

function assertDirectory(dir: string, path: string): void {
  let st: Stats;
  try {
    st = statSync(dir);
  } catch (error) {
    throw pathError(error, path, dir);
  }
  if (!st.isDirectory()) throw new InputError(`cannot write ${path}: ${dir} is not a directory`, 'choose a path in an existing directory');
}

/** File-system failures on the way to the target, as input errors that name the path. */
function pathError(error: unknown, path: string, dir: string): Error {
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return new InputError(`cannot write ${path}: the directory ${dir} does not exist`, `create it first (mkdir -p ${dir}), or choose another path`);
    case 'ENOTDIR':
      return new InputError(`cannot write ${path}: a part of ${dir} is not a directory`, 'choose a path in an existing directory');
    case 'EACCES':
    case 'EPERM':
      return new InputError(`cannot write ${path}: permission denied in ${dir}`, 'choose a directory you may write to');
    case 'EROFS':
      return new InputError(`cannot write ${path}: ${dir} is on a read-only file system`, 'choose another path');
    case 'ENOSPC':
    case 'EDQUOT':
      return new InputError(`cannot write ${path}: no space left in ${dir}`, 'free some space and try again');
    case 'ELOOP':
    case 'ENAMETOOLONG':
      return new InputError(`cannot write ${path}: ${code === 'ELOOP' ? 'too many levels of symbolic links' : 'the name is too long'}`, 'choose another path');
    default:
      return error instanceof Error ? error : new Error(String(error));
  }
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
