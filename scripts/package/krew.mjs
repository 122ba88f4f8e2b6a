// krew-manifest.yaml is written by hand; the release steps only set spec.version, the version
// in each uri, and the sha256 of the archives they built. plugins/secret.yaml is the same
// document, so the repository itself can serve as a custom krew index
// (`kubectl krew index add kubectl-secret <repo URL>`).
import {readFileSync, writeFileSync} from 'node:fs';
import {parse, parseDocument, Scalar} from 'yaml';
import {archiveName} from './platforms.mjs';

export const INDEX_HEADER = '# Generated from krew-manifest.yaml by `npm run package`; edit that file instead.\n';

/** builtHashes: Map "os/arch" → sha256 of the archive built this run. */
export function updateManifest(text, version, builtHashes) {
  const doc = parseDocument(text);
  doc.setIn(['spec', 'version'], `v${version}`);
  for (const p of doc.getIn(['spec', 'platforms']).items) {
    const labels = p.getIn(['selector', 'matchLabels']);
    const key = `${labels.get('os')}/${labels.get('arch')}`;
    const uri = p.get('uri');
    const file = archiveName(version, {os: labels.get('os'), arch: labels.get('arch')});
    p.set('uri', uri.replace(/\/download\/v[^/]+\/[^/]+$/, `/download/v${version}/${file}`));
    if (builtHashes.has(key)) p.set('sha256', stringScalar(builtHashes.get(key)));
  }
  return doc.toString({lineWidth: 0});
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
