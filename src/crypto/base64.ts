// Node's base64 decoder skips anything it does not understand; a sealed value that is not
// exactly canonical padded base64 is damaged, and we would rather say so than decrypt garbage.
import {CryptoError} from './errors.js';

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function decodeBase64Strict(text: string, what: string): Buffer {
  // Manifests are untyped: `encryptedData: {k: }` gives null, `k: 5` a number.
  if (typeof text !== 'string') throw new CryptoError('malformed', `${what} is not a string`);
  const s = text.trim();
  if (s.length === 0) throw new CryptoError('malformed', `${what} is empty`);
  if (s.length % 4 !== 0 || !B64.test(s)) throw new CryptoError('malformed', `${what} is not valid base64`);
  const bytes = Buffer.from(s, 'base64');
  if (bytes.toString('base64') !== s) throw new CryptoError('malformed', `${what} is not valid base64`);
  return bytes;
}
