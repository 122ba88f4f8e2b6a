// Shared by the crypto tests: fixture paths, a canary plaintext, and Debian's python packages
// as independent implementations. Those live under /usr/bin/python3 (not the pyenv python
// first on PATH). Missing ones fail under CI and skip, with the install command, elsewhere.
import {spawnSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import assert from 'node:assert/strict';
import type {TestContext} from 'node:test';
import {CryptoError, type CryptoErrorReason} from '../../../src/crypto/errors.js';

export const CANARY = 'CANARY-7f3a9c';
export const PYTHON = '/usr/bin/python3';

const FIXTURES = new URL('../../../../test/fixtures/crypto/', import.meta.url);
export const fixturePath = (name: string): string => new URL(name, FIXTURES).pathname;
export const fixture = (name: string): string => readFileSync(fixturePath(name), 'utf8');

const available = new Map<string, boolean>();

/** True if /usr/bin/python3 can import `module`; otherwise fails (CI) or skips the test. */
export function havePython(t: TestContext, module: string, debianPackage: string): boolean {
  if (!available.has(module)) {
    const r = spawnSync(PYTHON, ['-c', `import ${module}`], {encoding: 'utf8'});
    available.set(module, r.status === 0);
  }
  if (available.get(module)) return true;
  const msg = `${PYTHON} cannot import ${module}: install it with apt-get install -y ${debianPackage}`;
  if (process.env.CI) assert.fail(msg);
  t.skip(msg);
  return false;
}

let opensslOk: boolean | undefined;

/** True if the openssl CLI runs; otherwise fails (CI) or skips the test. */
export function haveOpenssl(t: TestContext): boolean {
  opensslOk ??= spawnSync('openssl', ['version']).status === 0;
  if (opensslOk) return true;
  const msg = 'the openssl CLI is not installed: apt-get install -y openssl';
  if (process.env.CI) assert.fail(msg);
  t.skip(msg);
  return false;
}

/** Runs a python script that reads JSON on stdin and prints JSON on stdout. */
export function runPython(script: string, input: unknown): any {
  const r = spawnSync(PYTHON, ['-c', script], {input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 64 << 20});
  if (r.status !== 0) throw new Error(`python failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Asserts `fn` throws a CryptoError with `reason` whose message and hint leak no canary. */
export function assertCryptoError(fn: () => unknown, reason: CryptoErrorReason, message?: RegExp): CryptoError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof CryptoError, `expected CryptoError(${reason}), got ${caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught)}`);
  assert.equal(caught.reason, reason, `reason for: ${caught.message}`);
  assertNoCanary(caught);
  if (message) assert.match(caught.message, message);
  return caught;
}

export function assertNoCanary(e: CryptoError): void {
  for (const text of [e.message, e.hint ?? '', e.stack ?? '']) {
    assert.ok(!text.includes(CANARY), 'error text contains the plaintext canary');
    assert.ok(!text.includes(Buffer.from(CANARY).toString('base64')), 'error text contains the canary in base64');
    assert.ok(!text.includes(Buffer.from(CANARY).toString('hex')), 'error text contains the canary in hex');
  }
}

/** Flips one byte of a base64 value at `index` (negative counts from the end). */
export function flipByte(sealed: string, index: number): string {
  const b = Buffer.from(sealed, 'base64');
  const i = index < 0 ? b.length + index : index;
  b[i] = b[i]! ^ 0x01;
  return b.toString('base64');
}
