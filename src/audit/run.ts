// What the command calls: read the inputs from a source, audit them, and say where each Secret
// came from (manifests only) for SARIF.
import type {Cluster} from '../kube/cluster.js';
import type {ObjectSource} from '../kube/object-source.js';
import {audit, type AuditOptions} from './audit.js';
import {loadAuditInputs} from './inputs.js';
import type {Locate} from './sarif.js';
import type {AuditReport} from './types.js';

export async function auditSource(source: ObjectSource, namespace: string | undefined, opts: AuditOptions, cluster?: Cluster): Promise<{report: AuditReport; locate: Locate}> {
  const inputs = await loadAuditInputs(source, namespace, cluster);
  const report = audit(inputs, opts);
  const origins = new Map<string, {file: string; line: number}>();
  if (source.origin) {
    for (const s of inputs.secrets) {
      const at = source.origin(s);
      if (at) origins.set(`${s.metadata?.namespace ?? ''}/${s.metadata?.name ?? ''}`, at);
    }
  }
  return {report, locate: (ns, name) => origins.get(`${ns}/${name}`)};
}
