// BLAKE2b (RFC 7693) with a variable output length, unkeyed. Needed for libsodium's sealed-box
// nonce, BLAKE2b with a 24-byte output: the output length is part of the parameter block, so
// it is not a truncated BLAKE2b-512 and Node's fixed 'blake2b512' cannot produce it.
// 64-bit words are kept as (low, high) pairs of 32-bit numbers; indexes below are word*2.

const IV = new Uint32Array([
  0xf3bcc908, 0x6a09e667, 0x84caa73b, 0xbb67ae85, 0xfe94f82b, 0x3c6ef372, 0x5f1d36f1, 0xa54ff53a,
  0xade682d1, 0x510e527f, 0x2b3e6c1f, 0x9b05688c, 0xfb41bd6b, 0x1f83d9ab, 0x137e2179, 0x5be0cd19,
]);

// RFC 7693 section 2.7: ten rows; rounds 10 and 11 reuse rows 0 and 1 (SIGMA[r % 10]).
const SIGMA = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
  [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
  [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
  [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
  [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
  [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
  [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
  [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
  [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
].map((row) => row.map((i) => i * 2));

const v = new Uint32Array(32);
const m = new Uint32Array(32);

// v[a] += v[b] + m[x] (all 64-bit, mod 2^64)
function add3(a: number, b: number, x: number): void {
  let lo = v[a]! + v[b]!;
  let hi = v[a + 1]! + v[b + 1]! + (lo >= 0x100000000 ? 1 : 0);
  lo >>>= 0;
  const lo2 = lo + m[x]!;
  hi = hi + m[x + 1]! + (lo2 >= 0x100000000 ? 1 : 0);
  v[a] = lo2;
  v[a + 1] = hi;
}

function add2(a: number, b: number): void {
  const lo = v[a]! + v[b]!;
  v[a + 1] = v[a + 1]! + v[b + 1]! + (lo >= 0x100000000 ? 1 : 0);
  v[a] = lo;
}

// v[d] = rotr64(v[d] ^ v[a], n) for n in 16, 24, 32; 63 handled separately
function xorRotr(d: number, a: number, n: number): void {
  const lo = v[d]! ^ v[a]!;
  const hi = v[d + 1]! ^ v[a + 1]!;
  if (n === 32) {
    v[d] = hi;
    v[d + 1] = lo;
  } else {
    v[d] = (lo >>> n) | (hi << (32 - n));
    v[d + 1] = (hi >>> n) | (lo << (32 - n));
  }
}

function xorRotr63(d: number, a: number): void {
  const lo = v[d]! ^ v[a]!;
  const hi = v[d + 1]! ^ v[a + 1]!;
  v[d] = (lo << 1) | (hi >>> 31);
  v[d + 1] = (hi << 1) | (lo >>> 31);
}

function g(a: number, b: number, c: number, d: number, x: number, y: number): void {
  add3(a, b, x);
  xorRotr(d, a, 32);
  add2(c, d);
  xorRotr(b, c, 24);
  add3(a, b, y);
  xorRotr(d, a, 16);
  add2(c, d);
  xorRotr63(b, c);
}

function compress(h: Uint32Array, block: Uint8Array, offset: number, count: number, last: boolean): void {
  for (let i = 0; i < 16; i++) {
    v[i] = h[i]!;
    v[i + 16] = IV[i]!;
  }
  // t is the byte count so far; inputs stay far below 2^53, so the high words are 0.
  v[24] = v[24]! ^ (count >>> 0);
  v[25] = v[25]! ^ Math.floor(count / 0x100000000);
  if (last) {
    v[28] = ~v[28]!;
    v[29] = ~v[29]!;
  }
  for (let i = 0; i < 32; i++) {
    const p = offset + i * 4;
    m[i] = block[p]! | (block[p + 1]! << 8) | (block[p + 2]! << 16) | (block[p + 3]! << 24);
  }
  for (let r = 0; r < 12; r++) {
    const s = SIGMA[r % 10]!;
    g(0, 8, 16, 24, s[0]!, s[1]!);
    g(2, 10, 18, 26, s[2]!, s[3]!);
    g(4, 12, 20, 28, s[4]!, s[5]!);
    g(6, 14, 22, 30, s[6]!, s[7]!);
    g(0, 10, 20, 30, s[8]!, s[9]!);
    g(2, 12, 22, 24, s[10]!, s[11]!);
    g(4, 14, 16, 26, s[12]!, s[13]!);
    g(6, 8, 18, 28, s[14]!, s[15]!);
  }
  for (let i = 0; i < 16; i++) h[i] = h[i]! ^ v[i]! ^ v[i + 16]!;
}

/** Unkeyed BLAKE2b of `data` with an output of `outLen` bytes (1..64). */
export function blake2b(data: Uint8Array, outLen: number): Uint8Array {
  if (!Number.isInteger(outLen) || outLen < 1 || outLen > 64) throw new RangeError('BLAKE2b output length must be 1..64 bytes');
  const h = new Uint32Array(IV);
  // Parameter block word 0: digest length, key length 0, fanout 1, depth 1.
  h[0] = h[0]! ^ 0x01010000 ^ outLen;

  const block = new Uint8Array(128);
  let off = 0;
  // Every full block except the last is compressed as non-final; the last (possibly empty
  // for empty input) is zero-padded and compressed with the final flag.
  while (data.length - off > 128) {
    compress(h, data, off, off + 128, false);
    off += 128;
  }
  block.set(data.subarray(off));
  compress(h, block, 0, data.length, true);

  const out = new Uint8Array(outLen);
  for (let i = 0; i < outLen; i++) out[i] = h[i >> 2]! >>> (8 * (i & 3));
  return out;
}
