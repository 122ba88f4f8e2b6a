import {test} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {createHash, generateKeyPairSync} from 'node:crypto';
import {stringify} from 'yaml';
import {generateNaclKeyPair, naclKeyId, naclOpen, naclSeal} from '../../../src/crypto/nacl.js';
import {
  detectKeyKind, naclPrivateKeyToPem, naclPublicKeyToPem, parseNaclPrivateKey, parseNaclPublicKey, parseRsaPrivateKeys, parseSealingCert,
} from '../../../src/crypto/pem.js';
import {sealedSecretsOpen, sealedSecretsSeal} from '../../../src/crypto/sealed-secrets.js';
import {CANARY, assertCryptoError, fixture, fixturePath, haveOpenssl} from './helpers.js';

const fx = JSON.parse(fixture('x25519.json'));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const openssl = (args: string[], input?: string): string => execFileSync('openssl', args, {input, encoding: 'utf8'});

test('nacl public and private keys round-trip through PEM', () => {
  const kp = generateNaclKeyPair();
  const pub = naclPublicKeyToPem(kp.publicKey);
  const priv = naclPrivateKeyToPem(kp.secretKey);
  assert.match(pub, /^-----BEGIN PUBLIC KEY-----\n/);
  assert.match(priv, /^-----BEGIN PRIVATE KEY-----\n/);
  assert.equal(hex(parseNaclPublicKey(pub)), hex(kp.publicKey));
  const parsed = parseNaclPrivateKey(priv);
  assert.equal(hex(parsed.publicKey), hex(kp.publicKey));
  assert.equal(hex(parsed.secretKey), hex(kp.secretKey));
  assert.equal(naclOpen(naclSeal(Buffer.from(CANARY), 'a/b', parseNaclPublicKey(pub)), [parsed], 'a/b').value.toString(), CANARY);
});

test('keys written by python3-cryptography parse to the same raw bytes; ours match its PEM', () => {
  assert.equal(hex(parseNaclPublicKey(fixture('x25519-public.pem'))), fx.publicKey);
  const kp = parseNaclPrivateKey(fixture('x25519-private.pem'));
  assert.equal(hex(kp.secretKey), fx.secretKey);
  assert.equal(hex(kp.publicKey), fx.publicKey);
  assert.equal(naclPublicKeyToPem(Buffer.from(fx.publicKey, 'hex')), fixture('x25519-public.pem'));
  assert.equal(naclPrivateKeyToPem(Buffer.from(fx.secretKey, 'hex')), fixture('x25519-private.pem'));
});

test('the openssl CLI reads our PEM keys as X25519 with the same raw bytes', (t) => {
  if (!haveOpenssl(t)) return;
  const kp = generateNaclKeyPair();
  const text = openssl(['pkey', '-noout', '-text'], naclPrivateKeyToPem(kp.secretKey));
  assert.match(text, /X25519 Private-Key/);
  const bytesOf = (section: string): string => (text.split(`${section}:`)[1] ?? '').split(/\n\S/)[0]!.replace(/[^0-9a-f]/g, '');
  assert.equal(bytesOf('priv'), hex(kp.secretKey));
  assert.equal(bytesOf('pub'), hex(kp.publicKey));
  const der = execFileSync('openssl', ['pkey', '-pubin', '-outform', 'DER'], {input: naclPublicKeyToPem(kp.publicKey)});
  assert.equal(hex(der.subarray(der.length - 32)), hex(kp.publicKey));
});

test('a raw base64 32-byte public key is accepted; other raw lengths and junk are not', () => {
  const kp = generateNaclKeyPair();
  assert.equal(hex(parseNaclPublicKey(Buffer.from(kp.publicKey).toString('base64'))), hex(kp.publicKey));
  assert.equal(hex(parseNaclPublicKey(`${Buffer.from(kp.publicKey).toString('base64')}\n`)), hex(kp.publicKey));
  assertCryptoError(() => parseNaclPublicKey(Buffer.alloc(31).toString('base64')), 'bad-key', /32 bytes, this base64 holds 31/);
  assertCryptoError(() => parseNaclPublicKey('hello world'), 'bad-key');
  assertCryptoError(() => parseNaclPublicKey(''), 'bad-key');
});

test('wrong or broken PEM is refused as bad-key with a message that says what was expected', () => {
  const {publicKey: rsaPub, privateKey: rsaPriv} = generateKeyPairSync('rsa', {modulusLength: 2048});
  const rsaPubPem = rsaPub.export({type: 'spki', format: 'pem'}) as string;
  assertCryptoError(() => parseNaclPublicKey(rsaPubPem), 'bad-key', /is RSA, the nacl scheme needs X25519/);
  assertCryptoError(() => parseNaclPublicKey(fixture('golden-cert.pem')), 'bad-key', /found "CERTIFICATE"/);
  assertCryptoError(() => parseNaclPublicKey('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n'), 'bad-key', /could not be parsed/);
  assertCryptoError(() => parseNaclPrivateKey(rsaPriv.export({type: 'pkcs8', format: 'pem'}) as string), 'bad-key', /is RSA/);
  assertCryptoError(() => parseNaclPrivateKey('-----BEGIN PRIVATE KEY-----\nQ0FOQVJZLTdmM2E5Yw==\n-----END PRIVATE KEY-----\n'), 'bad-key');
  assertCryptoError(() => parseNaclPrivateKey(fixture('x25519-public.pem')), 'bad-key', /PRIVATE KEY/);
});

