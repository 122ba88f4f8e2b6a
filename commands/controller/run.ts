import {Flags} from '@oclif/core';
import {ClusterCommand} from '../_base.js';
import {controllerFlags} from '../_seal-flags.js';

export default class ControllerRun extends ClusterCommand {
  static override summary = 'Run the in-cluster unsealer for nacl SealedSecrets.';
  static override description = 'Run the in-cluster unsealer for nacl SealedSecrets (kubectl-secret.dev/v1alpha1). Watches SealedSecrets (all namespaces, or -n NS), opens them with the private keys kept by `keys init/rotate`, and creates or updates their Secrets. '
    + 'Runs in the cluster (see `controller manifests`) or locally against any kubeconfig. Stops cleanly on SIGTERM.';
  static override examples = [
    'kubectl secret controller run',
    'kubectl secret controller run -n payments --listen 127.0.0.1:9090 --no-leader-elect',
  ];
  static override flags = {
    'key-namespace': controllerFlags['key-namespace'],
    resync: Flags.string({description: 'Re-sync every SealedSecret this often.', default: '10m'}),
    listen: Flags.string({description: 'Address for /healthz and /metrics (HOST:PORT or :PORT).', default: ':8080'}),
    'leader-elect': Flags.boolean({description: 'Take a Lease before syncing, so only one replica works at a time.', default: true, allowNo: true}),
    'lease-name': Flags.string({description: 'Name of the leader election Lease.', default: 'kubectl-secret-controller'}),
    'lease-namespace': Flags.string({description: 'Namespace of the Lease (default: the key namespace).'}),
    'lease-duration': Flags.string({description: 'How long a Lease holds before others may take it.', default: '15s'}),
    'renew-deadline': Flags.string({description: 'How long the leader keeps retrying a renewal before it gives up.', default: '10s'}),
    'retry-period': Flags.string({description: 'Time between attempts to acquire or renew the Lease.', default: '2s'}),
    identity: Flags.string({description: 'This replica\'s identity in the Lease (default: hostname_uuid).'}),
    // Tests shorten watches to exercise resuming them; the default is client-go's 5 minutes.
    workers: Flags.integer({description: 'SealedSecrets synced at once.', default: 4, min: 1}),
    'min-watch-timeout': Flags.integer({description: 'Shortest server-side watch timeout, in seconds.', default: 300, min: 1, hidden: true}),
  };

  async run(): Promise<void> {
    const {flags} = await this.parse(ControllerRun);
    const [{runController}, {streamLogger}, {parseDuration}] = await Promise.all([
      import('../../src/controller/controller.js'), import('../../src/controller/log.js'), import('../../src/duration.js'),
    ]);
    const d = (flag: 'resync' | 'lease-duration' | 'renew-deadline' | 'retry-period') => parseDuration(flags[flag], `--${flag}`);
    const resyncMs = d('resync');
    const leaderElection = flags['leader-elect']
      ? {namespace: flags['lease-namespace'] ?? flags['key-namespace'], name: flags['lease-name'], leaseDurationMs: d('lease-duration'), renewDeadlineMs: d('renew-deadline'), retryPeriodMs: d('retry-period')}
      : undefined;
    const cluster = await this.cluster(flags);
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    try {
      await runController(cluster, {
        namespace: flags.namespace, keyNamespace: flags['key-namespace'], resyncMs, listen: flags.listen, leaderElection, identity: flags.identity,
        minWatchSeconds: flags['min-watch-timeout'], workers: flags.workers, log: streamLogger(),
      }, stop.signal);
    } finally {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    }
  }
}
