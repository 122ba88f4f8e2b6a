// `kubectl secret scan --history`: every version of every file in a revision range, scanned with
// the same rules and suppressions as `scan`. A leak is one finding however many commits carry it:
// findings are keyed by rule, object, key and (in memory only) the value, and each is attributed
// to the oldest commit that introduced it and marked when HEAD still holds it. A value that
// changed is a new leak with its own introduction. The values themselves stay in this module's
// memory, for `--check-live` to compare with the cluster; nothing here prints, logs or hashes one.
import {join, posix, relative} from 'node:path';
import {yaml} from '../manifests/yaml-libs.js';
import {InputError} from '../errors.js';
import {readTextIfPresent} from '../io/input.js';
import {isMarkdownPath, mightFind} from './documents.js';
import {decodeFile, toPosix} from './files.js';
import {workTreeRoot} from './git.js';
import {readBlobsInBatches, walkHistory, type Introduction} from './history-inputs.js';
import {kubectlLiteralValues, type KubectlLiteralValue} from './kubectl-literal.js';
import {patchReferencesOf} from './kustomize-patch.js';
import {generatorConfigPaths, parseLiteral, referencesOf} from './kustomize-secret-literal.js';
import type {ObjectView} from './object-view.js';
import {CONFIG_FILE, defaultConfig, globMatcher, parseScanConfig} from './suppress.js';
import type {Finding, KustomizeReference, ScanWarning} from './types.js';

export interface HistoryOptions {
  cwd: string;
  /** Revision arguments; empty means every ref. */
  range: string[];
  maxFileSize: number;
  progress?: (p: HistoryProgress) => void;
}

export interface HistoryProgress {
  phase: 'walk' | 'scan';
  commits: number;
  blobsDone: number;
  blobsTotal: number;
}

export interface HistoryFinding extends Finding {
  commit: string;
  date: string;
  /** The path at the introducing commit (repository-relative). */
  path: string;
  atHead: boolean;
}

/** One Secret key whose leaked value `--check-live` compares with the cluster. */
export interface LiveTarget {
  name: string;
  namespace?: string;
  /** kustomize appends a content hash to generated names unless told not to. */
  hashSuffix: boolean;
  key: string;
  value: Buffer;
  /** A registry password, which the live Secret holds inside its docker config (`.dockerconfigjson`, `.dockercfg`). */
  dockerPassword?: boolean;
}

export interface HistoryReport {
  root: string;
  findings: HistoryFinding[];
  warnings: ScanWarning[];
  commits: number;
  blobs: number;
  scanned: number;
  skipped: {binary: number; 'too-large': number};
  /** In memory only: the leaked keys behind each finding, by index into `findings`. */
  targets: Map<number, LiveTarget[]>;
}

const KUSTOMIZATION_NAMES = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);

