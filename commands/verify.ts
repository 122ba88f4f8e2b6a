import {Args, Flags} from '@oclif/core';
import {ClusterCommand, outputFlag} from './_base.js';
import {controllerFlags} from './_seal-flags.js';

export default class Verify extends ClusterCommand {
  static override summary = 'Check that each sealed object in FILE would decrypt.';
  static override description = 'Check that each sealed object in FILE would decrypt in the cluster. sealed-secrets objects are checked by the controller (/v1/verify); nacl objects by key id, and by opening the values when you may read the sealing keys. --offline only checks that a strict object still has the name and namespace it was sealed for. Exit 0 when all verify, 1 when any fails.';
  static override examples = ['kubectl secret verify db-sealed.yaml', 'kubectl secret verify db-sealed.yaml --offline'];
  static override args = {file: Args.string({description: 'Sealed file (either scheme).', required: true, ignoreStdin: true})};
  static override flags = {
    ...controllerFlags,
    offline: Flags.boolean({description: 'Do not contact the cluster.', default: false}),
    output: outputFlag(),
  };

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Verify);
    const [{readSealedFile}, {verifySealed}] = await Promise.all([import('../src/seal/sealed-files.js'), import('../src/seal/verify.js')]);
    const {docs} = readSealedFile(args.file);
    const cluster = flags.offline ? undefined : await this.cluster(flags);
    const {results, warnings} = await verifySealed(docs, {cluster, keyNamespace: flags['key-namespace'], controller: {namespace: flags['controller-namespace'], name: flags['controller-name']}});
    this.warnings(warnings);
    await this.print(flags.output, {
      data: () => ({results: results.map((r) => ({object: r.object, ok: r.ok, message: r.message})), warnings}),
      table: () => results.map((r) => `${r.ok ? 'ok  ' : 'FAIL'} ${r.object}: ${r.message}\n`).join(''),
    });
    if (results.some((r) => !r.ok)) this.exit(1);
  }
}
