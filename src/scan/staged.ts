// What `--staged` and `--since` read. `--staged` is exactly what the commit will contain: the
// blobs in the index (GIT_INDEX_FILE is honoured, so `git commit -a` and `git commit PATH`, which
// use a temporary index, are scanned correctly), never the working tree file. Added, modified,
// copied, type-changed and renamed files are read (renames as their new path); deletions are
// not. Blob contents come from one `git cat-file --batch` process rather than one
// `git show :PATH` per file.
import {spawn} from 'node:child_process';
import {InputError} from '../errors.js';
import {git, gitRaw, splitZ} from './git.js';

export interface ChangedEntry {
  path: string;
  /** The index blob id (`--staged`); absent for `--since`, which reads the working tree. */
  blob?: string;
}

const GITLINK = '160000';
const SYMLINK = '120000';

/** `git diff --raw -z` records: `:srcmode dstmode srcsha dstsha status` NUL path NUL. */
function parseRaw(buf: Buffer): {path: string; mode: string; sha: string}[] {
  const parts = splitZ(buf);
  const out: {path: string; mode: string; sha: string}[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (!parts[i].startsWith(':')) continue;
    const [, dstMode, , dstSha] = parts[i].slice(1).split(' ');
    const path = parts[++i];
    if (path !== undefined && dstMode !== GITLINK && dstMode !== SYMLINK) out.push({path, mode: dstMode, sha: dstSha});
  }
  return out;
}

// --no-renames: a rename is then "delete old, add new", so the new path comes out as an
// addition whatever diff.renames says; ACMRT leaves deletions (and unmerged paths) out.
const DIFF_ARGS = ['diff', '--raw', '-z', '--no-abbrev', '--no-renames', '--no-ext-diff', '--diff-filter=ACMRT'];

export async function stagedEntries(root: string): Promise<ChangedEntry[]> {
  return parseRaw(await git([...DIFF_ARGS, '--cached'], {cwd: root, fast: true})).map((e) => ({path: e.path, blob: e.sha}));
}

export async function changedSince(rev: string, root: string): Promise<ChangedEntry[]> {
  // The merge base, as CI wants: "what this branch changed", not "how it differs from REV now".
  const mb = await gitRaw(['merge-base', rev, 'HEAD'], {cwd: root});
  if (mb.code !== 0) {
    const known = await gitRaw(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], {cwd: root});
    if (known.code !== 0) throw new InputError(`--since ${rev}: not a commit in this repository`, 'pass a branch, tag or commit id (in CI, fetch it first: git fetch origin main)');
    throw new InputError(`--since ${rev}: it shares no history with HEAD`, 'pass a revision this branch was made from');
  }
  return parseRaw(await git([...DIFF_ARGS, mb.stdout.toString().trim()], {cwd: root})).map((e) => ({path: e.path}));
}

export interface ObjectInfo {
  sha: string;
  type: string;
  size: number;
}

/** `git cat-file --batch-check` for object names (blob ids, or `:path` for the index). */
export async function objectInfo(root: string, names: string[]): Promise<Map<string, ObjectInfo>> {
  const out = new Map<string, ObjectInfo>();
  if (names.length === 0) return out;
  const lines = (await git(['cat-file', '--batch-check'], {cwd: root, input: names.join('\n') + '\n'})).toString().split('\n');
  names.forEach((name, i) => {
    const m = /^([0-9a-f]+) (\S+) (\d+)$/.exec(lines[i] ?? '');
    if (m) out.set(name, {sha: m[1], type: m[2], size: Number(m[3])});
  });
  return out;
}

/** `git cat-file --batch`: contents of many blobs from one process. */
export async function readBlobs(root: string, shas: string[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const unique = [...new Set(shas)];
  if (unique.length === 0) return out;
  const buf = await git(['cat-file', '--batch'], {cwd: root, input: unique.join('\n') + '\n'});
  let pos = 0;
  for (const sha of unique) {
    const nl = buf.indexOf(10, pos);
    if (nl < 0) break;
    const header = buf.subarray(pos, nl).toString();
    const m = /^([0-9a-f]+) (\S+) (\d+)$/.exec(header);
    if (!m) {
      pos = nl + 1; // "<name> missing"
      continue;
    }
    const size = Number(m[3]);
    out.set(sha, buf.subarray(nl + 1, nl + 1 + size));
    pos = nl + 1 + size + 1;
  }
  return out;
}

/** A blob's bytes in chunks as git writes them, for blobs too large to hold; resolves to its size. */
export function streamBlob(root: string, sha: string, onChunk: (chunk: Buffer) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', 'blob', sha], {cwd: root, env: {...process.env, LC_ALL: 'C'}, stdio: ['ignore', 'pipe', 'pipe']});
    let size = 0;
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => {
      size += d.length;
      onChunk(d);
    });
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(size) : reject(new InputError(`git cat-file blob ${sha} failed: ${Buffer.concat(err).toString().trim().split('\n')[0] || `exit ${code}`}`))));
  });
}
