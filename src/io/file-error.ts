// File system failures in plain words ("no such file: x.pem"), never Node's codes (ENOENT):
// every reader of a user-named path turns its error into one of these InputErrors (exit 2).
import {InputError} from '../errors.js';
import {escapeControl} from '../render/escape.js';

const WORDS: Record<string, string> = {
  ENOENT: 'no such file',
  ENOTDIR: 'not a directory (a part of the path is a file)',
  EISDIR: 'is a directory, not a file',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'file name too long',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EEXIST: 'already exists',
  EBUSY: 'file is busy',
  ETXTBSY: 'file is busy',
  EIO: 'input/output error',
  EXDEV: 'cannot move across file systems',
  EINVAL: 'invalid file',
};

const HINTS: Record<string, string> = {
  ENOENT: 'check the path',
  ENOTDIR: 'check the path',
  EISDIR: 'pass a file, not a directory',
  EACCES: "check the file's permissions, or run as a user who may read it",
  EPERM: "check the file's permissions",
};

/** True for an error the file system raised (it carries an errno code such as ENOENT). */
export function isFileSystemError(error: unknown): boolean {
  const e = error as NodeJS.ErrnoException | undefined;
  return typeof e?.code === 'string' && /^E[A-Z0-9]+$/.test(e.code) && (typeof e.syscall === 'string' || typeof e.path === 'string');
}

/** "no such file: x.pem", "x is a directory, not a file", "permission denied: x". */
export function describeFileError(error: unknown, path?: string): string {
  const e = error as NodeJS.ErrnoException;
  const given = path ?? e.path ?? 'the file';
  // A misplaced `password=hunter2` read as a file name must not be echoed back.
  const where = shownPath(given);
  const words = WORDS[e.code ?? ''];
  if (!words) return `cannot read ${where}`;
  return e.code === 'EISDIR' ? `${where} ${words}` : `${words}: ${where}`;
}

/** KEY=VALUE with no directory part: a value typed where a path was expected. */
const looksLikeValue = (path: string): boolean => /^[^/\\=]+=/.test(path) && !path.includes('/');

/** A path as it may be printed: escaped, and withheld when it looks like a KEY=VALUE. */
export const shownPath = (path: string): string => (looksLikeValue(path) ? 'the path given (not shown: it looks like KEY=VALUE)' : escapeControl(path));

/** `what` names the flag or role ("--cert", "--from-file") when the path alone would not say it. */
export function fileError(error: unknown, path: string, what?: string, hint?: string): InputError {
  const text = describeFileError(error, path);
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return new InputError(what ? `${what}: ${text}` : text, hint ?? HINTS[code] ?? 'check the path and try again');
}
