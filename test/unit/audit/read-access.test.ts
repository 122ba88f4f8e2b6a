// The audit's readers index shares work between Secrets (per namespace, per holder set, per
// name a rule restricts to). Property: for every Secret it answers exactly what who-can answers
// when asked about that one Secret with every object, on the real-world RBAC of
// ../shared/fixtures and on random policies built to hit the cases that sharing can get wrong:
// resourceNames (including the empty name), aggregated ClusterRoles, RoleBindings to
// ClusterRoles, dangling roleRefs, groups every ServiceAccount is in, ServiceAccounts with and
// without a namespace, system:masters, and grants that only add up across a group and its member.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {join} from 'node:path';
import {loadManifests} from '../../../src/kube/object-source.js';
import type {KubeObject} from '../../../src/manifests/parse.js';
import {isBroadGroup, readersIndex, type Readers} from '../../../src/audit/read-access.js';
import type {AuditInputs} from '../../../src/audit/types.js';
import type {Consumer} from '../../../src/rbac/holders.js';
import {whoCan} from '../../../src/rbac/who-can.js';
import {clusterRole, clusterRoleBinding, role, roleBinding, rule, serviceAccount} from '../rbac/objects.js';

const SHARED = '/work/shared/fixtures';

function inputsOf(objects: KubeObject[], aggregate: boolean): AuditInputs {
  const of = (k: string) => objects.filter((o) => o.kind === k);
  return {
    secrets: of('Secret'), roles: of('Role'), roleBindings: of('RoleBinding'), clusterRoles: of('ClusterRole'), clusterRoleBindings: of('ClusterRoleBinding'),
    serviceAccounts: of('ServiceAccount'), workloads: [], ingresses: [], referencing: [], sealedSecrets: [], aggregate, unavailable: [], warnings: [], unreadable: [],
  };
}

const key = (s: {kind: string; name: string; namespace?: string}) => (s.kind === 'ServiceAccount' ? `ServiceAccount:${s.namespace}/${s.name}` : `${s.kind}:${s.name}`);

/** Readers straight from one who-can run about this Secret alone, with every object. */
function reference(inputs: AuditInputs, holders: Consumer[], namespace: string, secretName: string): Readers {
  const r = whoCan({
    secretName, namespace, roles: inputs.roles, clusterRoles: inputs.clusterRoles, roleBindings: inputs.roleBindings, clusterRoleBindings: inputs.clusterRoleBindings,
    serviceAccounts: inputs.serviceAccounts, workloads: [], aggregate: inputs.aggregate, unavailable: inputs.unavailable, consumers: () => holders,
  });
  const direct = new Set(r.direct.map((x) => key(x.subject)));
  const broad: string[] = [];
  for (const x of r.direct) {
    if (x.subject.kind !== 'Group' || !isBroadGroup(x.subject.name)) continue;
    const access = x.nameRestricted ? `${x.access} by name` : x.access;
    const last = broad.at(-1);
    if (last?.startsWith(`Group ${x.subject.name} (`)) broad[broad.length - 1] = `${last.slice(0, -1)}, ${access})`;
    else broad.push(`Group ${x.subject.name} (${access})`);
  }
  return {
    direct: direct.size,
    indirect: new Set(r.indirect.map((x) => key(x.subject)).filter((k) => !direct.has(k))).size,
    broad,
    serviceAccounts: [...new Set(r.direct.filter((x) => x.subject.kind === 'ServiceAccount').map((x) => `${x.subject.namespace}/${x.subject.name}`))],
  };
}

function assertSame(inputs: AuditInputs, secrets: Array<{namespace: string; name: string; holders: Consumer[]}>, label: string): number {
  const holders = new Map(secrets.map((s) => [`${s.namespace}/${s.name}`, s.holders]));
  const holdersOf = (ns: string, name: string) => holders.get(`${ns}/${name}`) ?? [];
  const readers = readersIndex(inputs, holdersOf);
  let nonEmpty = 0;
  for (const s of secrets) {
    const want = reference(inputs, s.holders, s.namespace, s.name);
    assert.deepEqual(readers(s.namespace, s.name), want, `${label}: Secret ${s.namespace}/${s.name}`);
    if (want.direct > 1 || want.indirect > 0) nonEmpty++;
  }
  return nonEmpty;
}

