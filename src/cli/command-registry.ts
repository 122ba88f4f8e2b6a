// What the fast path needs to find a command in argv (which commands exist, how each reads its
// arguments), and each command's class on its own. The bundles replace this module with the
// same facts computed at build time from the same classes and one import per command
// (scripts/esbuild-plugins.mjs, commandRegistry), so a run evaluates only its own command
// class instead of all of them. This body is what runs unbundled.

export interface Route {
  /** oclif's `strict`: false takes any number of arguments. */
  strict: boolean;
  /** The names of the positional arguments, in order. */
  args: string[];
  /** For the overview (commands/_help.ts), which is all it reads of a command. */
  summary?: string;
}

interface CommandStatics {
  strict?: boolean;
  args?: Record<string, unknown>;
  summary?: string;
}

export function routesOf(commands: Record<string, CommandStatics>): Record<string, Route> {
  return Object.fromEntries(Object.entries(commands).map(([id, c]) => [id, {strict: c.strict !== false, args: Object.keys(c.args ?? {}), summary: c.summary}]));
}

export async function commandRoutes(): Promise<Record<string, Route>> {
  const {COMMANDS} = await import('../../commands/index.js');
  return routesOf(COMMANDS);
}

export async function loadCommand(id: string): Promise<unknown> {
  const {COMMANDS} = await import('../../commands/index.js');
  return (COMMANDS as Record<string, unknown>)[id];
}
