// Canary values and the places they must never reach. A canary is a random marker planted as a
// secret value; after a command runs we look for it (raw, base64, base64url and hex) in what
// it printed and in every file it created or changed, including temporary files left behind.
import {randomBytes} from 'node:crypto';
import {lstatSync, readdirSync, readFileSync} from 'node:fs';
import {join, relative} from 'node:path';

export function canary(): string {
  return `CANARY-${randomBytes(8).toString('hex')}`;
}

/** The encodings a value could escape in: as text, in a Secret's data, in a debug dump or a digest-like hex dump. */
export function canaryForms(value: string): Array<{form: string; text: string}> {
  const buf = Buffer.from(value, 'utf8');
  const b64 = buf.toString('base64');
  return [
    {form: 'raw', text: value},
    {form: 'base64', text: b64.replace(/=+$/, '')},
    {form: 'base64url', text: buf.toString('base64url')},
    {form: 'hex', text: buf.toString('hex')},
    {form: 'HEX', text: buf.toString('hex').toUpperCase()},
  ];
}

/** Which canaries (and in which form) appear in this text; empty when none. */
export function findCanaries(text: string | Buffer, canaries: readonly string[]): string[] {
  const s = typeof text === 'string' ? text : text.toString('latin1');
  const hits: string[] = [];
  for (const c of canaries) for (const f of canaryForms(c)) if (s.includes(f.text)) hits.push(`${f.form} ${c}`);
  return hits;
}

export interface FileState {
  size: number;
  mtimeMs: number;
  ino: number;
}

/** Every regular file under these roots (symlinks are not followed). */
export function snapshot(roots: readonly string[]): Map<string, FileState> {
  const out = new Map<string, FileState>();
  const walk = (p: string): void => {
    let st;
    try {
      st = lstatSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      let names: string[] = [];
      try {
        names = readdirSync(p);
      } catch {
        return;
      }
      for (const n of names) walk(join(p, n));
    } else if (st.isFile()) out.set(p, {size: st.size, mtimeMs: st.mtimeMs, ino: st.ino});
  };
  for (const r of roots) walk(r);
  return out;
}

/** Files that are new or changed (content, time or inode) between two snapshots. */
export function changedFiles(before: Map<string, FileState>, after: Map<string, FileState>): string[] {
  const changed: string[] = [];
  for (const [p, s] of after) {
    const b = before.get(p);
    if (!b || b.size !== s.size || b.mtimeMs !== s.mtimeMs || b.ino !== s.ino) changed.push(p);
  }
  return changed.sort();
}

/** Temporary files our atomic writer names `.<name>.<pid>.<hex>.tmp`, and editor-style leftovers. */
export const TEMP_FILE = /(^|\/)\.[^/]+\.\d+\.[0-9a-f]+\.tmp$|\.tmp$|~$/;

export interface LeakReport {
  /** `where: form canary` lines; empty when nothing leaked. */
  leaks: string[];
  /** Temporary files the command left behind. */
  leftovers: string[];
}

/**
 * Looks for canaries in a command's output and in the files it created or changed under roots
 * since `before`. `allowed` are the explicit value outputs (unseal -w), not searched.
 */
export function inspect(o: {stdout?: string; stderr?: string; roots: readonly string[]; before: Map<string, FileState>; canaries: readonly string[]; allowed?: readonly string[]; base?: string}): LeakReport {
  const leaks: string[] = [];
  for (const [where, text] of [['stdout', o.stdout], ['stderr', o.stderr]] as const) {
    if (text !== undefined) for (const h of findCanaries(text, o.canaries)) leaks.push(`${where}: ${h}`);
  }
  const after = snapshot(o.roots);
  const leftovers: string[] = [];
  for (const f of changedFiles(o.before, after)) {
    const name = o.base ? relative(o.base, f) : f;
    if (TEMP_FILE.test(f)) leftovers.push(name);
    if (o.allowed?.includes(f)) continue;
    let content: Buffer;
    try {
      content = readFileSync(f);
    } catch {
      continue;
    }
    for (const h of findCanaries(content, o.canaries)) leaks.push(`file ${name}: ${h}`);
  }
  return {leaks, leftovers};
}
