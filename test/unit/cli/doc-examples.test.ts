// Every `kubectl secret …` command line in README.md, docs/*.md, examples/ and the commands'
// `--help` examples must parse against the real command definitions: the command exists, each
// flag exists and takes the value it is given, and no two flags that exclude each other are
// combined. Documentation that drifts from the code fails here, not in a newcomer's terminal.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {Config, Parser, type Command} from '@oclif/core';
import {REPO_ROOT} from '../../helpers/cli.js';

interface Example {
  where: string;
  line: string;
  /** A code span in prose may name a command (`kubectl secret apply`) without being a full command line. */
  prose?: boolean;
}

/** The command part of `kubectl secret …`: up to a pipe, redirection, `&&`, `;`, a comment or the end of a code span. */
function commandPart(text: string): string {
  let s = text.replace(/^.*?kubectl secret\b/, '');
  s = s.split(/\s(?:\||>|<|2>|&&|;|#)\s?|`|\)/)[0];
  return s.trim();
}

/** A synopsis (`seal [FILE|-]`, `keys init\|rotate`, `FILE…`) documents a shape, it is not a command line. */
const isSynopsis = (s: string) => /\\\||\[|…|\.\.\.|\{[^}]*\}|\w\|\w/.test(s);

function docExamples(): Example[] {
  const files = ['README.md', ...readdirSync(join(REPO_ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`), 'examples/README.md'];
  const out: Example[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(join(REPO_ROOT, f), 'utf8');
    } catch {
      continue;
    }
    const lines = text.split('\n');
    let fence = false;
    lines.forEach((l, i) => {
      if (/^\s*```/.test(l)) fence = !fence;
      // In prose, only code spans are commands; in a fence, every line is.
      const candidates = fence ? [l] : [...l.matchAll(/`([^`]*kubectl secret[^`]*)`/g)].map((m) => m[1]);
      for (const c of candidates) {
        if (!/(^|[\s(=$])kubectl secret\b/.test(c)) continue;
        const cmd = commandPart(c);
        if (isSynopsis(cmd) || /\$\{|<[A-Z]/.test(cmd)) continue;
        out.push({where: `${f}:${i + 1}`, line: cmd, prose: !fence});
      }
    });
  }
  return out;
}

/** Shell words, with single and double quotes. */
function words(s: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

const GLOBAL_WITH_VALUE = new Set(['-n', '--namespace', '--context', '--kubeconfig', '--request-timeout', '-o', '--output']);

async function check(config: Config, ex: Example): Promise<string | undefined> {
  let argv = words(ex.line);
  // Flags before the subcommand, as `kubectl secret -n payments list` writes them.
  const leading: string[] = [];
  while (argv[0]?.startsWith('-') && !['--help', '-h', '--version'].includes(argv[0])) {
    const f = argv.shift()!;
    leading.push(f);
    if (GLOBAL_WITH_VALUE.has(f) && !f.includes('=')) leading.push(argv.shift()!);
  }
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === '--version') return undefined;
  if (argv[0] === 'help') argv = argv.slice(1);
  // `help COMMAND`: a placeholder, not a command name.
  if (argv.length > 0 && argv.every((w) => /^[A-Z][A-Z_-]*$/.test(w))) return undefined;
  if (argv.length === 0) return undefined;
  // The longest run of words that names a command (topics are spelled with spaces).
  let id: string | undefined;
  let used = 0;
  for (let n = Math.min(3, argv.length); n >= 1; n--) {
    const candidate = argv.slice(0, n).join(':');
    if (config.findCommand(candidate)) {
      id = candidate;
      used = n;
      break;
    }
  }
  if (!id) {
    if (ex.prose && argv.length === 1 && config.topics.some((t) => t.name === argv[0])) return undefined;
    return `no such command: ${argv.slice(0, 2).join(' ')}`;
  }
  if (argv.slice(0, used).some((w) => w.includes(':'))) return `topic commands are spelled with spaces, not ${argv[0]}`;
  const rest = [...argv.slice(used), ...leading];
  if (ex.prose && rest.length === 0) return undefined;
  if (rest.includes('--help') || rest.includes('-h')) return undefined;
  const C = (await config.findCommand(id)!.load()) as unknown as typeof Command & {baseFlags?: any};
  try {
    await Parser.parse(rest, {flags: {...(C.baseFlags ?? {}), ...(C.flags ?? {})}, args: C.args ?? {}, strict: C.strict ?? true, context: undefined as any});
  } catch (e) {
    return (e as Error).message.split('\n')[0];
  }
  return undefined;
}

test('every kubectl secret command line in the README, docs/ and examples/ parses against the real commands', async () => {
  const config = await Config.load(REPO_ROOT);
  const examples = docExamples();
  assert.ok(examples.length > 50, `found ${examples.length} documented command lines`);
  const bad: string[] = [];
  for (const ex of examples) {
    const err = await check(config, ex);
    if (err) bad.push(`${ex.where}: kubectl secret ${ex.line}\n    ${err}`);
  }
  assert.deepEqual(bad, []);
});

test("every command's --help examples parse against its own definition", async () => {
  const config = await Config.load(REPO_ROOT);
  const bad: string[] = [];
  let n = 0;
  for (const c of config.commands) {
    const C = await c.load();
    for (const e of C.examples ?? []) {
      const text = typeof e === 'string' ? e : e.command;
      for (const l of text.split('\n')) {
        const line = l.replace(/<%= config\.bin %>/g, 'kubectl secret').replace(/<%= command\.id %>/g, c.id.replace(/:/g, ' '));
        if (!line.includes('kubectl secret')) continue;
        const cmd = commandPart(line);
        if (isSynopsis(cmd)) continue;
        n++;
        const err = await check(config, {where: `${c.id} --help`, line: cmd});
        if (err) bad.push(`${c.id} --help: kubectl secret ${cmd}\n    ${err}`);
      }
    }
  }
  assert.ok(n > 30, `found ${n} help examples`);
  assert.deepEqual(bad, []);
});
