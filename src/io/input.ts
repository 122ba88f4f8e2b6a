// Reading what the user gives us: files, stdin, --from-file. Every read is bounded: a Secret
// holds at most 1 MiB of data (Kubernetes' own limit), so an input far beyond that is refused
// once the reader has passed its limit, never loaded whole (a 150 MB value once took 1.6 GB).
// Values are bytes; manifests are text and must decode exactly, never with replacement marks.
import {closeSync, fstatSync, openSync, readFileSync, readSync} from 'node:fs';
import {InputError} from '../errors.js';
import {fileError} from './file-error.js';
import {isTerminal} from './stdio.js';

/**
 * Whether stdin is a terminal, asked without touching process.stdin: Node builds a stream for it
 * on first use (for a file or /dev/null, with its file-stream, fs/promises and readline
 * modules), a few ms of start-up for every command that only asks (docs/performance.md).
 */
export const stdinIsTerminal = (): boolean => isTerminal(0);

/** Kubernetes' MaxSecretSize (pkg/apis/core/types.go): the decoded bytes of all of a Secret's data. */
export const SECRET_DATA_LIMIT = 1024 * 1024;
/**
 * The most we read of one manifest or sealed file (or stdin): many Secrets, each within the
 * limit, base64-encoded (4/3) or sealed (test/unit/fuzz/cli.test.ts seals 50 MB under a 512 MB
 * heap). Parsing costs several times the text, so far beyond this we stop reading.
 */
export const MANIFEST_READ_LIMIT = 64 * 1024 * 1024;
/** One value can be no larger than a whole Secret. */
export const VALUE_READ_LIMIT = SECRET_DATA_LIMIT;

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

export const LIMIT_TEXT = `Kubernetes' limit of ${formatBytes(SECRET_DATA_LIMIT)} (${SECRET_DATA_LIMIT} bytes) of Secret data`;

export interface Bounded {
  /** The most bytes accepted; one more is an error. */
  limit: number;
  /** What is read, for messages: "--from-file ./big.bin", "manifest db.yaml", "stdin". */
  what: string;
  /** The error for an input over the limit. */
  tooLarge?: () => InputError;
}

function tooLarge(b: Bounded): InputError {
  if (b.tooLarge) return b.tooLarge();
  return b.limit === VALUE_READ_LIMIT
    ? new InputError(`${b.what} is larger than ${LIMIT_TEXT}`, 'a Secret cannot hold it: keep large files out of Secrets (a volume, an object store), or split the value')
    : new InputError(`${b.what} is larger than ${formatBytes(b.limit)}, more than the largest manifest kubectl-secret reads`, `a Secret holds at most ${formatBytes(SECRET_DATA_LIMIT)} of data (Kubernetes' limit): split the file`);
}

/** A file's bytes, reading no more than limit + 1 of them. */
/** A reader's failure in plain words (`no such file: x.pem`), naming the flag it came from. */
export const fsError = (path: string, flag?: string, hint?: string) => (code: string) => fileError(Object.assign(new Error(code), {code, path, syscall: 'open'}), path, flag, hint);

export function readFileBounded(path: string, b: Bounded, cannotRead = fsError(path)): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw cannotRead((error as NodeJS.ErrnoException).code ?? 'error');
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw cannotRead('EISDIR');
    if (st.isFile() && st.size > b.limit) throw tooLarge(b);
    // Not a regular file (a FIFO, /dev/stdin, a process substitution): read until past the limit.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1024 * 1024, b.limit + 1 - total));
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') continue;
        throw cannotRead(code ?? 'error');
      }
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > b.limit) throw tooLarge(b);
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

/** Stdin's bytes, stopping (and refusing) once past the limit. */
export async function readStdinBounded(b: Bounded): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  const take = (chunk: Buffer) => {
    total += chunk.length;
    if (total > b.limit) throw tooLarge(b);
    chunks.push(chunk);
  };
  // A pipe or a file is read with plain reads: process.stdin would build a stream first (for a
  // file, with fs/promises and readline), start-up that `seal < secret.yaml` pays in every run.
  // A terminal, a non-blocking pipe (EAGAIN) or any error goes on with the stream, as before.
  if (!stdinIsTerminal()) {
    const buf = Buffer.allocUnsafe(64 * 1024);
    for (;;) {
      let n: number;
      try {
        n = readSync(0, buf, 0, buf.length, null);
      } catch {
        break;
      }
      if (n === 0) return Buffer.concat(chunks, total);
      take(Buffer.from(buf.subarray(0, n)));
    }
  }
  for await (const c of process.stdin) {
    try {
      take(c as Buffer);
    } catch (error) {
      process.stdin.destroy();
      throw error;
    }
  }
  return Buffer.concat(chunks, total);
}

/**
 * Manifest bytes as text, as kubectl's YAML reader takes them: UTF-8 (a BOM dropped), or UTF-16
 * with its BOM. Bytes that are not valid UTF-8 are an error, not U+FFFD: a value read that way
 * would be sealed corrupted. Binary values go under `data:` as base64, or in --from-file.
 */
export function decodeManifestText(bytes: Buffer, name: string): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  try {
    // TextDecoder drops a UTF-8 BOM itself.
    return new TextDecoder('utf-8', {fatal: true}).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    throw new InputError(`${name} is not valid UTF-8 text (byte ${at})`, 'save it as UTF-8; put binary values under data: as base64, or pass them with --from-file');
  }
}

function firstInvalidUtf8(bytes: Buffer): number {
  let lo = 0;
  let hi = bytes.length;
  // The longest valid prefix, to within a character: binary search on prefixes.
  while (hi - lo > 4) {
    const mid = (lo + hi) >> 1;
    try {
      new TextDecoder('utf-8', {fatal: true}).decode(bytes.subarray(0, mid), {stream: true});
      lo = mid;
    } catch {
      hi = mid;
    }
  }
  return lo;
}

/** Stdin as bytes (for values). */
export async function readStdin(limit = VALUE_READ_LIMIT): Promise<Buffer> {
  return readStdinBounded({limit, what: 'stdin'});
}

/** FILE, or stdin for `-` (or no FILE when stdin is piped), as kubectl -f reads. */
export async function readInput(file: string | undefined, what = 'input'): Promise<{text: string; name: string} | undefined> {
  if (file === undefined && stdinIsTerminal()) return undefined;
  if (file === undefined || file === '-') {
    const bytes = await readStdinBounded({limit: MANIFEST_READ_LIMIT, what: `the ${what} on stdin`});
    return {text: decodeManifestText(bytes, '<stdin>'), name: '<stdin>'};
  }
  return {text: readManifestFile(file, what), name: file};
}

/** A manifest or sealed file's text, bounded and exactly decoded. */
export function readManifestFile(file: string, what = 'input', hint = 'check the path'): string {
  const bytes = readFileBounded(file, {limit: MANIFEST_READ_LIMIT, what: `${what} ${file}`}, fsError(file, undefined, hint === 'check the path' ? undefined : hint));
  return decodeManifestText(bytes, file);
}

/** A small optional file's text (a hook, a config), or undefined when it is absent or unreadable. */
export function readTextIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
