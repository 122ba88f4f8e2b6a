import {Args, Flags} from '@oclif/core';
import {ClusterCommand, filenameFlags, outputFlag} from './_base.js';

export default class WhoCan extends ClusterCommand {
  static override summary = 'Show who can read a Secret: RBAC, indirect paths, workloads.';
  static override description = 'Show who can read a Secret: directly through RBAC, by every indirect path, and which workloads hold it. Answers what the Kubernetes RBAC authorizer would: wildcards, subresources, resourceNames, RoleBinding scoping, ServiceAccount groups and system:masters. Reads the live cluster, or manifests with -f (ClusterRole aggregation computed offline). --verify asks the server with SubjectAccessReviews. See docs/who-can.md.';
  static override examples = [
    'kubectl secret who-can db-creds -n payments',
    'kubectl secret who-can db-creds -n payments --direct-only -o json',
    'kubectl secret who-can db-creds -n payments -f deploy/ -R',
    'kubectl secret who-can db-creds -n payments --verify',
  ];
  static override args = {
    name: Args.string({description: 'Name of the Secret.', required: true, ignoreStdin: true}),
  };
  static override flags = {
    ...filenameFlags,
    'direct-only': Flags.boolean({description: 'Only show direct readers (get, list, watch on the Secret).', default: false}),
    verify: Flags.boolean({description: 'Confirm every row with a SubjectAccessReview on the cluster.', default: false}),
    output: outputFlag(),
  };

  async run(): Promise<void> {
    const {args, flags} = await this.parse(WhoCan);
    const [{InputError}, {runWhoCan}, {reportData, reportTables}] = await Promise.all([
      import('../src/errors.js'), import('../src/rbac/inputs.js'), import('../src/rbac/render.js'),
    ]);
    if (flags.verify && flags.filename) {
      throw new InputError('--verify asks the cluster, so it cannot be used with -f', 'drop -f to verify against the current context, or drop --verify to analyse the files');
    }
    const directOnly = flags['direct-only'];
    const {source, namespace, cluster} = await this.objectSource(flags, {namespaceRule: 'single'});
    const report = await runWhoCan(source, args.name, namespace!, {directOnly});
    const warnings = [...source.warnings];
    // An answer about a Secret that does not exist is no answer: say so. (Files of RBAC rarely
    // hold the Secret, so only the cluster can tell.)
    const absent = cluster ? await (await import('../src/secrets/metadata.js')).secretAbsence(cluster, args.name, namespace!) : undefined;
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
    this.warnings(warnings);
    const data = reportData(report, {directOnly, verifications, warnings});
    const verified = Boolean(verifications);
    await this.print(flags.output, {data: () => data, table: () => reportTables(data, verified)});
  }
}
