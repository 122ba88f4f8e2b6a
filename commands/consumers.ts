import {Args} from '@oclif/core';
import {ClusterCommand, filenameFlags, outputFlag} from './_base.js';

export default class Consumers extends ClusterCommand {
  static override summary = 'List every workload that uses a Secret, and how (env, envFrom, volume, imagePullSecret).';
  static override description = 'Reads pod specs only: a Secret named in container args or command text is not a reference. Env values never change until the pod restarts; mounted files update late.';
  static override examples = [
    '<%= config.bin %> consumers db-credentials -n payments',
    '<%= config.bin %> consumers db-credentials -f k8s/ -R -o json',
  ];
  static override args = {name: Args.string({description: 'The Secret name.', required: true, ignoreStdin: true})};
  static override flags = {...filenameFlags, output: outputFlag('table')};

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Consumers);
    const [{consumersReport, reportJson, consumerRow, usedByLine, CONSUMER_COLUMNS}, {fileSource, liveSource}, {renderTable}, {renderData}] = await Promise.all([
      import('../src/workloads/consumers-report.js'), import('../src/kube/object-source.js'), import('../src/render/table.js'), import('../src/render/output.js'),
    ]);
    let report;
    if (flags.filename?.length) {
      // Files without -n: objects with no namespace count as `default`, and every namespace is searched.
      report = await consumersReport(fileSource(flags.filename, flags.recursive, flags.namespace ?? 'default'), args.name, flags.namespace);
    } else {
      const cluster = await this.cluster(flags);
      report = await consumersReport(liveSource(cluster, {tolerateForbidden: true}), args.name, cluster.namespace, cluster);
    }
    for (const w of report.warnings) process.stderr.write(`warning: ${w}\n`);
    if (flags.output !== 'table') {
      process.stdout.write(renderData(reportJson(report), flags.output as 'json' | 'yaml'));
      return;
    }
    const owner = (report.sealedSecret ? `Secret "${args.name}" is produced by SealedSecret "${report.sealedSecret.name}" (${report.sealedSecret.apiVersion}).\n` : '')
      + report.usedBy.map((r) => `${usedByLine(r)}\n`).join('');
    if (report.consumers.length === 0) {
      process.stderr.write(`No workloads in namespace ${report.namespaces.join(', ') || '(none)'} reference Secret "${args.name}".\n`);
      process.stdout.write(owner);
      return;
    }
    const headers = [...CONSUMER_COLUMNS];
    const rows = report.consumers.map(consumerRow);
    if (new Set(report.consumers.map((c) => c.namespace)).size > 1) {
      headers.unshift('NAMESPACE');
      rows.forEach((r, i) => r.unshift(report.consumers[i].namespace));
    }
    process.stdout.write(renderTable(headers, rows));
    if (owner) process.stdout.write(`\n${owner}`);
  }
}
