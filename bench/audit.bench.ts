// audit offline over a generated cluster: 500 namespaces with 10,000 Secrets, 5,000 workloads
// and 50,000 RoleBindings, written as manifest files. Prints, side by side, the time to only
// parse the files (the floor of `audit -f`) and the time to audit the parsed objects (gathering
// the inputs + every finding for every Secret), and the audit time at half and a quarter of the
// namespaces, to show it grows linearly. Each measurement runs in its own process.
import {median, treeBench, treeBenchChild} from './harness.js';
import {clusterRbac, describeRbac, namespaceRbac, type RbacShape} from './rbac-tree.js';
import {audit} from '../src/audit/audit.js';
import {loadAuditInputs} from '../src/audit/inputs.js';
import type {ObjectSource} from '../src/kube/object-source.js';

const SECRETS_PER_NS = 20;
const WORKLOADS_PER_NS = 10;
const RUNS = 3;
const NOW = Date.parse('2025-06-01T00:00:00Z');

const ns = (i: number) => `ns-${String(i).padStart(3, '0')}`;
const SHAPE: RbacShape = {namespaces: 500, rolesPerNs: 5, bindingsPerNs: 100, sasPerNs: 10, clusterRoles: 200, clusterRoleBindings: 100, aggregated: 5, users: 2_000, teams: 100, ns};
const NAMESPACES = SHAPE.namespaces;

function podSpec(n: number, w: number): string {
  const env = `secret-${(2 * w) % SECRETS_PER_NS}`;
  const vol = `secret-${(2 * w + 1) % SECRETS_PER_NS}`;
  return `serviceAccountName: sa-${w % SHAPE.sasPerNs}\n${w % 3 === 0 ? 'automountServiceAccountToken: false\n' : ''}containers:\n- name: app\n  image: app:${n}\n  env:\n  - name: PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: ${env}\n        key: password\n  volumeMounts:\n  - name: creds\n    mountPath: /creds\nvolumes:\n- name: creds\n  secret:\n    secretName: ${vol}\n`;
}

const indent = (text: string, by: number) => text.replace(/^(?=.)/gm, ' '.repeat(by));

export function namespaceFile(n: number): string {
  const name = ns(n);
  const docs: string[] = [`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`, ...namespaceRbac(SHAPE, n)];
  for (let s = 0; s < SECRETS_PER_NS; s++) {
    const type = s === 19 ? 'kubernetes.io/service-account-token' : s === 18 ? 'kubernetes.io/tls' : 'Opaque';
    const rotated = s % 4 === 0 ? `  annotations:\n    kubectl-secret.dev/rotated-at: "${new Date(NOW - ((n + s) % 200) * 86_400_000).toISOString()}"\n` : '';
    docs.push(`apiVersion: v1\nkind: Secret\ntype: ${type}\nmetadata:\n  name: secret-${s}\n  namespace: ${name}\n  creationTimestamp: "${new Date(NOW - ((n * 3 + s) % 400) * 86_400_000).toISOString()}"\n${rotated}data:\n  password: c2VjcmV0\n`);
  }
  for (let w = 0; w < WORKLOADS_PER_NS; w++) {
    if (w === 9) docs.push(`apiVersion: v1\nkind: Pod\nmetadata:\n  name: job-${w}\n  namespace: ${name}\nspec:\n${indent(podSpec(n, w), 2)}`);
    else if (w === 8) docs.push(`apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: cron-${w}\n  namespace: ${name}\nspec:\n  schedule: "0 * * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n${indent(podSpec(n, w), 10)}`);
    else docs.push(`apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-${w}\n  namespace: ${name}\nspec:\n  selector:\n    matchLabels:\n      app: app-${w}\n  template:\n    metadata:\n      labels:\n        app: app-${w}\n    spec:\n${indent(podSpec(n, w), 6)}`);
  }
  docs.push(`apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  namespace: ${name}\nspec:\n  tls:\n  - secretName: secret-18\n`);
  if (n % 2 === 0) docs.push(`apiVersion: kubectl-secret.dev/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: secret-0\n  namespace: ${name}\nspec:\n  encryptedData:\n    password: AgB\n`);
  return docs.join('---\n');
}

interface AuditRun {
  namespaces: number;
  secrets: number;
  ms: number;
  findings: number;
}

const MARKER = '--audit-bench-child';


/** Keeps only the objects of every n-th namespace (cluster-scoped objects stay). */
function subset(source: ObjectSource, every: number): ObjectSource {
  const keep = (o: {metadata?: {namespace?: string}}) => !o.metadata?.namespace || Number(o.metadata.namespace.slice(3)) % every === 0;
  return {live: false, warnings: [], forbiddenKinds: new Set(), list: async (kind, namespace, group) => (await source.list(kind, namespace, group)).filter(keep)};
}

async function analyse(source: ObjectSource): Promise<{audits: AuditRun[]}> {
  const audits: AuditRun[] = [];
  for (const every of [1, 2, 4]) {
    const s = subset(source, every);
    const times: number[] = [];
    let secrets = 0;
    let findings = 0;
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      const report = audit(await loadAuditInputs(s, undefined), {now: NOW, maxAgeMs: 90 * 86_400_000, expectSealed: true});
      times.push(performance.now() - start);
      secrets = report.secrets.length;
      findings = report.secrets.reduce((n, x) => n + x.findings.length, 0);
    }
    audits.push({namespaces: Math.ceil(NAMESPACES / every), secrets, ms: median(times), findings});
  }
  return {audits};
}

export async function run(): Promise<void> {
  const {bytes, parse, measured} = treeBench<{audits: AuditRun[]}>({moduleUrl: import.meta.url, marker: MARKER, prefix: 'ks-audit-bench-', cluster: clusterRbac(SHAPE), namespaces: NAMESPACES, ns, nsText: namespaceFile});
  const [full, half, quarter] = measured.audits;
  console.log(`${NAMESPACES} namespaces, ${NAMESPACES * SECRETS_PER_NS} Secrets, ${NAMESPACES * WORKLOADS_PER_NS} workloads, ${describeRbac(SHAPE)}`);
  console.log(`(${(bytes / 1e6).toFixed(1)} MB of YAML in ${NAMESPACES + 1} files; audit -A --expect-sealed = gathering the inputs + every check for every Secret, median of ${RUNS} runs)`);
  console.log('');
  console.log(`  parse only (baseline):              ${parse.parseMs.toFixed(0).padStart(8)} ms   peak RSS ${parse.maxRssMb.toFixed(0)} MB`);
  for (const a of [full, half, quarter]) {
    console.log(`  audit, ${String(a.namespaces).padStart(3)} namespaces, ${String(a.secrets).padStart(5)} Secrets: ${a.ms.toFixed(0).padStart(8)} ms   ${(a.ms / parse.parseMs).toFixed(2)}× parse, ${a.findings} findings`);
  }
  const perThousand = (a: {secrets: number; ms: number}, b: {secrets: number; ms: number}) => (((a.ms - b.ms) / (a.secrets - b.secrets)) * 1000).toFixed(1);
  console.log(`  cost per 1,000 Secrets (with their namespaces): ${perThousand(half, quarter)} ms (quarter→half), ${perThousand(full, half)} ms (half→full); linear when these agree`);
  console.log(`  parse + audit (audit -f):           ${(measured.parseMs + full.ms).toFixed(0).padStart(8)} ms   peak RSS ${measured.maxRssMb.toFixed(0)} MB`);
}

await treeBenchChild(import.meta.url, MARKER, analyse, () => performance.now());
