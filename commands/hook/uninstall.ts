import {Flags} from '@oclif/core';
import {BaseCommand} from '../_base.js';
import {writeOut} from '../../src/io/stdio.js';

export default class HookUninstall extends BaseCommand {
  static override summary = 'Remove the pre-commit hook, restoring the one before it.';
  static override description = 'Remove the pre-commit hook and put back the hook that was there before.';
  static override examples = ['kubectl secret hook uninstall'];
  static override flags = {
    force: Flags.boolean({description: 'Remove our hook even if it was edited since it was installed.', default: false}),
  };

  async run(): Promise<void> {
    const {flags} = await this.parse(HookUninstall);
    const {uninstallHook} = await import('../../src/hook/install.js');
    const {outcome, status} = await uninstallHook(process.cwd(), {force: flags.force});
    const lines = {
      removed: `removed the pre-commit hook: ${status.paths.hook}`,
      restored: `removed kubectl-secret's hook and restored the previous pre-commit hook: ${status.paths.hook}`,
      'not-installed': `kubectl-secret's pre-commit hook is not installed in ${status.paths.dir} (nothing changed)`,
    };
    writeOut(lines[outcome] + '\n');
  }
}
