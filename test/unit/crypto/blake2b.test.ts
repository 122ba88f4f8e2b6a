import {test} from 'node:test';
import assert from 'node:assert/strict';
import {createHash} from 'node:crypto';
import fc from 'fast-check';
import sodium from 'libsodium-wrappers';
import {blake2b} from '../../../src/crypto/blake2b.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function input(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 131 + n) & 0xff;
  return b;
}

test('BLAKE2b-512("abc") is the RFC 7693 Appendix A vector', () => {
  assert.equal(hex(blake2b(Buffer.from('abc'), 64)),
    'ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1' +
    '7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923');
});

const SIZES = [0, 1, 3, 63, 64, 65, 127, 128, 129, 255, 256, 257, 1000, 4096];

test('64-byte output equals OpenSSL\'s blake2b512 (through node:crypto) at block boundaries', () => {
  for (const n of SIZES) {
    const data = input(n);
    assert.equal(hex(blake2b(data, 64)), createHash('blake2b512').update(data).digest('hex'), `input of ${n} bytes`);
  }
});

test('every output length 1..64 equals libsodium crypto_generichash', async () => {
  await sodium.ready;
  for (const n of SIZES) {
    const data = input(n);
    for (let len = 1; len <= 64; len++) {
      assert.equal(hex(blake2b(data, len)), hex(sodium.crypto_generichash(len, data, null)), `${len}-byte output of ${n} bytes`);
    }
  }
});

test('random inputs and lengths equal libsodium crypto_generichash', async () => {
  await sodium.ready;
  fc.assert(fc.property(fc.uint8Array({maxLength: 600}), fc.integer({min: 1, max: 64}), (data, len) => {
    assert.equal(hex(blake2b(data, len)), hex(sodium.crypto_generichash(len, data, null)));
  }), {numRuns: 300});
});

test('the 24-byte output is not a truncated 64-byte output (why Node\'s blake2b512 will not do)', () => {
  const data = input(64);
  assert.notEqual(hex(blake2b(data, 24)), hex(blake2b(data, 64).subarray(0, 24)));
});

test('output lengths outside 1..64 are rejected', () => {
  for (const len of [0, 65, 1.5, -1]) assert.throws(() => blake2b(new Uint8Array(1), len), RangeError);
});
