// Which files a path scan reads. Folders inside a git work tree are listed by git itself
// (`ls-files -co --exclude-standard`: tracked plus untracked-but-not-ignored), which honours
// every .gitignore, .git/info/exclude and core.excludesFile exactly as git does, and is
// faster than walking and matching ourselves. Outside a work tree we walk the folder.
import {closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync, realpathSync, statSync} from 'node:fs';
import {isAbsolute, join, posix, relative, resolve, sep} from 'node:path';
import {InputError} from '../errors.js';
import {gitRaw, outsideAnyWorkTree, splitZ} from './git.js';
import {privateKey} from './private-key.js';

export interface SourceFile {
  abs: string;
  /** Relative to the repository root (or the working directory outside a repository), `/`-separated. */
  path: string;
  /**
   * As printed: the way the user named it (a file argument verbatim, a folder's files joined
   * under the folder as given, as kubectl -f and gitleaks name them), else relative to the
   * working directory (no argument, --staged, --since).
   */
  display: string;
}

export type SkipReason = 'binary' | 'too-large' | 'not-a-file' | 'unreadable' | 'ignored';

export const DEFAULT_MAX_FILE_SIZE = 1024 * 1024;

export function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

export function sourceFile(abs: string, root: string, cwd: string, display?: string): SourceFile {
  return {abs, path: toPosix(relative(root, abs)), display: display ?? (toPosix(relative(cwd, abs)) || abs)};
}

/**
 * The files under PATH arguments, how many entries of the folders were not regular files
 * (symlinks, FIFOs, sockets, submodules) and how many .gitignore left out.
 */
export async function collectPaths(paths: string[], o: {cwd: string; root: string}): Promise<{files: SourceFile[]; notFiles: number; ignored: number}> {
  const seen = new Map<string, SourceFile>();
  let notFiles = 0;
  let ignored = 0;
  for (const p of paths.length ? paths : ['.']) {
    const abs = isAbsolute(p) ? p : resolve(o.cwd, p);
    let st;
    try {
      st = statSync(abs);
    } catch {
      throw new InputError(`${p}: no such file or directory`);
    }
    if (!st.isDirectory()) {
      if (!seen.has(abs)) seen.set(abs, sourceFile(abs, o.root, o.cwd, toPosix(p)));
      continue;
    }
    // Joined by hand, not by path.join and path.relative for each of thousands of files: the
    // listed names are clean relative paths (no `.`, `..` or empty parts), so cleaning the
    // folder's own parts once gives the same strings. posix.join cleans as Go's filepath.Walk
    // does (`./deploy/` + `db.yaml` is `deploy/db.yaml`).
    const dir = resolve(abs);
    const absPrefix = dir.endsWith(sep) ? dir : dir + sep;
    const rootRel = toPosix(relative(o.root, dir));
    const pathPrefix = rootRel === '' ? '' : rootRel + '/';
    const shown = posix.normalize(toPosix(p)).replace(/(.)\/$/, '$1');
    const displayPrefix = shown === '.' ? '' : shown.endsWith('/') ? shown : shown + '/';
    const listed = (await gitListed(dir)) ?? walk(dir);
    notFiles += listed.notFiles;
    ignored += listed.ignored ?? 0;
    for (const rel of listed.files) {
      const f = absPrefix + (sep === '/' ? rel : rel.split('/').join(sep));
      if (!seen.has(f)) seen.set(f, {abs: f, path: pathPrefix + rel, display: displayPrefix + rel});
    }
  }
  return {files: [...seen.values()], notFiles, ignored};
}

interface Listed {
  /** Relative to the folder listed, `/`-separated, clean. */
  files: string[];
  notFiles: number;
  /** Paths .gitignore excludes (files, or folders ignored as a whole). */
  ignored?: number;
}

async function gitListed(dir: string): Promise<Listed | undefined> {
  if (outsideAnyWorkTree(dir)) return undefined;
  let r;
  let ignored;
  try {
    // What .gitignore leaves out is counted, not read: a folder ignored as a whole counts once
    // (--directory), so an ignored node_modules/ costs git no walk. The `.` pathspec: without one,
    // git 2.39 lists nothing with --directory from a subfolder (nor with --no-empty-directory at all).
    [r, ignored] = await Promise.all([
      gitRaw(['ls-files', '-co', '--exclude-standard', '-z'], {cwd: dir, fast: true}),
      gitRaw(['ls-files', '-o', '-i', '--exclude-standard', '--directory', '-z', '--', '.'], {cwd: dir, fast: true}),
    ]);
  } catch {
    return undefined;
  }
  if (r.code !== 0) return undefined;
  const out: Listed = {files: [], notFiles: 0, ignored: ignored.code === 0 ? splitZ(ignored.stdout).length : 0};
  for (const rel of splitZ(r.stdout)) {
    // Symlinks and submodules are not file content here; a tracked file deleted from the work tree is not there at all.
    const st = lstatSync(join(dir, rel), {throwIfNoEntry: false});
    if (st?.isFile()) out.files.push(posix.normalize(rel));
    else if (st) out.notFiles++;
  }
  return out;
}

