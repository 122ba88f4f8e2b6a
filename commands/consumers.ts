import {Args} from '@oclif/core';
import {ClusterCommand, filenameFlags, outputFlag} from './_base.js';
import {writeErr} from '../src/io/stdio.js';

/** kubectl's resource names for the workload kinds consumers reports. */
const RESOURCE: Record<string, string> = {
  Deployment: 'deployment.apps', StatefulSet: 'statefulset.apps', DaemonSet: 'daemonset.apps', ReplicaSet: 'replicaset.apps',
  Job: 'job.batch', CronJob: 'cronjob.batch', Pod: 'pod', ReplicationController: 'replicationcontroller',
};

export default class Consumers extends ClusterCommand {
  static override summary = 'List the workloads that use a Secret, and how.';
  static override description = 'List every workload that uses a Secret, and how (env, envFrom, volume, imagePullSecret). Reads pod specs only: a Secret named in container args or command text is not a reference. Env values never change until the pod restarts; mounted files update late.';
  static override examples = [
    'kubectl secret consumers db-credentials -n payments',
    'kubectl secret consumers db-credentials -f k8s/ -R -o json',
  ];
  static override args = {name: Args.string({description: 'The Secret name.', required: true, ignoreStdin: true})};
  static override flags = {...filenameFlags, output: outputFlag({name: true})};

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Consumers);
    const [{runConsumers}, {reportJson, consumerRow, usedByLine, CONSUMER_COLUMNS}, {renderTable}] = await Promise.all([
      import('../src/workloads/inputs.js'), import('../src/workloads/render.js'), import('../src/render/table.js'),
    ]);
    const {source, namespace, cluster} = await this.objectSource(flags, {namespaceRule: 'all-in-files'});
    const report = await runConsumers(source, args.name, namespace, cluster);
    this.warnings(report.warnings);
    const owner = (report.sealedSecret ? `Secret "${args.name}" is produced by SealedSecret "${report.sealedSecret.name}" (${report.sealedSecret.apiVersion}).\n` : '')
      + report.usedBy.map((r) => `${usedByLine(r)}\n`).join('');
    const human = flags.output === 'table' || flags.output === 'wide';
    if (report.consumers.length === 0 && human) {
      writeErr(`No workloads in namespace ${report.namespaces.join(', ') || '(none)'} reference Secret "${args.name}".\n`);
      await this.print(flags.output, {data: () => reportJson(report), table: () => owner});
      return;
    }
    const several = new Set(report.consumers.map((c) => c.namespace)).size > 1;
    await this.print(flags.output, {
      data: () => reportJson(report),
      // kubectl's resource/name, one per workload, e.g. for `| xargs kubectl rollout status`.
      names: () => [...new Set(report.consumers.map((c) => `${RESOURCE[c.kind] ?? c.kind.toLowerCase()}/${c.name}`))],
      table: () => renderTable([...(several ? ['NAMESPACE'] : []), ...CONSUMER_COLUMNS],
        report.consumers.map((c) => [...(several ? [c.namespace] : []), ...consumerRow(c)])) + (owner ? `\n${owner}` : ''),
    });
  }
}
