// The fast path bin/run.js tries first. The build bundles this file with commands/ compiled
// against src/cli/oclif-lite.ts instead of @oclif/core (scripts/build.mjs), so `--version`, the
// overview and every command whose argv parses cleanly start without loading oclif, which
// alone costs more than the whole budget (docs/performance.md). It answers only what it
// answers byte for byte as oclif would, and returns false — having printed nothing — for
// everything else (help, topics, plugins, parse errors, DEBUG), which oclif then handles.
import {existsSync, readFileSync} from 'node:fs';
import {arch, platform, release} from 'node:os';
import {runCompletion} from '../completion/main.js';
import {commandRoutes, loadCommand, type Route} from './command-registry.js';
import {leadingFlags} from './leading-flags.js';
import {ExitError, Fallback, type LiteConfig} from './oclif-lite.js';
import {writeErr, writeOut} from '../io/stdio.js';

export interface FastOptions {
  root: string;
  pjson: {name: string; version: string; oclif: Record<string, any>};
}

// The registry (commands/index.js) would evaluate every command class: a command run finds its
// id from the routes and loads its own class; the overview reads summaries from the routes.

/** oclif reports "wsl" as the platform there (wsl-utils); rare enough to leave to oclif. */
function looksLikeWsl(): boolean {
  if (process.platform !== 'linux') return false;
  if (release().toLowerCase().includes('microsoft') || existsSync('/proc/sys/fs/binfmt_misc/WSLInterop') || existsSync('/run/WSL')) return true;
  try {
    return readFileSync('/proc/version', 'utf8').toLowerCase().includes('microsoft');
  } catch {
    return false;
  }
}

function liteConfig(o: FastOptions, findCommand: (id: string) => unknown = () => undefined): LiteConfig {
  const {name, version} = o.pjson;
  const a = arch() === 'ia32' ? 'x86' : arch();
  return {
    name,
    version,
    bin: o.pjson.oclif.bin ?? name,
    userAgent: `${name}/${version} ${platform()}-${a} node-${process.version}`,
    root: o.root,
    pjson: o.pjson,
    findCommand: findCommand as LiteConfig['findCommand'],
    runHook: async () => ({successes: [], failures: []}),
    scopedEnvVar: () => undefined,
  };
}

/** oclif's collateSpacedCmdIDFromArgs (help/util.js), over our registry: the command id and its argv. */
export function commandId(argv: string[], routes: Record<string, Route>): {id: string; rest: string[]} | undefined {
  const ids = new Set<string>();
  for (const id of Object.keys(routes)) {
    const parts = id.split(':');
    for (let i = 1; i <= parts.length; i++) ids.add(parts.slice(0, i).join(':'));
  }
  const final: string[] = [];
  const join = (s?: string) => (s ? [...final, s] : final).join(':');
  const hasArgs = () => {
    const c = routes[join()];
    return Boolean(c && (!c.strict || c.args.length > 0));
  };
  if (argv.length === 1) final.push(argv[0]);
  else {
    for (const word of argv) {
      if (ids.has(join(word))) final.push(word);
      else if (word.includes('=') || word.startsWith('-') || hasArgs()) break;
      else final.push(word);
    }
  }
  const id = join();
  if (!(id in routes)) return undefined;
  return {id, rest: argv.slice(final.length)};
}

/**
 * `-n NS CMD …`: oclif finds no command there, and its command_not_found hook
 * (commands/_not-found.ts) runs the command named by the longest run of (at most 3) words
 * after the global flags, with the flags moved behind it. The same here; every error of that
 * hook (an unknown flag, no command, an unknown command) and any command it could find that is
 * not ours (a plugin's) is oclif's to print.
 */
export function behindLeadingFlags(argv: string[], routes: Record<string, Route>): {id: string; rest: string[]} | undefined {
  const {flags, rest, unknown} = leadingFlags(argv);
  if (unknown !== undefined || flags.length === 0 || rest.length === 0) return undefined;
  // oclif's findCommand knows the plugins' commands too: only a word that starts our own ids is ours to resolve.
  if (!Object.keys(routes).some((id) => id.split(':')[0] === rest[0])) return undefined;
  for (let n = Math.min(rest.length, 3); n > 0; n--) {
    const id = rest.slice(0, n).join(':');
    if (routes[id]) return {id, rest: [...flags, ...rest.slice(n)]};
  }
  return undefined;
}

/** Runs argv if it can answer exactly as oclif would; false when oclif must. */
export async function runFast(argv: string[], o: FastOptions): Promise<boolean> {
  // oclif's debug logging (DEBUG=*) and its own environment switches are oclif's to honour.
  if (process.env.DEBUG) return false;
  const oclif = o.pjson.oclif ?? {};
  if (argv[0] === '--version' || (oclif.additionalVersionFlags ?? []).includes(argv[0])) {
    if (looksLikeWsl()) return false;
    writeOut(`${liteConfig(o).userAgent}\n`);
    return true;
  }
  if (argv.length === 0) {
    const [routes, {default: KubectlSecretHelp}] = await Promise.all([commandRoutes(), import('../../commands/_help.js')]);
    const config = liteConfig(o, (id) => (routes[id] ? {summary: routes[id].summary} : undefined));
    writeOut(`${new KubectlSecretHelp(config as any).overview()}\n`);
    return true;
  }
  const helpFlags = ['--help', ...(oclif.additionalHelpFlags ?? [])];
  for (const word of argv) {
    if (word === '--') break;
    if (helpFlags.includes(word)) return false;
  }
  const routes = await commandRoutes();
  const found = argv[0]?.startsWith('-') ? behindLeadingFlags(argv, routes) : commandId(argv, routes);
  // `help CMD` is oclif's help class to render.
  if (!found || found.id === 'help') return false;
  const Cmd = (await loadCommand(found.id)) as any;
  Cmd.id = found.id;
  const config = liteConfig(o, (id) => (id === found.id ? Cmd : undefined));
  const cmd = new Cmd(found.rest, config);
  try {
    await cmd._run();
  } catch (err) {
    if (err instanceof Fallback && !cmd.parsed) return false;
    if (err instanceof ExitError) process.exit(err.oclif.exit);
    // What oclif's handle() does with an error no command caught: its stack, exit 1.
    writeErr(`${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  }
  return true;
}

/** kubectl_complete-secret: the same commands, without oclif (their spec, computed when the bundle is built); topics as package.json's oclif.topics describes them. */
export function complete(words: string[], topics?: Record<string, {description?: string}>): Promise<number> {
  return runCompletion(async () => (await import('./completion-spec.js')).completionSpec(), words, topics);
}
