// The private keys the controller opens with: one per key Secret written by `keys init/rotate`,
// kept up to date from a watch so a rotation is picked up without a restart. A Secret whose
// key cannot be parsed is skipped and reported by name, never by content.
import {CryptoError, naclKeyId, parseNaclPrivateKey, type NaclKeyPair} from '../crypto/index.js';
import type {KubeObject} from '../manifests/parse.js';

export class KeyRing {
  private readonly bySecret = new Map<string, {keyId: string; pair: NaclKeyPair}>();

  /** Replaces everything (after a list); returns the names of the Secrets that could not be read. */
  replace(secrets: KubeObject[]): string[] {
    this.bySecret.clear();
    return secrets.flatMap((s) => (this.upsert(s) ? [] : [s.metadata?.name ?? '(unnamed)']));
  }

  /** Adds or refreshes one key Secret; false when its private.pem is not a usable key. */
  upsert(secret: KubeObject): boolean {
    const name = secret.metadata?.name ?? '';
    try {
      const pair = parseNaclPrivateKey(Buffer.from(secret.data?.['private.pem'] ?? '', 'base64').toString('utf8'));
      this.bySecret.set(name, {keyId: naclKeyId(pair.publicKey), pair});
      return true;
    } catch (error) {
      if (!(error instanceof CryptoError)) throw error;
      this.bySecret.delete(name);
      return false;
    }
  }

  remove(secret: KubeObject): void {
    this.bySecret.delete(secret.metadata?.name ?? '');
  }

  pairs(): NaclKeyPair[] {
    return [...this.bySecret.values()].map((k) => k.pair);
  }

  keyIds(): string[] {
    return [...new Set([...this.bySecret.values()].map((k) => k.keyId))].sort();
  }

  get size(): number {
    return this.bySecret.size;
  }
}