function walk(dir: string, out: Listed = {files: [], notFiles: 0}, rel = ''): Listed {
  const prefix = dir.endsWith(sep) ? dir : dir + sep;
  for (const e of readdirSync(dir, {withFileTypes: true})) {
    if (e.name === '.git') continue;
    if (e.isDirectory()) walk(prefix + e.name, out, rel + e.name + '/');
    else if (e.isFile()) out.files.push(rel + e.name);
    else out.notFiles++;
  }
  return out;
}

/**
 * What a read gives the scan: decoded text; bytes that are not text (`binary`, with the text as
 * Latin-1 so the caller can still look for Secret material in it); or, for a file over the size
 * limit, only its size and the result of streaming it through `probe`.
 */
export type FileRead =
  | {text: string; encoding: TextEncoding}
  | {binary: string; nulLine: number}
  | {tooLarge: number; probe: ProbeResult}
  | {skipped: 'not-a-file'}
  | {skipped: 'unreadable'; why: string};

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'utf-32le' | 'utf-32be';

/**
 * The encoding of a file as kubectl would decode it, and more: kubectl reads UTF-8 and, through
 * a BOM, UTF-16 LE/BE (cli-runtime's FileVisitor wraps every file in unicode.BOMOverride). UTF-32
 * and BOM-less UTF-16 make kubectl fail, but the Secret in them is just as committed, so they are
 * decoded too: by BOM, else by where the NUL bytes of ASCII text fall (RFC 4627 §3's test, over
 * the first 4 KiB instead of the first 4 bytes, so a leading non-ASCII character does not defeat it).
 */
export function detectEncoding(buf: Buffer): {encoding: TextEncoding; bom: number} {
  const b = buf;
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return {encoding: 'utf-8', bom: 3};
  if (b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) return {encoding: 'utf-32le', bom: 4};
  if (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return {encoding: 'utf-32be', bom: 4};
  if (b[0] === 0xff && b[1] === 0xfe) return {encoding: 'utf-16le', bom: 2};
  if (b[0] === 0xfe && b[1] === 0xff) return {encoding: 'utf-16be', bom: 2};
  const n = Math.min(b.length, 4096) & ~3;
  if (n === 0 || !b.subarray(0, n).includes(0)) return {encoding: 'utf-8', bom: 0};
  const zeros = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) if (b[i] === 0) zeros[i & 3]++;
  const q = n / 4;
  const most = (k: number) => zeros[k] >= q * 0.6;
  const few = (k: number) => zeros[k] <= q * 0.05;
  if (most(1) && most(2) && most(3) && few(0)) return {encoding: 'utf-32le', bom: 0};
  if (most(0) && most(1) && most(2) && few(3)) return {encoding: 'utf-32be', bom: 0};
  if (zeros[1] + zeros[3] >= q * 1.2 && zeros[0] + zeros[2] <= q * 0.1) return {encoding: 'utf-16le', bom: 0};
  if (zeros[0] + zeros[2] >= q * 1.2 && zeros[1] + zeros[3] <= q * 0.1) return {encoding: 'utf-16be', bom: 0};
  return {encoding: 'utf-8', bom: 0};
}

function decodeUtf32(buf: Buffer, le: boolean): string {
  const parts: string[] = [];
  let chunk: number[] = [];
  for (let i = 0; i + 3 < buf.length; i += 4) {
    const cp = le ? buf.readUInt32LE(i) : buf.readUInt32BE(i);
    chunk.push(cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? 0xfffd : cp);
    if (chunk.length === 8192) {
      parts.push(String.fromCodePoint(...chunk));
      chunk = [];
    }
  }
  parts.push(String.fromCodePoint(...chunk));
  return parts.join('');
}

/** Bytes to text in any encoding detectEncoding knows; a NUL left after decoding means binary. */
export function decodeFile(buf: Buffer): {text: string; encoding: TextEncoding} | {binary: string; nulLine: number} {
  const {encoding, bom} = detectEncoding(buf);
  const body = buf.subarray(bom);
  let text: string;
  if (encoding === 'utf-8') text = body.toString('utf8');
  else if (encoding === 'utf-32le' || encoding === 'utf-32be') text = decodeUtf32(body, encoding === 'utf-32le');
  else text = new TextDecoder(encoding).decode(body);
  const nul = text.indexOf('\0');
  if (nul < 0) return {text, encoding};
  const latin1 = buf.toString('latin1');
  return {binary: latin1, nulLine: lineAt(latin1, latin1.indexOf('\0'))};
}

