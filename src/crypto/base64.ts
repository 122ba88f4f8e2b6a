// Sealed values are decoded exactly as the controller decodes them: Go's base64.StdEncoding
// (encoding/base64, not Strict), which skips CR and LF anywhere, requires `=` padding, and
// accepts non-zero bits after the last character; every other byte (a space, a tab, `-`, `_`)
// is an error. So every value the controller opens, we open, and a value it cannot read, we
// call damaged rather than decrypting whatever Node's lenient decoder would make of it.
import {CryptoError} from './errors.js';

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function decodeBase64Strict(text: string, what: string): Buffer {
  // Manifests are untyped: `encryptedData: {k: }` gives null, `k: 5` a number.
  if (typeof text !== 'string') throw new CryptoError('malformed', `${what} is not a string`);
  const s = text.replace(/[\r\n]/g, '');
  if (s.length === 0) throw new CryptoError('malformed', `${what} is empty`);
  if (s.length % 4 !== 0 || !B64.test(s)) throw new CryptoError('malformed', `${what} is not valid base64`);
  return Buffer.from(s, 'base64');
}
