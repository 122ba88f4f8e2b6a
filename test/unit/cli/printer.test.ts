// The printer's pure parts: escaping, fitting a table to a width, colour only when asked,
// YAML without anchors, and plain words for file errors.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {escapeControl} from '../../../src/render/escape.js';
import {renderTable} from '../../../src/render/table.js';
import {list, render} from '../../../src/render/printer.js';
import {describeFileError} from '../../../src/io/file-error.js';

const ESC = '\u001B';

test('control characters are shown escaped: C0, DEL, C1, line separators, bidi overrides, our colour marks', () => {
  assert.equal(escapeControl(`a${ESC}[2Kb\nc\rd\te\u007Ff\u009Bg`), 'a\\x1b[2Kb\\nc\\rd\\te\\x7ff\\x9bg');
  assert.equal(escapeControl('admin\u202Etxt.exe\u2028x'), 'admin\\u202etxt.exe\\u2028x');
  assert.equal(escapeControl('\uE000\uE001\uE002'), '\\ue000\\ue001\\ue002');
  assert.equal(escapeControl('système:masters ✓ 秘密'), 'système:masters ✓ 秘密', 'printable Unicode is kept');
});

test('a table cell with a newline stays in its row; every row has the same columns', () => {
  const out = renderTable(['KIND', 'SUBJECT'], [['User', 'evil\nUser   mallory'], ['User', 'alice']], {color: false});
  assert.deepEqual(out.trimEnd().split('\n'), ['KIND   SUBJECT', 'User   evil\\nUser   mallory', 'User   alice']);
});

test('a table fits the width it is given by cutting the widest cells with …; without a width nothing is cut', () => {
  const rows = [['db', 'HIGH', 'x'.repeat(100)], ['api', 'LOW', 'short']];
  const fitted = renderTable(['SECRET', 'SEVERITY', 'MESSAGE'], rows, {width: 40, color: false});
  for (const line of fitted.trimEnd().split('\n')) assert.ok([...line].length <= 40, line);
  assert.match(fitted, /x…/);
  assert.match(fitted, /^api {6}LOW {8}short$/m, 'short rows untouched');
  const whole = renderTable(['SECRET', 'SEVERITY', 'MESSAGE'], rows, {color: false});
  assert.ok(whole.includes('x'.repeat(100)));
});

test('render: colour only when the terminal wants it; -o wide never cuts; json/yaml from the same data; yaml without anchors', () => {
  const shared = {name: 'reader'};
  const view = {
    data: () => ({rows: [{via: shared}, {via: shared}]}),
    table: () => renderTable(['SEVERITY', 'MESSAGE'], [['HIGH', 'm'.repeat(60)]]),
    names: () => ['secret/db'],
  };
  const colored = render('table', view, {width: 30, color: true});
  assert.ok(colored.includes(`${ESC}[31mHIGH${ESC}[0m`), colored);
  assert.ok(colored.includes('…'));
  const plain = render('table', view, {width: undefined, color: false});
  assert.ok(!plain.includes(ESC) && plain.includes('m'.repeat(60)));
  assert.ok(render('wide', view, {width: 30, color: false}).includes('m'.repeat(60)));
  const yaml = render('yaml', view, {color: false});
  assert.doesNotMatch(yaml, /[&*]a\d/);
  assert.equal(render('json', view, {color: false}), JSON.stringify(view.data(), null, 2) + '\n');
  assert.equal(render('name', view, {color: false}), 'secret/db\n');
  assert.deepEqual(list([1]), {apiVersion: 'v1', kind: 'List', metadata: {}, items: [1]});
});

test('human output escapes control characters outside tables too, but keeps line breaks', () => {
  const out = render('table', {data: () => null, table: () => `Secret a${ESC}]0;owned${ESC}\\\nnext\n`}, {color: false});
  assert.equal(out, 'Secret a\\x1b]0;owned\\x1b\\\nnext\n');
});

test('file errors in plain words, never Node codes; a KEY=VALUE path is not echoed', () => {
  const err = (code: string, path: string) => Object.assign(new Error(`${code}: x`), {code, path, syscall: 'open'});
  assert.equal(describeFileError(err('ENOENT', 'x.pem')), 'no such file: x.pem');
  assert.equal(describeFileError(err('EACCES', 'x.pem')), 'permission denied: x.pem');
  assert.equal(describeFileError(err('EISDIR', 'dir')), 'dir is a directory, not a file');
  assert.equal(describeFileError(err('ENOTDIR', 'a/b')), 'not a directory (a part of the path is a file): a/b');
  assert.equal(describeFileError(err('ELOOP', 'l')), 'too many symbolic links: l');
  assert.equal(describeFileError(err('ENOENT', 'password=hunter2')), 'no such file: the path given (not shown: it looks like KEY=VALUE)');
  for (const code of ['ENOENT', 'EACCES', 'EISDIR', 'EPERM', 'EMFILE', 'EWEIRD']) assert.doesNotMatch(describeFileError(err(code, 'f')), /\bE[A-Z]{3,}\b/, code);
});
