import {Flags} from '@oclif/core';

/** The flags `restart` and `rotate` share, so both behave the same. */
export const restartFlags = {
  wait: Flags.boolean({description: 'Follow each rollout until complete, as `kubectl rollout status` does (--no-wait to skip).', default: true, allowNo: true}),
  timeout: Flags.string({description: 'How long to wait for each rollout, e.g. 90s, 5m.', default: '5m'}),
  force: Flags.boolean({description: 'Restart workloads already running the current version of the Secret.', default: false}),
  selector: Flags.string({char: 'l', description: 'Only workloads with these labels, e.g. app=api,tier!=db.'}),
  concurrency: Flags.integer({description: 'Workloads patched at once.', default: 4, min: 1}),
  'delete-pods': Flags.boolean({description: 'Delete bare Pods (not owned by a workload) that use the Secret.', default: false}),
  'dry-run': Flags.boolean({description: 'Print what would be restarted and why; change nothing.', default: false}),
};
