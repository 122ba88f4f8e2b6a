// consumers over 10,000 workloads in one namespace, next to the time to only parse the same
// manifests (the floor for `consumers -f`): finding references should cost a small fraction
// of reading the YAML.
import {stringify} from 'yaml';
import {parseManifests} from '../src/manifests/parse.js';
import {findConsumers} from '../src/workloads/consumers.js';

const WORKLOADS = 10_000;
const NS = 'bench';

function workload(i: number): object {
  const kind = ['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob'][i % 4];
  const secret = `secret-${i % 50}`;
  const podSpec = {
    serviceAccountName: `sa-${i % 10}`,
    initContainers: i % 7 === 0 ? [{name: 'init', image: 'busybox', env: [{name: 'TOKEN', valueFrom: {secretKeyRef: {name: secret, key: 'token'}}}]}] : undefined,
    containers: [{
      name: 'app',
      image: 'example/app:1',
      args: ['--secret-name=target'],
      env: [
        {name: 'DB_PASSWORD', valueFrom: {secretKeyRef: {name: secret, key: 'password'}}},
        ...Array.from({length: 10}, (_, k) => ({name: `CFG_${k}`, valueFrom: {configMapKeyRef: {name: 'config', key: `k${k}`, optional: true}}})),
      ],
      envFrom: i % 3 === 0 ? [{secretRef: {name: 'target'}}] : [{configMapRef: {name: 'config'}}],
      volumeMounts: [{name: 'certs', mountPath: '/etc/tls'}, {name: 'cfg', mountPath: '/etc/cfg'}],
    }],
    volumes: [
      {name: 'certs', secret: {secretName: i % 5 === 0 ? 'target' : secret, optional: true}},
      {name: 'cfg', projected: {sources: [{configMap: {name: 'config'}}, ...(i % 11 === 0 ? [{secret: {name: 'target'}}] : [])]}},
    ],
  };
  const template = {metadata: {labels: {app: `app-${i}`}}, spec: podSpec};
  const spec = kind === 'CronJob' ? {schedule: '0 * * * *', jobTemplate: {spec: {template}}} : {selector: {matchLabels: {app: `app-${i}`}}, template};
  return {apiVersion: kind === 'CronJob' ? 'batch/v1' : 'apps/v1', kind, metadata: {name: `w-${i}`, namespace: NS}, spec};
}

function time<T>(fn: () => T): {ms: number; value: T} {
  const start = performance.now();
  const value = fn();
  return {ms: performance.now() - start, value};
}

export async function run(): Promise<void> {
  const text = Array.from({length: WORKLOADS}, (_, i) => stringify(workload(i))).join('---\n');
  const serviceAccounts = Array.from({length: 10}, (_, i) => ({apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: `sa-${i}`, namespace: NS}, imagePullSecrets: i === 3 ? [{name: 'target'}] : []}));
  // Warm-up, so the JIT does not count against whichever runs first.
  findConsumers('target', NS, {workloads: parseManifests(text.slice(0, 200_000).replace(/---\n[^]*$/, ''), 'warm.yaml').map((o) => o.object), serviceAccounts});

  const parse = time(() => parseManifests(text, 'bench.yaml').map((o) => o.object));
  const workloads = parse.value;
  const find = time(() => findConsumers('target', NS, {workloads, serviceAccounts}));
  const findAll = time(() => {
    let n = 0;
    for (let s = 0; s < 50; s++) n += findConsumers(`secret-${s}`, NS, {workloads, serviceAccounts}).length;
    return n;
  });

  const mb = (Buffer.byteLength(text) / 1e6).toFixed(1);
  console.log(`${WORKLOADS} workloads in one namespace (${mb} MB of YAML)`);
  console.log(`  parse only (baseline):            ${parse.ms.toFixed(0)} ms`);
  console.log(`  findConsumers, one Secret:        ${find.ms.toFixed(1)} ms  (${find.value.length} references; ${(100 * find.ms / parse.ms).toFixed(1)}% of parse)`);
  console.log(`  findConsumers, 50 Secrets:        ${findAll.ms.toFixed(0)} ms  (${(findAll.ms / 50).toFixed(1)} ms each, ${findAll.value} references)`);
  console.log(`  parse + findConsumers (-f total): ${(parse.ms + find.ms).toFixed(0)} ms`);
}
