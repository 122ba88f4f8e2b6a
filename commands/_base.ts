// The base of every command. It declares the kubectl-style flags once, builds the cluster
// client lazily on first use, and maps our typed errors to the documented exit codes in one
// place, so commands never call process.exit or print stack traces themselves.
import {Command, Errors, Flags, Interfaces} from '@oclif/core';
import {KsError} from '../src/errors.js';
import {describeFileError, isFileSystemError} from '../src/io/file-error.js';
import {isPromptCancel} from '../src/io/prompt.js';
import {describeParseError, formatError, spaced} from './_errors.js';
import type {Cluster} from '../src/kube/cluster.js';

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>;

export function debugEnabled(flagDebug?: boolean): boolean {
  return Boolean(flagDebug) || /(^|,)\s*kubectl-secret\*?/.test(process.env.DEBUG ?? '');
}

export abstract class BaseCommand extends Command {
  static override baseFlags = {
    debug: Flags.boolean({description: 'Print request traces and stack traces to stderr (never secret values).', helpGroup: 'GLOBAL', default: false}),
  };

  protected isDebug = false;

  protected override async init(): Promise<void> {
    await super.init();
    this.isDebug = debugEnabled(this.argv.includes('--debug'));
  }

  protected debugLine = (line: string): void => {
    if (this.isDebug) process.stderr.write(`debug: ${line}\n`);
  };

  protected override async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<any> {
    if (err instanceof KsError) {
      if (this.isDebug && err.stack) process.stderr.write(`${err.stack}\n`);
      this.fail(err.message, err.hint, err.exitCode);
    }
    // this.exit(n) travels as an ExitError: it is an exit code, not a failure.
    if (err instanceof Errors.ExitError) throw err;
    const parse = describeParseError(err, this.id ?? '', this.ctor);
    if (parse) this.fail(parse.message, parse.hint, 2);
    if (isPromptCancel(err)) this.fail('cancelled; nothing was written', undefined, 130);
    if (isFileSystemError(err)) this.fail(describeFileError(err), 'check the path and its permissions', 2);
    if (this.isDebug && err?.stack) process.stderr.write(`${err.stack}\n`);
    this.fail(`internal error: ${err?.message?.split('\n')[0] ?? String(err)}`, 'rerun with --debug for details, and report it', 2);
  }

  /** kubectl's shape: "error: what went wrong", then one line on what to do. */
  protected fail(message: string, hint: string | undefined, exit: number): never {
    // Every failure gets its hint line; these are the fallbacks when the error carries none.
    hint ??= exit === 2 ? `See 'kubectl secret ${spaced(this.id ?? '')} --help' for usage` : exit === 3 ? 'rerun with --debug to see the requests and responses' : undefined;
    process.stderr.write(formatError(message, hint));
    this.exit(exit);
  }
}

export abstract class ClusterCommand extends BaseCommand {
  static override baseFlags = {
    ...BaseCommand.baseFlags,
    kubeconfig: Flags.string({description: 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config).', helpGroup: 'GLOBAL'}),
    context: Flags.string({description: 'The kubeconfig context to use.', helpGroup: 'GLOBAL'}),
    namespace: Flags.string({char: 'n', description: "Namespace (default: the context's namespace, else default).", helpGroup: 'GLOBAL'}),
    'request-timeout': Flags.string({description: 'Time to wait for one API request, e.g. 30s, 1m; 0 waits forever.', default: '30s', helpGroup: 'GLOBAL'}),
  };

  private clusterPromise?: Promise<Cluster>;

  /** Connects on first use, so commands that may not need the cluster do not pay for it. */
  protected cluster(flags: {kubeconfig?: string; context?: string; namespace?: string; 'request-timeout'?: string}): Promise<Cluster> {
    this.clusterPromise ??= (async () => {
      const [{Cluster}, {parseDuration}] = await Promise.all([import('../src/kube/cluster.js'), import('../src/duration.js')]);
      return Cluster.connect({
        kubeconfig: flags.kubeconfig,
        context: flags.context,
        namespace: flags.namespace,
        requestTimeoutMs: parseDuration(flags['request-timeout'] ?? '30s', '--request-timeout'),
        debug: this.isDebug ? this.debugLine : undefined,
      });
    })();
    return this.clusterPromise;
  }
}

export const outputFlag = (def: 'table' | 'yaml' | 'json', options: string[] = ['table', 'yaml', 'json']) =>
  Flags.string({char: 'o', description: `Output format: ${options.join('|')}.`, options, default: def});

/** -f/-R as kubectl spells them, for commands that can read objects from manifests instead of the cluster. */
export const filenameFlags = {
  filename: Flags.string({char: 'f', description: 'Read objects from these manifest files or folders instead of the cluster (repeatable).', multiple: true}),
  recursive: Flags.boolean({char: 'R', description: 'Process the folders given with -f recursively.', default: false}),
};
