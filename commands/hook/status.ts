import {BaseCommand, outputFlag} from '../_base.js';

export default class HookStatus extends BaseCommand {
  static override summary = 'Show whether the pre-commit hook is installed, and what it chains.';
  static override examples = ['kubectl secret hook status', 'kubectl secret hook status -o json'];
  static override flags = {output: outputFlag('table', ['table', 'json'])};

  async run(): Promise<void> {
    const {flags} = await this.parse(HookStatus);
    const {hookStatus} = await import('../../src/hook/install.js');
    const s = await hookStatus(process.cwd());
    if (flags.output === 'json') {
      const {hook, dir, chained, hooksPath} = s.paths;
      process.stdout.write(JSON.stringify({hooksDir: dir, hooksPath: hooksPath ?? null, hook, state: s.state, chained: s.chained ? chained : null, manager: s.manager ?? null, onPath: s.onPath}, null, 2) + '\n');
      return;
    }
    const state = {
      none: 'not installed (no pre-commit hook)',
      ours: 'installed (kubectl-secret, current)',
      'ours-outdated': 'installed (kubectl-secret, older version: run `hook install` to update)',
      'ours-modified': 'installed (kubectl-secret, edited by hand)',
      foreign: `not installed (another pre-commit hook${s.manager ? `, managed by ${s.manager}` : ''})`,
    }[s.state];
    process.stdout.write([
      `hooks folder:   ${s.paths.dir}${s.paths.hooksPath ? ` (core.hooksPath=${s.paths.hooksPath})` : ''}`,
      `pre-commit:     ${state}`,
      `chained hook:   ${s.chained ? `${s.paths.chained} (runs first)` : 'none'}`,
      `kubectl-secret: ${s.onPath ? 'on PATH' : 'NOT on PATH (the hook stops commits unless KUBECTL_SECRET_HOOK_OPTIONAL=1)'}`,
    ].join('\n') + '\n');
  }
}
