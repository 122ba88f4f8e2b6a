import {test} from 'node:test';
import assert from 'node:assert/strict';
import {complete, Directive, formatCompletion, specFromCommands, type CommandLike, type NameKind, type ClusterFlags} from '../../../src/completion/complete.js';
import {kubectlArgs} from '../../../src/completion/kubectl-names.js';

// Command classes as oclif declares them: static summary, flags (with baseFlags), args, strict.
const cluster = {
  namespace: {type: 'option', char: 'n', summary: 'Namespace.'},
  context: {type: 'option'},
  kubeconfig: {type: 'option'},
  debug: {type: 'boolean'},
};
const COMMANDS: Record<string, CommandLike> = {
  seal: {summary: 'Encrypt Secrets.', baseFlags: cluster, flags: {output: {type: 'option', char: 'o', options: ['yaml', 'json']}, raw: {type: 'boolean'}}, args: {file: {}}},
  restart: {summary: 'Restart consumers.', baseFlags: cluster, flags: {'dry-run': {type: 'boolean'}}, args: {name: {}}},
  scan: {summary: 'Find plaintext.', flags: {staged: {type: 'boolean'}}, args: {}, strict: false},
  'keys:init': {summary: 'Create keys.', baseFlags: cluster, flags: {}, args: {}},
  'keys:list': {summary: 'List keys.', baseFlags: cluster, flags: {secret: {type: 'option', hidden: true}}, args: {}},
};
const SPEC = specFromCommands(COMMANDS);

function lookup(names: Partial<Record<NameKind, string[]>>, calls: [NameKind, ClusterFlags][] = []) {
  return async (kind: NameKind, flags: ClusterFlags) => {
    calls.push([kind, flags]);
    return names[kind] ?? [];
  };
}

const values = (candidates: string[]) => candidates.map((c) => c.split('\t')[0]);

test('an empty line offers top-level commands and topics with their summaries, no files', async () => {
  const r = await complete(SPEC, [''], lookup({}));
  assert.deepEqual(values(r.candidates), ['seal', 'restart', 'scan', 'keys']);
  assert.ok(r.candidates.includes('seal\tEncrypt Secrets.'));
  assert.equal(r.directive, Directive.NoFileComp);
});

test('a topic completes to its subcommands', async () => {
  const r = await complete(SPEC, ['keys', 'l'], lookup({}));
  assert.deepEqual(r.candidates, ['list\tList keys.']);
});

test('an unknown command completes to nothing', async () => {
  const r = await complete(SPEC, ['bogus', ''], lookup({}));
  assert.deepEqual(r, {candidates: [], directive: Directive.NoFileComp});
});

test('flags complete with base flags and --help, hidden flags left out', async () => {
  const r = await complete(SPEC, ['keys', 'list', '--'], lookup({}));
  assert.deepEqual(values(r.candidates), ['--namespace', '--context', '--kubeconfig', '--debug', '--help']);
});

test('a flag with options completes to them, also in --flag= form', async () => {
  assert.deepEqual((await complete(SPEC, ['seal', '-o', 'j'], lookup({}))).candidates, ['json']);
  assert.deepEqual((await complete(SPEC, ['seal', '--output='], lookup({}))).candidates, ['--output=yaml', '--output=json']);
});

test('the Secret name argument completes from the namespace given with -n', async () => {
  const calls: [NameKind, ClusterFlags][] = [];
  const r = await complete(SPEC, ['restart', '-n', 'payments', '--context=prod', 'db'], lookup({secrets: ['api-key', 'db-credentials', 'db-tls']}, calls));
  assert.deepEqual(r, {candidates: ['db-credentials', 'db-tls'], directive: Directive.NoFileComp});
  assert.deepEqual(calls, [['secrets', {namespace: 'payments', context: 'prod'}]]);
});

test('the value of -n completes to namespace names', async () => {
  const r = await complete(SPEC, ['restart', '-n', 'pa'], lookup({namespaces: ['default', 'payments']}));
  assert.deepEqual(r.candidates, ['payments']);
});

test('a file argument and a free-form flag value leave completion to the shell', async () => {
  assert.deepEqual(await complete(SPEC, ['seal', ''], lookup({})), {candidates: [], directive: Directive.Default});
  assert.deepEqual(await complete(SPEC, ['seal', '--kubeconfig', ''], lookup({})), {candidates: [], directive: Directive.Default});
  assert.deepEqual(await complete(SPEC, ['scan', 'a.yaml', ''], lookup({})), {candidates: [], directive: Directive.Default});
});

test('after the last argument nothing is offered', async () => {
  const r = await complete(SPEC, ['restart', 'db', ''], lookup({secrets: ['db']}));
  assert.deepEqual(r, {candidates: [], directive: Directive.NoFileComp});
});

test('the answer is cobra\'s: one candidate per line, then :directive', () => {
  assert.equal(formatCompletion({candidates: ['a\tA', 'b'], directive: 4}), 'a\tA\nb\n:4\n');
  assert.equal(formatCompletion({candidates: [], directive: 0}), ':0\n');
});

test('Secret names are asked of kubectl with a 5s request timeout and the typed scope', () => {
  assert.deepEqual(kubectlArgs('secrets', {namespace: 'payments', context: 'prod'}),
    ['get', 'secrets', '-o', 'jsonpath={.items[*].metadata.name}', '--request-timeout', '5s', '--context', 'prod', '-n', 'payments']);
  assert.deepEqual(kubectlArgs('contexts', {kubeconfig: '/k'}), ['config', 'get-contexts', '-o', 'name', '--kubeconfig', '/k']);
});
