// Completion for `kubectl secret …`, answered in Cobra's `__complete` protocol because that is
// what kubectl (>= 1.26) expects from a plugin's `kubectl_complete-<name>` executable: one
// candidate per line (optionally "value<TAB>description"), then ":<directive>". Ported from
// cobra's completions.go (ShellCompDirective values) and kubectl's plugin completion
// (staging/src/k8s.io/kubectl/pkg/cmd/plugin_completion.go), which passes the words typed after
// the plugin name, the last one being the word under the cursor (possibly empty).

/** cobra's ShellCompDirective bits. */
export const Directive = {
  Default: 0, // let the shell complete file names
  Error: 1,
  NoSpace: 2,
  NoFileComp: 4,
} as const;

export interface FlagSpec {
  name: string;
  char?: string;
  takesValue: boolean;
  options?: string[];
  summary?: string;
}

export interface CommandSpec {
  /** The words that name the command: ['keys', 'init'] for keys:init. */
  words: string[];
  summary?: string;
  flags: FlagSpec[];
  /** Positional argument names in order; `name` is a Secret name, anything else a file. */
  args: string[];
  /** strict = false: any number of positional arguments (paths). */
  variadic: boolean;
}

export type NameKind = 'secrets' | 'namespaces' | 'contexts';

export interface ClusterFlags {
  namespace?: string;
  context?: string;
  kubeconfig?: string;
}

export type NameLookup = (kind: NameKind, flags: ClusterFlags) => Promise<string[]>;

export interface Completion {
  candidates: string[];
  directive: number;
}

/** The shape oclif gives a command class's static properties; read structurally so src/ stays free of oclif. */
interface FlagLike {
  type?: string;
  char?: string;
  options?: readonly string[];
  hidden?: boolean;
  summary?: string;
  description?: string;
}

export interface CommandLike {
  summary?: string;
  description?: string;
  hidden?: boolean;
  strict?: boolean;
  flags?: Record<string, FlagLike>;
  baseFlags?: Record<string, FlagLike>;
  args?: Record<string, unknown>;
}

export function specFromCommands(commands: Record<string, CommandLike>): CommandSpec[] {
  return Object.entries(commands)
    .filter(([, c]) => !c.hidden)
    .map(([id, c]) => ({
      words: id.split(':'),
      summary: c.summary ?? c.description?.split('\n')[0],
      flags: Object.entries({...c.baseFlags, ...c.flags})
        .filter(([, f]) => !f.hidden)
        .map(([name, f]) => ({name, char: f.char, takesValue: f.type !== 'boolean', options: f.options ? [...f.options] : undefined, summary: f.summary ?? f.description})),
      args: Object.keys(c.args ?? {}),
      variadic: c.strict === false,
    }));
}

const HELP_FLAG: FlagSpec = {name: 'help', takesValue: false, summary: 'Show help for the command.'};
const NAME_KIND_OF_FLAG: Record<string, NameKind> = {namespace: 'namespaces', context: 'contexts'};

function withSummary(value: string, summary?: string): string {
  const line = summary?.split('\n')[0].replace(/\t/g, ' ');
  return line ? `${value}\t${line}` : value;
}

function findFlag(flags: FlagSpec[], word: string): FlagSpec | undefined {
  if (word.startsWith('--')) return flags.find((f) => f.name === word.slice(2).split('=')[0]);
  if (/^-[^-]$/.test(word)) return flags.find((f) => f.char === word[1]);
  return undefined;
}

/** `topics`: a topic's summary by its words joined with spaces (`keys`), as package.json's oclif.topics gives it. */
export async function complete(commands: CommandSpec[], words: string[], lookup: NameLookup, topics: ReadonlyMap<string, string> = new Map()): Promise<Completion> {
  const typed = words.slice(0, -1);
  const current = words.at(-1) ?? '';

  // The command is named by the leading words that are not flags: `keys init`, `seal`.
  const under = (prefix: string[]) => commands.filter((c) => prefix.every((w, i) => c.words[i] === w));
  let depth = 0;
  let command: CommandSpec | undefined;
  while (depth < typed.length && !typed[depth].startsWith('-') && under(typed.slice(0, depth + 1)).length > 0) {
    depth++;
    command = under(typed.slice(0, depth)).find((c) => c.words.length === depth);
    if (command) break;
  }

  if (!command && depth < typed.length) return {candidates: [], directive: Directive.NoFileComp};
  if (!command) {
    const level = typed.slice(0, depth);
    if (current.startsWith('-')) return {candidates: ['--help', '--version'].filter((f) => f.startsWith(current)), directive: Directive.NoFileComp};
    const next = new Map<string, string | undefined>();
    for (const c of under(level)) {
      if (c.words.length <= depth) continue;
      const word = c.words[depth];
      // A topic (keys, hook) is described in package.json; one that is not, by what it groups.
      next.set(word, c.words.length === depth + 1 ? c.summary : next.get(word) ?? topics.get([...level, word].join(' ')) ?? `${word} commands`);
    }
    return {candidates: [...next].filter(([w]) => w.startsWith(current)).map(([w, s]) => withSummary(w, s)), directive: Directive.NoFileComp};
  }

  const flags = [...command.flags, HELP_FLAG];
  const cluster: ClusterFlags = {};
  let positional = 0;
  let pending: FlagSpec | undefined;
  for (const word of typed.slice(depth)) {
    if (pending) {
      if (pending.name in {namespace: 1, context: 1, kubeconfig: 1}) cluster[pending.name as keyof ClusterFlags] = word;
      pending = undefined;
      continue;
    }
    const flag = findFlag(flags, word);
    if (flag) {
      if (flag.takesValue && word.includes('=')) {
        if (flag.name in {namespace: 1, context: 1, kubeconfig: 1}) cluster[flag.name as keyof ClusterFlags] = word.slice(word.indexOf('=') + 1);
      } else if (flag.takesValue) pending = flag;
    } else if (!word.startsWith('-')) positional++;
  }

  const values = async (flag: FlagSpec, prefix: string): Promise<Completion> => {
    const kind = NAME_KIND_OF_FLAG[flag.name];
    if (flag.options) return {candidates: flag.options.filter((o) => o.startsWith(prefix)), directive: Directive.NoFileComp};
    if (kind) return {candidates: (await lookup(kind, cluster)).filter((n) => n.startsWith(prefix)), directive: Directive.NoFileComp};
    return {candidates: [], directive: Directive.Default};
  };

  if (pending) return values(pending, current);
  if (current.startsWith('--') && current.includes('=')) {
    const flag = findFlag(flags, current);
    if (!flag?.takesValue) return {candidates: [], directive: Directive.NoFileComp};
    const head = current.slice(0, current.indexOf('=') + 1);
    const result = await values(flag, current.slice(head.length));
    return {...result, candidates: result.candidates.map((c) => head + c)};
  }
  if (current.startsWith('-')) {
    const names = flags.map((f) => withSummary(`--${f.name}`, f.summary)).filter((f) => f.startsWith(current));
    return {candidates: names, directive: Directive.NoFileComp};
  }
  const arg = command.args[positional];
  if (arg === 'name') return {candidates: (await lookup('secrets', cluster)).filter((n) => n.startsWith(current)), directive: Directive.NoFileComp};
  if (arg !== undefined || command.variadic) return {candidates: [], directive: Directive.Default};
  return {candidates: [], directive: Directive.NoFileComp};
}

export function formatCompletion(result: Completion): string {
  return [...result.candidates, `:${result.directive}`].join('\n') + '\n';
}
