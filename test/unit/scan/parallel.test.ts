// How many threads a path scan uses (src/scan/parallel.ts): one below the size at which a
// worker's start pays for itself, never more than the machine's cores, and exactly what
// KUBECTL_SECRET_SCAN_WORKERS says when it is set.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {availableParallelism} from 'node:os';
import {InputError} from '../../../src/errors.js';
import {FILES_PER_THREAD, threadsFor} from '../../../src/scan/parallel.js';

test('one thread for small scans; one per FILES_PER_THREAD files, capped by the cores', () => {
  for (const n of [0, 1, 50, FILES_PER_THREAD * 2 - 1]) assert.equal(threadsFor(n, {}), 1, String(n));
  assert.equal(threadsFor(FILES_PER_THREAD * 2, {}), Math.min(2, availableParallelism()));
  assert.equal(threadsFor(1_000_000, {}), Math.min(8, availableParallelism()));
});

test('KUBECTL_SECRET_SCAN_WORKERS: exactly that many threads whatever the size; anything but 1 to 999 is refused', () => {
  assert.equal(threadsFor(1_000_000, {KUBECTL_SECRET_SCAN_WORKERS: '1'}), 1);
  assert.equal(threadsFor(3, {KUBECTL_SECRET_SCAN_WORKERS: '4'}), 4);
  assert.equal(threadsFor(1_000_000, {KUBECTL_SECRET_SCAN_WORKERS: ''}), Math.min(8, availableParallelism()));
  for (const bad of ['0', '-2', '1.5', 'x', '1000', ' 2']) assert.throws(() => threadsFor(10, {KUBECTL_SECRET_SCAN_WORKERS: bad}), InputError, bad);
});
