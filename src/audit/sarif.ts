// SARIF 2.1.0 for code-scanning UIs, shaped like scan's (src/scan/sarif.ts): one rule per
// finding id, one result per finding. With -f a result points at the file and line of the
// Secret, relative to the working directory (uriBaseId %SRCROOT%); from a live cluster it has
// only a logical location, Secret/NAMESPACE/NAME.
import {relative} from 'node:path';
import {pathToFileURL} from 'node:url';
import {FINDING_IDS, type AuditReport, type FindingId, type Severity} from './types.js';

const DESCRIPTIONS: Record<FindingId, {short: string; help: string}> = {
  stale: {short: 'The Secret was not rotated within the maximum age.', help: 'Rotate it (kubectl secret rotate), which records kubectl-secret.dev/rotated-at.'},
  'broad-readers': {short: 'A group every user or every ServiceAccount belongs to can read the Secret directly.', help: 'Remove the binding that grants get/list/watch on secrets to the group; grant named ServiceAccounts instead (kubectl secret who-can shows the binding).'},
  'env-exposure': {short: 'The Secret is consumed through environment variables.', help: 'Mount it as a volume and read the file; env values leak through crash dumps, /proc, debug logs and child processes.'},
  unused: {short: 'Nothing references the Secret and no running workload may read it.', help: 'Delete it once you have checked that nothing outside the cluster reads it.'},
  'api-read': {short: 'Nothing references the Secret, but a running workload\'s ServiceAccount may read it through the API.', help: 'Keep it: the workload reads it by name (as Argo CD reads argocd-secret). Narrow the grant to resourceNames if it is a list.'},
  'legacy-sa-token': {short: 'A long-lived kubernetes.io/service-account-token Secret.', help: 'Delete it and use short-lived tokens from the TokenRequest API (projected volumes, kubectl create token).'},
  automount: {short: 'Pods that consume the Secret also automount a ServiceAccount token.', help: 'Set automountServiceAccountToken: false on the pod spec or the ServiceAccount when the pods do not call the API.'},
  'unsealed-source': {short: 'No SealedSecret produces the Secret.', help: 'Seal its source with kubectl secret seal and commit the SealedSecret instead of the Secret.'},
};

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note'};
/** GitHub code scanning ranks security results by this property (0–10). */
const SECURITY_SEVERITY: Record<Severity, string> = {critical: '9.5', high: '8.0', medium: '5.0', low: '2.0', info: '0.0'};

export type Locate = (namespace: string, name: string) => {file: string; line: number} | undefined;

export function toSarif(report: AuditReport, o: {version: string; root: string; locate?: Locate}) {
  const rules = FINDING_IDS.map((id) => ({
    id,
    name: id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
    shortDescription: {text: DESCRIPTIONS[id].short},
    fullDescription: {text: DESCRIPTIONS[id].short},
    help: {text: `Fix: ${DESCRIPTIONS[id].help}`},
  }));
  const results = report.secrets.flatMap((s) => {
    const at = o.locate?.(s.namespace, s.name);
    const logical = {logicalLocations: [{kind: 'resource', name: s.name, fullyQualifiedName: `Secret/${s.namespace}/${s.name}`}]};
    const location = at
      ? {physicalLocation: {artifactLocation: {uri: encodeURI(relative(o.root, at.file).split('\\').join('/')), uriBaseId: '%SRCROOT%'}, region: {startLine: at.line}}, ...logical}
      : logical;
    return s.findings.map((f) => ({
      ruleId: f.id,
      ruleIndex: FINDING_IDS.indexOf(f.id),
      level: LEVEL[f.severity],
      message: {text: `Secret ${s.namespace}/${s.name}: ${f.message}`},
      locations: [location],
      properties: {severity: f.severity, 'security-severity': SECURITY_SEVERITY[f.severity]},
    }));
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {driver: {name: 'kubectl-secret', version: o.version, rules: rules.map((r) => ({...r, properties: {tags: ['security']}}))}},
      originalUriBaseIds: {'%SRCROOT%': {uri: pathToFileURL(o.root.endsWith('/') ? o.root : o.root + '/').href}},
      results,
      invocations: [{
        executionSuccessful: true,
        toolExecutionNotifications: report.summary.warnings.map((w) => ({level: 'warning', message: {text: w}})),
      }],
    }],
  };
}
