// hook install / uninstall / status. The invariants: an existing hook is never overwritten (it
// is renamed to pre-commit.kubectl-secret-chained, which keeps its bytes and mode, and our hook
// runs it first); installing twice changes nothing; uninstall puts back exactly what was there.
import {chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmdirSync, unlinkSync} from 'node:fs';
import {delimiter, join} from 'node:path';
import {InputError} from '../errors.js';
import {atomicWriteFile} from '../io/atomic-write.js';
import {readTextIfPresent as readHook} from '../io/input.js';
import {locateHooks, type HookPaths} from './locate.js';
import {classifyHook, createdDir, hookManager, hookScript, type HookKind} from './script.js';

export interface HookStatus {
  paths: HookPaths;
  /** `none` when there is no pre-commit hook at all. */
  state: HookKind | 'none';
  chained: boolean;
  manager?: string;
  onPath: boolean;
}

function exists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

export function onPath(cmd = 'kubectl-secret', path = process.env.PATH ?? ''): boolean {
  return path.split(delimiter).filter(Boolean).some((d) => existsSync(join(d, cmd)));
}

export async function hookStatus(cwd: string): Promise<HookStatus> {
  const paths = await locateHooks(cwd);
  const text = exists(paths.hook) ? (readHook(paths.hook) ?? '') : undefined;
  return {
    paths,
    state: text === undefined ? 'none' : classifyHook(text),
    chained: exists(paths.chained),
    manager: hookManager(text, paths.hooksPath ?? ''),
    onPath: onPath(),
  };
}

export type InstallOutcome = 'installed' | 'chained' | 'unchanged' | 'updated';

export async function installHook(cwd: string, o: {force: boolean}): Promise<{outcome: InstallOutcome; status: HookStatus}> {
  const st = await hookStatus(cwd);
  const {hook, chained, dir} = st.paths;
  const write = (created: boolean) => {
    atomicWriteFile(hook, hookScript({createdDir: created}), {mode: 0o755});
    chmodSync(hook, 0o755);
  };
  switch (st.state) {
    case 'ours':
      return {outcome: 'unchanged', status: st};
    case 'ours-outdated':
    case 'ours-modified': {
      if (st.state === 'ours-modified' && !o.force) {
        throw new InputError(`${hook} is kubectl-secret's hook but was edited since it was installed`, 'rerun with --force to replace it (a chained hook is kept)');
      }
      write(createdDir(readHook(hook) ?? ''));
      return {outcome: 'updated', status: await hookStatus(cwd)};
    }
    case 'none': {
      if (st.chained && !o.force) {
        throw new InputError(`${chained} exists but no pre-commit hook does`, 'remove it, or rerun with --force to install and keep running it');
      }
      const created = !existsSync(dir);
      mkdirSync(dir, {recursive: true});
      write(created);
      return {outcome: 'installed', status: await hookStatus(cwd)};
    }
    case 'foreign': {
      if (st.manager && !o.force) {
        throw new InputError(`the pre-commit hook is managed by ${st.manager}, which would undo a chained hook`, `add \`kubectl-secret scan --staged\` to your ${st.manager} configuration (see docs/scan-and-hook.md), or rerun with --force to chain it anyway`);
      }
      if (st.chained) throw new InputError(`${chained} already exists, so the current pre-commit hook cannot be kept under that name`, 'move one of them away, then install again');
      renameSync(hook, chained);
      write(false);
      return {outcome: 'chained', status: await hookStatus(cwd)};
    }
  }
}

export type UninstallOutcome = 'removed' | 'restored' | 'not-installed';

export async function uninstallHook(cwd: string, o: {force: boolean}): Promise<{outcome: UninstallOutcome; status: HookStatus}> {
  const st = await hookStatus(cwd);
  const {hook, chained, dir} = st.paths;
  if (st.state === 'foreign') return {outcome: 'not-installed', status: st};
  if (st.state === 'none') {
    if (!st.chained) return {outcome: 'not-installed', status: st};
    renameSync(chained, hook);
    return {outcome: 'restored', status: await hookStatus(cwd)};
  }
  if (st.state === 'ours-modified' && !o.force) {
    throw new InputError(`${hook} is kubectl-secret's hook but was edited since it was installed`, 'rerun with --force to remove it anyway');
  }
  const created = createdDir(readHook(hook) ?? '');
  if (st.chained) {
    // rename(2) replaces our hook in one step and keeps the original's bytes and mode.
    renameSync(chained, hook);
    return {outcome: 'restored', status: await hookStatus(cwd)};
  }
  unlinkSync(hook);
  if (created && readdirSync(dir).length === 0) rmdirSync(dir);
  return {outcome: 'removed', status: await hookStatus(cwd)};
}
