// SARIF 2.1.0 (OASIS, https://docs.oasis-open.org/sarif/sarif/v2.1.0/) for code-scanning UIs.
// Locations are relative to the repository root (uriBaseId %SRCROOT%), as GitHub code scanning
// expects. Suppressed findings are included with a `suppressions` entry, which is how SARIF
// viewers show "allowed" results without counting them as open.
import {pathToFileURL} from 'node:url';
import type {ScanReport} from './inputs.js';
import {HINTS, RULE_IDS, type Finding, type Severity} from './types.js';

// error blocks a code-scanning gate, warning is shown; security-severity is GitHub's 0-10 scale.
const LEVEL: Record<Severity, string> = {high: 'error', low: 'warning'};
const SECURITY_SEVERITY: Record<Severity, string> = {high: '8.0', low: '3.0'};

const DESCRIPTIONS: Record<(typeof RULE_IDS)[number], string> = {
  'plaintext-secret': 'A v1 Secret manifest with a plaintext value in data or stringData, or a SealedSecret or ExternalSecret with one in its Secret template.',
  'kustomize-secret-literal': 'A kustomize secretGenerator with a literal value, or a file it reads that holds values.',
  'last-applied-secret': 'A kubectl.kubernetes.io/last-applied-configuration annotation that copies a Secret with values.',
  'private-key': 'A PEM private key block, as armour or base64-encoded.',
  'kubectl-secret-literal': 'A kubectl create secret command line (script, Makefile, Dockerfile, CI file, Markdown code block) with a literal --from-literal or --docker-password value.',
  'unparseable-secret': 'A file that may hold Secret material but could not be read in full (not valid YAML, not text, or over the size limit).',
};

export function toSarif(r: ScanReport, o: {version: string}) {
  // Repository-relative whatever form the path was given in; a file outside the repository has
  // no such URI, so it gets its absolute file: URI (a URI with a scheme takes no uriBaseId).
  const location = (display: string) => {
    const f = r.files.get(display);
    if (f && (f.path === '..' || f.path.startsWith('../'))) return {uri: pathToFileURL(f.abs).href};
    return {uri: encodeURI(f?.path ?? display), uriBaseId: '%SRCROOT%'};
  };
  const rules = RULE_IDS.map((id) => ({
    id,
    name: id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
    shortDescription: {text: DESCRIPTIONS[id]},
    fullDescription: {text: DESCRIPTIONS[id]},
    help: {text: `Fix: ${HINTS[id]}`},
    defaultConfiguration: {level: 'error'},
  }));
  const result = (f: Finding) => ({
    ruleId: f.rule,
    ruleIndex: RULE_IDS.indexOf(f.rule),
    level: LEVEL[f.severity],
    message: {text: `${f.message}. Fix: ${f.hint}`},
    locations: [{physicalLocation: {
      artifactLocation: location(f.file),
      region: {startLine: f.line, startColumn: f.column},
    }}],
    properties: {severity: f.severity, 'security-severity': SECURITY_SEVERITY[f.severity]},
    ...(f.suppressed ? {suppressions: [{kind: f.suppressed === 'inline' ? 'inSource' : 'external'}]} : {}),
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {driver: {name: 'kubectl-secret', version: o.version, rules}},
      originalUriBaseIds: {'%SRCROOT%': {uri: pathToFileURL(r.root.endsWith('/') ? r.root : r.root + '/').href}},
      results: r.findings.map(result),
      invocations: [{
        executionSuccessful: true,
        toolExecutionNotifications: r.warnings.map((w) => ({
          level: 'warning',
          message: {text: w.message},
          locations: [{physicalLocation: {artifactLocation: location(w.file), ...(w.line ? {region: {startLine: w.line}} : {})}}],
        })),
      }],
    }],
  };
}
