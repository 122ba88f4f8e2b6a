// Everything `scan --fix` does around the sealing itself: pick the files whose findings sealing
// resolves, refuse a file whose working copy differs from what was staged (sealing it would
// commit work the user did not stage, or lose it), ask per file, seal, and re-stage.
// The sealing is a parameter: `sealFileInPlace` from src/seal/ (the seal command's logic).
import {closeSync, openSync, readSync} from 'node:fs';
import {readAsManifest} from './documents.js';
import {detectEncoding} from './files.js';
import {IncompleteError, InputError} from '../errors.js';
import type {Cluster} from '../kube/cluster.js';
import type {SourceFile} from './files.js';
import {git, gitRaw, splitZ} from './git.js';
import type {ScanReport} from './inputs.js';
import type {RuleId} from './types.js';

export interface SealInPlaceOptions {
  /** --cert FILE (a PEM certificate or public key); otherwise the cluster's key or the `seal` defaults. */
  cert?: string;
  /** -n: the namespace for Secrets that carry none (else the context's, when a cluster is used). */
  namespace?: string;
  /** Connects on first call; never called when the key comes from --cert or the config. */
  cluster?: () => Promise<Cluster>;
}

/**
 * Rewrites `file` so that every plaintext v1 Secret in it is sealed, leaving other documents as
 * they are. Resolves false (file untouched) when it holds no Secret: a last-applied annotation on
 * another kind of object is not something sealing can fix.
 */
/** false: nothing to seal in the file; otherwise what sealed it (src/seal/in-place.ts). */
export type SealFileInPlace = (file: string, opts: SealInPlaceOptions) => Promise<false | void | import('../seal/in-place.js').SealedInPlace>;

/** Findings that sealing the Secret objects of a file resolves. */
export const FIXABLE: ReadonlySet<RuleId> = new Set(['plaintext-secret', 'last-applied-secret']);

export interface FixOptions {
  report: ScanReport;
  staged: boolean;
  /** Called only when some file will be sealed, so a missing sealer is reported only then. */
  loadSeal: () => Promise<SealFileInPlace>;
  sealOptions: SealInPlaceOptions;
  /** Asked per file; absent means yes (`--yes`). */
  confirm?: (file: string) => Promise<boolean>;
  log: (line: string) => void;
}

export interface FixResult {
  sealed: string[];
  refused: {file: string; reason: string}[];
  declined: string[];
}

