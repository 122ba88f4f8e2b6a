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
  }
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
