import {test} from 'node:test';
import assert from 'node:assert/strict';
import {WorkQueue} from '../../../src/controller/queue.js';

test('a key added many times is queued once', async () => {
  const q = new WorkQueue();
  q.add('a');
  q.add('a');
  q.add('b');
  q.add('a');
  assert.equal(q.length, 2);
  assert.equal(await q.get(), 'a');
  assert.equal(await q.get(), 'b');
  q.shutDown();
});

test('a key is never handed out twice at once; added while processing, it comes back after done', async () => {
  const q = new WorkQueue();
  q.add('a');
  const k = await q.get();
  q.add('a');
  assert.equal(q.length, 0, 'not queued while processing');
  let second: string | undefined;
  const waiting = q.get().then((x) => (second = x));
  await new Promise((r) => setImmediate(r));
  assert.equal(second, undefined);
  q.done(k!);
  await waiting;
  assert.equal(second, 'a');
  q.shutDown();
});

test('failures back off exponentially per key until forgotten', async () => {
  const q = new WorkQueue(20, 1000);
  const t0 = Date.now();
  q.addRateLimited('a'); // 20ms
  assert.equal(await q.get(), 'a');
  q.done('a');
  const first = Date.now() - t0;
  q.addRateLimited('a'); // 40ms
  const t1 = Date.now();
  assert.equal(await q.get(), 'a');
  q.done('a');
  const second = Date.now() - t1;
  assert.ok(first >= 15, `first retry after ${first}ms`);
  assert.ok(second >= 35, `second retry after ${second}ms`);
  q.forget('a');
  const t2 = Date.now();
  q.addRateLimited('a');
  assert.equal(await q.get(), 'a');
  assert.ok(Date.now() - t2 < 35, 'forget resets the backoff');
  q.shutDown();
});

test('shutDown releases waiting workers and drops pending retries', async () => {
  const q = new WorkQueue();
  const w = q.get();
  q.addAfter('x', 10_000);
  q.shutDown();
  assert.equal(await w, undefined);
  assert.equal(await q.get(), undefined);
  q.add('y');
  assert.equal(q.length, 0);
});
