#!/usr/bin/env node
// `npm run bench`: runs every compiled bench/*.bench.js (or those whose name contains an
// argument) one after the other. Each prints its own figures next to a baseline measured in
// the same run, so numbers are comparable on whatever machine runs them.
import {readdirSync} from 'node:fs';

const dir = new URL('../dist/bench/', import.meta.url);
const filter = process.argv.slice(2);
const files = readdirSync(dir).filter((f) => f.endsWith('.bench.js')).filter((f) => filter.length === 0 || filter.some((x) => f.includes(x))).sort();
for (const f of files) {
  console.log(`\n## ${f.replace('.bench.js', '')}\n`);
  const mod = await import(new URL(f, dir));
  await mod.run();
}
