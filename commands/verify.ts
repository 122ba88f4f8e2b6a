import {Args, Flags} from '@oclif/core';
import {ClusterCommand, outputFlag} from './_base.js';
import {controllerFlags} from './_seal-flags.js';

export default class Verify extends ClusterCommand {
  static override summary = 'Check that each sealed object in FILE would decrypt.';
  static override description = 'sealed-secrets objects are checked by the controller (/v1/verify); nacl objects by key id, and by opening the values when you may read the sealing keys. With --key/--recovery-private-key every value is opened locally for the name and namespace the object has now. --offline without a key cannot open anything: it reports the values as not verified (exit 1). Exit 0 when all verify, 1 when any fails or was not verified.';
  static override examples = ['kubectl secret verify db-sealed.yaml', 'kubectl secret verify db-sealed.yaml --offline --key ./kubectl-secret-key.pem'];
  static override args = {file: Args.string({description: 'Sealed file (either scheme).', required: true, ignoreStdin: true})};
  static override flags = {
    ...controllerFlags,
    offline: Flags.boolean({description: 'Do not contact the cluster.', default: false}),
    output: outputFlag(),
    key: Flags.string({description: 'nacl private key (PEM) to open the values with (repeatable).', multiple: true}),
    'recovery-private-key': Flags.string({description: 'Sealed Secrets controller private key to open Bitnami values with (repeatable).', multiple: true}),
  };

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Verify);
    const [{readSealedFile}, {verifySealed}] = await Promise.all([import('../src/seal/sealed-files.js'), import('../src/seal/verify.js')]);
    const {docs} = readSealedFile(args.file);
    const {loadOpeningKeys} = await import('../src/seal/opening-keys.js');
    // Key files only: loadOpeningKeys reads the cluster's keys only through connect, given none here.
    const keys = flags.key?.length || flags['recovery-private-key']?.length
      ? await loadOpeningKeys([], {naclKeyFiles: flags.key, rsaKeyFiles: flags['recovery-private-key']})
      : undefined;
    const cluster = flags.offline ? undefined : await this.cluster(flags);
    const {results, warnings} = await verifySealed(docs, {cluster, keys, keyNamespace: flags['key-namespace'], controller: {namespace: flags['controller-namespace'], name: flags['controller-name']}});
    this.warnings(warnings);
    await this.print(flags.output, {
      data: () => ({results: results.map((r) => ({object: r.object, ok: r.ok, message: r.message})), warnings}),
      table: () => results.map((r) => `${r.ok ? 'ok  ' : 'FAIL'} ${r.object}: ${r.message}\n`).join(''),
    });
    if (results.some((r) => !r.ok)) this.exit(1);
  }
}
