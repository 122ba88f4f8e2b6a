// The completer's entry: `kubectl_complete-secret WORDS…` (npm install) or the single
// executable invoked under that name. Prints Cobra's __complete answer and never fails loudly:
// a shell completion that writes errors into the command line is worse than none.
import {type CommandSpec, complete, Directive, formatCompletion} from './complete.js';
import type {ClusterFlags, NameKind} from './complete.js';
import {writeOut} from '../io/stdio.js';

// Loaded only when a name is asked for: it brings in node:child_process, which every other
// answer (flags, commands) and every command run through the fast path's registry would pay for.
const kubectlNames = async (kind: NameKind, flags: ClusterFlags): Promise<string[]> => (await import('./kubectl-names.js')).kubectlNames(kind, flags);

export async function runCompletion(spec: () => Promise<CommandSpec[]>, words: string[], topics: Record<string, {description?: string}> = {}): Promise<number> {
  try {
    const result = await complete(await spec(), words.length > 0 ? words : [''], kubectlNames, topicSummaries(topics));
    writeOut(formatCompletion(result));
  } catch {
    writeOut(`:${Directive.Error}\n`);
  }
  return 0;
}

/** package.json's oclif.topics (`keys`, `hook controller`) as words → one-line summaries. */
function topicSummaries(topics: Record<string, {description?: string}>): Map<string, string> {
  return new Map(Object.entries(topics).filter(([, t]) => t.description).map(([id, t]) => [id.replace(/:/g, ' '), t.description!.split('\n')[0]]));
}
