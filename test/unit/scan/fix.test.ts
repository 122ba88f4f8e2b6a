import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fixFindings, type SealFileInPlace} from '../../../src/scan/fix.js';
import {runScan} from '../../../src/scan/inputs.js';
import {tempRepo} from '../../helpers/git-repo.js';

const leaky = (n: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${n}\nstringData:\n  k: v\n`;
const SEALED = 'apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: x\n';

test('--fix seals the flagged files, re-stages them, and leaves files with unstaged changes alone', async (t) => {
  const {dir, git} = tempRepo(t, 'ks-fix-');
  writeFileSync(join(dir, 'a.yaml'), leaky('a'));
  writeFileSync(join(dir, 'b.yaml'), leaky('b'));
  writeFileSync(join(dir, 'k.yaml'), 'kind: Kustomization\nsecretGenerator:\n- name: g\n  literals: [x=y]\n');
  git('add', '.');
  writeFileSync(join(dir, 'b.yaml'), leaky('b') + '# unstaged\n');

  const report = await runScan({cwd: dir, paths: [], staged: true, maxFileSize: 1 << 20});
  const calls: string[] = [];
  const seal: SealFileInPlace = async (file, opts) => {
    calls.push(`${file}:${opts.cert}`);
    writeFileSync(file, SEALED);
  };
  const asked: string[] = [];
  const log: string[] = [];
  const res = await fixFindings({
    report, staged: true, loadSeal: async () => seal, sealOptions: {cert: 'pub.pem'},
    confirm: async (f) => (asked.push(f), true), log: (l) => log.push(l),
  });
  assert.deepEqual(res.sealed, ['a.yaml']);
  assert.deepEqual(res.refused.map((x) => x.file), ['b.yaml']);
  assert.deepEqual(calls, [`${join(dir, 'a.yaml')}:pub.pem`]);
  assert.deepEqual(asked, ['a.yaml'], 'kustomize literals are not something sealing fixes, so not offered');
  assert.equal(git('show', ':a.yaml'), SEALED, 'the sealed file is staged');
  assert.equal(readFileSync(join(dir, 'b.yaml'), 'utf8'), leaky('b') + '# unstaged\n');
  assert.match(log.join('\n'), /not sealing b\.yaml: it also has unstaged changes/);
});

test('--fix asks per file and a "no" leaves the file as it is; nothing to seal never loads the sealer', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ks-fix-'));
  t.after(() => rmSync(dir, {recursive: true, force: true}));
  writeFileSync(join(dir, 'a.yaml'), leaky('a'));
  const report = await runScan({cwd: dir, paths: ['.'], maxFileSize: 1 << 20});
  const res = await fixFindings({report, staged: false, loadSeal: async () => async () => assert.fail('declined files are not sealed'), sealOptions: {}, confirm: async () => false, log: () => {}});
  assert.deepEqual(res.declined, ['a.yaml']);
  assert.equal(readFileSync(join(dir, 'a.yaml'), 'utf8'), leaky('a'));
  const clean = await runScan({cwd: dir, paths: [join(dir, 'a.yaml')], maxFileSize: 1}); // skipped: too large
  assert.equal(clean.skippedBy['too-large'], 1);
  const none = await fixFindings({report: clean, staged: false, loadSeal: async () => assert.fail('sealer loaded with nothing to seal'), sealOptions: {}, log: () => {}});
  assert.deepEqual(none, {sealed: [], refused: [], declined: []});
});
