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
