// oclif's help class for kubectl-secret (package.json `oclif.helpClass`). `kubectl secret` with
// no arguments prints a short overview of the commands people use most; `--help` and
// `COMMAND --help` keep oclif's full help.
import {Help} from '@oclif/core';

/** The five most common tasks, in the order a new user meets them. */
export const OVERVIEW_COMMANDS: ReadonlyArray<{id: string; example: string}> = [
  {id: 'seal', example: 'kubectl secret seal --cert sealed-secrets.pem < db-secret.yaml > db-sealed.yaml'},
  {id: 'scan', example: 'kubectl secret scan --staged'},
  {id: 'list', example: 'kubectl secret list -n payments'},
  {id: 'who-can', example: 'kubectl secret who-can db-credentials -n payments'},
  {id: 'restart', example: 'kubectl secret restart db-credentials -n payments --dry-run'},
];

export default class KubectlSecretHelp extends Help {
  override async showHelp(argv: string[]): Promise<void> {
    // oclif calls showHelp([]) only for a bare `kubectl secret`; `--help` arrives as ['--help'].
    if (argv.length === 0) {
      this.log(this.overview());
      return;
    }
    await super.showHelp(argv);
  }

  // oclif writes "$ kubectl-secret seal …" (its bin); users type "kubectl secret seal …".
  override log(...args: string[]): void {
    super.log(...args.map((a) => (typeof a === 'string' ? a.replaceAll('$ kubectl-secret ', '$ kubectl secret ') : a)));
  }

  overview(): string {
    const rows = OVERVIEW_COMMANDS.filter((c) => this.config.findCommand(c.id));
    const width = Math.max(...rows.map((c) => c.id.length));
    const lines = [
      `kubectl secret ${this.config.version}: Secret hygiene for Kubernetes (seal, scan, who-can, restart, ...).`,
      '',
      'Common commands:',
      ...rows.map((c) => `  ${c.id.padEnd(width)}  ${this.config.findCommand(c.id)?.summary ?? ''}`),
      '',
      'Examples:',
      ...rows.map((c) => `  ${c.example}`),
      '',
      'All commands: kubectl secret --help    One command: kubectl secret COMMAND --help',
    ];
    return lines.join('\n');
  }
}
