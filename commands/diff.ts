import {existsSync} from 'node:fs';
import {Args, Flags} from '@oclif/core';
import {ClusterCommand, outputFlag} from './_base.js';
import {controllerFlags} from './_seal-flags.js';

export default class Diff extends ClusterCommand {
  static override summary = 'Compare Secrets or sealed files with the cluster, no values.';
  static override description = 'Compare local Secrets or sealed files with the cluster, or one Secret between two namespaces or contexts, without revealing values. Per key: + added, - removed, ~ changed, = same (sealed files: ~ resealed (value unknown) when the ciphertext differs), plus differences in type, labels and annotations. Values are never printed unless --show-values, nor any hash of them. Exit codes as kubectl diff: 0 no differences, 1 differences, 2 or more an error.';
  static override examples = [
    {description: 'Compare a Secret manifest with the live Secret', command: 'kubectl secret diff db-secret.yaml'},
    {description: 'Compare a sealed file with the live SealedSecret (and, for nacl, the values with the live Secret)', command: 'kubectl secret diff db-sealed.yaml --key ./kubectl-secret-key.pem'},
    {description: 'Keys missing in production', command: 'kubectl secret diff db -n payments --against-context prod'},
    {description: 'The same Secret in two namespaces', command: 'kubectl secret diff db -n staging --against-namespace production'},
  ];
  static override args = {target: Args.string({description: 'FILE (or - for stdin) with Secrets or sealed files; with --against-*, the Secret NAME.', ignoreStdin: true})};
  static override flags = {
    'against-context': Flags.string({description: 'Compare the Secret NAME with the one in this kubeconfig context.'}),
    'against-namespace': Flags.string({description: 'Compare the Secret NAME with the one in this namespace.'}),
    'show-values': Flags.boolean({description: 'Print the values that differ (off by default: values are secret).', default: false}),
    key: Flags.string({description: 'nacl private key (PEM) to open sealed values with (repeatable; default: the cluster\'s keys when readable).', multiple: true}),
    'recovery-private-key': Flags.string({description: 'Sealed Secrets controller private key, to compare Bitnami sealed values with the live Secret (repeatable).', multiple: true}),
    'key-namespace': controllerFlags['key-namespace'],
    output: outputFlag(),
  };

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Diff);
    const [{diffAgainst, diffManifests, openingKeyLoader}, {renderDiffText, diffData}, {readInput}, {InputError}] = await Promise.all([
      import('../src/diff/inputs.js'), import('../src/diff/render.js'), import('../src/io/input.js'), import('../src/errors.js'),
    ]);
    const byName = flags['against-context'] !== undefined || flags['against-namespace'] !== undefined;
    if (!byName && args.target && args.target !== '-' && !existsSync(args.target)) {
      throw new InputError(`no such file: ${args.target}`, `to compare the Secret of that name, add --against-namespace NS or --against-context CONTEXT (e.g. kubectl secret diff NAME --against-namespace production)`);
    }
    const cluster = await this.cluster(flags);
    let report;
    if (flags['against-context'] !== undefined || flags['against-namespace'] !== undefined) {
      if (!args.target || args.target === '-') throw new InputError('--against-context/--against-namespace compare a Secret by name', 'e.g. kubectl secret diff db --against-namespace production');
      const other = flags['against-context'] === undefined ? cluster : await this.otherCluster(flags, flags['against-context']);
      const toNs = flags['against-namespace'] ?? (flags.namespace ?? other.namespace);
      const name = (c: typeof cluster, ns: string) => (flags['against-context'] === undefined ? `namespace ${ns}` : `context ${c.contextName}, namespace ${ns}`);
      report = await diffAgainst(args.target, {cluster, namespace: cluster.namespace, where: name(cluster, cluster.namespace)}, {cluster: other, namespace: toNs, where: name(other, toNs)});
    } else {
      const input = await readInput(args.target, 'file');
      if (!input) throw new InputError('nothing to compare: pass FILE, - for stdin, or NAME with --against-namespace/--against-context');
      report = await diffManifests(input.text, input.name, cluster, openingKeyLoader({
        naclKeyFiles: flags.key, rsaKeyFiles: flags['recovery-private-key'], connect: async () => cluster, keyNamespace: flags['key-namespace'],
      }));
      for (const s of report.skipped) this.note(`skipped ${s}: not a Secret or SealedSecret\n`);
    }
    this.warnings(report.warnings);
    await this.print(flags.output, {data: () => diffData(report, flags['show-values']), table: () => renderDiffText(report, flags['show-values']), diffMarkers: true});
    if (report.differs) this.exit(1);
  }

  /** A second connection through the same kubeconfig, for --against-context. */
  private async otherCluster(flags: {kubeconfig?: string; 'request-timeout'?: string}, context: string) {
    const [{Cluster}, {parseDuration}] = await Promise.all([import('../src/kube/cluster.js'), import('../src/duration.js')]);
    return Cluster.connect({kubeconfig: flags.kubeconfig, context, requestTimeoutMs: parseDuration(flags['request-timeout'] ?? '30s', '--request-timeout'), debug: this.isDebug ? this.debugLine : undefined});
  }
}
