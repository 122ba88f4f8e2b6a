import {ClusterCommand} from '../_base.js';
import {keysFlags, refuseNamespaceFlag} from '../_seal-flags.js';
import {writeErr, writeOut} from '../../src/io/stdio.js';

export default class KeysInit extends ClusterCommand {
  static override summary = 'Create the nacl sealing key pair in the cluster (idempotent).';
  static override description = 'Create the nacl sealing key pair in the cluster and publish its public key (idempotent).';
  static override examples = ['kubectl secret keys init', 'kubectl secret keys init --key-namespace sealing'];
  static override flags = {...keysFlags};

  async run(): Promise<void> {
    const {flags} = await this.parse(KeysInit);
    await refuseNamespaceFlag('keys init', flags);
    const {initKeys} = await import('../../src/seal/nacl-keys.js');
    const cluster = await this.cluster(flags);
    const res = await initKeys(cluster, flags['key-namespace']);
    if (res.changed.length === 0) writeOut(`already initialised: active key ${res.keyId} in namespace ${flags['key-namespace']}; nothing changed\n`);
    else for (const c of res.changed) writeOut(`created ${c}\n`);
    writeErr(`Seal with: kubectl secret seal --scheme nacl FILE   (offline: kubectl secret keys export -w key.pem, then --cert key.pem)\n`);
    writeErr(await (await import('../../src/controller/installed.js')).controllerInstallHint(cluster, flags['key-namespace']));
  }
}
