import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readdirSync, readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {scanText} from '../../../src/scan/scan.js';

// The shared real-world fixtures; their README gives the verdict for every file.
const shared = fileURLToPath(new URL('../../../../../shared/fixtures/', import.meta.url));

for (const [folder, flagged] of [['scan-positive', true], ['scan-negative', false]] as const) {
  for (const name of readdirSync(shared + folder)) {
    test(`${folder}/${name} is ${flagged ? 'flagged' : 'not flagged'}`, () => {
      const text = readFileSync(`${shared}${folder}/${name}`, 'utf8');
      const {findings, warnings} = scanText(name, text);
      assert.equal(findings.length > 0, flagged, JSON.stringify(findings.map((f) => `${f.line}:${f.rule}`)));
      assert.deepEqual(warnings, [], 'real-world manifests and templates read without warnings');
    });
  }
}

test('findings point at the value and name Secret and key, never the value', () => {
  const text = readFileSync(`${shared}scan-positive/kube-prometheus-basic-auth-secrets.yaml`, 'utf8');
  const {findings} = scanText('basic-auth.yaml', text);
  assert.deepEqual(findings.map((f) => [f.rule, f.line, f.column, f.message]), [
    ['plaintext-secret', 6, 3, 'Secret basic-auth has a plaintext value in data.password'],
    ['plaintext-secret', 7, 3, 'Secret basic-auth has a plaintext value in data.user'],
  ]);
  for (const f of findings) assert.ok(!JSON.stringify(f).includes('dG9vcg=='));
});

test('a Secret inside a JSON kind: List is found at its line', () => {
  const text = readFileSync(`${shared}scan-positive/kube-libsonnet-golden-list.json`, 'utf8');
  const {findings} = scanText('list.json', text);
  assert.equal(findings.length, 1);
  assert.match(findings[0].message, /Secret foons\/foo-secret .* data\.sec_key/);
  assert.equal(text.split('\n')[findings[0].line - 1].trim().startsWith('"sec_key"'), true);
});

test('the placeholders of the azure example are skipped, its one literal is flagged', () => {
  const text = readFileSync(`${shared}scan-positive/cluster-autoscaler-azure-vmss.yaml`, 'utf8');
  const {findings} = scanText('vmss.yaml', text);
  assert.deepEqual(findings.map((f) => f.message), ['Secret kube-system/cluster-autoscaler-azure has a plaintext value in data.VMType']);
});
