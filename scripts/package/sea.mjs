// Node's single executable application steps, as Node 24's documentation gives them: write a
// preparation blob from the bundle, copy a Node binary, inject the blob with postject under
// the fuse Node looks for. A blob with V8's code cache starts faster (the bundle is 3 MB of
// JavaScript to compile) but only fits the platform that wrote it; without it, one blob fits
// every platform's binary of the same Node version.
import {execFileSync} from 'node:child_process';
import {chmodSync, copyFileSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {fileURLToPath} from 'node:url';
import {inject} from 'postject';

const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/**
 * Runs `node --experimental-sea-config` with `generator` (a Node of the target version). The
 * blob's main script is `main` (sea-loader.cjs bundled with bin/fast-loader.js), which runs the
 * fast path's chunks (`assets`: dist/fast and the runtime package.json) and, for what they
 * hand over, the bundle (an asset) with `codeCache` when given (V8's code cache from
 * sea-train.cjs, which fits only the platform that wrote it).
 */
export function writeBlob(generator, {main, bundlePath, blobPath, configPath, codeCache, assets}) {
  writeFileSync(configPath, JSON.stringify({
    main,
    output: blobPath,
    disableExperimentalSEAWarning: true,
    // The loader is a few lines; the bundle's own cache is an asset, the chunks' caches are
    // written at run time as npm's are.
    useCodeCache: false,
    useSnapshot: false,
    assets: {'kubectl-secret.cjs': bundlePath, ...(codeCache ? {'kubectl-secret.cache': codeCache} : {}), ...assets},
  }, null, 2));
  execFileSync(generator, ['--experimental-sea-config', configPath], {stdio: ['ignore', 'ignore', 'inherit']});
}

/** Writes V8's code cache of the bundle to `cachePath` after a training run (sea-train.cjs) with `generator`. */
export function trainCodeCache(generator, bundlePath, cachePath, cert) {
  execFileSync(generator, [fileURLToPath(new URL('./sea-train.cjs', import.meta.url)), bundlePath, cachePath, cert], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {...process.env, NODE_OPTIONS: '', NO_COLOR: '1', DEBUG: ''},
  });
}

export async function injectBlob(nodeBinary, blob, output, os) {
  // A macOS binary changed after signing is killed on Apple Silicon: drop the signature, inject,
  // sign again (ad hoc), which only macOS's codesign can do.
  if (os === 'darwin' && process.platform !== 'darwin') throw new Error('darwin binaries are built on macOS (codesign); see docs/install.md');
  copyFileSync(nodeBinary, output);
  chmodSync(output, 0o755);
  if (os === 'darwin') execFileSync('codesign', ['--remove-signature', output], {stdio: 'inherit'});
  await inject(output, 'NODE_SEA_BLOB', blob, {
    sentinelFuse: FUSE,
    machoSegmentName: os === 'darwin' ? 'NODE_SEA' : undefined,
    overwrite: true,
  });
  if (os === 'darwin') execFileSync('codesign', ['--sign', '-', output], {stdio: 'inherit'});
}

export const postjectVersion = () => createRequire(import.meta.url)('postject/package.json').version;
