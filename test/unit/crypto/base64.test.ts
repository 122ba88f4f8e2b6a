// Sealed values decode as Go's base64.StdEncoding decodes them (the controller's decoder):
// CR and LF anywhere are skipped, padding is required, non-zero trailing bits are accepted,
// and any other character is an error. Values wrapped by `base64` (76 columns) or written as a
// YAML block scalar therefore open, as they do in the controller.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import fc from 'fast-check';
import {decodeBase64Strict} from '../../../src/crypto/base64.js';
import {naclOpen, naclSeal, parseNaclPrivateKey, parseNaclPublicKey, parseSealingCert, parseRsaPrivateKeys, sealedSecretsOpen, sealedSecretsSeal} from '../../../src/crypto/index.js';
import {CryptoError} from '../../../src/crypto/errors.js';

const FIX = new URL('../../../../test/fixtures/crypto/', import.meta.url).pathname;
const read = (f: string) => readFileSync(join(FIX, f), 'utf8');

/** Inserts CR/LF at the given positions (as `base64 -w 76` or a YAML literal block leaves them). */
function wrap(s: string, breaks: Array<[number, string]>): string {
  let out = s;
  for (const [at, br] of [...breaks].sort((a, b) => b[0] - a[0])) {
    const i = Math.min(at, out.length);
    out = out.slice(0, i) + br + out.slice(i);
  }
  return out;
}

test('CR and LF anywhere in a value are skipped, as Go\'s StdEncoding skips them', () => {
  fc.assert(fc.property(
    fc.uint8Array({minLength: 1, maxLength: 200}),
    fc.array(fc.tuple(fc.nat(300), fc.constantFrom('\n', '\r\n', '\r', '\n\n')), {maxLength: 8}),
    (bytes, breaks) => {
      assert.deepEqual(decodeBase64Strict(wrap(Buffer.from(bytes).toString('base64'), breaks), 'v'), Buffer.from(bytes));
    },
  ), {numRuns: 500});
});

test('any other character is an error, as in Go: space, tab, URL-safe alphabet, missing or misplaced padding', () => {
  for (const bad of ['QUJD RA==', 'QUJD\tRA==', ' QUJDRA==', 'QUJDRA== ', 'QUJD-_==', 'QUJDRA', 'QUJDRA=', 'QU=DRA==', 'QUJDRA===', '====']) {
    assert.throws(() => decodeBase64Strict(bad, 'v'), (e: unknown) => e instanceof CryptoError && e.reason === 'malformed', JSON.stringify(bad));
  }
});

test('non-zero bits after the last character are accepted (StdEncoding is not Strict)', () => {
  // "QR==" and "QQ==" both decode to "A" in Go's StdEncoding.
  assert.deepEqual(decodeBase64Strict('QR==', 'v'), Buffer.from('A'));
  assert.deepEqual(decodeBase64Strict('QUJ=', 'v'), Buffer.from('AB'));
});

test('sealed values of both schemes wrapped at 76 columns with CRLF open', () => {
  const value = Buffer.from('wrapped value');
  const nacl = naclSeal(value, 'ns/name', parseNaclPublicKey(read('x25519-public.pem')));
  const wrappedNacl = nacl.replace(/.{76}/g, '$&\r\n');
  assert.ok(wrappedNacl.includes('\r\n'));
  assert.deepEqual(naclOpen(wrappedNacl, [parseNaclPrivateKey(read('x25519-private.pem'))], 'ns/name').value, value);
  const cert = parseSealingCert(read('golden-cert.pem'));
  const rsa = sealedSecretsSeal(value, 'ns/name', cert.publicKey);
  assert.deepEqual(sealedSecretsOpen(rsa.replace(/.{76}/g, '$&\n'), 'ns/name', parseRsaPrivateKeys(read('golden-rsa-key.pem'))), value);
});
