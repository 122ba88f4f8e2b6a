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

test('failures back off exponentially per key until forgotten', async (t) => {
  // Mocked timers: the backoff is checked to the millisecond, whatever the machine's load.
  t.mock.timers.enable({apis: ['setTimeout']});
  const q = new WorkQueue(20, 1000);
  const retriedAfter = async (ms: number) => {
    q.addRateLimited('a');
    t.mock.timers.tick(ms - 1);
    assert.equal(q.length, 0, `not queued again before ${ms}ms`);
    t.mock.timers.tick(1);
    assert.equal(q.length, 1, `queued again at ${ms}ms`);
    assert.equal(await q.get(), 'a');
    q.done('a');
  };
  await retriedAfter(20);
  await retriedAfter(40);
  await retriedAfter(80);
  q.forget('a');
  await retriedAfter(20); // forget resets the backoff
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
