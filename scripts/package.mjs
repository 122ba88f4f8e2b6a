#!/usr/bin/env node
// `npm run package`: builds kubectl-secret as a Node single executable for each platform krew
// installs, packs the archives krew-manifest.yaml points to, and writes their sha256 into
// the manifest and into plugins/secret.yaml (the repository's own krew index).
//
//   node scripts/package.mjs                        every platform we can build here, into build/
//   node scripts/package.mjs --platform linux/amd64 only that one (repeatable)
//   node scripts/package.mjs --out DIR              into DIR; the repository's manifests stay as they are
//   node scripts/package.mjs --platform darwin/arm64 --node PATH
//                                                   with this Node binary (official, NODE_VERSION) for the
//                                                   one platform given; how macOS jobs build (docs/install.md)
//
// Needs `npm run build` first (it bundles dist/). Node binaries come from the npm registry.
import {createHash} from 'node:crypto';
import {execFileSync} from 'node:child_process';
import {existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {join, resolve, sep} from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';
import {build as esbuild} from 'esbuild';
import {bundle} from './package/bundle.mjs';
import {rewriteManifestFiles, updateManifest} from './package/krew.mjs';
import {nodeBinary} from './package/node-binary.mjs';
import {archiveName, hostKey, NODE_VERSION, PLATFORMS, platformKey} from './package/platforms.mjs';
import {injectBlob, trainCodeCache, writeBlob} from './package/sea.mjs';
import {tarGz} from './package/tar.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const {values: opts} = parseArgs({options: {platform: {type: 'string', multiple: true}, out: {type: 'string'}, node: {type: 'string'}}});
if (opts.node && opts.platform?.length !== 1) throw new Error('--node PATH needs exactly one --platform');
const out = resolve(opts.out ?? join(root, 'build'));
const writeRepoManifests = opts.out === undefined;
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
const log = (line) => process.stderr.write(`package: ${line}\n`);

const buildable = PLATFORMS.filter((p) => p.nodePackage || (opts.node && opts.platform.includes(platformKey(p))));
const nodeFor = (p) => (opts.node && opts.platform.includes(platformKey(p)) ? resolve(opts.node) : nodeBinary(p, NODE_VERSION, cacheDir));
const wanted = opts.platform ?? buildable.map(platformKey);
for (const key of wanted) {
  if (!buildable.some((p) => platformKey(p) === key)) {
    throw new Error(`cannot build ${key}: buildable platforms are ${buildable.map(platformKey).join(', ')}`);
  }
}
if (!existsSync(join(root, 'dist/commands/index.js'))) throw new Error('dist/ is missing: run `npm run build` first');

mkdirSync(join(out, 'sea'), {recursive: true});
const bundlePath = join(out, 'sea', 'kubectl-secret.cjs');
const t0 = Date.now();
const meta = await bundle(bundlePath);
// sea-loader.cjs reads the bundle as Latin-1, which is its text only while it is ASCII.
const nonAscii = readFileSync(bundlePath, 'latin1').search(/[^\t-\x7f]/);
if (nonAscii !== -1) throw new Error(`${bundlePath}: a non-ASCII character at offset ${nonAscii}; scripts/package/bundle.mjs escapes them`);
log(`bundled ${Object.keys(meta.inputs).length} modules into ${bundlePath} (${(meta.outputs[Object.keys(meta.outputs)[0]].bytes / 1e6).toFixed(1)} MB, ${Date.now() - t0} ms)`);

// A blob must be written by a Node of the version it is injected into; this machine's own
// platform provides one. Its own binary gets a blob with V8's code cache of the bundle from a
// training run (package/sea-train.cjs), the others a portable one; the chunks' caches are
// written on the user's machine by the first run that loads each (bin/fast-loader.js).
const cacheDir = join(root, 'build', 'node-cache');
const host = buildable.find((p) => platformKey(p) === hostKey());
let generator;
try {
  generator = host ? nodeFor(host) : undefined;
} catch (err) {
  log(`could not fetch ${host.nodePackage}@${NODE_VERSION}: ${err.message}`);
}
if (!generator) throw new Error(`no Node ${NODE_VERSION} for this machine (${hostKey()}) to write the SEA blob with`);
// The blob's main script: sea-loader.cjs with bin/fast-loader.js (and what it requires) inlined,
// since a SEA's main script can require Node's own modules only.
const loaderPath = join(out, 'sea', 'sea-loader.cjs');
await esbuild({entryPoints: [join(root, 'scripts', 'package', 'sea-loader.cjs')], bundle: true, platform: 'node', format: 'cjs', outfile: loaderPath, logLevel: 'warning'});
// The fast path's chunks, as npm installs them (dist/fast), and the package.json fields it reads.
const fastDir = join(root, 'dist', 'fast');
if (!existsSync(join(fastDir, 'package.json'))) throw new Error('dist/fast is missing: run `npm run build` first');
const runtimePjson = join(out, 'sea', 'package.json');
const pj = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
writeFileSync(runtimePjson, JSON.stringify({name: pj.name, version: pj.version, type: pj.type, oclif: {...pj.oclif, plugins: []}}));
const assets = {'package.json': runtimePjson};
for (const name of readdirSync(fastDir, {recursive: true})) {
  const rel = String(name).split(sep).join('/');
  if (statSync(join(fastDir, rel)).isFile()) assets[`fast/${rel}`] = join(fastDir, rel);
}
const blobs = new Map();
const blobFor = (key) => {
  const native = key === hostKey();
  if (!blobs.has(native)) {
    const blobPath = join(out, 'sea', native ? 'sea-prep.native.blob' : 'sea-prep.portable.blob');
    const codeCache = native ? join(out, 'sea', 'kubectl-secret.cache') : undefined;
    if (codeCache) trainCodeCache(generator, bundlePath, codeCache, join(root, 'test', 'fixtures', 'crypto', 'x25519-public.pem'));
    writeBlob(generator, {main: loaderPath, bundlePath, blobPath, configPath: join(out, 'sea', 'sea-config.json'), codeCache, assets});
    blobs.set(native, readFileSync(blobPath));
  }
  return blobs.get(native);
};

const hashes = new Map();
for (const p of buildable.filter((x) => wanted.includes(platformKey(x)))) {
  const key = platformKey(p);
  let node;
  try {
    node = nodeFor(p);
  } catch (err) {
    if (opts.platform) throw err;
    log(`skipping ${key}: could not fetch ${p.nodePackage}@${NODE_VERSION} (${err.message}); its sha256 stays as it was`);
    continue;
  }
  const t = Date.now();
  const dir = join(out, `${p.os}_${p.arch}`);
  mkdirSync(dir, {recursive: true});
  const exe = join(dir, p.bin);
  await injectBlob(node, blobFor(key), exe, p.os);
  if (key === hostKey()) {
    // A broken binary must not reach an archive: it has to answer --version on its own.
    const answer = execFileSync(exe, ['--version'], {encoding: 'utf8', env: {...process.env, NODE_OPTIONS: ''}});
    if (!answer.startsWith(`kubectl-secret/${version} `)) throw new Error(`${exe} --version printed ${JSON.stringify(answer)}`);
  }
  const archive = tarGz([{name: p.bin, data: readFileSync(exe), mode: 0o755}]);
  const sha256 = createHash('sha256').update(archive).digest('hex');
  writeFileSync(join(out, archiveName(version, p)), archive);
  hashes.set(key, sha256);
  log(`${key}: ${archiveName(version, p)} ${(archive.length / 1e6).toFixed(1)} MB sha256 ${sha256} (${Date.now() - t} ms)`);
}

const manifestPath = join(root, 'krew-manifest.yaml');
const updated = writeRepoManifests
  ? rewriteManifestFiles(manifestPath, join(root, 'plugins', 'secret.yaml'), version, hashes)
  : updateManifest(readFileSync(manifestPath, 'utf8'), version, hashes);
// The manifest as this run built it, beside its archives, so they can be checked together.
writeFileSync(join(out, 'krew-manifest.yaml'), updated);
log(`${hashes.size} archive(s) in ${out}${writeRepoManifests ? '; krew-manifest.yaml and plugins/secret.yaml updated' : ''} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
