// `kubectl secret scan` end to end, minus rendering: decide which files (paths, `--staged`,
// `--since`), read them (working tree or index), load `.kubectl-secret.yaml`, resolve the files
// that kustomize secretGenerators read, and scan each text. The YAML parser and the rules are
// only loaded once some file could hold a finding, so a commit without manifests costs little
// more than the git calls.
import {join, posix, resolve} from 'node:path';
import {InputError} from '../errors.js';
import {mightFind} from './documents.js';
import {collectPaths, decodeFile, MaterialProbe, readRepositoryFile, readWorkingFile, sourceFile, type FileRead, type SkipReason, type SourceFile} from './files.js';
import {privateKey} from './private-key.js';
import {workTreeRoot} from './git.js';
import {CONFIG_FILE, defaultConfig, globMatcher, parseScanConfig, type ScanConfig} from './suppress.js';
import {HINTS, type Finding, type KustomizeReference, type ScanWarning} from './types.js';
import {MATERIAL_NAMES, secretMaterial} from './unparseable-secret.js';

export interface RunScanOptions {
  cwd: string;
  paths: string[];
  staged?: boolean;
  since?: string;
  maxFileSize: number;
}

export interface ScanReport {
  root: string;
  /** Every finding, suppressed ones included (marked). */
  findings: Finding[];
  warnings: ScanWarning[];
  scanned: number;
  skipped: number;
  skippedBy: Record<SkipReason, number>;
  /** The files read, by display name, for --fix. */
  files: Map<string, SourceFile>;
}

type Read = FileRead | undefined;

interface Source {
  files: SourceFile[];
  /** Entries of the folders given that are not regular files, or that .gitignore excludes: counted as skipped. */
  listing?: {notFiles: number; ignored: number};
  read(f: SourceFile): Promise<Read>;
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
  let scanText: typeof import('./scan.js').scanText | undefined;
  for (const f of source.files) {
    const r = await source.read(f);
    if (!r) continue;
    if ('skipped' in r) {
      report.skipped++;
      report.skippedBy[r.skipped]++;
      // Fail closed: a file the scan could not open may hold anything, so it is said, not only counted.
      if (r.skipped === 'unreadable') report.warnings.push({file: f.display, message: `${r.why}; not scanned for Secrets`});
      continue;
    }
    if ('tooLarge' in r || 'binary' in r) {
      // Fail closed: a file the rules cannot read is a finding when it may hold Secret material.
      const why = unreadable(r, references.has(f.path), o.maxFileSize);
      report.skipped++;
      report.skippedBy['tooLarge' in r ? 'too-large' : 'binary']++;
      if (why && config.rules.has('unparseable-secret')) {
        const finding: Finding = {rule: 'unparseable-secret', severity: 'high', file: f.display, line: why.line, column: 1, message: why.message, hint: HINTS['unparseable-secret']};
        if (allow?.(f.path)) finding.suppressed = 'config';
        report.findings.push(finding);
        report.files.set(f.display, f);
      }
      continue;
    }
    report.scanned++;
    report.files.set(f.display, f);
    if (!mightFind(f.path, r.text, references.has(f.path))) continue;
    scanText ??= (await import('./scan.js')).scanText;
    const res = scanText(f.path, r.text, {display: f.display, rules: config.rules, references, allow});
    report.findings.push(...res.findings);
    report.warnings.push(...res.warnings);
  }
  return report;
}

function unreadable(r: Extract<FileRead, {tooLarge: number} | {binary: string}>, referenced: boolean, max: number): {line: number; message: string} | undefined {
  if ('tooLarge' in r) {
    if (!r.probe.material && !referenced) return undefined;
    const what = !r.probe.material ? 'is read by a secretGenerator' : r.probe.command ? 'may hold a kubectl create secret command line with a value' : 'may hold Secret material';
    return {line: r.probe.line ?? 1, message: `the file is ${r.tooLarge} bytes, over --max-file-size (${max}), and ${what}: it was not scanned (scan it with --max-file-size ${r.tooLarge} or more)`};
  }
  let material = secretMaterial(r.binary);
  // The armour alone is a string in every TLS library, and so in many binaries: a key needs a body.
  if (material === 'armour' && privateKey(r.binary).length === 0) material = undefined;
  if (!material && !referenced) return undefined;
  return {line: r.nulLine, message: `the file is not text (a NUL byte on line ${r.nulLine}) and ${material ? `may hold ${MATERIAL_NAMES[material]}` : 'is read by a secretGenerator'}: it could not be scanned`};
}

async function pathSource(root: string, o: RunScanOptions): Promise<Source> {
  const {files, ...listing} = await collectPaths(o.paths, {cwd: o.cwd, root});
  return {files, listing, read: async (f) => readWorkingFile(f.abs, o.maxFileSize), readExtra: async (paths) => readWorkingExtras(root, paths)};
}

// The git-backed sources load their modules themselves: a scan of paths starts no git process.
async function sinceSource(root: string, o: RunScanOptions, rev: string): Promise<Source> {
  const {changedSince} = await import('./staged.js');
  const files = filterToPaths((await changedSince(rev, root)).map((e) => sourceFile(join(root, e.path), root, o.cwd)), o);
  return {files, read: async (f) => readWorkingFile(f.abs, o.maxFileSize), readExtra: async (paths) => readWorkingExtras(root, paths)};
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
