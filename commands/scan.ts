import {Flags} from '@oclif/core';
import {ClusterCommand, outputFlag} from './_base.js';
import {stdoutDrained, writeErr} from '../src/io/stdio.js';

export default class Scan extends ClusterCommand {
  static override summary = 'Find plaintext Secret material in files or staged changes.';
  static override description = `Find plaintext Secret material in files or in what is staged for commit.
Rules: plaintext-secret, kustomize-secret-literal, last-applied-secret, private-key, unparseable-secret, kubectl-secret-literal (kubectl create secret --from-literal=KEY=VALUE in scripts, Makefiles, CI files).
Also reads Markdown yaml/json code blocks, Helm values lists, OpenShift Template.objects and base64-wrapped PEM keys.
Templates ({{ }}, \${VAR}), SOPS ENC[...] values, placeholders (<...>, XXXX, change-me..., your-...-here, also base64) and empty values are not findings.
Every finding has a severity: high (credentials, private keys) or low (keys naming public data: ca.crt, url, host, port).
--history scans every version of every file in git history; --check-live compares the leaked values with the live Secrets.
Suppress with a "# kubectl-secret:allow" comment on the flagged line or the kind: Secret line, or with scan.allow / scan.rules in .kubectl-secret.yaml at the repository root.
Exit status: 0 clean (or only findings below --fail-on), 1 findings, 2 error.`;
  static override examples = [
    'kubectl secret scan deploy/',
    'kubectl secret scan --staged',
    'kubectl secret scan --since origin/main -o sarif > scan.sarif',
    'kubectl secret scan --staged --fix --cert pub-cert.pem',
    'kubectl secret scan --staged --fail-on high',
    'kubectl secret scan --history --check-live',
    'kubectl secret scan --history origin/main..HEAD -o sarif > history.sarif',
  ];
  static override strict = false;
  static override args = {};
  static override flags = {
    staged: Flags.boolean({description: 'Scan exactly what is staged for commit (the index, not the working tree).', default: false, exclusive: ['since', 'history']}),
    history: Flags.boolean({description: 'Scan every version of every file in git history (arguments: a revision range; default every ref).', default: false, exclusive: ['since', 'fix']}),
    'check-live': Flags.boolean({description: 'With --history: say per leaked key whether the live Secret still holds that value.', default: false}),
    since: Flags.string({description: 'Scan the files changed since REV (its merge base with HEAD), e.g. origin/main in CI.', helpValue: 'REV'}),
    output: outputFlag({sarif: true}),
    format: Flags.string({description: 'Alias of -o (text is table).', options: ['text', 'json', 'sarif'], exclusive: ['output']}),
    'fail-on': Flags.string({description: 'Exit 1 only for findings at or above this severity (all are reported).', options: ['high', 'low'], default: 'low'}),
    'max-file-size': Flags.string({description: 'Do not parse files larger than this (bytes, or 512k, 2M); they are still checked for Secret material.', default: '1M', helpValue: 'N'}),
    // No defaults on --fix and --yes: oclif checks dependsOn for any flag that has a value, a default included.
    fix: Flags.boolean({description: 'Seal each flagged Secret in place (with --staged, re-stage the file).'}),
    yes: Flags.boolean({char: 'y', description: 'With --fix: do not ask per file (required when not on a terminal).', dependsOn: ['fix']}),
    cert: Flags.string({description: 'With --fix: seal with this certificate or public key instead of the cluster\'s.', helpValue: 'FILE', dependsOn: ['fix']}),
  };

