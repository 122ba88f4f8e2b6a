// The real-world corpus (test/fixtures/scan-corpus/, see its README): every file's verdict, rules
// and highest severity, as judged by hand and written in expected.json.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {scanText} from '../../../src/scan/scan.js';

const CORPUS = fileURLToPath(new URL('../../../../test/fixtures/scan-corpus/', import.meta.url));

interface Expected {
  file: string;
  repo: string;
  path: string;
  verdict: 'flag' | 'no-flag';
  rules?: string[];
  severity?: 'high' | 'low';
}

const {files} = JSON.parse(readFileSync(CORPUS + 'expected.json', 'utf8')) as {files: Expected[]};

test('the corpus has positives and negatives from many repositories', () => {
  assert.ok(files.length >= 50);
  assert.ok(files.filter((f) => f.verdict === 'flag').length >= 20 && files.filter((f) => f.verdict === 'no-flag').length >= 20);
  assert.ok(new Set(files.map((f) => f.repo)).size >= 10);
});

for (const e of files) {
  test(`${e.repo} ${e.path}: ${e.verdict}${e.rules ? ` (${e.rules.join(', ')}, ${e.severity})` : ''}`, () => {
    const {findings, warnings} = scanText(e.file, readFileSync(CORPUS + e.file, 'utf8'));
    const summary = JSON.stringify(findings.map((f) => `${f.line}:${f.rule}:${f.severity}`));
    assert.equal(findings.length > 0, e.verdict === 'flag', summary);
    if (e.verdict === 'flag') {
      assert.deepEqual([...new Set(findings.map((f) => f.rule))].sort(), [...e.rules!].sort(), summary);
      assert.equal(findings.some((f) => f.severity === 'high') ? 'high' : 'low', e.severity, summary);
    }
    assert.deepEqual(warnings, []);
  });
}