export async function runHistoryScan(o: HistoryOptions): Promise<HistoryReport> {
  const root = await workTreeRoot(o.cwd);
  if (!root) throw new InputError(`--history needs a git repository, and ${o.cwd} is not in one`, 'run it inside the repository whose history to scan');
  let commits = 0;
  const walk = await walkHistory(root, o.range, (n) => {
    commits = n;
    if (n % 200 === 0) o.progress?.({phase: 'walk', commits: n, blobsDone: 0, blobsTotal: 0});
  });
  const configText = readTextIfPresent(join(root, CONFIG_FILE));
  const config = configText === undefined ? defaultConfig() : await parseScanConfig(configText);
  const allow = config.allow.length ? globMatcher(config.allow) : undefined;
  const {scanText} = await import('./scan.js');

  // Blobs at HEAD that the range did not reach (a range that ends before HEAD) are read too,
  // only to tell which leaks HEAD still holds.
  const atHeadOnly = [...walk.head.keys()].filter((sha) => !walk.blobs.has(sha));
  const references = config.rules.has('kustomize-secret-literal') ? await kustomizeReferences(root, walk.blobs, o.maxFileSize) : new Map<string, KustomizeReference[]>();

  const report: HistoryReport = {root, findings: [], warnings: [], commits: walk.commits || commits, blobs: walk.blobs.size, scanned: 0, skipped: {binary: 0, 'too-large': 0}, targets: new Map()};
  const order = commitOrder(walk.blobs);
  const byIdentity = new Map<string, number>();
  const headIdentities = new Set<string>();
  const display = (p: string) => toPosix(relative(o.cwd, join(root, p))) || p;

  const all = [...walk.blobs.keys(), ...atHeadOnly];
  let done = 0;
  const tick = () => {
    done++;
    if (done % 500 === 0) o.progress?.({phase: 'scan', commits: report.commits, blobsDone: done, blobsTotal: all.length});
  };
  await readBlobsInBatches(root, all, o.maxFileSize, (sha, content) => {
    tick();
    const intro = walk.blobs.get(sha);
    // Decoded as `scan` decodes a file (UTF-8/16/32, BOM or not); binary blobs are counted.
    const decoded = decodeFile(content);
    if ('binary' in decoded) {
      if (intro) report.skipped.binary++;
      return;
    }
    if (intro) report.scanned++;
    const text = decoded.text;
    const headPaths = walk.head.get(sha) ?? [];
    const scanAt = (path: string) => {
      if (!mightFind(path, text, references.has(path))) return [];
      const res = scanText(path, text, {display: display(path), rules: config.rules, references, allow});
      if (intro && path === intro.path) report.warnings.push(...res.warnings);
      return identify(res.findings, res.views, text);
    };
    if (intro) {
      for (const f of scanAt(intro.path)) {
        if (headPaths.includes(intro.path)) headIdentities.add(f.identity);
        const seen = byIdentity.get(f.identity);
        if (seen !== undefined && order(report.findings[seen].commit) <= order(intro.commit)) continue;
        const finding: HistoryFinding = {...f.finding, commit: intro.commit, date: intro.date, path: intro.path, atHead: false};
        if (seen !== undefined) {
          report.findings[seen] = finding;
          report.targets.set(seen, f.targets);
        } else {
          byIdentity.set(f.identity, report.findings.length);
          report.targets.set(report.findings.length, f.targets);
          report.findings.push(finding);
        }
      }
    }
    for (const p of headPaths) {
      if (intro && p === intro.path) continue;
      for (const f of scanAt(p)) headIdentities.add(f.identity);
    }
  }, (sha) => {
    tick();
    if (walk.blobs.has(sha)) report.skipped['too-large']++;
  });

  for (const [identity, i] of byIdentity) report.findings[i].atHead = headIdentities.has(identity);
  // Oldest leak first, as a reader of the history would meet them.
  const idx = report.findings.map((_, i) => i).sort((a, b) => order(report.findings[a].commit) - order(report.findings[b].commit) || report.findings[a].path.localeCompare(report.findings[b].path) || report.findings[a].line - report.findings[b].line);
  const targets = new Map<number, LiveTarget[]>();
  idx.forEach((old, i) => targets.set(i, report.targets.get(old) ?? []));
  report.findings = idx.map((i) => report.findings[i]);
  report.targets = targets;
  return report;
}

/** Commit → position in the walk (oldest first), from the introductions the walk recorded. */
function commitOrder(blobs: Map<string, Introduction>): (commit: string) => number {
  const pos = new Map<string, number>();
  for (const i of blobs.values()) if (!pos.has(i.commit)) pos.set(i.commit, pos.size);
  return (c) => pos.get(c) ?? Number.MAX_SAFE_INTEGER;
}

/**
 * kustomize reads the files a secretGenerator names; any version of any kustomization in the
 * history may have named a path, so the union over all of them decides which paths are values.
 */
