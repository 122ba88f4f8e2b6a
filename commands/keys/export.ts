import {Flags} from '@oclif/core';
import {ClusterCommand} from '../_base.js';
import {keysFlags, refuseNamespaceFlag} from '../_seal-flags.js';
import {writeErr, writeOut} from '../../src/io/stdio.js';

export default class KeysExport extends ClusterCommand {
  static override summary = 'Print the active nacl public key as PEM, for --cert.';
  static override description = 'Print the active nacl public key as PEM, for sealing offline with --cert.';
  static override examples = ['kubectl secret keys export -w kubectl-secret.pem'];
  static override flags = {...keysFlags, 'output-file': Flags.string({char: 'w', description: 'Write the PEM to this file.'})};

  async run(): Promise<void> {
    const {flags} = await this.parse(KeysExport);
    await refuseNamespaceFlag('keys export', flags);
    const [{clusterNaclKey}, {atomicWriteFile}, {InputError}] = await Promise.all([import('../../src/seal/nacl-keys.js'), import('../../src/io/atomic-write.js'), import('../../src/errors.js')]);
    const key = await clusterNaclKey(await this.cluster(flags), flags['key-namespace']);
    if (!key) throw new InputError(`no nacl public key in namespace ${flags['key-namespace']}`, 'run `kubectl secret keys init` first');
    if (flags['output-file']) {
      atomicWriteFile(flags['output-file'], key.pem);
      writeErr(`wrote public key ${key.scheme === 'nacl' ? key.keyId : ''} to ${flags['output-file']}\n`);
    } else writeOut(key.pem);
  }
}
