// `kubectl secret scan` end to end, minus rendering: decide which files (paths, `--staged`,
// `--since`), read them (working tree or index), load `.kubectl-secret.yaml`, resolve the files
// that kustomize secretGenerators read, and scan each text. The YAML parser and the rules are
// only loaded once some file could hold a finding, so a commit without manifests costs little
// more than the git calls.
import {existsSync} from 'node:fs';
import {join, posix, resolve} from 'node:path';
import {InputError} from '../errors.js';
import {collectPaths, decodeFile, MaterialProbe, readRepositoryFile, readWorkingFile, sourceFile, type FileRead, type SourceFile} from './files.js';
import {workTreeRoot} from './git.js';
import {applyOutcome, fileOutcome, type FileStepContext, type OutcomeTotals} from './per-file.js';
import {CONFIG_FILE, defaultConfig, globMatcher, parseScanConfig, type ScanConfig} from './suppress.js';
import type {KustomizeReference} from './types.js';

export interface RunScanOptions {
  cwd: string;
  paths: string[];
  staged?: boolean;
  since?: string;
  maxFileSize: number;
  /**
   * This package's root (the command's config.root): where a large scan of working-tree files
   * finds bin/scan-worker.js to scan in worker threads (parallel.ts). Without it, one thread.
   */
  packageRoot?: string;
}

/** The per-file outcomes added up (per-file.ts: findings, suppressed ones included and marked; the files read, by display name, for --fix), for a repository root. */
export interface ScanReport extends OutcomeTotals {
  root: string;
}

type Read = FileRead | undefined;

interface Source {
  files: SourceFile[];
  /** Entries of the folders given that are not regular files, or that .gitignore excludes: counted as skipped. */
  listing?: {notFiles: number; ignored: number};
  read(f: SourceFile): Promise<Read>;
  /** Files are read from the working tree by path (so worker threads can read them too). */
  workingTree?: boolean;
  /** Small repository files (config, kustomizations) by root-relative path, from the same place the scan reads. */
  readExtra(paths: string[]): Promise<Map<string, string>>;
}

const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export async function runScan(o: RunScanOptions): Promise<ScanReport> {
  if (o.staged && o.since) throw new InputError('--staged and --since cannot be used together', '--staged scans the index; --since scans files changed since a revision');
  const gitRoot = await workTreeRoot(o.cwd);
  if ((o.staged || o.since) && !gitRoot) throw new InputError(`${o.staged ? '--staged' : '--since'} needs a git repository, and ${o.cwd} is not in one`);
  const root = gitRoot ?? o.cwd;
  const source = o.staged ? await indexSource(root, o) : o.since ? await sinceSource(root, o, o.since) : await pathSource(root, o);

  const extras = new Set<string>([CONFIG_FILE]);
  const candidates = kustomizationCandidates(source.files);
  candidates.forEach((c) => extras.add(c));
  const extra = await source.readExtra([...extras]);
  const configText = extra.get(CONFIG_FILE);
  const config: ScanConfig = configText === undefined ? defaultConfig() : await parseScanConfig(configText);
  const references = config.rules.has('kustomize-secret-literal') ? await kustomizeReferences(candidates, extra, source) : new Map();
  const allow = config.allow.length ? globMatcher(config.allow) : undefined;

  const notFiles = source.listing?.notFiles ?? 0;
  const ignored = source.listing?.ignored ?? 0;
  const report: ScanReport = {root, findings: [], warnings: [...config.warnings], scanned: 0, skipped: notFiles + ignored, skippedBy: {binary: 0, 'too-large': 0, 'not-a-file': notFiles, unreadable: 0, ignored}, files: new Map()};
  const ctx: FileStepContext = {rules: config.rules, references, allow, maxFileSize: o.maxFileSize};
  const step = async (f: SourceFile) => fileOutcome(f, await source.read(f), ctx);
  const parallel = source.workingTree && o.packageRoot && source.files.length > 1 ? await parallelPlan(source.files.length, o.packageRoot) : undefined;
  if (parallel) {
    const job = {files: source.files, rules: [...config.rules], references, allow: config.allow, maxFileSize: o.maxFileSize};
    const outcomes = await parallel.scanInParallel({job, threads: parallel.threads, entry: parallel.entry, step});
    source.files.forEach((f, i) => applyOutcome(report, f, outcomes[i]));
  } else {
    for (const f of source.files) applyOutcome(report, f, await step(f));
  }
  return report;
}

/**
 * Threads for a scan of working-tree files, when more than one: the worker entry must be there
 * (not in the single executable, which carries no files: it scans in one thread).
 */
async function parallelPlan(files: number, packageRoot: string): Promise<{threads: number; entry: string; scanInParallel: typeof import('./parallel.js').scanInParallel} | undefined> {
  const {threadsFor, scanInParallel} = await import('./parallel.js');
  const threads = threadsFor(files);
  if (threads < 2) return undefined;
  const entry = join(packageRoot, 'bin', 'scan-worker.js');
  if (!existsSync(entry) || (await import('node:sea')).isSea()) return undefined;
  return {threads, entry, scanInParallel};
}

async function pathSource(root: string, o: RunScanOptions): Promise<Source> {
  const {files, ...listing} = await collectPaths(o.paths, {cwd: o.cwd, root});
  return {files, listing, workingTree: true, read: async (f) => readWorkingFile(f.abs, o.maxFileSize), readExtra: async (paths) => readWorkingExtras(root, paths)};
}

