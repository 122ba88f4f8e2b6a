// Severity in every output format, and `--fail-on high|low`, through the built CLI.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {runCli} from '../helpers/cli.js';

const CANARY = `CANARY-${Math.random().toString(36).slice(2, 12).padEnd(10, '0')}`;
const outputs: string[] = [];
const secret = (name: string, key: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\nstringData:\n  ${key}: ${CANARY}\n`;

function folder(t: {after: (fn: () => void) => void}, files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ks-sev-'));
  t.after(() => rmSync(dir, {recursive: true, force: true}));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

async function scan(dir: string, args: string[]) {
  const r = await runCli(['scan', '.', ...args], {cwd: dir});
  outputs.push(r.stdout, r.stderr);
  return r;
}

test('--fail-on high reports low findings but exits 0 on them; the default (low) exits 1', async (t) => {
  const dir = folder(t, {'public.yaml': secret('endpoint', 'url')});
  const def = await scan(dir, []);
  assert.equal(def.code, 1, def.stderr);
  assert.match(def.stdout, /^public\.yaml:6:3: plaintext-secret: Secret endpoint has a plaintext value in stringData\.url \[low\]$/m);
  const high = await scan(dir, ['--fail-on', 'high']);
  assert.equal(high.code, 0, high.stderr);
  assert.match(high.stdout, /stringData\.url \[low\]$/m, 'still reported');
  assert.match(high.stderr, /^1 finding in 1 file \(1 file scanned, 0 suppressed\); 0 high, 1 low, none at or above --fail-on high$/m);
  assert.equal((await scan(dir, ['--fail-on', 'low'])).code, 1);

  const both = folder(t, {'public.yaml': secret('endpoint', 'url'), 'db.yaml': secret('db', 'password')});
  const r = await scan(both, ['--fail-on', 'high']);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^db\.yaml:6:3: plaintext-secret: Secret db has a plaintext value in stringData\.password \[high\]$/m);
  assert.match(r.stderr, /^2 findings in 2 files \(2 files scanned, 0 suppressed\); 1 high, 1 low$/m);
});

test('--fail-on takes high or low only (exit 2)', async (t) => {
  const dir = folder(t, {'a.yaml': 'a: b\n'});
  const bad = await scan(dir, ['--fail-on', 'medium']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /fail-on/);
});

test('json has a severity per finding; SARIF maps it to level and properties.severity', async (t) => {
  const dir = folder(t, {'public.yaml': secret('endpoint', 'host'), 'db.yaml': secret('db', 'token')});
  const json = JSON.parse((await scan(dir, ['--format', 'json'])).stdout);
  assert.deepEqual(json.findings.map((f: any) => [f.file, f.severity]).sort(), [['db.yaml', 'high'], ['public.yaml', 'low']]);
  const sarif = JSON.parse((await scan(dir, ['--format', 'sarif', '--fail-on', 'high'])).stdout);
  const results = sarif.runs[0].results.map((x: any) => [x.locations[0].physicalLocation.artifactLocation.uri, x.level, x.properties.severity]).sort();
  assert.deepEqual(results, [['db.yaml', 'error', 'high'], ['public.yaml', 'warning', 'low']]);
});

test('a large JSON or SARIF report is written whole to a pipe before exit 1', async (t) => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 600; i++) files[`s-${String(i).padStart(3, '0')}-${'x'.repeat(60)}.yaml`] = secret(`db-${i}`, 'password');
  const dir = folder(t, files);
  for (const format of ['json', 'sarif']) {
    const r = await scan(dir, ['--format', format]);
    assert.equal(r.code, 1);
    assert.ok(r.stdout.length > 128 * 1024, `${r.stdout.length} bytes: more than a pipe buffer`);
    const parsed = JSON.parse(r.stdout);
    assert.equal(format === 'json' ? parsed.findings.length : parsed.runs[0].results.length, 600);
  }
});

test('no output holds the value', () => {
  assert.ok(outputs.length >= 10);
  for (const o of outputs) assert.ok(!o.includes(CANARY), o);
});
