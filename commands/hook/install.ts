import {Flags} from '@oclif/core';
import {BaseCommand} from '../_base.js';
import {writeErr, writeOut} from '../../src/io/stdio.js';

export default class HookInstall extends BaseCommand {
  static override summary = 'Install a git pre-commit hook that runs scan --staged.';
  static override description = `Install a git pre-commit hook that runs \`kubectl-secret scan --staged\`.
Writes the hook into the repository's hooks folder (core.hooksPath is honoured). An existing pre-commit hook is kept: it is renamed to pre-commit.kubectl-secret-chained and still runs, first. Installing twice changes nothing; \`hook uninstall\` restores the previous state exactly.`;
  static override examples = ['kubectl secret hook install', 'kubectl secret hook install --force'];
  static override flags = {
    force: Flags.boolean({description: 'Chain into a hook owned by husky/pre-commit/lefthook anyway, or replace an edited copy of our hook.', default: false}),
  };

  async run(): Promise<void> {
    const {flags} = await this.parse(HookInstall);
    const {installHook} = await import('../../src/hook/install.js');
    const {outcome, status} = await installHook(process.cwd(), {force: flags.force});
    const where = status.paths.hook;
    const lines = {
      installed: `installed the pre-commit hook: ${where}`,
      chained: `installed the pre-commit hook: ${where}\nthe existing hook was kept as ${status.paths.chained} and runs first`,
      unchanged: `the pre-commit hook is already installed: ${where} (nothing changed)`,
      updated: `updated the pre-commit hook: ${where}`,
    };
    writeOut(lines[outcome] + '\n');
    if (!status.onPath) {
      writeErr('warning: kubectl-secret is not on PATH, so the hook will stop commits until it is (npm install -g kubectl-secret), or set KUBECTL_SECRET_HOOK_OPTIONAL=1\n');
    }
  }
}
