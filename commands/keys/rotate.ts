import {ClusterCommand} from '../_base.js';
import {keysFlags, refuseNamespaceFlag} from '../_seal-flags.js';
import {writeOut} from '../../src/io/stdio.js';

export default class KeysRotate extends ClusterCommand {
  static override summary = 'Make a new nacl key active; old keys still open old files.';
  static override description = 'Make a new nacl key the active one; old keys stay so existing sealed files still open.';
  static override examples = ['kubectl secret keys rotate', 'kubectl secret keys rotate && kubectl secret reencrypt k8s/*-sealed.yaml'];
  static override flags = {...keysFlags};

  async run(): Promise<void> {
    const {flags} = await this.parse(KeysRotate);
    await refuseNamespaceFlag('keys rotate', flags);
    const {rotateKeys} = await import('../../src/seal/nacl-keys.js');
    const res = await rotateKeys(await this.cluster(flags), flags['key-namespace']);
    writeOut(`active key is now ${res.keyId}${res.previous ? ` (was ${res.previous}; kept for opening)` : ''}\n`);
  }
}
