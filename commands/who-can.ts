import {Args, Flags} from '@oclif/core';
import {ClusterCommand, filenameFlags, outputFlag} from './_base.js';

export default class WhoCan extends ClusterCommand {
  static override summary = 'Show who can read a Secret: directly through RBAC, by every indirect path, and which workloads hold it.';
  static override description = 'Answers what the Kubernetes RBAC authorizer would: wildcards, subresources, resourceNames, RoleBinding scoping, ServiceAccount groups and system:masters. Reads the live cluster, or manifests with -f (ClusterRole aggregation computed offline). --verify asks the server with SubjectAccessReviews. See docs/who-can.md.';
  static override examples = [
    '<%= config.bin %> who-can db-creds -n payments',
    '<%= config.bin %> who-can db-creds -n payments --direct-only -o json',
    '<%= config.bin %> who-can db-creds -n payments -f deploy/ -R',
    '<%= config.bin %> who-can db-creds -n payments --verify',
  ];
  static override args = {
    name: Args.string({description: 'Name of the Secret.', required: true, ignoreStdin: true}),
  };
  static override flags = {
    ...filenameFlags,
    'direct-only': Flags.boolean({description: 'Only show direct readers (get, list, watch on the Secret).', default: false}),
    verify: Flags.boolean({description: 'Confirm every row with a SubjectAccessReview on the cluster.', default: false}),
    output: outputFlag('table'),
  };

  async run(): Promise<void> {
    const {args, flags} = await this.parse(WhoCan);
    const [{InputError}, {fileSource, liveSource}, {whoCanInputs}, {whoCan}, {reportData, reportTables}, {renderData}] = await Promise.all([
      import('../src/errors.js'), import('../src/kube/object-source.js'), import('../src/rbac/inputs.js'), import('../src/rbac/who-can.js'),
      import('../src/rbac/report.js'), import('../src/render/output.js'),
    ]);
    if (flags.verify && flags.filename) {
      throw new InputError('--verify asks the cluster, so it cannot be used with -f', 'drop -f to verify against the current context, or drop --verify to analyse the files');
    }
    const directOnly = flags['direct-only'];
    let namespace: string;
    let source;
    let cluster;
    if (flags.filename) {
      // Offline: no kubeconfig needed; objects without a namespace land in -n (as with kubectl -n … apply).
      namespace = flags.namespace ?? 'default';
      source = fileSource(flags.filename, flags.recursive, namespace);
    } else {
      cluster = await this.cluster(flags);
      namespace = cluster.namespace;
      source = liveSource(cluster, {tolerateForbidden: true});
    }
    const report = whoCan(await whoCanInputs(source, args.name, namespace, {directOnly}));
    const warnings = [...source.warnings];
    // An answer about a Secret that does not exist is no answer: say so. (Files of RBAC rarely
    // hold the Secret, so only the cluster can tell.)
    const absent = cluster ? await (await import('../src/secrets/metadata.js')).secretAbsence(cluster, args.name, namespace) : undefined;
    if (absent) warnings.push(absent);
    let verifications;
    if (flags.verify && cluster) {
      const [{verifyRows}, {collectionPath, resourceFor}] = await Promise.all([import('../src/rbac/verify.js'), import('../src/kube/resources.js')]);
      const path = collectionPath(resourceFor('SubjectAccessReview'));
      const c = cluster;
      const result = await verifyRows([...report.direct, ...report.indirect], (review) => c.rest.create(path, review, {verb: 'create', resource: 'subjectaccessreviews'}));
      if (result.unverified) warnings.push(result.unverified);
      else verifications = result.verifications;
    }
    for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
    const data = reportData(report, {directOnly, verifications, warnings});
    if (flags.output === 'table') process.stdout.write(reportTables(data, Boolean(verifications)));
    else process.stdout.write(renderData(data, flags.output as 'json' | 'yaml'));
  }
}