// The git-backed sources load their modules themselves: a scan of paths starts no git process.
async function sinceSource(root: string, o: RunScanOptions, rev: string): Promise<Source> {
  const {changedSince} = await import('./staged.js');
  const files = filterToPaths((await changedSince(rev, root)).map((e) => sourceFile(join(root, e.path), root, o.cwd)), o);
  return {files, workingTree: true, read: async (f) => readWorkingFile(f.abs, o.maxFileSize), readExtra: async (paths) => readWorkingExtras(root, paths)};
}

async function indexSource(root: string, o: RunScanOptions): Promise<Source> {
  const [{CatFile}, {streamBlob, stagedEntries}] = await Promise.all([import('./catfile.js'), import('./staged.js')]);
  const cat = new CatFile(root);
  const entries = await stagedEntries(root).catch((e) => {
    cat.close();
    throw e;
  });
  const blobOf = new Map(entries.map((e) => [e.path, e.blob!]));
  const files = filterToPaths(entries.map((e) => sourceFile(join(root, e.path), root, o.cwd)), o);
  let contents = new Map<string, Buffer>();
  let sizes = new Map<string, number>();
  let ready = false;
  return {
    files,
    // Called first by runScan: sizes of everything, then the contents worth reading, in one
    // cat-file process whatever the number of files.
    async readExtra(paths) {
      try {
        const names = [...files.map((f) => blobOf.get(f.path)!), ...paths.map((p) => `:${p}`)];
        const info = await cat.info(names);
        sizes = new Map(files.map((f) => [f.path, info.get(blobOf.get(f.path)!)?.size ?? 0]));
        const wanted = [
          ...files.filter((f) => (sizes.get(f.path) ?? 0) <= o.maxFileSize).map((f) => blobOf.get(f.path)!),
          ...paths.map((p) => info.get(`:${p}`)).filter((i) => i?.type === 'blob' && i.size <= o.maxFileSize).map((i) => i!.sha),
        ];
        contents = await cat.contents(wanted);
        ready = true;
        const out = new Map<string, string>();
        for (const p of paths) {
          const b = contents.get(info.get(`:${p}`)?.sha ?? '');
          const d = b && decodeFile(b);
          if (d && 'text' in d) out.set(p, d.text);
        }
        return out;
      } finally {
        cat.close();
      }
    },
    async read(f) {
      if (!ready) throw new Error('internal: readExtra must run before read');
      const blob = blobOf.get(f.path)!;
      if ((sizes.get(f.path) ?? 0) > o.maxFileSize) {
        const probe = new MaterialProbe();
        const size = await streamBlob(root, blob, (chunk) => probe.push(chunk));
        return {tooLarge: size, probe: probe.result()};
      }
      const b = contents.get(blob);
      return b ? decodeFile(b) : undefined;
    },
  };
}

/** With --staged/--since, PATH arguments narrow the changed files to those at or under them. */
function filterToPaths(files: SourceFile[], o: RunScanOptions): SourceFile[] {
  if (o.paths.length === 0) return files;
  const bases = o.paths.map((p) => resolve(o.cwd, p).replace(/\/+$/, ''));
  return files.filter((f) => bases.some((b) => f.abs === b || f.abs.startsWith(b + '/')));
}

function readWorkingExtras(root: string, paths: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of paths) {
    const text = readRepositoryFile(root, join(root, p), 1024 * 1024);
    if (text !== undefined) out.set(p, text);
  }
  return out;
}

/** kustomize only reads files in or below a kustomization's folder, so only ancestors can reference a file. */
function kustomizationCandidates(files: SourceFile[]): string[] {
  const dirs = new Set<string>();
  for (const f of files) {
    if (f.path.startsWith('../')) continue;
    for (let d = posix.dirname(f.path); ; d = posix.dirname(d)) {
      if (dirs.has(d)) break;
      dirs.add(d);
      if (d === '.' || d === '/') break;
    }
  }
  return [...dirs].flatMap((d) => KUSTOMIZATION_NAMES.map((n) => (d === '.' ? n : `${d}/${n}`)));
}

async function kustomizeReferences(candidates: string[], extra: Map<string, string>, source: Source): Promise<Map<string, KustomizeReference[]>> {
  const refs = new Map<string, KustomizeReference[]>();
  const present = candidates.filter((c) => extra.has(c) && /secretGenerator|generators|patches/.test(extra.get(c)!));
  if (present.length === 0) return refs;
  const [{readManifest}, {referencesOf, generatorConfigPaths}, {patchReferencesOf}] = await Promise.all([
    import('./manifest-view.js'),
    import('./kustomize-secret-literal.js'),
    import('./kustomize-patch.js'),
  ]);
  const scanned = new Set(source.files.map((f) => f.path));
  for (const k of present) {
    const text = extra.get(k)!;
    const views = readManifest(text).views;
    // A builtin SecretGenerator listed under `generators:` reads its envs/files from k's folder.
    const configs = text.includes('generators') ? await source.readExtra(generatorConfigPaths(k, text)) : new Map<string, string>();
    for (const config of configs.values()) views.push(...readManifest(config).views);
    for (const [path, ref] of [...referencesOf(k, views), ...patchReferencesOf(k, text)]) {
      if (!scanned.has(path)) continue;
      refs.set(path, [...(refs.get(path) ?? []), ref]);
    }
  }
  return refs;
}
