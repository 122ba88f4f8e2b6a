// The completer's entry: `kubectl_complete-secret WORDS…` (npm install) or the single
// executable invoked under that name. Prints Cobra's __complete answer and never fails loudly:
// a shell completion that writes errors into the command line is worse than none.
import {type CommandSpec, complete, Directive, formatCompletion} from './complete.js';
import type {ClusterFlags, NameKind} from './complete.js';

// Loaded only when a name is asked for: it brings in node:child_process, which every other
// answer (flags, commands) and every command run through the fast path's registry would pay for.
const kubectlNames = async (kind: NameKind, flags: ClusterFlags): Promise<string[]> => (await import('./kubectl-names.js')).kubectlNames(kind, flags);

export async function runCompletion(spec: () => Promise<CommandSpec[]>, words: string[]): Promise<number> {
  try {
    const result = await complete(await spec(), words.length > 0 ? words : [''], kubectlNames);
    process.stdout.write(formatCompletion(result));
  } catch {
    process.stdout.write(`:${Directive.Error}\n`);
  }
  return 0;
}
