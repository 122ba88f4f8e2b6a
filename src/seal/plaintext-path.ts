// Where `unseal --output-file` may write plaintext. Its own module: it runs git, and loading
// child_process is start-up that seal, diff and the controller (which import unseal.ts) need not pay.
import {spawnSync} from 'node:child_process';
import {existsSync, lstatSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {InputError} from '../errors.js';

/**
 * Plaintext goes to a file only where git will not pick it up: a path inside a work tree must
 * be ignored by git, unless --force. The check fails closed: when a `.git` sits above the
 * target and git cannot give an answer (not installed, a repository it refuses for its owner,
 * a broken `.git`, any other error), the write is refused as if git had said "not ignored".
 */
export function assertSafePlaintextPath(path: string, force: boolean): void {
  const dir = dirname(resolve(path));
  // Checked before any key is loaded or value opened; atomicWriteFile checks again when writing.
  if (!existsSync(dir)) throw new InputError(`cannot write ${path}: the directory ${dir} does not exist`, `create it first (mkdir -p ${dir}), or choose another path`);
  if (isSymlink(path)) throw new InputError(`refusing to write plaintext to ${path}: it is a symbolic link`, 'write to the file it points to, or to a new path');
  if (force) return;
  const repo = gitMarkerAbove(dir);
  const inside = spawnSync('git', ['-C', dir, 'rev-parse', '--is-inside-work-tree'], {encoding: 'utf8'});
  if (inside.error || inside.status !== 0) {
    if (!repo) return;
    const why = inside.error ? 'git could not be run' : firstLine(inside.stderr) || `git exited ${inside.status}`;
    throw new InputError(`refusing to write plaintext to ${path}: ${repo} is above it and git cannot say whether the file would be ignored (${why})`, 'fix git for this repository, write the file outside it, or pass --force');
  }
  if (inside.stdout.trim() !== 'true') return;
  const ignored = spawnSync('git', ['-C', dir, 'check-ignore', '-q', '--', resolve(path)], {encoding: 'utf8'});
  if (ignored.status === 0) return;
  if (ignored.status === 1) throw new InputError(`refusing to write plaintext to ${path}: it is inside a git work tree and not ignored by git`, 'write it outside the repository, add it to .gitignore, or pass --force');
  const why = ignored.error ? 'git could not be run' : firstLine(ignored.stderr) || `git check-ignore exited ${ignored.status}`;
  throw new InputError(`refusing to write plaintext to ${path}: git cannot say whether it would be ignored (${why})`, 'write it outside the repository, or pass --force');
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** The nearest `.git` (directory or file) at or above dir, if any. */
function gitMarkerAbove(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return join(d, '.git');
    if (dirname(d) === d) return undefined;
  }
}

function firstLine(s: string | undefined): string {
  // git's messages name paths, never file content; keep only the first line.
  return (s ?? '').trim().split('\n')[0].replace(/^fatal: /, '');
}
