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
  private buf: Buffer = Buffer.alloc(0);
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
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
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
    while (this.buf.length < n) {
      if (this.closed) return false;
      await new Promise<void>((resolve) => (this.waiter = resolve));
      this.waiter = undefined;
    }
    return true;
  }

  private async line(): Promise<string | undefined> {
    for (;;) {
      const nl = this.buf.indexOf(10);
      if (nl >= 0) {
        const s = this.buf.subarray(0, nl).toString();
        this.buf = this.buf.subarray(nl + 1);
        return s;
      }
      if (!(await this.need(this.buf.length + 1))) return undefined;
    }
  }

  private usable(): boolean {
    return !!this.child && !(this.closed && this.exitCode !== 0);
  }

  async info(names: string[]): Promise<Map<string, ObjectInfo>> {
    const out = new Map<string, ObjectInfo>();
    if (names.length === 0) return out;
    if (this.usable()) {
      this.child!.stdin.write(names.map((n) => `info ${n}\n`).join('') + 'flush\n');
      let ok = true;
      for (const name of names) {
        const l = await this.line();
        if (l === undefined) {
          ok = false;
          break;
        }
        const m = HEADER_RE.exec(l);
        if (m) out.set(name, {sha: m[1], type: m[2], size: Number(m[3])});
      }
      if (ok) return out;
    }
    return objectInfo(this.root, names);
  }

  async contents(shas: string[]): Promise<Map<string, Buffer>> {
    const unique = [...new Set(shas)];
    const out = new Map<string, Buffer>();
    if (unique.length === 0) return out;
    if (this.usable()) {
      this.child!.stdin.write(unique.map((s) => `contents ${s}\n`).join('') + 'flush\n');
      let ok = true;
      for (const sha of unique) {
        const header = await this.line();
        if (header === undefined) {
          ok = false;
          break;
        }
        const m = HEADER_RE.exec(header);
        if (!m) continue;
        const size = Number(m[3]);
        if (!(await this.need(size + 1))) {
          ok = false;
          break;
        }
        out.set(sha, Buffer.from(this.buf.subarray(0, size)));
        this.buf = this.buf.subarray(size + 1);
      }
      if (ok) return out;
    }
    return readBlobs(this.root, unique);
  }

  close(): void {
    this.child?.stdin.end();
  }
}
