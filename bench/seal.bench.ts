// Sealing 1,000 Secrets of 5 keys each with both schemes, next to the time to only parse and
// serialize the same manifests (what `seal` costs before any crypto), all in one run.
import {readFileSync} from 'node:fs';
import {stringify} from 'yaml';
import {parseManifests} from '../src/manifests/parse.js';
import {renderManifests} from '../src/render/manifests.js';
import {sealText} from '../src/seal/seal.js';
import {sealingKeyFromText} from '../src/seal/sealing-key.js';

const SECRETS = 1000;
const KEYS = 5;
const FIX = new URL('../../test/fixtures/crypto/', import.meta.url);

function manifests(): string {
  const docs = [];
  for (let i = 0; i < SECRETS; i++) {
    const stringData: Record<string, string> = {};
    for (let k = 0; k < KEYS; k++) stringData[`key-${k}`] = `value-${i}-${k}-${'x'.repeat(32)}`;
    docs.push(stringify({apiVersion: 'v1', kind: 'Secret', metadata: {name: `s-${i}`, namespace: `ns-${i % 20}`, labels: {app: `a-${i}`}}, type: 'Opaque', stringData}));
  }
  return docs.join('---\n');
}

function median(fn: () => void, runs = 3): number {
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

export async function run(): Promise<void> {
  const text = manifests();
  const nacl = sealingKeyFromText(readFileSync(new URL('x25519-public.pem', FIX), 'utf8'), 'bench');
  const rsa = sealingKeyFromText(readFileSync(new URL('golden-cert.pem', FIX), 'utf8'), 'bench', undefined, new Date('2030-01-01'));
  // Warm-up for the JIT.
  sealText(text.slice(0, 5000).replace(/---\n[^]*$/, ''), 'warm.yaml', {key: nacl});

  const baseline = median(() => renderManifests(parseManifests(text, 'bench.yaml').map((o) => o.object), 'yaml'));
  const naclMs = median(() => renderManifests(sealText(text, 'bench.yaml', {key: nacl}), 'yaml'));
  const rsaMs = median(() => renderManifests(sealText(text, 'bench.yaml', {key: rsa}), 'yaml'));
  const values = SECRETS * KEYS;
  console.log(`${SECRETS} Secrets × ${KEYS} keys (${(Buffer.byteLength(text) / 1e6).toFixed(1)} MB), median of 3 runs`);
  console.log(`  parse + serialize only (baseline): ${baseline.toFixed(0)} ms`);
  console.log(`  seal, nacl (X25519 sealed box):    ${naclMs.toFixed(0)} ms  (${(naclMs / baseline).toFixed(1)}× baseline, ${((naclMs - baseline) * 1000 / values).toFixed(0)} µs per value)`);
  console.log(`  seal, sealed-secrets (RSA-OAEP):   ${rsaMs.toFixed(0)} ms  (${(rsaMs / baseline).toFixed(1)}× baseline, ${((rsaMs - baseline) * 1000 / values).toFixed(0)} µs per value)`);
}
