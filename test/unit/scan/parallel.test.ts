// How many threads a path scan uses (src/scan/parallel.ts): one below the size at which a
// worker's start pays for itself, never more than the cores, none beyond the cores the load
// leaves idle, and exactly what KUBECTL_SECRET_SCAN_WORKERS says when it is set.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {availableParallelism} from 'node:os';
import {InputError} from '../../../src/errors.js';
import {FILES_PER_THREAD, threadsFor} from '../../../src/scan/parallel.js';

const idle = (cores: number) => ({cores, load: 0});

test('one thread for small scans; one per FILES_PER_THREAD files, capped by the cores and at 8', () => {
  for (const n of [0, 1, 50, FILES_PER_THREAD * 2 - 1]) assert.equal(threadsFor(n, {}, idle(16)), 1, String(n));
  assert.equal(threadsFor(FILES_PER_THREAD * 2, {}, idle(16)), 2);
  assert.equal(threadsFor(FILES_PER_THREAD * 5 + 3, {}, idle(16)), 5);
  assert.equal(threadsFor(1_000_000, {}, idle(2)), 2);
  assert.equal(threadsFor(1_000_000, {}, idle(1)), 1);
  assert.equal(threadsFor(1_000_000, {}, idle(64)), 8);
});

test('a busy machine: no more threads than one plus the cores the load average leaves idle', () => {
  assert.equal(threadsFor(1_000_000, {}, {cores: 2, load: 8}), 1);
  assert.equal(threadsFor(1_000_000, {}, {cores: 2, load: 1.6}), 1);
  assert.equal(threadsFor(1_000_000, {}, {cores: 2, load: 1.4}), 2);
  assert.equal(threadsFor(1_000_000, {}, {cores: 8, load: 5}), 4);
});

test('KUBECTL_SECRET_SCAN_WORKERS: exactly that many threads whatever the size and the load; anything but 1 to 999 is refused', () => {
  assert.equal(threadsFor(1_000_000, {KUBECTL_SECRET_SCAN_WORKERS: '1'}, idle(8)), 1);
  assert.equal(threadsFor(3, {KUBECTL_SECRET_SCAN_WORKERS: '4'}, {cores: 1, load: 30}), 4);
  assert.equal(threadsFor(1_000_000, {KUBECTL_SECRET_SCAN_WORKERS: ''}, idle(4)), 4);
  for (const bad of ['0', '-2', '1.5', 'x', '1000', ' 2']) assert.throws(() => threadsFor(10, {KUBECTL_SECRET_SCAN_WORKERS: bad}, idle(4)), InputError, bad);
});

test('the test-only `idle` knob takes the load as 0; the machine\'s cores still cap', () => {
  const cores = availableParallelism();
  assert.equal(threadsFor(1_000_000, {KUBECTL_SECRET_TEST_SCAN_PARALLEL: 'throw,idle'}), Math.min(8, cores));
});
