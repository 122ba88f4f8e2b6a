// The two YAML libraries, loaded the first time a caller needs one. Most inputs a command reads
// are plain block YAML or JSON that our own readers read (src/scan/plain-yaml.ts,
// json-reader.ts) and most output is written without them (src/render/yaml.ts), so loading them
// on every `seal` and `scan FILE` was start-up time spent on nothing (docs/performance.md). The
// readers that need them are synchronous, so the load is too: here through `require` (both are
// CommonJS packages); in the bundles scripts/esbuild-plugins.mjs (lazyYamlLibs) replaces this
// module by one that loads each library's own chunk synchronously (dist/fast) or evaluates it
// in place (the single executable).
import {createRequire} from 'node:module';

type YamlLib = typeof import('yaml');
type JsYamlLib = typeof import('js-yaml');

let yamlLib: YamlLib | undefined;
let jsyamlLib: JsYamlLib | undefined;
let requireLib: NodeJS.Require | undefined;

/** The `yaml` library (YAML 1.2 document API: exact errors, editing, writing). */
export function yaml(): YamlLib {
  return (yamlLib ??= (requireLib ??= createRequire(import.meta.url))('yaml') as YamlLib);
}

/** js-yaml (its event parser is the fast path for large manifests, src/manifests/parse.ts). */
export function jsyaml(): JsYamlLib {
  return (jsyamlLib ??= (requireLib ??= createRequire(import.meta.url))('js-yaml') as JsYamlLib);
}
