// What the end-to-end files about one Secret's values (diff, rotate) share: the crypto fixtures,
// fresh canary values, one test environment per file with a namespace per test, a Secret built
// from plain values, and the check that no value, nor its base64, was printed.
import assert from 'node:assert/strict';
import {randomBytes} from 'node:crypto';
import {join} from 'node:path';
import type {StartOptions} from '../server/index.js';
import type {CliResult} from './cli.js';
import {fileE2EEnv, type E2EEnv} from './cluster.js';

const FIX = new URL('../../../test/fixtures/crypto/', import.meta.url).pathname;
export const RSA_CERT = join(FIX, 'golden-cert.pem');
export const RSA_KEY = join(FIX, 'golden-rsa-key.pem');
export const NACL_PUB = join(FIX, 'x25519-public.pem');
export const NACL_PRIV = join(FIX, 'x25519-private.pem');

export const canary = (): string => `CANARY-${randomBytes(6).toString('hex')}`;
export const b64 = (s: string): string => Buffer.from(s).toString('base64');

/**
 * One environment (test server or real cluster) for the whole file, and `namespace()`: a new
 * namespace `PREFIX-N` per test, so tests never see each other's Secrets. `sealedSecretCRDs`
 * registers both SealedSecret kinds.
 */
export function fileEnv(prefix: string, opts: StartOptions & {sealedSecretCRDs?: boolean} = {}): {env: E2EEnv; namespace: () => Promise<string>} {
  const {sealedSecretCRDs, ...start} = opts;
  const env = fileE2EEnv(start, async (e) => {
    if (!sealedSecretCRDs) return;
    for (const group of ['bitnami.com', 'kubectl-secret.dev']) {
      await e.kube.registerCRD({group, version: 'v1alpha1', kind: 'SealedSecret', plural: 'sealedsecrets', namespaced: true, status: true});
    }
  });
  let n = 0;
  return {env, namespace: () => env.kube.namespace(`${prefix}-${++n}`)};
}

/** A v1 Secret with `data` from plain values; `extra` may set type and metadata labels/annotations. */
export function secretObject(name: string, ns: string, data: Record<string, string>, extra: {type?: string; metadata?: Record<string, unknown>; immutable?: boolean} = {}) {
  const {type, metadata, ...rest} = extra;
  return {apiVersion: 'v1', kind: 'Secret', metadata: {name, namespace: ns, ...(metadata ?? {})}, type: type ?? 'Opaque', data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])), ...rest};
}

/** Neither the values nor their base64 appear on stdout or stderr. */
export function assertNoValue(r: CliResult, ...values: string[]): void {
  for (const v of values) {
    for (const text of [r.stdout, r.stderr]) {
      assert.ok(!text.includes(v), 'a value was printed');
      assert.ok(!text.includes(b64(v)), 'a value was printed (base64)');
    }
  }
}
