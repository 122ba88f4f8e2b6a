// A file over --max-file-size is not read by the rules, so the hook must not let it pass on
// the strength of "nothing found": whatever any rule could find in it — a Secret, a
// secretGenerator, a private key (armoured or base64), a `kubectl create secret` command line
// with a value — makes it an unparseable-secret finding that says how to scan it. A large file
// without any of those is provably clean to every rule (they find nothing without them) and passes.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {runCli, type CliResult} from '../helpers/cli.js';
import {GIT_ENV, tempRepo} from '../helpers/git-repo.js';

const CANARY = `CANARY-${Math.random().toString(36).slice(2, 12).padEnd(10, '0')}`;
const outputs: string[] = [];

async function scan(dir: string, args: string[]): Promise<CliResult> {
  const r = await runCli(['scan', ...args], {cwd: dir, env: GIT_ENV, timeoutMs: 120_000});
  outputs.push(r.stdout, r.stderr);
  return r;
}
const brief = (r: CliResult) => (JSON.parse(r.stdout).findings as {file: string; line: number; rule: string}[]).map((f) => `${f.file}:${f.line}:${f.rule}`).sort();

const PAD = `# ${'padding '.repeat(16)}\n`.repeat(40); // 40 lines, ~5.5 KB
const KEY_B64 = Buffer.from(`-----BEGIN RSA PRIVATE KEY-----\n${'MIIEowIBAAKCAQEA'.repeat(4)}\n${CANARY.replace('-', '')}AAAA\n-----END RSA PRIVATE KEY-----\n`).toString('base64');

test('a file over --max-file-size that any rule could find something in is a finding, in the index and the working tree', async (t) => {
  const r = tempRepo(t, 'ks-too-large-');
  r.write('deploy.sh', `${PAD}kubectl create secret generic db --from-literal=password=${CANARY}\n`);
  r.write('Makefile', `${PAD}secrets:\n\tkubectl create secret docker-registry r --docker-password=${CANARY}\n`);
  r.write('values.yaml', `${PAD}tls:\n  key: ${KEY_B64}\n`);
  r.write('docs/setup.md', `${PAD}\`\`\`sh\nkubectl create secret generic db \\\n  --from-literal=password=${CANARY}\n\`\`\`\n`);
  r.write('clean.sh', `${PAD}kubectl apply -f deploy/\n`);
  r.git('add', '.');
  const expected = ['Makefile:42:unparseable-secret', 'deploy.sh:41:unparseable-secret', 'docs/setup.md:43:unparseable-secret', 'values.yaml:42:unparseable-secret'];
  const staged = await scan(r.dir, ['--staged', '--format', 'json', '--max-file-size', '1k']);
  assert.equal(staged.code, 1, staged.stderr);
  assert.deepEqual(brief(staged), expected);
  // The line says what to do about it.
  const text = await scan(r.dir, ['--staged', '--max-file-size', '1k']);
  assert.equal(text.code, 1);
  assert.match(text.stdout, /^deploy\.sh:41:1: unparseable-secret: the file is \d+ bytes, over --max-file-size \(1024\), and may hold a kubectl create secret command line with a value: it was not scanned \(scan it with --max-file-size \d+ or more\) \[high\]$/m);
  const tree = await scan(r.dir, ['.', '--format', 'json', '--max-file-size', '1k']);
  assert.equal(tree.code, 1, tree.stderr);
  assert.deepEqual(brief(tree), expected);
  // Within the limit, the rules read them and say what they are.
  const full = await scan(r.dir, ['--staged', '--format', 'json']);
  assert.deepEqual(brief(full), ['Makefile:42:kubectl-secret-literal', 'deploy.sh:41:kubectl-secret-literal', 'docs/setup.md:43:kubectl-secret-literal', 'values.yaml:42:private-key']);
});

test('a large file no rule could find anything in passes (counted as skipped), and so does a large binary', async (t) => {
  const r = tempRepo(t, 'ks-too-large-');
  r.write('clean.sh', `${PAD}kubectl apply -f deploy/\nkubectl create secret generic db --from-file=password=pw.txt\n`);
  // A program that holds kubectl's help text is no command someone runs.
  r.write('tool.bin', Buffer.concat([Buffer.from(PAD), Buffer.from([0, 1, 2, 0]), Buffer.from(`kubectl create secret generic my-secret --from-literal=key1=supersecret\n`)]));
  r.git('add', '.');
  const res = await scan(r.dir, ['--staged', '--format', 'json', '--max-file-size', '1k']);
  assert.equal(res.code, 0, res.stdout);
  assert.deepEqual(JSON.parse(res.stdout).skippedBy['too-large'], 2);
});

test('the canary value never appears in any output', () => {
  for (const o of outputs) assert.ok(!o.includes(CANARY), 'canary leaked');
});
