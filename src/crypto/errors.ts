// One error type for everything that can go wrong while sealing or opening, so commands can
// say "which key of which object" around it and tests can assert the reason. It is an
// InputError (exit 2): every cause is a bad value, key or certificate given to us.
// Messages are built from labels, key ids, lengths and dates only, never from plaintext or
// key material.
import {InputError} from '../errors.js';

export type CryptoErrorReason =
  | 'malformed'
  | 'unknown-key'
  | 'tampered'
  | 'wrong-label'
  | 'bad-key'
  | 'expired'
  | 'not-rsa'
  | 'unsupported-version';

export class CryptoError extends InputError {
  readonly reason: CryptoErrorReason;
  constructor(reason: CryptoErrorReason, message: string, hint?: string) {
    super(message, hint);
    this.reason = reason;
  }
}