export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * Opens `abs` for reading only if it is a regular file. O_NONBLOCK makes the open itself return
 * at once for a FIFO (which would otherwise wait for a writer), and the type is checked on the
 * opened descriptor, so a file swapped for a device between a stat and the open is not read.
 */
function openRegular(abs: string): {fd: number; size: number} | 'not-a-file' | {unreadable: string} | undefined {
  let fd: number;
  try {
    fd = openSync(abs, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // ENXIO: a socket. ENOENT: gone since it was listed, so nothing was there to scan.
    if (code === 'EISDIR' || code === 'ENXIO') return 'not-a-file';
    if (code === 'ENOENT') return undefined;
    return {unreadable: code === 'EACCES' || code === 'EPERM' ? 'permission denied' : `could not be opened (${(e as Error).message.replace(/^[A-Z]+: /, '').replace(/, open .*$/, '')})`};
  }
  const st = fstatSync(fd);
  if (!st.isFile()) {
    closeSync(fd);
    return 'not-a-file';
  }
  return {fd, size: st.size};
}

const CHUNK = 1024 * 1024;

let shared = Buffer.allocUnsafe(64 * 1024);

/** The shared read buffer, at least `size` bytes, holding `keep` at its start. */
function readBuffer(size: number, keep?: Buffer): Buffer {
  if (shared.length < size) {
    const next = Buffer.allocUnsafe(Math.max(size, shared.length * 2));
    keep?.copy(next);
    shared = next;
  }
  return shared;
}

export function readWorkingFile(abs: string, maxSize: number): FileRead | undefined {
  const opened = openRegular(abs);
  if (opened === undefined) return undefined;
  if (opened === 'not-a-file') return {skipped: opened};
  if ('unreadable' in opened) return {skipped: 'unreadable', why: opened.unreadable};
  const {fd, size} = opened;
  try {
    if (size > maxSize) {
      // Streamed in bounded chunks: a file too large to scan is still looked at for Secret
      // material, so that it cannot pass the hook just by being large.
      const probe = new MaterialProbe();
      const buf = Buffer.allocUnsafe(CHUNK);
      let total = 0;
      for (let n = readSync(fd, buf, 0, CHUNK, null); n > 0; n = readSync(fd, buf, 0, CHUNK, null)) {
        probe.push(buf.subarray(0, n));
        total += n;
      }
      return {tooLarge: total, probe: probe.result()};
    }
    // Read to the end rather than to the size stat gave: the file may have grown since. One
    // buffer serves every file (the text is decoded out of it before the next read): a fresh
    // 64 KB buffer or two per file was a third of the time spent reading a folder of manifests.
    let buf = readBuffer(size + 1);
    let total = 0;
    for (;;) {
      if (total === buf.length) buf = readBuffer(total * 2, buf.subarray(0, total));
      const want = buf.length - total;
      const n = readSync(fd, buf, total, want, null);
      if (n <= 0) break;
      total += n;
      // A short read that ends where fstat said the file ends is its end: asking again only to
      // be told 0 was one system call in five per file. A file that grew since fs.stat, or a
      // file system that returns short reads early, still reads on to a read of 0.
      if (n < want && total === size) break;
      if (total > maxSize) {
        const probe = new MaterialProbe();
        probe.push(Buffer.from(buf.subarray(0, total)));
        const more = Buffer.allocUnsafe(CHUNK);
        for (let m = readSync(fd, more, 0, CHUNK, null); m > 0; m = readSync(fd, more, 0, CHUNK, null)) {
          probe.push(more.subarray(0, m));
          total += m;
        }
        return {tooLarge: total, probe: probe.result()};
      }
    }
    return decodeFile(buf.subarray(0, total));
  } finally {
    closeSync(fd);
  }
}

/**
 * A small repository file read for its settings (`.kubectl-secret.yaml`, kustomizations): only
 * a regular file, only one that resolves inside `root`, only up to `maxSize`.
 */
export function readRepositoryFile(root: string, abs: string, maxSize: number): string | undefined {
  let real: string;
  try {
    // Most names asked for are kustomization files that are not there (three names per folder):
    // a failed realpath builds an Error with a stack each time, an lstat that finds nothing does not.
    if (!lstatSync(abs, {throwIfNoEntry: false})) return undefined;
    real = realpathSync(abs);
  } catch {
    return undefined;
  }
  const rootReal = realpathSync(root);
  if (real !== rootReal && !real.startsWith(rootReal.endsWith('/') ? rootReal : rootReal + '/')) return undefined;
  const r = readWorkingFile(real, maxSize);
  return r && 'text' in r ? r.text : undefined;
}

export interface ProbeResult {
  /**
   * The file may hold something a rule finds: a Secret kind, a secretGenerator, a private key,
   * or (in text) a base64 key, a kustomize patch of `/stringData`, a kubectl command line flag.
   */
  material: boolean;
  /** 1-based line of the first sign of it. */
  line?: number;
  /** The only sign is a `kubectl create secret` flag (`--from-literal`, `--docker-password`). */
  command?: boolean;
}

const MATERIAL_RE = /kind\\?["']?\s{0,64}:\s{0,64}\\?["']?Secret(?:Generator)?\b|secretGenerator/;
/**
 * What else a rule reads a file for (documents.ts mightFind): only in text, since a program
 * holds these as strings (kubectl's own help has `--from-literal=key1=supersecret`).
 */
const TEXT_MATERIAL_RE = /LS0tLS1CRUdJTi|\/stringData\b|--(?:from-literal|docker-password)\b|"kubernetes_(?:secret|manifest)|--from-(?:env-)?file[= ](?:[^\s=<]{0,256}=)?(?:\/dev\/stdin|<\()/;
/** Long enough for a PEM header and the first line of its body. */
const OVERLAP = 640;

/**
 * Looks for signs of Secret material in a stream of bytes without holding it: each chunk is
 * projected onto its ASCII characters (every byte for UTF-8, every 2nd or 4th for UTF-16/32,
 * chosen from the first chunk) and searched together with the tail of the previous one.
 * A Secret kind or a generator counts, and so does a private key with a body (the armour
 * alone is also a string in every TLS library, and so in many binaries).
 */
export class MaterialProbe {
  private stride = 0;
  private skip = 0;
  private carry: Buffer = Buffer.alloc(0);
  private tail = '';
  /** The line the kept tail starts on. */
  private tailLine = 1;
  private found?: number;
  /** The first line with a TEXT_MATERIAL_RE sign, and whether it was a command flag. */
  private textual?: {line: number; command: boolean};
  private nul = false;

  push(input: Buffer): void {
    if (this.found !== undefined) return;
    // Not text (in UTF-16/32, NULs are the encoding's): the text-only signs do not count.
    if (!this.nul && input.includes(0) && (this.stride === 1 || (this.stride === 0 && detectEncoding(Buffer.concat([this.carry, input])).encoding === 'utf-8'))) this.nul = true;
    let chunk = this.carry.length ? Buffer.concat([this.carry, input]) : input;
    if (this.stride === 0) {
      if (chunk.length < 4) {
        this.carry = Buffer.from(chunk);
        return;
      }
      const {encoding, bom} = detectEncoding(chunk);
      this.stride = encoding.startsWith('utf-32') ? 4 : encoding.startsWith('utf-16') ? 2 : 1;
      chunk = chunk.subarray(bom);
      this.skip = encoding.endsWith('be') ? this.stride - 1 : 0;
    }
    const usable = chunk.length - (chunk.length % this.stride);
    this.carry = Buffer.from(chunk.subarray(usable));
    let s: string;
    if (this.stride === 1) s = chunk.toString('latin1');
    else {
      const ascii = Buffer.allocUnsafe(usable / this.stride);
      for (let i = 0, j = this.skip; j < usable; i++, j += this.stride) ascii[i] = chunk[j];
      s = ascii.toString('latin1');
    }
    const text = this.tail + s;
    const m = MATERIAL_RE.exec(text);
    const key = text.includes('PRIVATE KEY') ? privateKey(text)[0] : undefined;
    if (m || key) {
      this.found = key && (!m || key.line <= lineAt(text, m.index)) ? this.tailLine + key.line - 1 : this.tailLine + lineAt(text, m!.index) - 1;
      return;
    }
    if (!this.textual) {
      const t = TEXT_MATERIAL_RE.exec(text);
      if (t) this.textual = {line: this.tailLine + lineAt(text, t.index) - 1, command: t[0].startsWith('--')};
    }
    const cut = Math.max(0, text.length - OVERLAP);
    this.tailLine += count(text.slice(0, cut));
    this.tail = text.slice(cut);
  }

  result(): ProbeResult {
    if (this.found !== undefined) return {material: true, line: this.found};
    if (this.textual && !this.nul) return {material: true, line: this.textual.line, ...(this.textual.command ? {command: true} : {})};
    return {material: false};
  }
}

function count(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** `--max-file-size`: bytes, or with a binary suffix (512k, 1M, 1MiB, 2G). */
export function parseSize(s: string): number {
  const m = /^(\d+)\s*([kmg])?(?:i?b)?$/i.exec(s.trim());
  if (!m) throw new InputError(`--max-file-size ${s}: not a size`, 'give bytes, or a number with k, M or G (e.g. 1048576, 512k, 2M)');
  const mult = {'': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3}[(m[2] ?? '').toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(m[1]) * mult;
}
