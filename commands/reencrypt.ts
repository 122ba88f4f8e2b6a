import {Args, Flags} from '@oclif/core';
import {ClusterCommand} from './_base.js';
import {controllerFlags} from './_seal-flags.js';
import {writeOut} from '../src/io/stdio.js';

export default class Reencrypt extends ClusterCommand {
  static override summary = 'Re-seal sealed files to the cluster\'s newest key, in place.';
  static override description = 'Re-seal sealed files to the cluster\'s newest key, in place and atomically.';
  static override strict = false;
  static override examples = ['kubectl secret reencrypt k8s/*-sealed.yaml'];
  static override args = {file: Args.string({description: 'Sealed files (either scheme).', required: true, ignoreStdin: true})};
  static override flags = {...controllerFlags, force: Flags.boolean({description: 'Replace read-only files too.', default: false})};

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(Reencrypt);
    const {reencryptFile} = await import('../src/seal/reencrypt.js');
    const cluster = await this.cluster(flags);
    for (const file of argv as string[]) {
      const n = await reencryptFile(cluster, file, {keyNamespace: flags['key-namespace'], controller: {namespace: flags['controller-namespace'], name: flags['controller-name']}, force: flags.force});
      writeOut(`${file}: re-encrypted ${n} SealedSecret(s)\n`);
    }
  }
}