async function kustomizeReferences(root: string, blobs: Map<string, Introduction>, maxSize: number): Promise<Map<string, KustomizeReference[]>> {
  const refs = new Map<string, KustomizeReference[]>();
  const kustomizations = [...blobs].filter(([, i]) => KUSTOMIZATION_NAMES.has(posix.basename(i.path))).map(([sha]) => sha);
  if (kustomizations.length === 0) return refs;
  const {readManifest} = await import('./manifest-view.js');
  const seen = new Set<string>();
  const add = (kustomization: string, found: [string, KustomizeReference][]) => {
    for (const [p, ref] of found) {
      const key = `${p}\0${ref.generator}\0${ref.kustomization}\0${ref.via}\0${ref.key ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      refs.set(p, [...(refs.get(p) ?? []), ref]);
    }
  };
  const read = (shas: string[], each: (sha: string, text: string) => void) =>
    readBlobsInBatches(root, shas, maxSize, (sha, content) => {
      const decoded = decodeFile(content);
      if (!('binary' in decoded)) each(sha, decoded.text);
    }, () => {});
  // A builtin SecretGenerator listed under `generators:` reads from its kustomization's folder.
  const configs = new Map<string, Set<string>>();
  await read(kustomizations, (sha, text) => {
    const path = blobs.get(sha)!.path;
    if (text.includes('secretGenerator')) add(path, referencesOf(path, readManifest(text).views));
    add(path, patchReferencesOf(path, text));
    if (!text.includes('generators')) return;
    for (const c of generatorConfigPaths(path, text)) configs.set(c, (configs.get(c) ?? new Set()).add(path));
  });
  const configBlobs = [...blobs].filter(([, i]) => configs.has(i.path)).map(([sha]) => sha);
  await read(configBlobs, (sha, text) => {
    const views = readManifest(text).views;
    for (const k of configs.get(blobs.get(sha)!.path)!) add(k, referencesOf(k, views));
  });
  return refs;
}

interface Identified {
  finding: Finding;
  /** In memory only: rule, what was flagged and the flagged text. */
  identity: string;
  targets: LiveTarget[];
}

/** Pairs each finding with the value it flags (for identity and --check-live), by position. */
export function identify(findings: Finding[], views: ObjectView[], text: string): Identified[] {
  let lines: string[] | undefined;
  let literals: KubectlLiteralValue[] | undefined;
  const lineText = (n: number) => (lines ??= text.split('\n'))[n - 1] ?? '';
  return findings.map((finding) => {
    let flagged = lineText(finding.line);
    let targets: LiveTarget[] = [];
    if (finding.rule === 'plaintext-secret') {
      for (const v of views) {
        const e = v.values.find((x) => x.line === finding.line && x.column === finding.column);
        if (!e) continue;
        flagged = e.value ?? '';
        if (v.name && e.key !== '*' && e.value !== null) {
          targets = [{name: v.name, namespace: v.namespace, hashSuffix: false, key: e.key, value: e.field === 'data' ? decodeGoBase64(e.value) : Buffer.from(e.value, 'utf8')}];
        }
        break;
      }
    } else if (finding.rule === 'last-applied-secret') {
      const v = views.find((x) => x.lastApplied && x.lastApplied.line === finding.line);
      if (v?.lastApplied) {
        flagged = v.lastApplied.json;
        targets = lastAppliedTargets(v.lastApplied.json);
      }
    } else if (finding.rule === 'kubectl-secret-literal') {
      literals ??= kubectlLiteralValues(text, {markdown: isMarkdownPath(finding.file)});
      const lit = literals.find((l) => l.line === finding.line && l.column === finding.column);
      // A docker-registry password is looked for inside the live docker config (live-check.ts).
      // A name or namespace the shell computes names no Secret we could look up.
      if (lit?.name && !/[$`]/.test(lit.name + (lit.namespace ?? ''))) {
        targets = [{name: lit.name, namespace: lit.namespace, hashSuffix: false, key: lit.key, value: Buffer.from(lit.value, 'utf8'), ...(lit.key === '.dockerconfigjson' ? {dockerPassword: true} : {})}];
      }
    } else if (finding.rule === 'kustomize-secret-literal') {
      for (const v of views) {
        for (const g of v.secretGenerators) {
          const lit = g.literals.find((l) => l.line === finding.line && l.column === finding.column);
          if (!lit) continue;
          flagged = lit.text;
          const kv = parseLiteral(lit.text);
          const options = generatorOptions(text, g.name);
          if (kv) targets = [{name: g.name, namespace: options.namespace, hashSuffix: !options.noHash, key: kv.key, value: Buffer.from(kv.value, 'utf8')}];
        }
      }
    }
    return {finding, identity: `${finding.rule}\0${finding.message}\0${flagged}`, targets};
  });
}

function lastAppliedTargets(json: string): LiveTarget[] {
  let obj: any;
  try {
    obj = JSON.parse(json);
  } catch {
    return [];
  }
  const name = obj?.metadata?.name;
  if (typeof name !== 'string') return [];
  const namespace = typeof obj.metadata.namespace === 'string' ? obj.metadata.namespace : undefined;
  const out: LiveTarget[] = [];
  for (const [field, decode] of [['data', decodeGoBase64], ['stringData', (s: string) => Buffer.from(s, 'utf8')]] as const) {
    const m = obj[field];
    if (!m || typeof m !== 'object') continue;
    for (const [key, value] of Object.entries(m)) if (typeof value === 'string' && value) out.push({name, namespace, hashSuffix: false, key, value: decode(value)});
  }
  return out;
}

/** The kustomization's namespace and whether the generator keeps its name unhashed. */
function generatorOptions(text: string, generator: string): {namespace?: string; noHash: boolean} {
  // Only kustomizations with a flagged literal get here: a second, plain parse is cheap.
  let doc: any;
  try {
    doc = yaml().parse(text, {uniqueKeys: false, maxAliasCount: 100});
  } catch {
    return {noHash: false};
  }
  const gen = Array.isArray(doc?.secretGenerator) ? doc.secretGenerator.find((g: any) => g?.name === generator) : undefined;
  const noHash = Boolean(gen?.options?.disableNameSuffixHash ?? doc?.generatorOptions?.disableNameSuffixHash);
  const namespace = typeof gen?.namespace === 'string' ? gen.namespace : typeof doc?.namespace === 'string' ? doc.namespace : undefined;
  return {namespace, noHash};
}

/** Go's base64.StdEncoding as the API server decodes `data`: whitespace ignored. */
function decodeGoBase64(s: string): Buffer {
  return Buffer.from(s.replace(/[\r\n\t ]/g, ''), 'base64');
}
