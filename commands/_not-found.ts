// oclif's command_not_found hook (package.json `oclif.hooks`). oclif takes the first word as
// the command, so it lands here for two things kubectl users type:
//   - flags before the command, `kubectl secret -n payments list`, as kubectl accepts: the
//     global flags are moved behind the command and it runs;
//   - a mistyped command, `kubectl secret sael`: `error: unknown command "sael"` and one hint
//     line, `did you mean "seal"?`, exit 2 — instead of oclif's " ›   Error: command sael not found".
import {Errors, type Hook, type Interfaces} from '@oclif/core';
import {InputError} from '../src/errors.js';
import {escapeControl} from '../src/render/escape.js';
import {BOOLEAN_FLAGS, hookTokens, leadingFlags, VALUE_FLAGS} from '../src/cli/leading-flags.js';
import {closest, formatError, spaced} from './_errors.js';
import {writeErr} from '../src/io/stdio.js';

/** The longest run of words at the start of `words` that names a command: {id: 'keys:init', rest}. */
export function resolveCommand(config: Interfaces.Config, words: string[]): {id: string; rest: string[]} | undefined {
  for (let n = Math.min(words.length, 3); n > 0; n--) {
    const id = words.slice(0, n).join(':');
    if (config.findCommand(id)) return {id, rest: words.slice(n)};
  }
  return undefined;
}

/** `error: unknown command "sael"` with the closest command or topic as the hint. */
export function unknownCommand(config: Interfaces.Config, words: string[]): InputError {
  const typed = escapeControl(words.slice(0, 2).join(' ').slice(0, 60));
  const ids = config.commands.filter((c) => !c.hidden).map((c) => spaced(c.id));
  const topics = config.topics.filter((t) => !t.hidden).map((t) => spaced(t.name));
  const two = words.slice(0, 2).join(' ');
  // `keys frob`: the topic is right, the command is not; list the topic's commands.
  if (words.length > 1 && config.findTopic(words[0]!)) {
    const inTopic = ids.filter((i) => i.startsWith(`${words[0]} `));
    const sub = closest(words[1]!, inTopic.map((i) => i.split(' ')[1]!));
    const guess = sub && `${words[0]} ${sub}`;
    return new InputError(`unknown command "${typed}" for "kubectl secret"`,
      guess ? `did you mean "${guess}"? See 'kubectl secret ${words[0]} --help' for its commands` : `See 'kubectl secret ${escapeControl(words[0]!)} --help' for its commands: ${inTopic.map((i) => i.split(' ')[1]).join(', ')}`);
  }
  const guess = (words.length > 1 ? closest(two, ids.filter((i) => i.includes(' '))) : undefined) ?? closest(words[0] ?? '', [...ids.filter((i) => !i.includes(' ')), ...topics]);
  const shown = words.length > 1 && guess?.includes(' ') ? typed : escapeControl((words[0] ?? '').slice(0, 60));
  return new InputError(`unknown command "${shown}" for "kubectl secret"`,
    guess ? `did you mean "${guess}"? See 'kubectl secret --help' for the commands` : "See 'kubectl secret --help' for the commands");
}

const hook: Hook<'command_not_found'> = async function (opts) {
  const {config} = opts;
  const tokens = hookTokens(opts.id, opts.argv ?? []);
  const {flags, rest, unknown} = leadingFlags(tokens);
  let error: InputError;
  if (unknown) {
    const guess = closest(unknown, [...VALUE_FLAGS, ...BOOLEAN_FLAGS].filter((f) => f.startsWith('--')));
    error = new InputError(`unknown flag before the command: ${escapeControl(unknown.slice(0, 60))}`,
      `${guess ? `did you mean ${guess}? ` : ''}Only --namespace, --context, --kubeconfig, --request-timeout and --debug may come first; see 'kubectl secret --help'`);
  } else if (rest.length === 0 || rest[0] === '--') {
    error = new InputError('no command given', "See 'kubectl secret --help' for the commands");
  } else {
    const found = flags.length > 0 ? resolveCommand(config, rest) : undefined;
    if (found) return config.runCommand(found.id, [...flags, ...found.rest]);
    error = unknownCommand(config, rest);
  }
  writeErr(formatError(error.message, error.hint));
  return Errors.exit(error.exitCode);
};

export default hook;
