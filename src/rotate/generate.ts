// Random values for `rotate --generate`. Each character is drawn uniformly from the charset by
// rejection sampling over bytes from the OS CSPRNG: a byte is used only when it falls below the
// largest multiple of the charset size that fits in 256, so no character is more likely than
// another (plain `byte % n` would favour the first 256 mod n characters).
import {randomBytes} from 'node:crypto';
import {InputError} from '../errors.js';

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();
const DIGITS = '0123456789';

export const CHARSETS = {
  alnum: UPPER + LOWER + DIGITS,
  hex: '0123456789abcdef',
  // RFC 4648 §5, without padding.
  base64url: UPPER + LOWER + DIGITS + '-_',
  // Printable ASCII without space (0x21..0x7e), so a value survives shells and env files trimmed.
  ascii: Array.from({length: 0x7e - 0x21 + 1}, (_, i) => String.fromCharCode(0x21 + i)).join(''),
} as const;

export type Charset = keyof typeof CHARSETS;
export const CHARSET_NAMES = Object.keys(CHARSETS) as Charset[];

export const DEFAULT_LENGTH = 32;
/** The API server caps a whole Secret at 1 MiB; one generated value stays well below that. */
export const MAX_LENGTH = 65_536;

export function generateValue(length: number = DEFAULT_LENGTH, charset: Charset = 'alnum', random: (n: number) => Buffer = randomBytes): Buffer {
  if (!Number.isInteger(length) || length < 1 || length > MAX_LENGTH) throw new InputError(`--length ${length} is out of range`, `pass a whole number from 1 to ${MAX_LENGTH}`);
  const chars = CHARSETS[charset];
  if (!chars) throw new InputError(`unknown --charset ${charset}`, `use one of ${CHARSET_NAMES.join(', ')}`);
  const n = chars.length;
  const limit = 256 - (256 % n);
  const out = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    // Ask for a little more than needed so one call usually suffices despite rejections.
    const batch = random(Math.ceil(((length - filled) * 256) / limit) + 8);
    for (let i = 0; i < batch.length && filled < length; i++) {
      if (batch[i] < limit) out[filled++] = chars.charCodeAt(batch[i] % n);
    }
  }
  return out;
}
