// Properties every command must have, checked over the registry so a new command cannot
// forget them.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {COMMANDS} from '../../../commands/index.js';

const entries = Object.entries(COMMANDS) as Array<[string, any]>;

test('every command has a one-line summary and at least one realistic example', () => {
  for (const [id, cmd] of entries) {
    assert.ok(typeof cmd.summary === 'string' && cmd.summary.length > 10 && !cmd.summary.includes('\n'), `${id}: summary`);
    const examples = (cmd.examples ?? []).map((e: any) => (typeof e === 'string' ? e : e.command));
    assert.ok(examples.length >= 1, `${id}: at least one example`);
    const words = id.split(':').join(' ');
    assert.ok(examples.some((e: string) => e.includes(words)), `${id}: an example runs "${words}"`);
    for (const e of examples) assert.ok(e.startsWith('kubectl secret '), `${id}: examples are spelled as users type them: ${e}`);
  }
});

test('every summary fits one 80-column line of the help listing it appears in', () => {
  // oclif lists a command as "  ID  SUMMARY", ids padded to the longest of the listing: the root
  // listing (with the autocomplete plugin's command) or the topic's.
  const listing = (id: string) => entries.map(([i]) => i).filter((i) => (i.includes(':') ? i.split(':')[0] === id.split(':')[0] : !id.includes(':')) && i.includes(':') === id.includes(':'));
  for (const [id, cmd] of entries) {
    const longest = Math.max(...listing(id).map((i) => i.length), id.includes(':') ? 0 : 'autocomplete'.length);
    assert.ok(2 + longest + 2 + cmd.summary.length <= 80, `${id}: summary of ${cmd.summary.length} characters does not fit: ${cmd.summary}`);
  }
});

test('one printer: every command that prints a report or objects as tables takes -o table|wide|json|yaml, default table', () => {
  // seal, unseal and controller manifests print manifests (yaml|json), not tables.
  const manifests = new Set(['seal', 'unseal', 'controller:manifests']);
  const withOutput = entries.filter(([id, cmd]) => cmd.flags?.output && !manifests.has(id));
  assert.ok(withOutput.length >= 8);
  for (const [id, cmd] of withOutput) {
    const o = cmd.flags.output;
    assert.equal(o.char, 'o', id);
    assert.equal(o.default, 'table', id);
    assert.deepEqual(o.options.slice(0, 4), ['table', 'wide', 'json', 'yaml'], id);
    for (const extra of o.options.slice(4)) assert.ok(['name', 'sarif'].includes(extra), `${id}: ${extra}`);
  }
  for (const id of ['audit', 'scan']) assert.ok((COMMANDS[id as 'audit'].flags.output.options ?? []).includes('sarif'), `${id}: sarif`);
});

test('no positional argument is read from stdin by oclif (stdin belongs to the command: manifests, values)', () => {
  for (const [id, cmd] of entries) {
    for (const [name, arg] of Object.entries<any>(cmd.args ?? {})) assert.equal(arg.ignoreStdin, true, `${id} ${name}: ignoreStdin`);
  }
});

test('commands that talk to a cluster declare the kubectl flags, spelled as kubectl spells them', () => {
  for (const [id, cmd] of entries) {
    const flags = {...cmd.baseFlags, ...cmd.flags};
    if (!flags.kubeconfig) continue;
    assert.equal(flags.namespace?.char, 'n', `${id}: -n`);
    assert.ok(flags.context && flags['request-timeout'], `${id}: --context and --request-timeout`);
    if (flags.output) assert.equal(flags.output.char, 'o', `${id}: -o`);
  }
});
