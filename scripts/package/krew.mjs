// krew-manifest.yaml is written by hand; the release steps only set spec.version, the version
// in each uri, and the platforms with the sha256 of the archives they built. plugins/secret.yaml is the same
// document, so the repository itself can serve as a custom krew index
// (`kubectl krew index add kubectl-secret <repo URL>`).
import {readFileSync, writeFileSync} from 'node:fs';
import {parse, parseDocument, Scalar} from 'yaml';
import {archiveName, PLATFORMS, platformKey} from './platforms.mjs';

export const INDEX_HEADER = '# Generated from krew-manifest.yaml by `npm run package`; edit that file instead.\n';

const DIGEST = /^[0-9a-f]{64}$/;
const PLACEHOLDER = /^0{64}$/;

/**
 * builtHashes: Map "os/arch" → sha256 of the archive built this run. The result lists a
 * platform only with the digest of an archive that was really built: one built now, or one of
 * the same version that an earlier run (another machine, e.g. macOS) recorded. A platform with
 * no such archive is left out — krew rejects an install whose digest does not match, so a
 * placeholder would only turn "not available" into a failed install.
 */
export function updateManifest(text, version, builtHashes) {
  const doc = parseDocument(text);
  doc.setIn(['spec', 'version'], `v${version}`);
  const platforms = doc.getIn(['spec', 'platforms']);
  const base = releaseBase(platforms, doc);
  const kept = new Map();
  for (const p of platforms?.items ?? []) {
    const labels = p.getIn(['selector', 'matchLabels']);
    const key = `${labels.get('os')}/${labels.get('arch')}`;
    const file = archiveName(version, {os: labels.get('os'), arch: labels.get('arch')});
    const sameVersion = String(p.get('uri') ?? '').includes(`/download/v${version}/`);
    p.set('uri', `${base}/v${version}/${file}`);
    if (builtHashes.has(key)) p.set('sha256', stringScalar(builtHashes.get(key)));
    else if (!(sameVersion && DIGEST.test(String(p.get('sha256'))) && !PLACEHOLDER.test(String(p.get('sha256'))))) continue;
    kept.set(key, p);
  }
  for (const [key, sha256] of builtHashes) {
    if (kept.has(key)) continue;
    const platform = PLATFORMS.find((x) => platformKey(x) === key);
    if (!platform) throw new Error(`no platform ${key} in scripts/package/platforms.mjs`);
    kept.set(key, doc.createNode({
      selector: {matchLabels: {os: platform.os, arch: platform.arch}},
      uri: `${base}/v${version}/${archiveName(version, platform)}`,
      sha256: stringScalar(sha256),
      bin: platform.bin,
    }));
  }
  if (kept.size === 0) throw new Error('no platform has a built archive: nothing for krew to install');
  const order = PLATFORMS.map(platformKey);
  const items = [...kept].sort(([a], [b]) => order.indexOf(a) - order.indexOf(b)).map(([, node]) => node);
  doc.setIn(['spec', 'platforms'], doc.createNode([]));
  for (const item of items) doc.getIn(['spec', 'platforms']).add(item);
  return doc.toString({lineWidth: 0});
}

/** https://github.com/OWNER/REPO/releases/download, from the manifest's uris or its homepage. */
function releaseBase(platforms, doc) {
  for (const p of platforms?.items ?? []) {
    const m = String(p.get('uri') ?? '').match(/^(https:\/\/.+\/releases\/download)\//);
    if (m) return m[1];
  }
  return `${String(doc.getIn(['spec', 'homepage'])).replace(/\/$/, '')}/releases/download`;
}

/** A hex digest that YAML would read as a number (all digits, or digits e digits) is quoted. */
function stringScalar(value) {
  const node = new Scalar(value);
  if (parse(value) !== value) node.type = Scalar.QUOTE_DOUBLE;
  return node;
}

export function indexPlugin(manifestText) {
  return INDEX_HEADER + manifestText;
}

export function rewriteManifestFiles(manifestPath, indexPath, version, builtHashes) {
  const updated = updateManifest(readFileSync(manifestPath, 'utf8'), version, builtHashes);
  writeFileSync(manifestPath, updated);
  writeFileSync(indexPath, indexPlugin(updated));
  return updated;
}
