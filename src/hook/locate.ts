// Where git looks for hooks: `git rev-parse --git-path hooks` honours core.hooksPath and linked
// worktrees. A relative core.hooksPath is relative to the top of the work tree (where git runs
// hooks), so every lookup is made from there.
import {isAbsolute, join} from 'node:path';
import {InputError} from '../errors.js';
import {git, gitRaw, workTreeRoot} from '../scan/git.js';
import {CHAINED_SUFFIX, HOOK_NAME} from './script.js';

export interface HookPaths {
  root: string;
  dir: string;
  hook: string;
  chained: string;
  /** core.hooksPath, when set. */
  hooksPath?: string;
}

export async function locateHooks(cwd: string): Promise<HookPaths> {
  const root = await workTreeRoot(cwd);
  if (!root) throw new InputError(`${cwd} is not inside a git work tree`, 'run this in the repository whose commits should be scanned');
  const rel = (await git(['rev-parse', '--git-path', 'hooks'], {cwd: root})).toString().trim();
  const dir = isAbsolute(rel) ? rel : join(root, rel);
  const cfg = await gitRaw(['config', '--get', 'core.hooksPath'], {cwd: root});
  const hooksPath = cfg.code === 0 ? cfg.stdout.toString().trim() || undefined : undefined;
  const hook = join(dir, HOOK_NAME);
  return {root, dir, hook, chained: hook + CHAINED_SUFFIX, hooksPath};
}