function fileEncoding(abs: string): string {
  const buf = Buffer.alloc(4096);
  let fd: number | undefined;
  try {
    fd = openSync(abs, 'r');
    return detectEncoding(buf.subarray(0, readSync(fd, buf, 0, buf.length, 0))).encoding;
  } catch {
    return 'utf-8';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function fixableFiles(report: ScanReport): SourceFile[] {
  const names = new Set(report.findings.filter((f) => !f.suppressed && FIXABLE.has(f.rule)).map((f) => f.file));
  return [...names].map((n) => report.files.get(n)).filter((f): f is SourceFile => f !== undefined);
}

/** Files whose working copy differs from the index (`git diff` without --cached). */
export async function withUnstagedChanges(root: string, paths: string[]): Promise<Set<string>> {
  if (paths.length === 0) return new Set();
  return new Set(splitZ(await git(['diff', '--name-only', '-z', '--no-ext-diff', '--', ...paths.map((p) => `:(literal)${p}`)], {cwd: root})));
}

export async function fixFindings(o: FixOptions): Promise<FixResult> {
  const result: FixResult = {sealed: [], refused: [], declined: []};
  let files = fixableFiles(o.report);
  if (o.staged) {
    const dirty = await withUnstagedChanges(o.report.root, files.map((f) => f.path));
    for (const f of files.filter((x) => dirty.has(x.path))) {
      const reason = 'it also has unstaged changes; sealing the working copy would mix them into the commit (stage or stash them first: git add / git stash --keep-index)';
      result.refused.push({file: f.display, reason});
      o.log(`not sealing ${f.display}: ${reason}`);
    }
    files = files.filter((x) => !dirty.has(x.path));
  }
  if (files.length === 0) return result;
  const seal = await o.loadSeal();
  for (const f of files) {
    if (o.confirm && !(await o.confirm(f.display))) {
      result.declined.push(f.display);
      continue;
    }
    // A Secret in a Markdown code block, a shell heredoc or a Terraform resource is inside a
    // file no sealer can rewrite as YAML: say so, as for a manifest written as a string.
    if (!readAsManifest(f.path)) {
      const reason = 'the Secret is in a Markdown code block, a script (a heredoc) or Terraform, not in a manifest file --fix can rewrite (seal it with `kubectl secret seal` and paste the result, or remove it)';
      result.refused.push({file: f.display, reason});
      o.log(`not sealing ${f.display}: ${reason}`);
      continue;
    }
    const encoding = fileEncoding(f.abs);
    if (encoding !== 'utf-8') {
      // The sealer reads and writes UTF-8; rewriting a UTF-16/32 file would change its encoding under the user.
      const reason = `it is ${encoding.toUpperCase()}, not UTF-8: convert it (e.g. iconv -f ${encoding} -t utf-8) and run --fix again, or seal it by hand`;
      result.refused.push({file: f.display, reason});
      o.log(`not sealing ${f.display}: ${reason}`);
      continue;
    }
    let sealed;
    try {
      sealed = await seal(f.abs, o.sealOptions);
    } catch (e) {
      // A Makefile or a script named like a manifest, whose Secret is in a heredoc.
      if (!(e instanceof InputError) || !e.message.includes('malformed YAML')) throw e;
      const reason = 'it is not a YAML file --fix can rewrite (the Secret is in a heredoc or a template): seal it by hand';
      result.refused.push({file: f.display, reason});
      o.log(`not sealing ${f.display}: ${reason}`);
      continue;
    }
    if (sealed === false) {
      const reason = 'it holds no Secret document --fix can seal: the plaintext is in a last-applied-configuration annotation of another kind of object, a manifest written as a string, a kustomize patch, or the template of a SealedSecret or ExternalSecret (seal or remove it by hand)';
      result.refused.push({file: f.display, reason});
      o.log(`not sealing ${f.display}: ${reason}`);
      continue;
    }
    if (o.staged) await stage(o.report.root, f);
    result.sealed.push(f.display);
    o.log(`sealed ${f.display}${o.staged ? ' (and staged it)' : ''}`);
  }
  return result;
}

/**
 * `git add` of a file we just sealed. Another git process (a commit, an editor) may hold
 * index.lock for a moment: wait for it, bounded, as a user would. If staging still fails, the
 * working copy is sealed but the index keeps the plaintext: say so, and what to run.
 */
async function stage(root: string, f: SourceFile): Promise<void> {
  // A commit holds the lock while its hooks run (our own scan among them): seconds, not minutes.
  const giveUpAt = Date.now() + 10_000;
  for (;;) {
    const r = await gitRaw(['add', '--', `:(literal)${f.path}`], {cwd: root});
    if (r.code === 0) return;
    if (/index\.lock/.test(r.stderr) && Date.now() < giveUpAt) {
      await new Promise((res) => setTimeout(res, 100));
      continue;
    }
    throw new IncompleteError(
      `sealed ${f.display} but could not stage it: ${r.stderr.trim().split('\n')[0] || `git add exit ${r.code}`}`,
      `run \`git add ${f.display}\`: the working copy is sealed, the index still holds the plaintext`,
    );
  }
}

export async function loadSealFileInPlace(): Promise<SealFileInPlace> {
  let mod: {sealFileInPlace?: unknown} | undefined;
  try {
    // A literal path, so the bundler (scripts/build.mjs) follows it into dist/fast.
    mod = await import('../seal/in-place.js');
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('in-place')) throw error;
  }
  if (typeof mod?.sealFileInPlace !== 'function') {
    throw new InputError('scan --fix is not available yet: this build cannot seal files in place', 'seal the reported files with `kubectl secret seal`, then run the scan again');
  }
  return mod.sealFileInPlace as SealFileInPlace;
}