  async run(): Promise<void> {
    const {flags, argv} = await this.parse(Scan);
    const format = flags.format === undefined ? flags.output : flags.format === 'text' ? 'table' : flags.format;
    // oclif counts a boolean's default as given, so dependsOn cannot say this.
    if (flags['check-live'] && !flags.history) throw new (await import('../src/errors.js')).InputError('--check-live only applies with --history', 'run kubectl secret scan --history --check-live');
    if (flags.history) return this.history(flags, argv as string[], format);
    const [{runScan}, {parseSize}, {InputError}, report, {stdinIsTerminal}] = await Promise.all([
      import('../src/scan/inputs.js'), import('../src/scan/files.js'), import('../src/errors.js'), import('../src/scan/render.js'), import('../src/io/input.js'),
    ]);
    // Questions go to the terminal (src/io/prompt.ts), so stdout may be redirected.
    if (flags.fix && !flags.yes && !stdinIsTerminal()) throw new InputError('--fix rewrites files and needs --yes when not run on a terminal', 'rerun with --fix --yes, or in a terminal to confirm each file');
    const opts = {cwd: process.cwd(), paths: argv as string[], staged: flags.staged, since: flags.since, maxFileSize: parseSize(flags['max-file-size']), packageRoot: this.config.root};
    const failOn = flags['fail-on'] as 'high' | 'low';
    const human = format === 'table' || format === 'wide';
    let result = await runScan(opts);
    this.note(report.renderWarnings(result));

    if (flags.fix && report.activeFindings(result).length > 0) {
      const [{fixFindings, loadSealFileInPlace}, {confirm}] = await Promise.all([import('../src/scan/fix.js'), import('../src/io/prompt.js')]);
      if (human) await this.print(format, {data: () => report.toJson(result), table: () => report.renderText(result)});
      // What sealed each file, said once all are done (src/seal/notes.ts).
      const how: {file: string; sealed: import('../src/seal/in-place.js').SealedInPlace}[] = [];
      const displayOf = new Map([...result.files.values()].map((f) => [f.abs, f.display]));
      const fixed = await fixFindings({
        report: result,
        staged: flags.staged,
        loadSeal: async () => {
          const seal = await loadSealFileInPlace();
          return async (file, opts) => {
            const sealed = await seal(file, opts);
            if (sealed) how.push({file: displayOf.get(file) ?? file, sealed});
            return sealed;
          };
        },
        sealOptions: {cert: flags.cert, namespace: flags.namespace, cluster: () => this.cluster(flags)},
        confirm: flags.yes ? undefined : (file) => confirm(`Seal the Secrets in ${file} in place?`),
        log: (line) => writeErr(`${line}\n`),
      });
      if (how.length > 0) this.note((await import('../src/seal/notes.js')).fixNotes(how));
      if (fixed.sealed.length > 0) result = await runScan(opts);
      if (human) writeErr(`after --fix: ${report.summaryLine(result, failOn)}\n`);
    }

    if (!(human && flags.fix)) {
      const {toSarif} = await import('../src/scan/sarif.js');
      const final = result;
      await this.print(format, {data: () => report.toJson(final), table: () => report.renderText(final), sarif: () => toSarif(final, {version: this.config.version})});
      if (human) writeErr(`${report.summaryLine(result, failOn)}\n`);
    }
    if (report.failingFindings(result, failOn).length > 0) {
      // Exit only once stdout has drained, or `| jq` gets a cut report.
      await stdoutDrained();
      this.exit(1);
    }
  }

  private async history(flags: {'max-file-size': string; 'check-live': boolean; 'fail-on': string; kubeconfig?: string; context?: string; namespace?: string; 'request-timeout'?: string}, range: string[], format: string): Promise<void> {
    const [{runHistoryScan}, {parseSize}, render, {progressReporter}, {repositoryIdentity}] = await Promise.all([
      import('../src/scan/history.js'), import('../src/scan/files.js'), import('../src/scan/history-render.js'), import('../src/scan/history-progress.js'), import('../src/scan/history-inputs.js'),
    ]);
    const progress = progressReporter(process.stderr);
    const report = await runHistoryScan({cwd: process.cwd(), range, maxFileSize: parseSize(flags['max-file-size']), progress: progress.update}).finally(progress.done);
    let live: import('../src/scan/history-render.js').LiveAnswers | undefined;
    if (flags['check-live']) {
      const [{checkLive}, {clusterLiveReader}] = await Promise.all([import('../src/scan/live-check.js'), import('../src/scan/live-inputs.js')]);
      live = await checkLive(report, clusterLiveReader(await this.cluster(flags)));
    }
    this.warnings(report.warnings.map((w) => `${w.file}${w.line ? ':' + w.line : ''}: ${w.message}`));
    const identity = format === 'sarif' ? await repositoryIdentity(report.root) : {};
    await this.print(format, {
      data: () => render.historyJson(report, live),
      table: () => render.renderHistoryText(report, live),
      sarif: () => render.historySarif(report, {version: this.config.version, ...identity}, live),
    });
    if (format === 'table' || format === 'wide') writeErr(`${render.historySummary(report, live)}\n`);
    await stdoutDrained();
    // As for a plain scan, only findings at or above --fail-on decide the exit status; all are reported.
    const failing = render.failingIndexes(report, flags['fail-on'] as 'high' | 'low');
    if (live) {
      const c = render.liveCounts(live, failing);
      if (c['still live'] > 0) this.exit(1);
      if (c['cannot read'] > 0) {
        const {ClusterError} = await import('../src/errors.js');
        throw new ClusterError(`could not read ${c['cannot read']} of the leaked Secrets' live values (forbidden)`, {hint: 'rerun with a context that may get these Secrets, or check them by hand'});
      }
      return;
    }
    if (failing.size > 0) this.exit(1);
  }
}
