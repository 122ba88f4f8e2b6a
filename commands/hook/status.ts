import {BaseCommand, outputFlag} from '../_base.js';

export default class HookStatus extends BaseCommand {
  static override summary = 'Show whether the pre-commit hook is installed.';
  static override description = 'Show whether the pre-commit hook is installed, and what it chains.';
  static override examples = ['kubectl secret hook status', 'kubectl secret hook status -o json'];
  static override flags = {output: outputFlag()};

  async run(): Promise<void> {
    const {flags} = await this.parse(HookStatus);
    const {hookStatus} = await import('../../src/hook/install.js');
    const s = await hookStatus(process.cwd());
    const {hook, dir, chained, hooksPath} = s.paths;
    const state = {
      none: 'not installed (no pre-commit hook)',
      ours: 'installed (kubectl-secret, current)',
      'ours-outdated': 'installed (kubectl-secret, older version: run `hook install` to update)',
      'ours-modified': 'installed (kubectl-secret, edited by hand)',
      foreign: `not installed (another pre-commit hook${s.manager ? `, managed by ${s.manager}` : ''})`,
    }[s.state];
    await this.print(flags.output, {
      data: () => ({hooksDir: dir, hooksPath: hooksPath ?? null, hook, state: s.state, chained: s.chained ? chained : null, manager: s.manager ?? null, onPath: s.onPath}),
      table: () => [
        `hooks folder:   ${dir}${hooksPath ? ` (core.hooksPath=${hooksPath})` : ''}`,
        `pre-commit:     ${state}`,
        `chained hook:   ${s.chained ? `${chained} (runs first)` : 'none'}`,
        `kubectl-secret: ${s.onPath ? 'on PATH' : 'NOT on PATH (the hook stops commits unless KUBECTL_SECRET_HOOK_OPTIONAL=1)'}`,
      ].join('\n') + '\n',
    });
  }
}
