// git for the repository operations (staged names, merge bases, staging --fix results, hook
// configuration) goes through simple-git, as the design names it; it is loaded only by commands
// that call git, and costs about 25 ms over `node -e 0` (docs/performance.md), not the 0.6 s
// once attributed to it. Calls that feed git's stdin — `git cat-file --batch`, the one
// long-lived process that streams blob contents — stay a plain child process, and so do the
// two reads on the paths that must not be felt (`fast: true`): the commit hook's `git diff
// --cached` and a folder scan's `git ls-files`. simple-git costs them ~20 ms of CPU (loading it
// and its promise chain) in a run whose whole budget over `node -e 0` is ~30 ms.
import {existsSync, realpathSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {InputError} from '../errors.js';

export interface GitResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

// simple-git refuses environment variables and settings that can make git run other programs
// (GIT_CONFIG_GLOBAL, core.hooksPath, GIT_SSH_COMMAND, pagers, editors...), a guard for
// arguments taken from untrusted input. Ours are fixed by this code (paths only as literal
// pathspecs after --), and the environment is the user's own, which git must see exactly as
// from their shell: a commit made with GIT_CONFIG_GLOBAL or core.hooksPath is scanned with them.
const USERS_OWN_ENVIRONMENT = {
  allowUnsafeAlias: true, allowUnsafeAskPass: true, allowUnsafeConfigPaths: true, allowUnsafeConfigEnvCount: true,
  allowUnsafeCredentialHelper: true, allowUnsafeEditor: true, allowUnsafeMergeDriver: true, allowUnsafePager: true,
  allowUnsafeSshCommand: true, allowUnsafeGitProxy: true, allowUnsafeHooksPath: true, allowUnsafeDiffExternal: true,
  allowUnsafeDiffTextConv: true, allowUnsafeFilter: true, allowUnsafeFsMonitor: true, allowUnsafeGpgProgram: true,
  allowUnsafeTemplateDir: true,
};

const notInstalled = () => new InputError('git is not installed or not on PATH', 'install git, or scan paths outside a repository');

export interface GitOptions {
  cwd: string;
  input?: string | Buffer;
  /** A plain child process rather than simple-git, for the reads that must not be felt (top of this file). */
  fast?: boolean;
}

export async function gitRaw(args: string[], o: GitOptions = {cwd: process.cwd()}): Promise<GitResult> {
  if (o.input !== undefined || o.fast) return gitChild(args, o);
  const {simpleGit} = await import('simple-git');
  // Our own error handler: every exit status and stderr comes back to the caller, who decides
  // (merge-base exits 1 with nothing on stderr; index.lock is retried by --fix).
  let result: {exitCode: number; stdOut: Buffer[]; stdErr: Buffer[]} | undefined;
  try {
    // LC_ALL=C: messages we match on are git's English ones.
    await simpleGit({baseDir: o.cwd, unsafe: USERS_OWN_ENVIRONMENT, errors: (_error, r) => {
      result = r;
      return undefined;
    }}).env({...process.env, LC_ALL: 'C'}).raw(args);
  } catch (error) {
    if (/ENOENT/.test(String((error as Error)?.message))) throw notInstalled();
    throw error;
  }
  if (!result) throw new Error(`git ${args[0]}: simple-git returned no result`);
  return {code: result.exitCode, stdout: Buffer.concat(result.stdOut), stderr: Buffer.concat(result.stdErr).toString()};
}

async function gitChild(args: string[], o: {cwd: string; input?: string | Buffer}): Promise<GitResult> {
  // Loaded when needed: a scan of files outside a repository, or of a work tree found by its
  // .git, never starts a process, and child_process (with net and dgram) is start-up it need not pay.
  const {spawn} = await import('node:child_process');
  return new Promise((resolve, reject) => {
    // LC_ALL=C: messages we match on are git's English ones.
    const child = spawn('git', args, {cwd: o.cwd, env: {...process.env, LC_ALL: 'C'}, stdio: [o.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe']});
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT' ? notInstalled() : e));
    child.on('close', (code) => resolve({code: code ?? 1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString()}));
    if (o.input !== undefined) {
      child.stdin!.on('error', () => {});
      child.stdin!.end(o.input);
    }
  });
}

/** Runs git and returns stdout; a failure becomes an InputError naming the git command. */
export async function git(args: string[], o: GitOptions): Promise<Buffer> {
  const r = await gitRaw(args, o);
  if (r.code !== 0) {
    throw new InputError(`git ${args.filter((a) => !a.startsWith('-')).slice(0, 2).join(' ')} failed: ${r.stderr.trim().split('\n')[0] || `exit ${r.code}`}`);
  }
  return r.stdout;
}

/**
 * The top of the work tree containing `cwd`, or undefined outside one. Found by looking for
 * `.git` upwards, as git's own discovery does, which saves a git process (tens of ms on some
 * machines) per run; when GIT_DIR or GIT_WORK_TREE redirect git, git itself is asked.
 */
export async function workTreeRoot(cwd: string): Promise<string | undefined> {
  if (!process.env.GIT_DIR && !process.env.GIT_WORK_TREE) return dotGitAbove(cwd);
  try {
    const r = await gitRaw(['rev-parse', '--show-toplevel'], {cwd});
    return r.code === 0 ? r.stdout.toString().trim() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * True when git could not find a repository for `dir`: no GIT_DIR or GIT_WORK_TREE, and no
 * `.git` in it or above it. A folder scanned outside any repository is then walked without
 * loading simple-git and starting two git processes that can only fail.
 */
export function outsideAnyWorkTree(dir: string): boolean {
  return !process.env.GIT_DIR && !process.env.GIT_WORK_TREE && dotGitAbove(dir) === undefined;
}

/** The nearest folder at or above `dir` holding `.git` (real path), as git's own discovery finds it. */
function dotGitAbove(dir: string): string | undefined {
  let d: string;
  try {
    d = realpathSync(dir);
  } catch {
    return undefined;
  }
  for (;;) {
    if (existsSync(join(d, '.git'))) return d;
    const up = dirname(d);
    if (up === d) return undefined;
    d = up;
  }
}

export function splitZ(buf: Buffer): string[] {
  const s = buf.toString('utf8');
  return s.split('\0').filter((x) => x !== '');
}
