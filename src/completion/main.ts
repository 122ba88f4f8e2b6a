// The completer's entry: `kubectl_complete-secret WORDS…` (npm install) or the single
// executable invoked under that name. Prints Cobra's __complete answer and never fails loudly:
// a shell completion that writes errors into the command line is worse than none.
import {type CommandLike, complete, Directive, formatCompletion, specFromCommands} from './complete.js';
import {kubectlNames} from './kubectl-names.js';

export async function runCompletion(commands: Record<string, CommandLike>, words: string[]): Promise<number> {
  try {
    const result = await complete(specFromCommands(commands), words.length > 0 ? words : [''], kubectlNames);
    process.stdout.write(formatCompletion(result));
  } catch {
    process.stdout.write(`:${Directive.Error}\n`);
  }
  return 0;
}
