// The shape of src/ that issue #18 settled, kept so: no import cycle among its files (type-only
// imports count: a cycle of types is still two files that cannot be read one without the
// other), and each domain's files named by role (inputs.ts gathers, <domain>.ts is the pure
// core, render.ts prints), never by the older names report.ts, run.ts, run-seal.ts or
// consumers-report.ts.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readdirSync, readFileSync, statSync} from 'node:fs';
import {dirname, join, relative, resolve} from 'node:path';
import {REPO_ROOT} from '../../helpers/cli.js';

const SRC = join(REPO_ROOT, 'src');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Relative imports at the top of a file (`import … from './x.js'`, `export … from`), types included. */
function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+'(\.[^']+)'/gms)) {
    out.push(resolve(dirname(file), m[1].replace(/\.js$/, '.ts')));
  }
  return out;
}

/** One cycle per strongly connected component of the import graph (Tarjan), as paths under src/. */
export function importCycles(files: string[], edges: (f: string) => string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges(v)) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || edges(v).includes(v)) cycles.push(scc.map((f) => relative(SRC, f)).sort());
    }
  };
  for (const f of files) if (!index.has(f)) visit(f);
  return cycles;
}

test('no import cycle among the files of src/ (type-only imports included)', () => {
  const files = tsFiles(SRC);
  const known = new Set(files);
  const graph = new Map(files.map((f) => [f, staticImports(f).filter((t) => known.has(t))]));
  assert.deepEqual(importCycles(files, (f) => graph.get(f) ?? []), []);
});

test('the cycle finder finds a cycle of two files and one through three', () => {
  const g: Record<string, string[]> = {[join(SRC, 'a')]: [join(SRC, 'b')], [join(SRC, 'b')]: [join(SRC, 'a')], [join(SRC, 'c')]: [join(SRC, 'd')], [join(SRC, 'd')]: [join(SRC, 'e')], [join(SRC, 'e')]: [join(SRC, 'c')], [join(SRC, 'f')]: []};
  assert.deepEqual(importCycles(Object.keys(g), (f) => g[f]).sort(), [['a', 'b'], ['c', 'd', 'e']]);
});

test('domain files are named by role: no report.ts, run.ts, run-*.ts or *-report.ts in src/', () => {
  const misnamed = tsFiles(SRC).map((f) => relative(SRC, f)).filter((f) => /(^|\/)(report|run|run-[^/]+|[^/]+-report)\.ts$/.test(f));
  assert.deepEqual(misnamed, []);
});
