import {Flags} from '@oclif/core';
import {ClusterCommand, outputFlag} from './_base.js';

export default class Scan extends ClusterCommand {
  static override summary = 'Find plaintext Secret material in files or staged changes.';
  static override description = `Find plaintext Secret material in files or in what is staged for commit.
Rules: plaintext-secret, kustomize-secret-literal, last-applied-secret, private-key.
Templates ({{ }}, \${VAR}), SOPS ENC[...] values, marked placeholders (<...>, **...**, CHANGEME, YOUR_...) and empty values are not findings.
Suppress with a "# kubectl-secret:allow" comment on the flagged line or the kind: Secret line, or with scan.allow / scan.rules in .kubectl-secret.yaml at the repository root.
Exit status: 0 clean, 1 findings, 2 error.`;
  static override examples = [
    'kubectl secret scan deploy/',
    'kubectl secret scan --staged',
    'kubectl secret scan --since origin/main -o sarif > scan.sarif',
    'kubectl secret scan --staged --fix --cert pub-cert.pem',
  ];
  static override strict = false;
  static override args = {};
  static override flags = {
    staged: Flags.boolean({description: 'Scan exactly what is staged for commit (the index, not the working tree).', default: false, exclusive: ['since']}),
    since: Flags.string({description: 'Scan the files changed since REV (its merge base with HEAD), e.g. origin/main in CI.', helpValue: 'REV'}),
    output: outputFlag({sarif: true}),
    format: Flags.string({description: 'Alias of -o (text is table).', options: ['text', 'json', 'sarif'], exclusive: ['output']}),
    'max-file-size': Flags.string({description: 'Skip (and count) files larger than this: bytes, or 512k, 2M.', default: '1M', helpValue: 'N'}),
    // No defaults on --fix and --yes: oclif checks dependsOn for any flag that has a value, a default included.
    fix: Flags.boolean({description: 'Seal each flagged Secret in place (with --staged, re-stage the file).'}),
    yes: Flags.boolean({char: 'y', description: 'With --fix: do not ask per file (required when not on a terminal).', dependsOn: ['fix']}),
    cert: Flags.string({description: 'With --fix: seal with this certificate or public key instead of the cluster\'s.', helpValue: 'FILE', dependsOn: ['fix']}),
  };

  async run(): Promise<void> {
    const {flags, argv} = await this.parse(Scan);
    const [{runScan}, {parseSize}, {InputError}, report] = await Promise.all([
      import('../src/scan/run.js'), import('../src/scan/files.js'), import('../src/errors.js'), import('../src/scan/report.js'),
    ]);
    // Questions go to the terminal (src/io/prompt.ts), so stdout may be redirected.
    const interactive = Boolean(process.stdin.isTTY);
    if (flags.fix && !flags.yes && !interactive) throw new InputError('--fix rewrites files and needs --yes when not run on a terminal', 'rerun with --fix --yes, or in a terminal to confirm each file');
    const opts = {cwd: process.cwd(), paths: argv as string[], staged: flags.staged, since: flags.since, maxFileSize: parseSize(flags['max-file-size'])};
    const format = flags.format === undefined ? flags.output : flags.format === 'text' ? 'table' : flags.format;
    const human = format === 'table' || format === 'wide';
    let result = await runScan(opts);
    this.note(report.renderWarnings(result));

    if (flags.fix && report.activeFindings(result).length > 0) {
      const [{fixFindings, loadSealFileInPlace}, {confirm}] = await Promise.all([import('../src/scan/fix.js'), import('../src/io/prompt.js')]);
      if (human) await this.print(format, {data: () => report.toJson(result), table: () => report.renderText(result)});
      const fixed = await fixFindings({
        report: result,
        staged: flags.staged,
        loadSeal: loadSealFileInPlace,
        sealOptions: {cert: flags.cert, namespace: flags.namespace, cluster: () => this.cluster(flags)},
        confirm: flags.yes ? undefined : (file) => confirm(`Seal the Secrets in ${file} in place?`),
        log: (line) => process.stderr.write(`${line}\n`),
      });
      if (fixed.sealed.length > 0) result = await runScan(opts);
      if (human) process.stderr.write(`after --fix: ${report.summaryLine(result)}\n`);
    }

    if (!(human && flags.fix)) {
      const {toSarif} = await import('../src/scan/sarif.js');
      const final = result;
      await this.print(format, {data: () => report.toJson(final), table: () => report.renderText(final), sarif: () => toSarif(final, {version: this.config.version})});
      if (human) process.stderr.write(`${report.summaryLine(result)}\n`);
    }
    if (report.activeFindings(result).length > 0) this.exit(1);
  }
}
