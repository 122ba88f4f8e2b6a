// Small builders for RBAC objects, so each test states only what it is about.
import type {KubeObject} from '../../../src/manifests/parse.js';
import type {PolicyRule} from '../../../src/rbac/match.js';
import {whoCan, type WhoCanInput, type WhoCanReport, type AccessRow} from '../../../src/rbac/who-can.js';

const RBAC = 'rbac.authorization.k8s.io/v1';

export const rule = (verbs: string[], apiGroups: string[], resources: string[], resourceNames?: string[]): PolicyRule =>
  resourceNames ? {verbs, apiGroups, resources, resourceNames} : {verbs, apiGroups, resources};

export const role = (namespace: string, name: string, ...rules: PolicyRule[]): KubeObject => ({apiVersion: RBAC, kind: 'Role', metadata: {name, namespace}, rules});

export const clusterRole = (name: string, rules: PolicyRule[], extra: {labels?: Record<string, string>; aggregationRule?: unknown} = {}): KubeObject =>
  ({apiVersion: RBAC, kind: 'ClusterRole', metadata: {name, labels: extra.labels}, rules, ...(extra.aggregationRule ? {aggregationRule: extra.aggregationRule} : {})});

/** Subjects as 'User:alice', 'Group:devs', 'ServiceAccount:ns/name' or 'ServiceAccount:name' (no namespace). */
export function subjects(...specs: string[]) {
  return specs.map((s) => {
    const [kind, rest] = [s.slice(0, s.indexOf(':')), s.slice(s.indexOf(':') + 1)];
    if (kind === 'ServiceAccount') {
      const [a, b] = rest.split('/');
      return b === undefined ? {kind, name: a} : {kind, name: b, namespace: a};
    }
    return {kind, name: rest, apiGroup: 'rbac.authorization.k8s.io'};
  });
}

export const roleBinding = (namespace: string, name: string, roleRef: {kind: 'Role' | 'ClusterRole'; name: string}, ...subj: string[]): KubeObject =>
  ({apiVersion: RBAC, kind: 'RoleBinding', metadata: {name, namespace}, roleRef: {apiGroup: 'rbac.authorization.k8s.io', ...roleRef}, subjects: subjects(...subj)});

export const clusterRoleBinding = (name: string, roleName: string, ...subj: string[]): KubeObject =>
  ({apiVersion: RBAC, kind: 'ClusterRoleBinding', metadata: {name}, roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName}, subjects: subjects(...subj)});

export const serviceAccount = (namespace: string, name: string): KubeObject => ({apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name, namespace}});

/** Runs who-can over a flat list of objects, sorted into the input by kind. */
export function run(objects: KubeObject[], o: Partial<WhoCanInput> & {secretName?: string; namespace?: string} = {}): WhoCanReport {
  const of = (k: string) => objects.filter((x) => x.kind === k);
  return whoCan({
    secretName: o.secretName ?? 'db-creds',
    namespace: o.namespace ?? 'ns1',
    roles: of('Role'),
    clusterRoles: of('ClusterRole'),
    roleBindings: of('RoleBinding'),
    clusterRoleBindings: of('ClusterRoleBinding'),
    serviceAccounts: of('ServiceAccount'),
    workloads: objects.filter((x) => ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'ReplicationController'].includes(x.kind ?? '')),
    aggregate: o.aggregate ?? true,
    ...o,
  });
}

export function subjectLabel(r: AccessRow): string {
  const s = r.subject;
  return s.kind === 'ServiceAccount' ? `ServiceAccount:${s.namespace}/${s.name}` : `${s.kind}:${s.name}`;
}

/** Rows as 'Subject access[ (name-restricted)]', without system:masters, for exact comparisons. */
export function lines(rows: AccessRow[]): string[] {
  return rows.filter((r) => r.via.length > 0).map((r) => `${subjectLabel(r)} ${r.access}${r.nameRestricted ? ' (name-restricted)' : ''}`).sort();
}
