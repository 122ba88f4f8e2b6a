// What `scan --history` reads from git: which blobs a revision range holds, where each first
// appeared, and their contents. One `git log --raw` walk (oldest first) gives every blob that a
// commit added or changed, with its path and the commit; one `git cat-file` process streams the
// blobs. Each distinct blob is read and scanned once, however many commits or paths share it,
// so the cost grows with the number of distinct blobs, not with commits × files.
import {spawn} from 'node:child_process';
import {InputError} from '../errors.js';
import {CatFile} from './catfile.js';
import {gitRaw, splitZ} from './git.js';

/** Where a blob first entered the history: the oldest commit (in topological order) that added it. */
export interface Introduction {
  commit: string;
  /** Author date, strict ISO 8601 as git prints it. */
  date: string;
  /** The blob's path at that commit (repository-relative, `/`). */
  path: string;
}

export interface HistoryWalk {
  /** Blob id → its first introduction, for every regular-file blob in the range. */
  blobs: Map<string, Introduction>;
  commits: number;
  /** Blob ids in HEAD's tree with their paths (empty when there is no HEAD). */
  head: Map<string, string[]>;
}

const REGULAR = new Set(['100644', '100755']);
const ZERO = /^0+$/;

/**
 * Revision arguments as `git rev-list` takes them (`main`, `v1..v2`, `^old`); none means every ref
 * (`--all`).
 * Options are refused: they would be git's options, not revisions (`--output=FILE` writes files).
 */
export function revisionArgs(range: string[]): string[] {
  for (const r of range) {
    if (r.startsWith('-')) throw new InputError(`--history takes revisions, not options: ${JSON.stringify(r.slice(0, 40))}`, 'pass a revision range such as main, v1.2..HEAD or origin/main..feature; with none, every ref is scanned');
  }
  return range;
}

export async function walkHistory(root: string, range: string[], onCommit?: (n: number) => void): Promise<HistoryWalk> {
  const revs = revisionArgs(range);
  if (range.length) {
    // Named revisions are checked first, so a typo is one clear line rather than git's usage text.
    for (const r of range) {
      for (const side of r.split(/\.{2,3}/).filter((s) => s && !s.startsWith('^'))) {
        const ok = await gitRaw(['rev-parse', '--verify', '--quiet', '--end-of-options', `${side.replace(/^\^/, '')}^{commit}`], {cwd: root});
        if (ok.code !== 0) throw new InputError(`--history ${r}: ${side} is not a commit in this repository`, 'pass a branch, tag or commit id, or a range such as v1..HEAD');
      }
    }
  }
  const blobs = new Map<string, Introduction>();
  let commits = 0;
  // --topo-order --reverse: parents before children, so the first sighting is the introduction.
  // -m: merges are diffed against each parent, so a blob that only a merge resolution wrote is
  // seen too; a blob that came in from the merged branch was already seen on that branch.
  // --root: the first commit's whole tree counts as added.
  const args = ['log', '--topo-order', '--reverse', '-m', '--root', '--raw', '-z', '--no-renames', '--no-abbrev', '--no-ext-diff', '--no-textconv', '--format=%x01%H %aI', ...(revs.length ? ['--end-of-options', ...revs] : ['--all'])];
  let current: {commit: string; date: string} | undefined;
  let pending: string | undefined;
  let lastCommit = '';
  await streamGit(root, args, (token) => {
    if (pending !== undefined) {
      const rec = pending;
      pending = undefined;
      // `:srcmode dstmode srcsha dstsha status` then the path.
      const [, dstMode, , dstSha, status] = rec.split(' ');
      if (current && status !== 'D' && REGULAR.has(dstMode) && !ZERO.test(dstSha) && !blobs.has(dstSha)) {
        blobs.set(dstSha, {commit: current.commit, date: current.date, path: token});
      }
      return;
    }
    const t = token.replace(/^\n/, '');
    if (t.startsWith('\x01')) {
      const [commit, date] = t.slice(1).split(' ');
      current = {commit, date};
      if (commit !== lastCommit) {
        lastCommit = commit;
        onCommit?.(++commits);
      }
    } else if (t.startsWith(':')) {
      pending = t;
    }
  });
  return {blobs, commits, head: await headBlobs(root)};
}

