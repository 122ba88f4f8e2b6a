// Which files a path scan reads. Folders inside a git work tree are listed by git itself
// (`ls-files -co --exclude-standard`: tracked plus untracked-but-not-ignored), which honours
// every .gitignore, .git/info/exclude and core.excludesFile exactly as git does, and is
// faster than walking and matching ourselves. Outside a work tree we walk the folder.
import {lstatSync, readdirSync, readFileSync, statSync} from 'node:fs';
import {isAbsolute, join, relative, resolve, sep} from 'node:path';
import {InputError} from '../errors.js';
import {gitRaw, splitZ} from './git.js';

export interface SourceFile {
  abs: string;
  /** Relative to the repository root (or the working directory outside a repository), `/`-separated. */
  path: string;
  /** Relative to the working directory, as printed. */
  display: string;
}

export type SkipReason = 'binary' | 'too-large';

export const DEFAULT_MAX_FILE_SIZE = 1024 * 1024;

export function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

export function sourceFile(abs: string, root: string, cwd: string): SourceFile {
  return {abs, path: toPosix(relative(root, abs)), display: toPosix(relative(cwd, abs)) || abs};
}

export async function collectPaths(paths: string[], o: {cwd: string; root: string}): Promise<SourceFile[]> {
  const seen = new Map<string, SourceFile>();
  const add = (abs: string) => {
    if (!seen.has(abs)) seen.set(abs, sourceFile(abs, o.root, o.cwd));
  };
  for (const p of paths.length ? paths : ['.']) {
    const abs = isAbsolute(p) ? p : resolve(o.cwd, p);
    let st;
    try {
      st = statSync(abs);
    } catch {
      throw new InputError(`${p}: no such file or directory`);
    }
    if (!st.isDirectory()) {
      add(abs);
      continue;
    }
    const listed = await gitListed(abs);
    for (const f of listed ?? walk(abs)) add(f);
  }
  return [...seen.values()];
}

async function gitListed(dir: string): Promise<string[] | undefined> {
  let r;
  try {
    r = await gitRaw(['ls-files', '-co', '--exclude-standard', '-z'], {cwd: dir});
  } catch {
    return undefined;
  }
  if (r.code !== 0) return undefined;
  const out: string[] = [];
  for (const rel of splitZ(r.stdout)) {
    const abs = join(dir, rel);
    // Tracked files deleted from the work tree, submodules and symlinks are not file content here.
    try {
      if (lstatSync(abs).isFile()) out.push(abs);
    } catch {}
  }
  return out;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, {withFileTypes: true})) {
    if (e.name === '.git') continue;
    const abs = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(abs));
    else if (e.isFile()) out.push(abs);
  }
  return out;
}

/** git's own test (xdiff-interface.c buffer_is_binary): a NUL byte in the first 8000 bytes. */
export function isBinary(buf: Buffer): boolean {
  return buf.subarray(0, 8000).includes(0);
}

export function readWorkingFile(abs: string, maxSize: number): {text: string} | {skipped: SkipReason} | undefined {
  let size: number;
  try {
    size = statSync(abs).size;
  } catch {
    return undefined;
  }
  if (size > maxSize) return {skipped: 'too-large'};
  const buf = readFileSync(abs);
  if (isBinary(buf)) return {skipped: 'binary'};
  return {text: buf.toString('utf8')};
}

/** `--max-file-size`: bytes, or with a binary suffix (512k, 1M, 1MiB, 2G). */
export function parseSize(s: string): number {
  const m = /^(\d+)\s*([kmg])?(?:i?b)?$/i.exec(s.trim());
  if (!m) throw new InputError(`--max-file-size ${s}: not a size`, 'give bytes, or a number with k, M or G (e.g. 1048576, 512k, 2M)');
  const mult = {'': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3}[(m[2] ?? '').toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(m[1]) * mult;
}
