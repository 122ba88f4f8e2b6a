// The crypto of both sealing schemes; see docs/formats.md.
export * from './errors.js';
export * from './scope.js';
export * from './nacl.js';
export * from './sealed-secrets.js';
export * from './pem.js';
export {blake2b} from './blake2b.js';
