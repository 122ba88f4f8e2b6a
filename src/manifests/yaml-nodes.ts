// The `yaml` library's node tests and visitor, for code that reads the nodes of a document the
// library parsed. They load the library on first call (yaml-libs.ts), which has then already
// happened: a module importing these does not load `yaml` just by being loaded.
import {yaml} from './yaml-libs.js';

type YamlLib = typeof import('yaml');

export const isAlias = ((n: unknown) => yaml().isAlias(n)) as YamlLib['isAlias'];
export const isMap = ((n: unknown) => yaml().isMap(n)) as YamlLib['isMap'];
export const isPair = ((n: unknown) => yaml().isPair(n)) as YamlLib['isPair'];
export const isScalar = ((n: unknown) => yaml().isScalar(n)) as YamlLib['isScalar'];
export const isSeq = ((n: unknown) => yaml().isSeq(n)) as YamlLib['isSeq'];
export const visit = ((node: Parameters<YamlLib['visit']>[0], visitor: Parameters<YamlLib['visit']>[1]) => yaml().visit(node, visitor)) as YamlLib['visit'];