test('the sealing certificate: RSA key, validity dates, SHA-256 DER fingerprint as openssl computes it, subject', (t) => {
  if (!haveOpenssl(t)) return;
  const cert = parseSealingCert(fixture('golden-cert.pem'));
  assert.equal(cert.publicKey.asymmetricKeyType, 'rsa');
  assert.equal(cert.notBefore.toISOString(), '2020-01-01T00:00:00.000Z');
  assert.equal(cert.notAfter.toISOString(), '2120-01-01T00:00:00.000Z');
  const osslFp = openssl(['x509', '-in', fixturePath('golden-cert.pem'), '-noout', '-fingerprint', '-sha256']).split('=')[1]!.trim().replace(/:/g, '').toLowerCase();
  assert.equal(cert.fingerprint, osslFp);
  const der = execFileSync('openssl', ['x509', '-in', fixturePath('golden-cert.pem'), '-outform', 'DER']);
  assert.equal(cert.fingerprint, createHash('sha256').update(der).digest('hex'));
  assert.match(cert.subject, /CN=sealed-secrets/);
  const keys = parseRsaPrivateKeys(fixture('golden-rsa-key.pem'));
  assert.equal(sealedSecretsOpen(sealedSecretsSeal(Buffer.from(CANARY), 'a/b', cert.publicKey), 'a/b', keys).toString(), CANARY);
});

