import {test} from 'node:test';
import assert from 'node:assert/strict';
import {CHARSETS, CHARSET_NAMES, generateValue} from '../../../src/rotate/generate.js';
import {KsError} from '../../../src/errors.js';

test('each charset gives values of the asked length made only of its characters', () => {
  for (const name of CHARSET_NAMES) {
    for (const length of [1, 7, 32, 200]) {
      const v = generateValue(length, name).toString('latin1');
      assert.equal(v.length, length);
      for (const c of v) assert.ok(CHARSETS[name].includes(c), `${JSON.stringify(c)} is not in ${name}`);
    }
  }
  assert.equal(CHARSETS.alnum.length, 62);
  assert.equal(CHARSETS.hex.length, 16);
  assert.equal(CHARSETS.base64url.length, 64);
  assert.equal(CHARSETS.ascii.length, 94);
  assert.ok(!CHARSETS.ascii.includes(' '));
});

test('the default is 32 alphanumeric characters, and two values differ', () => {
  const a = generateValue().toString();
  assert.match(a, /^[A-Za-z0-9]{32}$/);
  assert.notEqual(a, generateValue().toString());
});

test('bytes at or above the largest multiple of the charset size are rejected, not folded (no modulo bias)', () => {
  // 62 characters: 256 - 256 % 62 = 248, so 248..255 must be skipped.
  const feed = [Buffer.from([248, 255, 0, 250, 61, 62])];
  const v = generateValue(3, 'alnum', () => feed.shift() ?? Buffer.from([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1])).toString();
  assert.equal(v, `${CHARSETS.alnum[0]}${CHARSETS.alnum[61]}${CHARSETS.alnum[0]}`);
});

test('characters come out roughly uniform (chi-square far below what a biased draw gives)', () => {
  for (const name of ['alnum', 'ascii'] as const) {
    const chars = CHARSETS[name];
    const counts = new Map<string, number>();
    const v = generateValue(60_000, name).toString('latin1');
    for (const c of v) counts.set(c, (counts.get(c) ?? 0) + 1);
    assert.equal(counts.size, chars.length, 'every character occurs');
    const expected = v.length / chars.length;
    const chi = [...chars].reduce((s, c) => s + ((counts.get(c) ?? 0) - expected) ** 2 / expected, 0);
    // df = n-1 (61 or 93): the 1e-6 tails are below 130 and 180; `byte % n` would give about 400 and 1600.
    assert.ok(chi < (name === 'alnum' ? 130 : 180), `chi-square ${chi.toFixed(1)} for ${name}`);
  }
});

test('lengths out of range and unknown charsets are input errors', () => {
  for (const bad of [0, -1, 1.5, 65_537]) assert.throws(() => generateValue(bad), (e: unknown) => e instanceof KsError && e.exitCode === 2);
  assert.throws(() => generateValue(8, 'emoji' as any), /unknown --charset/);
});
