// Throwaway git repositories for end-to-end tests, with an environment that ignores the
// machine's git configuration (a developer's hooks, signing or default branch must not change
// what a test sees) and a fixed identity.
import {execFileSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';

export const GIT_ENV = {
  GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com',
};

export interface TempRepo {
  dir: string;
  git: (...args: string[]) => string;
  /** Writes a file (creating its folders), relative to the work tree. */
  write: (path: string, text: string | Buffer) => void;
  /** `git add -A` and a commit (empty allowed); returns the new commit id. */
  commit: (message: string) => string;
}

/** A new repository on branch main, removed after the test. */
export function tempRepo(t: {after: (fn: () => void) => void}, prefix = 'ks-repo-'): TempRepo {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, {recursive: true, force: true}));
  const git = (...args: string[]) => execFileSync('git', args, {cwd: dir, env: {...process.env, ...GIT_ENV}}).toString();
  git('init', '-q', '-b', 'main');
  const write = (path: string, text: string | Buffer) => {
    mkdirSync(dirname(join(dir, path)), {recursive: true});
    writeFileSync(join(dir, path), text);
  };
  const commit = (message: string) => {
    git('add', '-A');
    git('commit', '-q', '--allow-empty', '-m', message);
    return git('rev-parse', 'HEAD').trim();
  };
  return {dir, git, write, commit};
}