test('an expired, not yet valid, non-RSA or broken certificate is refused with a clear reason', () => {
  assertCryptoError(() => parseSealingCert(fixture('expired-cert.pem')), 'expired', /expired on 2016-06-30T00:00:00.000Z/);
  assert.equal(parseSealingCert(fixture('expired-cert.pem'), new Date('2016-01-01T00:00:00Z')).notAfter.getUTCFullYear(), 2016);
  assertCryptoError(() => parseSealingCert(fixture('golden-cert.pem'), new Date('2019-12-31T23:59:59Z')), 'expired', /not valid until 2020-01-01/);
  assertCryptoError(() => parseSealingCert(fixture('golden-cert.pem'), new Date('2120-01-01T00:00:01Z')), 'expired', /expired on 2120-01-01/);
  assertCryptoError(() => parseSealingCert(fixture('ec-cert.pem')), 'not-rsa', /certificate's key is EC; sealed-secrets needs an RSA certificate/);
  assertCryptoError(() => parseSealingCert(fixture('x25519-public.pem')), 'bad-key', /expected a PEM "CERTIFICATE"/);
  assertCryptoError(() => parseSealingCert('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'), 'bad-key', /could not be parsed/);
  assertCryptoError(() => parseSealingCert('not a certificate'), 'bad-key');
});

/** golden-cert.pem with one byte pair of its notBefore or notAfter time changed (the signature is not checked by a parser). */
function certWithBadTime(which: 0 | 1, month: string): string {
  const der = Buffer.from(fixture('golden-cert.pem').replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  const times: {at: number; long: boolean}[] = [];
  for (let i = 0; i < der.length - 2; i++) {
    if (der[i] === 0x17 && der[i + 1] === 0x0d) times.push({at: i + 2, long: false}); // UTCTime YYMMDDHHMMSSZ
    if (der[i] === 0x18 && der[i + 1] === 0x0f) times.push({at: i + 2, long: true}); // GeneralizedTime YYYYMMDDHHMMSSZ
  }
  assert.equal(times.length, 2, 'golden-cert.pem has its two validity times');
  const t = times[which];
  der.write(month, t.at + (t.long ? 4 : 2), 'latin1');
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
}

// A validity time OpenSSL cannot read left Node's validToDate an Invalid Date: every comparison
// with it is false, so such a certificate passed as valid, and printing its date threw.
test('a certificate whose validity dates cannot be read is refused, never taken as valid', () => {
  for (const which of [0, 1] as const) {
    for (const month of ['00', '13', '99']) {
      assertCryptoError(() => parseSealingCert(certWithBadTime(which, month)), 'bad-key', /validity dates could not be read/);
    }
  }
  // The same bytes with a real month still parse: the change above is what is refused.
  assert.equal(parseSealingCert(certWithBadTime(1, '06'), new Date('2030-01-01T00:00:00Z')).notAfter.getUTCMonth(), 5);
});

test('RSA private keys from PEM (PKCS#1, PKCS#8, several) and from the controller key Secret (JSON, YAML, multi-doc, List)', () => {
  const pkcs1 = fixture('golden-rsa-key.pem');
  const pkcs8 = fixture('second-rsa-key.pem');
  assert.match(pkcs1, /BEGIN RSA PRIVATE KEY/);
  assert.match(pkcs8, /BEGIN PRIVATE KEY/);
  assert.equal(parseRsaPrivateKeys(pkcs1).length, 1);
  assert.equal(parseRsaPrivateKeys(pkcs8).length, 1);
  assert.equal(parseRsaPrivateKeys(pkcs1 + pkcs8).length, 2);

  const secret = JSON.parse(fixture('controller-key-secret.json'));
  const list = JSON.parse(fixture('controller-keys-list.json'));
  assert.equal(parseRsaPrivateKeys(fixture('controller-key-secret.json')).length, 1);
  assert.equal(parseRsaPrivateKeys(stringify(secret)).length, 1);
  assert.equal(parseRsaPrivateKeys(fixture('controller-keys-list.json')).length, 2);
  assert.equal(parseRsaPrivateKeys(stringify(list)).length, 2);
  const multiDoc = list.items.map((i: unknown) => stringify(i)).join('---\n');
  const keys = parseRsaPrivateKeys(multiDoc);
  assert.equal(keys.length, 2);
  const sealed = sealedSecretsSeal(Buffer.from(CANARY), 'a/b', parseSealingCert(fixture('golden-cert.pem')).publicKey);
  assert.equal(sealedSecretsOpen(sealed, 'a/b', keys).toString(), CANARY);
  // Other kinds in the file are ignored, as with kubectl get secret,configmap -o yaml.
  assert.equal(parseRsaPrivateKeys(`${stringify({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'x'}, data: {a: 'b'}})}---\n${stringify(secret)}`).length, 1);
});

test('files without a usable RSA private key are refused as bad-key', () => {
  const {privateKey: ec} = generateKeyPairSync('ec', {namedCurve: 'P-256'});
  assertCryptoError(() => parseRsaPrivateKeys(ec.export({type: 'pkcs8', format: 'pem'}) as string), 'bad-key', /is EC, sealed-secrets needs RSA/);
  assertCryptoError(() => parseRsaPrivateKeys('-----BEGIN RSA PRIVATE KEY-----\nQ0FOQVJZLTdmM2E5Yw==\n-----END RSA PRIVATE KEY-----\n'), 'bad-key', /could not be parsed/);
  assertCryptoError(() => parseRsaPrivateKeys(fixture('golden-cert.pem')), 'bad-key', /expected a PEM "RSA PRIVATE KEY"/);
  assertCryptoError(() => parseRsaPrivateKeys(stringify({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'x'}})), 'bad-key', /no private key found/);
  const bad = JSON.parse(fixture('controller-key-secret.json'));
  bad.data['tls.key'] = `${Buffer.from(CANARY).toString('base64')}!`;
  assertCryptoError(() => parseRsaPrivateKeys(JSON.stringify(bad)), 'bad-key', /Secret kube-system\/sealed-secrets-key7x2k: data."tls.key" is not valid base64/);
  bad.data['tls.key'] = Buffer.from(CANARY).toString('base64');
  assertCryptoError(() => parseRsaPrivateKeys(JSON.stringify(bad)), 'bad-key', /sealed-secrets-key7x2k: the private key could not be parsed/);
  assertCryptoError(() => parseRsaPrivateKeys('key: [unclosed'), 'bad-key');
  assertCryptoError(() => parseRsaPrivateKeys(''), 'bad-key');
});

test('detectKeyKind: an RSA certificate means sealed-secrets, an X25519 key means nacl', () => {
  assert.equal(detectKeyKind(fixture('golden-cert.pem')), 'rsa-cert');
  assert.equal(detectKeyKind(fixture('expired-cert.pem')), 'rsa-cert');
  assert.equal(detectKeyKind(fixture('x25519-public.pem')), 'nacl-public-key');
  assert.equal(detectKeyKind(Buffer.from(fx.publicKey, 'hex').toString('base64')), 'nacl-public-key');
  assertCryptoError(() => detectKeyKind(fixture('ec-cert.pem')), 'not-rsa');
  const {publicKey} = generateKeyPairSync('rsa', {modulusLength: 2048});
  assertCryptoError(() => detectKeyKind(publicKey.export({type: 'spki', format: 'pem'}) as string), 'bad-key', /bare RSA public key/);
  assertCryptoError(() => detectKeyKind(fixture('x25519-private.pem')), 'bad-key', /found "PRIVATE KEY"/);
  assertCryptoError(() => detectKeyKind('nonsense'), 'bad-key');
  assert.equal(naclKeyId(parseNaclPublicKey(fixture('x25519-public.pem'))), fx.keyId);
});

test('the nacl public key PEM is the one OpenSSL writes for the key', () => {
  for (let i = 0; i < 200; i++) {
    const {publicKey} = generateKeyPairSync('x25519');
    const raw = Buffer.from(publicKey.export({format: 'jwk'}).x!, 'base64url');
    assert.equal(naclPublicKeyToPem(raw), publicKey.export({type: 'spki', format: 'pem'}));
    assert.deepEqual(parseNaclPublicKey(naclPublicKeyToPem(raw)), new Uint8Array(raw));
  }
});
