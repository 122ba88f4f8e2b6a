import {Args, Flags} from '@oclif/core';
import {ClusterCommand} from './_base.js';
import {controllerFlags} from './_seal-flags.js';
import {writeOut} from '../src/io/stdio.js';

export default class Apply extends ClusterCommand {
  static override summary = 'Apply a sealed file: open nacl objects, or wait for Synced.';
  static override description = 'Apply a sealed file: nacl objects are opened in memory and applied as Secrets; Bitnami objects are applied and awaited until Synced.';
  static override examples = [
    'kubectl secret apply db-sealed.yaml',
    'kubectl secret apply legacy-sealed.yaml --timeout 2m',
  ];
  static override args = {file: Args.string({description: 'Sealed file (either scheme).', required: true, ignoreStdin: true})};
  static override flags = {
    key: Flags.string({description: 'nacl private key to open with instead of the cluster\'s (repeatable).', multiple: true}),
    'key-namespace': controllerFlags['key-namespace'],
    timeout: Flags.string({description: 'How long to wait for the Sealed Secrets controller to report Synced.', default: '60s'}),
  };

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Apply);
    const [{readSealedFile}, {loadOpeningKeys}, {applySealed}, {parseDuration}] = await Promise.all([
      import('../src/seal/sealed-files.js'), import('../src/seal/opening-keys.js'), import('../src/seal/apply.js'), import('../src/duration.js'),
    ]);
    const timeoutMs = parseDuration(flags.timeout, '--timeout');
    const {docs} = readSealedFile(args.file);
    const cluster = await this.cluster(flags);
    const naclOnly = docs.filter((d) => d.object.apiVersion === 'kubectl-secret.dev/v1alpha1').map((d) => d.object);
    const keys = await loadOpeningKeys(naclOnly, {naclKeyFiles: flags.key, connect: async () => cluster, keyNamespace: flags['key-namespace']});
    const {escapeControl} = await import('../src/render/escape.js');
    // Messages come from the controller's status: escaped, as every name from the cluster is.
    await applySealed(cluster, docs, keys, {timeoutMs, onEvent: (e) => writeOut(`${escapeControl(`${e.object} ${e.message}`)}\n`)});
  }
}
