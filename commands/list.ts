import {Flags} from '@oclif/core';
import {ClusterCommand, outputFlag} from './_base.js';

export default class List extends ClusterCommand {
  static override summary = 'List Secrets with their key names, age and last rotation (never values).';
  static override examples = [
    'kubectl secret list -n payments',
    'kubectl secret list -A -o json',
  ];
  static override flags = {
    'all-namespaces': Flags.boolean({char: 'A', description: 'List Secrets in every namespace.', default: false}),
    selector: Flags.string({char: 'l', description: 'Label selector, e.g. app=api.'}),
    output: outputFlag('table'),
  };

  async run(): Promise<void> {
    const {flags} = await this.parse(List);
    const cluster = await this.cluster(flags);
    const [{resourceFor}, {summarizeSecret, summaryRow}, {renderTable}, {renderData}] = await Promise.all([
      import('../src/kube/resources.js'), import('../src/secrets/list.js'), import('../src/render/table.js'), import('../src/render/output.js'),
    ]);
    const items = await cluster.list(resourceFor('Secret'), flags['all-namespaces'] ? null : undefined, {labelSelector: flags.selector});
    const summaries = items.map(summarizeSecret);
    if (flags.output !== 'table') {
      process.stdout.write(renderData({secrets: summaries}, flags.output as 'json' | 'yaml'));
      return;
    }
    if (summaries.length === 0) {
      process.stderr.write(`No Secrets found${flags['all-namespaces'] ? '' : ` in namespace ${cluster.namespace}`}.\n`);
      return;
    }
    const headers = ['NAME', 'TYPE', 'KEYS', 'KEY NAMES', 'AGE', 'ROTATED'];
    const rows = summaries.map((s) => summaryRow(s));
    if (flags['all-namespaces']) {
      headers.unshift('NAMESPACE');
      rows.forEach((r, i) => r.unshift(summaries[i].namespace));
    }
    process.stdout.write(renderTable(headers, rows));
  }
}
