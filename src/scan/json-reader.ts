// A reader for JSON manifests that keeps positions, in one pass. `yaml` reads JSON as flow
// YAML at about 2.5 MB/s (a 21 KB kind: List took 8 ms, most of a corpus copy's JSON time);
// this builds the same tree (tree.ts) with the same values and line numbers, and proves the
// text one `yaml` reads without an error. Conservative like plain-yaml.ts: a CR, a BOM,
// a key longer than YAML's implicit-key limit, a key and its `:` on different lines, or
// anything after the value answer undefined, and the text goes to `yaml` as before
// (test/unit/scan/scan-prefilter.test.ts compares trees and views with `yaml`'s).
import {MAX_FLOW_DEPTH} from './documents.js';
import {Style, type BlockDoc, type TMap, type TNode, type TScalar, type TSeq} from './tree.js';

class NotJson extends Error {}
const fail = (): never => {
  throw new NotJson();
};

/** The text's tree when it is one JSON object or array, or undefined. */
export function readJson(text: string): BlockDoc | undefined {
  const len = text.length;
  let pos = 0;
  let line = 1;
  let lineStart = 0;

  const space = (): void => {
    for (; pos < len; pos++) {
      const c = text.charCodeAt(pos);
      if (c === 10) {
        line++;
        lineStart = pos + 1;
      } else if (c !== 32 && c !== 9) return;
    }
  };

  const string = (): TScalar => {
    const from = pos;
    let escaped = false;
    for (pos++; pos < len; pos++) {
      const c = text.charCodeAt(pos);
      if (c === 34) break;
      if (c === 92) {
        escaped = true;
        const e = text.charCodeAt(++pos);
        // JSON's escapes (YAML's double-quoted ones are a superset with the same meanings).
        if (e === 117) {
          for (let k = 1; k <= 4; k++) {
            const h = text.charCodeAt(pos + k);
            if (!((h >= 48 && h <= 57) || (h >= 65 && h <= 70) || (h >= 97 && h <= 102))) fail();
          }
          pos += 4;
        } else if (!(e === 34 || e === 92 || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116)) fail();
      } else if (c < 32 || c === 127) fail();
    }
    if (pos >= len) fail();
    pos++;
    const col = from - lineStart + 1;
    return escaped ? {k: 0, line, col, endLine: line, style: Style.Json, src: text, from, to: pos, indent: 0} : {k: 0, line, col, endLine: line, style: Style.Verbatim, src: text, from: from + 1, to: pos - 1, indent: 0};
  };

  const NUMBER_RE = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?/y;

  const scalar = (): TScalar => {
    const from = pos;
    if (text.startsWith('true', pos)) pos += 4;
    else if (text.startsWith('false', pos)) pos += 5;
    else if (text.startsWith('null', pos)) pos += 4;
    else {
      NUMBER_RE.lastIndex = pos;
      if (!NUMBER_RE.test(text)) fail();
      pos = NUMBER_RE.lastIndex;
    }
    // A plain scalar in flow YAML runs on to the next indicator or space: `1x` is no number.
    const c = text.charCodeAt(pos);
    if (!(pos >= len || c === 44 || c === 93 || c === 125 || c === 32 || c === 10 || c === 9)) fail();
    return {k: 0, line, col: from - lineStart + 1, endLine: line, style: Style.Plain, src: text, from, to: pos, indent: 0};
  };

  const value = (depth: number): TNode => {
    const c = text.charCodeAt(pos);
    if (c === 34) return string();
    if (c !== 123 && c !== 91) return scalar();
    if (depth >= MAX_FLOW_DEPTH) fail();
    const start = pos;
    const startLine = line;
    const col = pos - lineStart + 1;
    pos++;
    space();
    if (c === 123) {
      const map: TMap = {k: 1, keys: [], keyLine: [], keyCol: [], values: [], line: startLine, col};
      if (text.charCodeAt(pos) !== 125) {
        for (;;) {
          if (text.charCodeAt(pos) !== 34) fail();
          const keyCol = pos - lineStart + 1;
          const key = string();
          // YAML limits an implicit key to 1024 characters, and to one line with its `:`.
          if (key.to - key.from > 1000) fail();
          while (text.charCodeAt(pos) === 32 || text.charCodeAt(pos) === 9) pos++;
          if (text.charCodeAt(pos) !== 58) fail();
          pos++;
          map.keys.push(key.style === Style.Json ? (JSON.parse(text.slice(key.from, key.to)) as string) : text.slice(key.from, key.to));
          map.keyLine.push(key.line);
          map.keyCol.push(keyCol);
          space();
          map.values.push(value(depth + 1));
          space();
          const d = text.charCodeAt(pos);
          if (d === 125) break;
          if (d !== 44) fail();
          pos++;
          space();
        }
      }
      pos++;
      map.flow = text.slice(start, pos);
      map.endLine = line;
      return map;
    }
    const seq: TSeq = {k: 2, items: [], line: startLine, col};
    if (text.charCodeAt(pos) !== 93) {
      for (;;) {
        seq.items.push(value(depth + 1));
        space();
        const d = text.charCodeAt(pos);
        if (d === 93) break;
        if (d !== 44) fail();
        pos++;
        space();
      }
    }
    pos++;
    seq.flow = text.slice(start, pos);
    seq.endLine = line;
    return seq;
  };

  // No CR, control character or BOM anywhere: YAML's rules for them are not JSON's. Tabs
  // between tokens are fine (`yaml` reads tab-indented JSON, which OpenShift templates are).
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 10 && c !== 9) || c === 127 || c === 0xfeff) return undefined;
  }
  try {
    space();
    const c = text.charCodeAt(pos);
    if (c !== 123 && c !== 91) return undefined;
    const root = value(0);
    space();
    if (pos < len) return undefined;
    return {root};
  } catch (e) {
    if (e instanceof NotJson) return undefined;
    throw e;
  }
}
