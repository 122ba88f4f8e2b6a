// The base of every command. It declares the kubectl-style flags once, builds the cluster
// client lazily on first use, and maps our typed errors to the documented exit codes in one
// place, so commands never call process.exit or print stack traces themselves.
import {Command, Errors, Flags, Interfaces} from '@oclif/core';
import {KsError} from '../src/errors.js';
import {describeFileError, isFileSystemError} from '../src/io/file-error.js';
import {isPromptCancel} from '../src/io/prompt.js';
import {describeParseError, formatError, spaced} from './_errors.js';
import {escapeControl} from '../src/render/escape.js';
import type {OutputFormat, View} from '../src/render/printer.js';
import type {Cluster} from '../src/kube/cluster.js';
import type {ObjectSource} from '../src/kube/object-source.js';
import {stdoutColumns, writeErr, writeOut} from '../src/io/stdio.js';

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
    if (this.isDebug) writeErr(`debug: ${line}\n`);
  };

  protected override async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<any> {
    if (err instanceof KsError) {
      if (this.isDebug && err.stack) writeErr(`${err.stack}\n`);
      this.fail(err.message, err.hint, err.exitCode);
    }
    // this.exit(n) travels as an ExitError: it is an exit code, not a failure.
    if (err instanceof Errors.ExitError) throw err;
    const parse = describeParseError(err, this.id ?? '', this.ctor);
    if (parse) this.fail(parse.message, parse.hint, 2);
    if (isPromptCancel(err)) this.fail('cancelled; nothing was written', undefined, 130);
    if (isFileSystemError(err)) this.fail(describeFileError(err), 'check the path and its permissions', 2);
    if (this.isDebug && err?.stack) writeErr(`${err.stack}\n`);
    this.fail(`internal error: ${err?.message?.split('\n')[0] ?? String(err)}`, 'rerun with --debug for details, and report it', 2);
  }

  /** The print step: the command's View in the -o format, fitted and coloured for a terminal only. */
  protected async print(format: string, view: View): Promise<void> {
    const [{render}, {useColor}] = await Promise.all([import('../src/render/printer.js'), import('../src/render/output.js')]);
    const width = stdoutColumns();
    writeOut(render(format as OutputFormat, view, {width, color: useColor()}));
  }

  /** Text for the user on stderr, line by line with control characters escaped (it may quote names from files or the cluster). */
  protected note(text: string): void {
    writeErr(text.split('\n').map((l) => escapeControl(l)).join('\n'));
  }

  /** `warning: …` lines on stderr, escaped: warnings quote names from the cluster and from files. */
  protected warnings(lines: Iterable<string>): void {
    for (const w of lines) writeErr(`warning: ${escapeControl(w)}\n`);
  }

  /** kubectl's shape: "error: what went wrong", then one line on what to do. */
  protected fail(message: string, hint: string | undefined, exit: number): never {
    // Every failure gets its hint line; these are the fallbacks when the error carries none.
    hint ??= exit === 2 ? `See 'kubectl secret ${spaced(this.id ?? '')} --help' for usage` : exit === 3 ? 'rerun with --debug to see the requests and responses' : undefined;
    writeErr(formatError(message, hint));
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

  /**
   * The one choice between manifests (-f/-R) and the live cluster, for every command that can
   * read either. Offline needs no kubeconfig; objects without a namespace land in -n, else
   * default, as with `kubectl apply -n NS -f`.
   */
  protected async objectSource(flags: {filename?: string[]; recursive?: boolean; namespace?: string; kubeconfig?: string; context?: string; 'request-timeout'?: string},
    o: {namespaceRule: NamespaceRule; allNamespaces?: boolean}): Promise<Objects> {
    const {fileSource, liveSource} = await import('../src/kube/object-source.js');
    if (flags.filename?.length) {
      const source = fileSource(flags.filename, Boolean(flags.recursive), flags.namespace ?? 'default');
      const namespace = o.allNamespaces ? undefined : o.namespaceRule === 'single' ? flags.namespace ?? 'default' : flags.namespace;
      return {source, namespace};
    }
    const cluster = await this.cluster(flags);
    return {source: liveSource(cluster, {tolerateForbidden: true}), namespace: o.allNamespaces ? undefined : cluster.namespace, cluster};
  }

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
        version: this.config.version,
      });
    })();
    return this.clusterPromise;
  }
}

/**
 * -o with kubectl's choices, the same for every command that prints objects or a report:
 * table (default), wide (tables never cut), json, yaml; name where a name list makes sense;
 * sarif for the commands whose findings a code scanner takes (audit, scan).
 */
/**
 * How a command picks the namespace of what it reads:
 *  - 'single': one namespace, -n, else the context's (with -f: else default), as who-can asks
 *    about one Secret;
 *  - 'all-in-files': as 'single' on a cluster, but with -f and no -n every namespace in the
 *    files (audit, consumers), since files often span several.
 * -A (allNamespaces) means every namespace either way.
 */
export type NamespaceRule = 'single' | 'all-in-files';

export interface Objects {
  source: ObjectSource;
  /** The namespace to look in; undefined for every namespace. */
  namespace: string | undefined;
  /** The live cluster, when the objects come from it. */
  cluster?: Cluster;
}

export const outputFlag = (o: {name?: boolean; sarif?: boolean} = {}) => {
  const options = ['table', 'wide', 'json', 'yaml', ...(o.name ? ['name'] : []), ...(o.sarif ? ['sarif'] : [])];
  return Flags.string({char: 'o', description: `Output format: ${options.join('|')}.`, options, default: 'table'});
};

/** -f/-R as kubectl spells them, for commands that can read objects from manifests instead of the cluster. */
export const filenameFlags = {
  filename: Flags.string({char: 'f', description: 'Read objects from these manifest files or folders instead of the cluster (repeatable).', multiple: true}),
  recursive: Flags.boolean({char: 'R', description: 'Process the folders given with -f recursively.', default: false}),
};
