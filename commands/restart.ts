import {Args} from '@oclif/core';
import {ClusterCommand} from './_base.js';
import {restartFlags} from './_restart-flags.js';
import {writeErr, writeOut} from '../src/io/stdio.js';

export default class Restart extends ClusterCommand {
  static override summary = 'Restart every workload that uses a Secret, once per version.';
  static override description = 'Restart every workload that uses a Secret, once per version of the Secret. Patches the pod template as `kubectl rollout restart` does, plus an annotation with the Secret\'s uid/resourceVersion so a second run skips workloads already restarted for it. CronJobs and Jobs pick up the value on their next run; bare Pods restart only when deleted (--delete-pods).';
  static override examples = [
    'kubectl secret restart db-credentials -n payments',
    'kubectl secret restart db-credentials -n payments --dry-run',
    'kubectl secret restart tls-cert -l app=api --timeout 10m',
  ];
  static override args = {name: Args.string({description: 'The Secret name.', required: true, ignoreStdin: true})};
  static override flags = restartFlags;

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Restart);
    const [{runRestart}, {restartView, incompleteSummary}, {parseDuration}, {IncompleteError}] = await Promise.all([
      import('../src/workloads/restart.js'), import('../src/workloads/restart-render.js'), import('../src/duration.js'), import('../src/errors.js'),
    ]);
    const timeoutMs = parseDuration(flags.timeout, '--timeout');
    const cluster = await this.cluster(flags);
    const view = restartView(process.stdout, {dryRun: flags['dry-run']});
    const report = await runRestart(cluster, args.name, cluster.namespace, {
      dryRun: flags['dry-run'], force: flags.force, selector: flags.selector, concurrency: flags.concurrency,
      deletePods: flags['delete-pods'], wait: flags.wait, timeoutMs,
    }, (e) => view.onEvent(e));
    if (report.results.length === 0) {
      writeErr(`No workloads in namespace ${cluster.namespace} use Secret "${args.name}"${flags.selector ? ` (with -l ${flags.selector})` : ''}.\n`);
    }
    if (flags['dry-run']) writeOut('(dry run: nothing was changed)\n');
    if (report.incomplete.length > 0) {
      throw new IncompleteError(incompleteSummary(report), 'fix the cause shown above, then run the command again: workloads already restarted are skipped');
    }
  }
}
