// V8's compile cache for bin/run.js and bin/kubectl_complete-secret, in a directory only this
// user can write. A V8 code cache is executable code: Node runs what it finds there for a source
// it matches, so a cache another user can write into lets that user run code as you. Without a
// directory, Node picks $TMPDIR/node-compile-cache, shared by every user of the machine and
// owned by whoever made it first. Written to parse on any Node (bin/pinned-node.js). CommonJS,
// as everything in bin/ (bin/package.json): Node starts a CommonJS entry ~15 ms sooner than an
// ES module one with the same imports, on every command and every TAB press.
'use strict';
const {lstatSync, mkdirSync} = require('node:fs');
const {homedir} = require('node:os');
const {isAbsolute, join} = require('node:path');

/** `dir` is a real directory (not a link), ours, and no one else may write into it. */
function isPrivateDir(dir) {
  const st = lstatSync(dir);
  if (!st.isDirectory()) return false;
  // Windows has neither owners as numbers nor these mode bits; the per-user profile is private there.
  if (process.platform === 'win32') return true;
  return st.uid === process.getuid() && (st.mode & 0o022) === 0;
}

/**
 * $XDG_CACHE_HOME/kubectl-secret/compile-cache (~/.cache/… without it), made 0700; undefined when
 * it cannot be made or is not private (then no cache at all: slower, never unsafe).
 */
function compileCacheDir(env = process.env) {
  try {
    const base = env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
    const ours = join(base, 'kubectl-secret');
    const dir = join(ours, 'compile-cache');
    mkdirSync(dir, {recursive: true, mode: 0o700});
    // Another user able to rename entries in `ours` could swap `dir` for their own: both are checked.
    return isPrivateDir(ours) && isPrivateDir(dir) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** Node's compile cache (Node >= 22.1) in compileCacheDir(), or none. */
function enableCompileCache() {
  const dir = compileCacheDir();
  if (dir) require('node:module').enableCompileCache?.(dir);
}

module.exports = {compileCacheDir, enableCompileCache};
