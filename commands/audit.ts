import {Flags} from '@oclif/core';
import type {Severity} from '../src/audit/types.js';
import {ClusterCommand, filenameFlags, outputFlag} from './_base.js';

export default class Audit extends ClusterCommand {
  static override summary = 'Report the hygiene of every Secret in a namespace or the whole cluster: stale, broadly readable, in env vars, unused, legacy tokens, unsealed.';
  static override description = 'Puts together what who-can and consumers compute, for every Secret at once, with a severity per finding, a summary line and a score per namespace. Reads the live cluster, or manifests with -f. Exit 1 when a finding is at or above --fail-on. See docs/audit.md.';
  static override examples = [
    '<%= config.bin %> audit -n payments',
    '<%= config.bin %> audit -A -o json',
    '<%= config.bin %> audit -f deploy/ -R --expect-sealed -o sarif > audit.sarif',
    '<%= config.bin %> audit -A --max-age 30d --fail-on medium',
  ];
  static override flags = {
    ...filenameFlags,
    'all-namespaces': Flags.boolean({char: 'A', description: 'Audit the Secrets of every namespace.', default: false}),
    output: outputFlag('table', ['table', 'json', 'sarif']),
    'max-age': Flags.string({description: 'Report Secrets not rotated for longer than this (kubectl-secret.dev/rotated-at, else creation time).', default: '90d'}),
    'fail-on': Flags.string({description: 'Exit 1 when a finding is at or above this severity (none: never).', options: ['critical', 'high', 'medium', 'low', 'info', 'none'], default: 'high'}),
    'expect-sealed': Flags.boolean({description: 'Report Secrets that no SealedSecret produces (either scheme).', default: false}),
  };

  async run(): Promise<void> {
    const {flags} = await this.parse(Audit);
    const [{parseDuration}, {fileSource, liveSource}, {auditSource}, {auditJson, auditTable}, {renderData}, {atOrAbove}] = await Promise.all([
      import('../src/duration.js'), import('../src/kube/object-source.js'), import('../src/audit/run.js'), import('../src/audit/render.js'),
      import('../src/render/output.js'), import('../src/audit/types.js'),
    ]);
    const maxAgeMs = parseDuration(flags['max-age'], '--max-age');
    let source;
    let cluster;
    let namespace: string | undefined;
    if (flags.filename?.length) {
      // Offline: objects without a namespace land in -n (else default); without -n every namespace in the files is audited.
      source = fileSource(flags.filename, flags.recursive, flags.namespace ?? 'default');
      namespace = flags['all-namespaces'] ? undefined : flags.namespace;
    } else {
      cluster = await this.cluster(flags);
      source = liveSource(cluster, {tolerateForbidden: true});
      namespace = flags['all-namespaces'] ? undefined : cluster.namespace;
    }
    const {report, locate} = await auditSource(source, namespace, {now: Date.now(), maxAgeMs, expectSealed: flags['expect-sealed']}, cluster);
    const {absentNamespace} = await import('../src/audit/inputs.js');
    const missing = namespace === undefined ? undefined : await absentNamespace(namespace, cluster, source);
    if (missing) report.summary.warnings.push(missing);
    for (const w of report.summary.warnings) process.stderr.write(`warning: ${w}\n`);
    if (flags.output === 'table') process.stdout.write(auditTable(report));
    else if (flags.output === 'json') process.stdout.write(renderData(auditJson(report), 'json'));
    else {
      const {toSarif} = await import('../src/audit/sarif.js');
      process.stdout.write(JSON.stringify(toSarif(report, {version: this.config.version, root: process.cwd(), locate}), null, 2) + '\n');
    }
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
