// The release step that writes krew-manifest.yaml (scripts/package/krew.mjs): a platform is
// listed only with the sha256 of an archive that was really built, never with a placeholder,
// which krew would only turn into a failed install.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';
import {parse} from 'yaml';
import {REPO_ROOT} from '../../helpers/cli.js';

const krew = await import(pathToFileURL(join(REPO_ROOT, 'scripts', 'package', 'krew.mjs')).href);
const update = (text: string, version: string, built: Record<string, string>) => parse(krew.updateManifest(text, version, new Map(Object.entries(built))));
const keys = (m: any) => m.spec.platforms.map((p: any) => `${p.selector.matchLabels.os}/${p.selector.matchLabels.arch}`);
const hex = (c: string) => c.repeat(64);

const MANIFEST = `apiVersion: krew.googlecontainertools.github.com/v1alpha2
kind: Plugin
metadata:
  name: secret
spec:
  version: v1.0.0
  homepage: https://github.com/kubectl-secret/kubectl-secret
  platforms:
    - selector: {matchLabels: {os: linux, arch: amd64}}
      uri: https://github.com/kubectl-secret/kubectl-secret/releases/download/v1.0.0/kubectl-secret_v1.0.0_linux_amd64.tar.gz
      sha256: ${hex('a')}
      bin: kubectl-secret
    - selector: {matchLabels: {os: darwin, arch: arm64}}
      uri: https://github.com/kubectl-secret/kubectl-secret/releases/download/v1.0.0/kubectl-secret_v1.0.0_darwin_arm64.tar.gz
      sha256: "${hex('0')}"
      bin: kubectl-secret
    - selector: {matchLabels: {os: windows, arch: amd64}}
      uri: https://github.com/kubectl-secret/kubectl-secret/releases/download/v1.0.0/kubectl-secret_v1.0.0_windows_amd64.tar.gz
      sha256: ${hex('b')}
      bin: kubectl-secret.exe
`;

test('a placeholder digest is dropped; digests of archives built for this version stay', () => {
  const m = update(MANIFEST, '1.0.0', {'linux/amd64': hex('c')});
  assert.deepEqual(keys(m), ['linux/amd64', 'windows/amd64']);
  assert.equal(m.spec.platforms[0].sha256, hex('c'));
  assert.equal(m.spec.platforms[1].sha256, hex('b'), 'built earlier for v1.0.0, by another run');
});

test('a new version keeps only what this run built: an older archive\'s digest is not this version\'s', () => {
  const m = update(MANIFEST, '1.1.0', {'linux/amd64': hex('d')});
  assert.equal(m.spec.version, 'v1.1.0');
  assert.deepEqual(keys(m), ['linux/amd64']);
  assert.equal(m.spec.platforms[0].uri, 'https://github.com/kubectl-secret/kubectl-secret/releases/download/v1.1.0/kubectl-secret_v1.1.0_linux_amd64.tar.gz');
});

test('a platform built for the first time (darwin on a macOS runner) is added, in the platforms\' order', () => {
  const m = update(MANIFEST, '1.0.0', {'darwin/arm64': '1'.repeat(64), 'darwin/amd64': hex('e')});
  assert.deepEqual(keys(m), ['linux/amd64', 'darwin/amd64', 'darwin/arm64', 'windows/amd64']);
  const arm = m.spec.platforms[2];
  assert.equal(arm.sha256, '1'.repeat(64), 'an all-digit digest stays a string');
  assert.equal(arm.bin, 'kubectl-secret');
  assert.equal(arm.uri, 'https://github.com/kubectl-secret/kubectl-secret/releases/download/v1.0.0/kubectl-secret_v1.0.0_darwin_arm64.tar.gz');
});

test('with nothing built and nothing recorded there is no manifest to write', () => {
  assert.throws(() => update(MANIFEST.replace(/sha256: \w+/g, `sha256: "${hex('0')}"`), '1.0.0', {}), /no platform has a built archive/);
});

test('the repository\'s manifest and index carry no placeholder', () => {
  for (const file of ['krew-manifest.yaml', join('plugins', 'secret.yaml')]) {
    const m = parse(readFileSync(join(REPO_ROOT, file), 'utf8'));
    for (const p of m.spec.platforms) assert.match(String(p.sha256), /^(?!0{64}$)[0-9a-f]{64}$/, `${file}: ${p.uri}`);
  }
});
