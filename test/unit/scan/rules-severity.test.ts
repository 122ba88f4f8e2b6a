// Every finding has a severity: high for credential-looking keys and private keys, low for keys
// whose names show public data. A plaintext Secret stays a finding whatever its keys are called.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {generateKeyPairSync} from 'node:crypto';
import {scanText} from '../../../src/scan/scan.js';

const CANARY = 'CANARY-2b4f6d8e0a';
const b64 = (s: string) => Buffer.from(s).toString('base64');
const KEY = generateKeyPairSync('ec', {namedCurve: 'P-256'}).privateKey.export({type: 'sec1', format: 'pem'}).toString();
const CERT_LIKE = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUWm2\n-----END CERTIFICATE-----\n';

function severities(body: string): [string, string][] {
  return scanText('s.yaml', `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n${body}`).findings.map((f) => [f.message.replace(/.* in /, ''), f.severity]);
}

test('plaintext-secret: public-data key names are low, everything else high', () => {
  const low = ['ca.crt', 'tls.crt', 'url', 'host', 'port', 'hostname', 'endpoint', 'namespace', 'server', 'ca-bundle.crt', 'id_rsa.pub', 'known_hosts', 'DB_HOST', 'redisPort', 'serverURL', 'type', 'region'];
  const high = ['password', 'token', 'tls.key', 'secret', 'apiKey', 'DB_PASSWORD', 'client-secret', 'config', 'alertmanager.yaml', 'accesskey', 'identity', 'sec_key', 'host-password', 'url-token', 'webhook.github.secret'];
  for (const k of low) assert.deepEqual(severities(`stringData:\n  ${k}: ${CANARY}\n`), [[`stringData.${k}`, 'low']], k);
  for (const k of high) assert.deepEqual(severities(`stringData:\n  ${k}: ${CANARY}\n`), [[`stringData.${k}`, 'high']], k);
  // The value can betray a public-looking name: a URL with a password, or a private key.
  assert.deepEqual(severities(`stringData:\n  url: https://bot:${CANARY}@git.example.com/repo.git\n`), [['stringData.url', 'high']]);
  assert.deepEqual(severities(`stringData:\n  url: https://git.example.com/repo.git\n`), [['stringData.url', 'low']]);
  assert.deepEqual(severities(`data:\n  ca.crt: ${b64(KEY)}\n`), [['data.ca.crt', 'high']]);
  assert.deepEqual(severities(`stringData:\n  tls.crt: |\n${KEY.split('\n').map((l) => '    ' + l).join('\n')}`), [['stringData.tls.crt', 'high']]);
  assert.deepEqual(severities(`data:\n  tls.crt: ${b64(CERT_LIKE)}\n`), [['data.tls.crt', 'low']]);
});

test('other rules: private keys are high; kustomize literals and last-applied follow the key names', () => {
  assert.deepEqual(scanText('k.pem', KEY).findings.map((f) => f.severity), ['high']);
  const kust = `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nsecretGenerator:\n- name: g\n  literals:\n  - host=db.internal\n  - password=${CANARY}\n`;
  assert.deepEqual(scanText('kustomization.yaml', kust).findings.map((f) => f.severity), ['low', 'high']);
  const la = (data: Record<string, string>) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: d\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: '${JSON.stringify({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'd'}, data})}'\n`;
  assert.deepEqual(scanText('d.yaml', la({'ca.crt': b64(CANARY)})).findings.map((f) => f.severity), ['low']);
  assert.deepEqual(scanText('d.yaml', la({'ca.crt': b64(CANARY), token: b64(CANARY)})).findings.map((f) => f.severity), ['high']);
  const references = new Map([['x.env', [{via: 'envs' as const, generator: 'g', kustomization: 'kustomization.yaml'}]]]);
  assert.deepEqual(scanText('x.env', `PORT=5432\nPASSWORD=${CANARY}\n`, {references}).findings.map((f) => f.severity), ['low', 'high']);
});
