import {ClusterCommand, outputFlag} from '../_base.js';
import {keysFlags, refuseNamespaceFlag} from '../_seal-flags.js';
import {writeErr} from '../../src/io/stdio.js';

export default class KeysList extends ClusterCommand {
  static override summary = 'List the nacl sealing keys: id, created, active, age.';
  static override description = 'List the nacl sealing keys: id, creation time, whether active, age.';
  static override examples = ['kubectl secret keys list', 'kubectl secret keys list -o json'];
  static override flags = {...keysFlags, output: outputFlag()};

  async run(): Promise<void> {
    const {flags} = await this.parse(KeysList);
    await refuseNamespaceFlag('keys list', flags);
    const [{listKeys}, {renderTable}, {formatAge}] = await Promise.all([
      import('../../src/seal/nacl-keys.js'), import('../../src/render/table.js'), import('../../src/duration.js'),
    ]);
    const keys = await listKeys(await this.cluster(flags), flags['key-namespace']);
    const now = Date.now();
    const rows = keys.map((k) => ({...k, age: k.created ? formatAge(now - Date.parse(k.created)) : undefined}));
    if (rows.length === 0 && (flags.output === 'table' || flags.output === 'wide')) {
      writeErr(`No sealing keys in namespace ${flags['key-namespace']}; create one with \`kubectl secret keys init\`.\n`);
      return;
    }
    await this.print(flags.output, {
      data: () => ({keys: rows}),
      table: () => renderTable(['KEY ID', 'CREATED', 'ACTIVE', 'AGE'], rows.map((k) => [k.keyId, k.created ?? '<unknown>', k.active ? 'yes' : 'no', k.age ?? '<unknown>'])),
    });
  }
}
