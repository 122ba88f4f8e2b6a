// kubectl takes its global flags before the command (`kubectl secret -n payments list`), and so
// do we. oclif takes the first word as the command, finds none, and its command_not_found hook
// (commands/_not-found.ts) moves these flags behind the command; the fast path (src/cli/fast.ts)
// does the same with this same split, so both read one argv alike.

/** The flags every cluster command takes, as kubectl lets them come before the command. */
export const VALUE_FLAGS = new Set(['-n', '--namespace', '--context', '--kubeconfig', '--request-timeout']);
export const BOOLEAN_FLAGS = new Set(['--debug']);

/** Splits the global flags typed before the command from the rest: `-n x list` → [-n x], [list]; `unknown` names the first flag that is none of them. */
export function leadingFlags(tokens: string[]): {flags: string[]; rest: string[]; unknown?: string} {
  const flags: string[] = [];
  let i = 0;
  while (i < tokens.length && tokens[i]!.startsWith('-') && tokens[i] !== '--') {
    const t = tokens[i]!;
    const name = t.startsWith('--') ? t.split('=')[0]! : t.slice(0, 2);
    if (BOOLEAN_FLAGS.has(t)) {
      flags.push(t);
      i += 1;
    } else if (VALUE_FLAGS.has(name)) {
      // --namespace=x and -nx carry their value; -n x and --namespace x take the next word.
      const attached = t.startsWith('--') ? t.includes('=') : t.length > 2;
      flags.push(...(attached ? [t] : [t, tokens[i + 1] ?? '']));
      i += attached ? 1 : 2;
    } else return {flags, rest: tokens.slice(i), unknown: name};
  }
  return {flags, rest: tokens.slice(i)};
}

/**
 * The words oclif's hook receives, as argv held them. oclif passes the first word as a command
 * id and the hook splits an id at its colons (`keys:init`); a flag's value may hold colons
 * itself (`--context=arn:aws:eks:…`), so a first word that is a flag is kept whole.
 */
export function hookTokens(id: string, argv: string[]): string[] {
  return [...(id.startsWith('-') ? [id] : id.split(':')), ...argv];
}
