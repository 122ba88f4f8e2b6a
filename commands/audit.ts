import {Flags} from '@oclif/core';
import type {Severity} from '../src/audit/types.js';
import {ClusterCommand, filenameFlags, outputFlag} from './_base.js';

export default class Audit extends ClusterCommand {
  static override summary = 'Report the hygiene of every Secret in a namespace or cluster.';
  static override description = 'Report the hygiene of every Secret in a namespace or the whole cluster: stale, broadly readable, in env vars, unused, legacy tokens, unsealed. Puts together what who-can and consumers compute, for every Secret at once, with a severity per finding, a summary line and a score per namespace. Reads the live cluster, or manifests with -f. Exit 1 when a finding is at or above --fail-on. See docs/audit.md.';
  static override examples = [
    'kubectl secret audit -n payments',
    'kubectl secret audit -A -o json',
    'kubectl secret audit -f deploy/ -R --expect-sealed -o sarif > audit.sarif',
    'kubectl secret audit -A --max-age 30d --fail-on medium',
  ];
  static override flags = {
    ...filenameFlags,
    'all-namespaces': Flags.boolean({char: 'A', description: 'Audit the Secrets of every namespace.', default: false}),
    output: outputFlag({sarif: true}),
    'max-age': Flags.string({description: 'Report Secrets not rotated for longer than this (kubectl-secret.dev/rotated-at, else creation time).', default: '90d'}),
    'fail-on': Flags.string({description: 'Exit 1 when a finding is at or above this severity (none: never).', options: ['critical', 'high', 'medium', 'low', 'info', 'none'], default: 'high'}),
    'expect-sealed': Flags.boolean({description: 'Report Secrets that no SealedSecret produces (either scheme).', default: false}),
  };

  async run(): Promise<void> {
    const {flags} = await this.parse(Audit);
    const [{parseDuration}, {runAudit}, {auditJson, auditTable}, {atOrAbove}, {toSarif}] = await Promise.all([
      import('../src/duration.js'), import('../src/audit/inputs.js'), import('../src/audit/render.js'), import('../src/audit/types.js'), import('../src/audit/sarif.js'),
    ]);
    const maxAgeMs = parseDuration(flags['max-age'], '--max-age');
    const {source, namespace, cluster} = await this.objectSource(flags, {namespaceRule: 'all-in-files', allNamespaces: flags['all-namespaces']});
    const {report, locate} = await runAudit(source, namespace, {now: Date.now(), maxAgeMs, expectSealed: flags['expect-sealed']}, cluster);
    const {absentNamespace} = await import('../src/audit/inputs.js');
    const missing = namespace === undefined ? undefined : await absentNamespace(namespace, cluster, source);
    if (missing) report.summary.warnings.push(missing);
    this.warnings(report.summary.warnings);
    await this.print(flags.output, {
      data: () => auditJson(report),
      table: () => auditTable(report),
      sarif: () => toSarif(report, {version: this.config.version, root: process.cwd(), locate}),
    });
    // An audit that could not read something it checks is no pass: a CI gate must not go green.
    const {ClusterError} = await import('../src/errors.js');
    if (missing && cluster) throw new ClusterError(missing, {hint: 'check -n and the current context (kubectl get namespaces)'});
    if (report.summary.unreadable.length > 0) {
      throw new ClusterError(`the audit is incomplete: cannot list ${report.summary.unreadable.join(', ')} (forbidden)`, {hint: 'grant the audit the list permissions docs/rbac.md names, or audit a namespace you may read with -n'});
    }
    const failOn = flags['fail-on'];
    if (failOn !== 'none' && report.secrets.some((s) => s.findings.some((f) => atOrAbove(f.severity, failOn as Severity)))) this.exit(1);
  }
}
