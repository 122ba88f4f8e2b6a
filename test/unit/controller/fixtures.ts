// Small sealed objects for the controller tests, sealed with the real nacl scheme.
import {randomBytes, randomUUID} from 'node:crypto';
import {generateNaclKeyPair, naclKeyId, naclPublicKeyToPem, type NaclKeyPair} from '../../../src/crypto/index.js';
import {sealSecret} from '../../../src/seal/seal.js';
import type {Scope} from '../../../src/crypto/scope.js';
import type {KubeObject} from '../../../src/manifests/parse.js';

export const canary = (): string => `CANARY-${randomBytes(6).toString('hex')}`;
export const keyPair = (): NaclKeyPair => generateNaclKeyPair();

export interface SealInput {
  name: string;
  namespace: string;
  values: Record<string, string>;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  type?: string;
  immutable?: boolean;
  scope?: Scope;
}

/** A SealedSecret as the API server returns it (uid, generation). */
export function sealed(kp: NaclKeyPair, s: SealInput, uid = randomUUID()): KubeObject {
  const obj = sealSecret({
    name: s.name, namespace: s.namespace, labels: s.labels ?? {}, annotations: s.annotations ?? {}, type: s.type, immutable: s.immutable,
    values: new Map(Object.entries(s.values).map(([k, v]) => [k, Buffer.from(v)])),
  }, {key: {scheme: 'nacl', publicKey: kp.publicKey, keyId: naclKeyId(kp.publicKey), pem: naclPublicKeyToPem(kp.publicKey), source: 'test'}, scope: s.scope});
  obj.metadata = {...obj.metadata, uid, generation: 1, resourceVersion: '1'};
  return obj;
}

export const b64 = (s: string): string => Buffer.from(s).toString('base64');