/** A small deterministic PRNG (mulberry32), so a failure names a seed that reproduces it. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('real-world RBAC (bootstrap policy + every rbac-real install): the shared index answers what who-can answers per Secret', () => {
  const files = [join(SHARED, 'kubernetes-bootstrap-rbac'), join(SHARED, 'rbac-real')];
  for (const aggregate of [true, false]) {
    const objects = loadManifests(files, false, 'default').map((o) => o.object);
    const inputs = inputsOf(objects, aggregate);
    const namespaces = [...new Set([...objects.map((o) => o.metadata?.namespace).filter((n): n is string => !!n), 'default', 'kube-system', 'other'])];
    // Every name a rule restricts to (so the by-name paths are taken), plus names none does.
    const names = new Set(['db-creds', 'unnamed']);
    for (const o of [...inputs.roles, ...inputs.clusterRoles]) for (const r of Array.isArray(o.rules) ? o.rules : []) for (const n of r?.resourceNames ?? []) names.add(n);
    const random = prng(17);
    const secrets = namespaces.flatMap((namespace) => [...names].map((name) => {
      const pick = random();
      const holders: Consumer[] = pick < 0.3 ? [] : pick < 0.6 ? [{kind: 'Deployment', name: 'app', namespace}] : [{kind: 'Pod', name: `pod-${Math.floor(random() * 3)}`, namespace}, ...(pick < 0.8 ? [{kind: 'StatefulSet', name: 'db', namespace}] : [])];
      return {namespace, name, holders};
    }));
    assert.ok(secrets.length > 100);
    assert.ok(assertSame(inputs, secrets, `fixtures, aggregate=${aggregate}`) > 0);
  }
});

const VERBS = ['get', 'list', 'watch', '*', 'create', 'update', 'patch', 'bind', 'escalate', 'impersonate'];
const RESOURCES: Array<[string, string]> = [['', 'secrets'], ['', 'secrets'], ['*', '*'], ['', 'pods'], ['', 'pods/exec'], ['', 'pods/attach'], ['apps', 'deployments'], ['rbac.authorization.k8s.io', 'roles'], ['rbac.authorization.k8s.io', 'clusterroles'], ['rbac.authorization.k8s.io', 'rolebindings'], ['rbac.authorization.k8s.io', 'clusterrolebindings'], ['', 'serviceaccounts/token'], ['', 'users'], ['', 'groups'], ['*', '*/status'], ['', 'nodes/proxy']];
const NAMES = ['s-0', 's-1', 's-2', 'pod-0', 'pod-1', ''];
const NAMESPACES = ['a', 'b', 'c'];

