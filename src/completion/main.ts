// The completer's entry: `kubectl_complete-secret WORDS…` (npm install) or the single
// executable invoked under that name. Prints Cobra's __complete answer and never fails loudly:
// a shell completion that writes errors into the command line is worse than none.
import {type CommandLike, complete, Directive, formatCompletion, specFromCommands} from './complete.js';
import {kubectlNames} from './kubectl-names.js';

export async function runCompletion(commands: Record<string, CommandLike>, words: string[], topics: Record<string, {description?: string}> = {}): Promise<number> {
  try {
    const result = await complete(specFromCommands(commands), words.length > 0 ? words : [''], kubectlNames, topicSummaries(topics));
    process.stdout.write(formatCompletion(result));
  } catch {
    process.stdout.write(`:${Directive.Error}\n`);
  }
  return 0;
}

/** package.json's oclif.topics (`keys`, `hook controller`) as words → one-line summaries. */
function topicSummaries(topics: Record<string, {description?: string}>): Map<string, string> {
  return new Map(Object.entries(topics).filter(([, t]) => t.description).map(([id, t]) => [id.replace(/:/g, ' '), t.description!.split('\n')[0]]));
}
