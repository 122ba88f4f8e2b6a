import {Flags} from '@oclif/core';
import {ClusterCommand, outputFlag} from './_base.js';
import {writeErr} from '../src/io/stdio.js';

export default class List extends ClusterCommand {
  static override summary = 'List Secrets: key names, age, last rotation (never values).';
  static override description = 'List Secrets with their key names, age and last rotation (never values).';
  static override examples = [
    'kubectl secret list -n payments',
    'kubectl secret list -A -o json',
  ];
  static override flags = {
    'all-namespaces': Flags.boolean({char: 'A', description: 'List Secrets in every namespace.', default: false}),
    selector: Flags.string({char: 'l', description: 'Label selector, e.g. app=api.'}),
    output: outputFlag({name: true}),
  };

  async run(): Promise<void> {
    const {flags} = await this.parse(List);
    const cluster = await this.cluster(flags);
    const [{resourceFor}, {summarizeSecret, summaryRow}, {renderTable}, {list}] = await Promise.all([
      import('../src/kube/resources.js'), import('../src/secrets/list.js'), import('../src/render/table.js'), import('../src/render/printer.js'),
    ]);
    const items = await cluster.list(resourceFor('Secret'), flags['all-namespaces'] ? null : undefined, {labelSelector: flags.selector});
    const summaries = items.map(summarizeSecret);
    if (summaries.length === 0 && (flags.output === 'table' || flags.output === 'wide')) {
      writeErr(`No Secrets found${flags['all-namespaces'] ? '' : ` in namespace ${cluster.namespace}`}.\n`);
      return;
    }
    const all = flags['all-namespaces'];
    await this.print(flags.output, {
      // Secrets as kubectl lists them, without data: key names only, never values.
      data: () => list(summaries.map(({name, namespace, created, rotatedAt, ...rest}) => ({
        apiVersion: 'v1', kind: 'Secret', metadata: {name, namespace, ...(created ? {creationTimestamp: created} : {})}, ...rest, ...(rotatedAt ? {rotatedAt} : {}),
      }))),
      names: () => summaries.map((s) => `secret/${s.name}`),
      table: () => renderTable([...(all ? ['NAMESPACE'] : []), 'NAME', 'TYPE', 'KEYS', 'KEY NAMES', 'AGE', 'ROTATED'],
        summaries.map((s) => [...(all ? [s.namespace] : []), ...summaryRow(s)])),
    });
  }
}