function randomPolicy(seed: number): {objects: KubeObject[]; aggregate: boolean; secrets: Array<{namespace: string; name: string; holders: Consumer[]}>} {
  const random = prng(seed);
  const pickOf = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const some = <T>(xs: readonly T[], max: number): T[] => [...new Set(Array.from({length: 1 + Math.floor(random() * max)}, () => pickOf(xs)))];
  const rules = () => Array.from({length: 1 + Math.floor(random() * 3)}, () => {
    const [group, resource] = pickOf(RESOURCES);
    return rule(some(VERBS, 3), [random() < 0.2 ? '*' : group], [resource], random() < 0.4 ? some(NAMES, 2) : undefined);
  });
  const subject = (): string => {
    const p = random();
    if (p < 0.2) return `User:u-${Math.floor(random() * 4)}`;
    if (p < 0.35) return `Group:team-${Math.floor(random() * 2)}`;
    if (p < 0.5) return `Group:${pickOf(['system:authenticated', 'system:serviceaccounts', 'system:unauthenticated', 'system:masters', `system:serviceaccounts:${pickOf(NAMESPACES)}`])}`;
    if (p < 0.75) return `ServiceAccount:${pickOf(NAMESPACES)}/sa-${Math.floor(random() * 3)}`;
    return `ServiceAccount:sa-${Math.floor(random() * 3)}`;
  };
  const objects: KubeObject[] = [];
  for (const ns of NAMESPACES) for (let i = 0; i < 3; i++) objects.push(serviceAccount(ns, `sa-${i}`));
  const clusterRoles = 6;
  for (let c = 0; c < clusterRoles; c++) {
    if (c < 2) objects.push(clusterRole(`cr-${c}`, random() < 0.5 ? [] : rules(), {labels: {agg: `to-${(c + 1) % 2}`}, aggregationRule: {clusterRoleSelectors: [{matchLabels: {agg: `to-${c}`}}]}}));
    else objects.push(clusterRole(`cr-${c}`, rules(), {labels: {agg: `to-${c % 2}`}}));
  }
  for (const ns of NAMESPACES) for (let r = 0; r < 3; r++) objects.push(role(ns, `role-${r}`, ...rules()));
  for (let b = 0; b < 6 + Math.floor(random() * 10); b++) {
    const ns = pickOf(NAMESPACES);
    const ref = random() < 0.5 ? {kind: 'Role' as const, name: `role-${Math.floor(random() * 4)}`} : {kind: 'ClusterRole' as const, name: `cr-${Math.floor(random() * (clusterRoles + 1))}`};
    objects.push(roleBinding(ns, `rb-${b}`, ref, ...Array.from({length: 1 + Math.floor(random() * 3)}, subject)));
  }
  for (let b = 0; b < 1 + Math.floor(random() * 4); b++) objects.push(clusterRoleBinding(`crb-${b}`, `cr-${Math.floor(random() * (clusterRoles + 1))}`, ...Array.from({length: 1 + Math.floor(random() * 2)}, subject)));
  const secrets = NAMESPACES.flatMap((namespace) => ['s-0', 's-1', 's-2', 's-3', 's-4'].map((name) => {
    const p = random();
    const holders: Consumer[] = p < 0.3 ? [] : p < 0.5 ? [{kind: 'Deployment', name: 'app', namespace}] : [{kind: 'Pod', name: `pod-${Math.floor(random() * 2)}`, namespace}, ...(p < 0.75 ? [{kind: 'Deployment', name: 'app', namespace}] : [])];
    return {namespace, name, holders};
  }));
  return {objects, aggregate: random() < 0.7, secrets};
}

test('random policies: the shared index answers what who-can answers per Secret', () => {
  let nonEmpty = 0;
  for (let seed = 1; seed <= 400; seed++) {
    const {objects, aggregate, secrets} = randomPolicy(seed);
    nonEmpty += assertSame(inputsOf(objects, aggregate), secrets, `seed ${seed}`);
  }
  // The generator must produce policies that grant something, or the property says nothing.
  assert.ok(nonEmpty > 1000, `only ${nonEmpty} Secrets with readers`);
});

test('a grant that only adds up across a group and its member ServiceAccount counts for the member', () => {
  const objects = [
    serviceAccount('a', 'sa-0'),
    role('a', 'bind', rule(['bind'], ['rbac.authorization.k8s.io'], ['roles'])),
    role('a', 'create-rb', rule(['create'], ['rbac.authorization.k8s.io'], ['rolebindings'])),
    roleBinding('a', 'group-binds', {kind: 'Role', name: 'bind'}, 'Group:system:serviceaccounts:a'),
    roleBinding('a', 'sa-creates', {kind: 'Role', name: 'create-rb'}, 'ServiceAccount:sa-0'),
  ];
  const inputs = inputsOf(objects, true);
  const r = readersIndex(inputs, () => [])('a', 's-0');
  assert.deepEqual(r, reference(inputs, [], 'a', 's-0'));
  assert.equal(r.indirect, 1);
});
