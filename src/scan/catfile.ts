// One long-lived `git cat-file --batch-command --buffer` (git >= 2.36) answers every object
// question of a staged scan: sizes first (`info`), then the contents worth reading. Every git
// process costs tens of milliseconds to start on some machines, and a pre-commit hook must not
// be felt, so the process is started at once, in parallel with `git diff --cached`, and only
// fed when the names are known. Older git falls back to --batch-check plus --batch.
import {spawn, type ChildProcessWithoutNullStreams} from 'node:child_process';
import {objectInfo, readBlobs, type ObjectInfo} from './staged.js';

const HEADER_RE = /^([0-9a-f]+) (\S+) (\d+)$/;

export class CatFile {
  private child?: ChildProcessWithoutNullStreams;
  // What git wrote and we have not read yet, as it came: concatenating each read onto the rest
  // made a large blob cost time quadratic in its size (a 16 MB blob ~40× a 2 MB one).
  private chunks: Buffer[] = [];
  private length = 0;
  private waiter?: () => void;
  private closed = false;
  private exitCode: number | null = null;

  constructor(private readonly root: string) {
    try {
      this.child = spawn('git', ['cat-file', '--batch-command', '--buffer'], {cwd: root, env: {...process.env, LC_ALL: 'C'}});
    } catch {
      this.closed = true;
      return;
    }
    this.child.stdout.on('data', (d: Buffer) => {
      this.chunks.push(d);
      this.length += d.length;
      this.waiter?.();
    });
    this.child.stderr.resume();
    this.child.stdin.on('error', () => {});
    this.child.on('error', () => this.onClose(null));
    this.child.on('close', (code) => this.onClose(code));
  }

  private onClose(code: number | null) {
    this.closed = true;
    this.exitCode = code;
    this.waiter?.();
  }

  /** Resolves once `n` bytes are buffered; false if the process ended first. */
  private async need(n: number): Promise<boolean> {
    while (this.length < n) {
      if (this.closed) return false;
      await new Promise<void>((resolve) => (this.waiter = resolve));
      this.waiter = undefined;
    }
    return true;
  }

  /** The next `n` buffered bytes (there are that many), removed from the buffer. */
  private take(n: number): Buffer {
    const parts: Buffer[] = [];
    let got = 0;
    while (got < n) {
      const c = this.chunks[0];
      if (c.length <= n - got) {
        parts.push(c);
        got += c.length;
        this.chunks.shift();
      } else {
        parts.push(c.subarray(0, n - got));
        this.chunks[0] = c.subarray(n - got);
        got = n;
      }
    }
    this.length -= n;
    return parts.length === 1 ? parts[0] : Buffer.concat(parts, n);
  }

  private newline(): number {
    let offset = 0;
    for (const c of this.chunks) {
      const i = c.indexOf(10);
      if (i >= 0) return offset + i;
      offset += c.length;
    }
    return -1;
  }

  private async line(): Promise<string | undefined> {
    for (;;) {
      const nl = this.newline();
      if (nl >= 0) {
        const s = this.take(nl).toString();
        this.take(1);
        return s;
      }
      if (!(await this.need(this.length + 1))) return undefined;
    }
  }

  private usable(): boolean {
    return !!this.child && !(this.closed && this.exitCode !== 0);
  }

  /**
   * The one request loop: `COMMAND NAME` for each name and a flush, then one answer per name, its
   * header line (`<name> missing` has no header to match and is left out) and whatever `body`
   * reads after it. undefined when the process cannot answer (git older than 2.36, or it ended
   * mid-answer): the caller then asks the one-shot commands instead.
   */
  private async request<T>(command: 'info' | 'contents', names: string[], body: (size: number, header: RegExpExecArray) => Promise<T | undefined>): Promise<Map<string, T> | undefined> {
    if (!this.usable()) return undefined;
    this.child!.stdin.write(names.map((n) => `${command} ${n}\n`).join('') + 'flush\n');
    const out = new Map<string, T>();
    for (const name of names) {
      const header = await this.line();
      if (header === undefined) return undefined;
      const m = HEADER_RE.exec(header);
      if (!m) continue;
      const answer = await body(Number(m[3]), m);
      if (answer === undefined) return undefined;
      out.set(name, answer);
    }
    return out;
  }

  async info(names: string[]): Promise<Map<string, ObjectInfo>> {
    if (names.length === 0) return new Map();
    const answered = await this.request('info', names, async (size, m) => ({sha: m[1], type: m[2], size}));
    return answered ?? objectInfo(this.root, names);
  }

  async contents(shas: string[]): Promise<Map<string, Buffer>> {
    const unique = [...new Set(shas)];
    if (unique.length === 0) return new Map();
    const answered = await this.request('contents', unique, async (size) => {
      if (!(await this.need(size + 1))) return undefined;
      // A copy: the blob must not keep git's larger read buffers alive.
      const content = Buffer.from(this.take(size));
      this.take(1);
      return content;
    });
    return answered ?? readBlobs(this.root, unique);
  }

  close(): void {
    this.child?.stdin.end();
  }
}
