// The one `git cat-file --batch-command` process that staged and history scans read through:
// sizes and contents by blob id or `:path`, a missing name left out (not an error), repeated
// ids read once, and the same answers from the one-shot fallback when the process cannot answer.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {CatFile} from '../../../src/scan/catfile.js';
import {tempRepo} from '../../helpers/git-repo.js';

function repo(t: {after: (fn: () => void) => void}) {
  const r = tempRepo(t, 'ks-catfile-');
  r.write('a.yaml', 'kind: Secret\n');
  r.write('dir/b.bin', Buffer.from([0, 10, 255, 10, 10]));
  r.git('add', '-A');
  const sha = (p: string) => r.git('rev-parse', `:${p}`).trim();
  return {dir: r.dir, a: sha('a.yaml'), b: sha('dir/b.bin')};
}

const MISSING = '0123456789abcdef0123456789abcdef01234567';

for (const how of ['batch process', 'one-shot fallback'] as const) {
  test(`${how}: info gives type and size by id or :path, and leaves a missing name out`, async (t) => {
    const {dir, a, b} = repo(t);
    const cat = new CatFile(dir);
    if (how === 'one-shot fallback') cat.close();
    try {
      const info = await cat.info([a, ':dir/b.bin', MISSING]);
      assert.deepEqual([...info], [[a, {sha: a, type: 'blob', size: 13}], [':dir/b.bin', {sha: b, type: 'blob', size: 5}]]);
    } finally {
      cat.close();
    }
  });

  test(`${how}: contents are the exact bytes (newlines and NULs inside), a repeated id read once, a missing one left out`, async (t) => {
    const {dir, a, b} = repo(t);
    const cat = new CatFile(dir);
    if (how === 'one-shot fallback') cat.close();
    try {
      const got = await cat.contents([b, MISSING, a, b]);
      assert.deepEqual([...got.keys()], [b, a]);
      assert.deepEqual(got.get(b), Buffer.from([0, 10, 255, 10, 10]));
      assert.equal(got.get(a)?.toString(), 'kind: Secret\n');
      // The process keeps answering after a batch (one process serves every batch of a history scan).
      assert.equal((await cat.contents([a])).get(a)?.toString(), 'kind: Secret\n');
    } finally {
      cat.close();
    }
  });
}

test('large blobs: exact bytes across many pipe reads, in time linear in their size', async (t) => {
  const r = tempRepo(t, 'ks-catfile-large-');
  // Bytes that change every line, so a chunk put back in the wrong place shows.
  const blob = (mb: number, seed: number) => Buffer.from(Array.from({length: Math.ceil((mb * 1024 * 1024) / 32)}, (_, i) => `${seed}:${String(i).padStart(26, '0')}\n`).join(''));
  const small = blob(2, 1);
  const large = blob(16, 2);
  const other = blob(3, 3);
  r.write('small.yaml', small);
  r.write('large.yaml', large);
  r.write('other.yaml', other);
  r.git('add', '-A');
  const sha = (p: string) => r.git('rev-parse', `:${p}`).trim();
  const read = async (names: string[]) => {
    const cat = new CatFile(r.dir);
    try {
      const t0 = performance.now();
      const got = await cat.contents(names);
      return {got, ms: performance.now() - t0};
    } finally {
      cat.close();
    }
  };
  const both = await read([sha('large.yaml'), sha('other.yaml')]);
  assert.ok(both.got.get(sha('large.yaml'))!.equals(large), 'the large blob differs');
  assert.ok(both.got.get(sha('other.yaml'))!.equals(other), 'the blob after it differs');
  let best = {small: Infinity, large: Infinity};
  for (let i = 0; i < 3; i++) {
    best = {small: Math.min(best.small, (await read([sha('small.yaml')])).ms), large: Math.min(best.large, (await read([sha('large.yaml')])).ms)};
  }
  // 8× the bytes: linear is ~8× the time; buffering by concatenating every read was ~64× (quadratic).
  assert.ok(best.large <= best.small * 8 * 3 + 150, `2 MB took ${best.small.toFixed(0)} ms, 16 MB took ${best.large.toFixed(0)} ms`);
});
