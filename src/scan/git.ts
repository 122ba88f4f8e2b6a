// Plain `git` child processes. simple-git would cost more start-up time than the scan itself
// (it loads debug, promise queues and a plugin system), and the pre-commit hook must not be
// felt; spawning git directly costs a few milliseconds per call.
import {spawn} from 'node:child_process';
import {existsSync, realpathSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {InputError} from '../errors.js';

export interface GitResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export function gitRaw(args: string[], o: {cwd: string; input?: string | Buffer} = {cwd: process.cwd()}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    // LC_ALL=C: messages we match on are git's English ones.
    const child = spawn('git', args, {cwd: o.cwd, env: {...process.env, LC_ALL: 'C'}, stdio: ['pipe', 'pipe', 'pipe']});
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT' ? new InputError('git is not installed or not on PATH', 'install git, or scan paths outside a repository') : e));
    child.on('close', (code) => resolve({code: code ?? 1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString()}));
    child.stdin.on('error', () => {});
    child.stdin.end(o.input ?? '');
  });
}

/** Runs git and returns stdout; a failure becomes an InputError naming the git command. */
export async function git(args: string[], o: {cwd: string; input?: string | Buffer}): Promise<Buffer> {
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
  if (!process.env.GIT_DIR && !process.env.GIT_WORK_TREE) {
    let d: string;
    try {
      d = realpathSync(cwd);
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
  try {
    const r = await gitRaw(['rev-parse', '--show-toplevel'], {cwd});
    return r.code === 0 ? r.stdout.toString().trim() : undefined;
  } catch {
    return undefined;
  }
}

export function splitZ(buf: Buffer): string[] {
  const s = buf.toString('utf8');
  return s.split('\0').filter((x) => x !== '');
}