async function headBlobs(root: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const r = await gitRaw(['ls-tree', '-r', '-z', '--full-tree', 'HEAD'], {cwd: root});
  if (r.code !== 0) return out; // no HEAD yet (a repository without commits)
  for (const entry of splitZ(r.stdout)) {
    // `mode type sha\tpath`
    const tab = entry.indexOf('\t');
    const [mode, type, sha] = entry.slice(0, tab).split(' ');
    if (type !== 'blob' || !REGULAR.has(mode)) continue;
    const paths = out.get(sha) ?? [];
    paths.push(entry.slice(tab + 1));
    out.set(sha, paths);
  }
  return out;
}

/** Runs git and hands each NUL-terminated token of its output to `onToken` as it arrives. */
function streamGit(root: string, args: string[], onToken: (t: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {cwd: root, env: {...process.env, LC_ALL: 'C'}, stdio: ['ignore', 'pipe', 'pipe']});
    let rest = Buffer.alloc(0);
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => {
      let buf = rest.length ? Buffer.concat([rest, d]) : d;
      let nul: number;
      while ((nul = buf.indexOf(0)) >= 0) {
        onToken(buf.subarray(0, nul).toString('utf8'));
        buf = buf.subarray(nul + 1);
      }
      rest = Buffer.from(buf);
    });
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT' ? new InputError('git is not installed or not on PATH', '--history reads the repository with git') : e));
    child.on('close', (code) => {
      if (rest.length) onToken(rest.toString('utf8'));
      if (code === 0) return resolve();
      const msg = Buffer.concat(err).toString().trim().split('\n')[0];
      // An empty repository has no refs: nothing to walk is not an error.
      if (/does not have any commits|bad default revision|unknown revision/.test(msg) && args.includes('--all')) return resolve();
      reject(new InputError(`git log failed: ${msg || `exit ${code}`}`, 'check the revision range (git log RANGE must work in this repository)'));
    });
  });
}

export interface BlobInfo {
  sha: string;
  size: number;
}

/**
 * Streams blob contents in batches from one `git cat-file` process, so memory holds one batch,
 * not the history. Blobs over `maxSize` are reported, not read.
 */
export async function readBlobsInBatches(
  root: string,
  shas: string[],
  maxSize: number,
  onBlob: (sha: string, content: Buffer) => void,
  onTooLarge: (sha: string, size: number) => void,
): Promise<void> {
  const cat = new CatFile(root);
  try {
    const BATCH = 512;
    for (let i = 0; i < shas.length; i += BATCH) {
      const slice = shas.slice(i, i + BATCH);
      const info = await cat.info(slice);
      const wanted: string[] = [];
      for (const sha of slice) {
        const size = info.get(sha)?.size ?? 0;
        if (size > maxSize) onTooLarge(sha, size);
        else wanted.push(sha);
      }
      const contents = await cat.contents(wanted);
      for (const sha of wanted) {
        const b = contents.get(sha);
        if (b) onBlob(sha, b);
      }
    }
  } finally {
    cat.close();
  }
}

/**
 * The repository's identity for SARIF: origin's URL without any credentials in it (an https URL
 * may carry a token), and HEAD's commit. Without a remote, the caller uses the work tree's path.
 */
export async function repositoryIdentity(root: string): Promise<{repositoryUri?: string; head?: string}> {
  const [url, head] = await Promise.all([gitRaw(['remote', 'get-url', 'origin'], {cwd: root}), gitRaw(['rev-parse', '--verify', '--quiet', 'HEAD'], {cwd: root})]);
  const out: {repositoryUri?: string; head?: string} = {};
  if (head.code === 0) out.head = head.stdout.toString().trim();
  const raw = url.code === 0 ? url.stdout.toString().trim() : '';
  if (raw) {
    try {
      const u = new URL(raw);
      u.username = '';
      u.password = '';
      out.repositoryUri = u.href;
    } catch {
      // scp-like `git@host:org/repo.git` has no password field to leak.
      if (/^[\w.-]+@[\w.-]+:/.test(raw)) out.repositoryUri = raw;
    }
  }
  return out;
}
