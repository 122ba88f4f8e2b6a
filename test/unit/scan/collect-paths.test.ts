// collectPaths (src/scan/files.ts) builds each listed file's absolute path, repository path and
// display name by joining strings once per folder instead of path.join/relative per file. The
// names must be the ones path.join and path.relative give, for every way a folder can be named
// (./, trailing slashes, .., absolute, the root of the repository), in and outside git.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, posix, relative, resolve} from 'node:path';
import {collectPaths, sourceFile} from '../../../src/scan/files.js';

const NAMES = ['a.yaml', 'deploy/db.yaml', 'deploy/x/y/z.yml', 'deploy/.hidden', 'd e/sp ace.yaml', 'deploy/...', 'é/ü.yaml'];

for (const git of [false, true]) {
  test(`paths, repository paths and display names as path.join and path.relative give them (${git ? 'git' : 'no git'})`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'ks-collect-'));
    t.after(() => rmSync(dir, {recursive: true, force: true}));
    for (const n of NAMES) {
      mkdirSync(join(dir, n, '..'), {recursive: true});
      writeFileSync(join(dir, n), 'x');
    }
    if (git) execFileSync('git', ['init', '-q'], {cwd: dir, env: {...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1'}});
    const cwds = [dir, join(dir, 'deploy'), join(dir, 'deploy', 'x')];
    const args = ['.', './', './/', 'deploy', 'deploy/', './deploy/', 'deploy/../deploy', 'deploy//x', '..', '../', '../deploy/x/', dir, dir + '/', join(dir, 'deploy') + '//', `${dir}/deploy/./x`];
    for (const cwd of cwds) {
      for (const arg of args) {
        const abs = resolve(cwd, arg);
        if (!abs.startsWith(dir) || !existsSync(abs)) continue;
        const got = await collectPaths([arg], {cwd, root: dir});
        // The reference: what the names were before, per file.
        const want = NAMES.filter((n) => join(dir, n).startsWith(abs + '/')).map((n) => {
          const f = join(abs, relative(abs, join(dir, n)));
          return sourceFile(f, dir, cwd, posix.join(arg, relative(abs, f)));
        });
        const key = (x: {abs: string}) => x.abs;
        assert.deepEqual([...got.files].sort((x, y) => key(x).localeCompare(key(y))), want.sort((x, y) => key(x).localeCompare(key(y))), `cwd ${relative(dir, cwd) || '.'}, arg ${arg}`);
      }
    }
  });
}
