import {readFileSync} from 'node:fs';
import {fileError} from './file-error.js';

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** FILE, or stdin for `-` (or no FILE when stdin is piped), as kubectl -f reads. */
export async function readInput(file: string | undefined, _what = 'input'): Promise<{text: string; name: string} | undefined> {
  if (file === undefined && process.stdin.isTTY) return undefined;
  if (file === undefined || file === '-') return {text: await readStdin(), name: '<stdin>'};
  try {
    return {text: readFileSync(file, 'utf8'), name: file};
  } catch (error) {
    throw fileError(error, file);
  }
}
