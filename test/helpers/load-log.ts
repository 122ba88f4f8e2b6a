// What a CLI run loaded, for the tests that check start-up stays lean (package.test.ts,
// fast-path.test.ts): a module preloaded with `node --import`, appending one URL a line to the
// file $KS_LOAD_LOG. Node's loader hook sees the modules Node loads (bin/, node_modules, oclif);
// the fast path's chunks are not loaded by Node but run through vm.Script by bin/fast-loader.js,
// so the preload also wraps vm.Script and logs the file each script is compiled from. If the
// loader stopped going through vm.Script, no chunk would be logged and the tests that expect a
// command's own chunk would fail, not pass unseen.
export const LOAD_LOG = `import {registerHooks} from 'node:module';
import {appendFileSync} from 'node:fs';
import {pathToFileURL} from 'node:url';
import vm from 'node:vm';
const log = (url) => appendFileSync(process.env.KS_LOAD_LOG, url + '\\n');
registerHooks({load(url, ctx, next) { log(url); return next(url, ctx); }});
const Script = vm.Script;
vm.Script = class extends Script {
  constructor(source, options) {
    super(source, options);
    if (typeof options?.filename === 'string') log(pathToFileURL(options.filename).href);
  }
};
`;
