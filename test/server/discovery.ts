// Legacy (unaggregated) discovery documents. kubectl 1.27+ asks for aggregated discovery in its
// Accept header but falls back to these when the response Content-Type is plain application/json,
// exactly as against an older apiserver (client-go discovery/aggregated_discovery.go).
import {apiVersionOf, type Registry} from './registry.js';

export const SERVER_VERSION = {
  major: '1', minor: '30', gitVersion: 'v1.30.0', gitCommit: '0000000000000000000000000000000000000000', gitTreeState: 'clean',
  buildDate: '2024-04-17T00:00:00Z', goVersion: 'go1.22.2', compiler: 'gc', platform: 'linux/amd64',
};

export function apiVersions(hostPort: string): object {
  return {kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{clientCIDR: '0.0.0.0/0', serverAddress: hostPort}]};
}

function preferred(versions: string[]): string {
  // GA beats beta beats alpha, as apimachinery's version priority orders them.
  const rank = (v: string): number => (/^v\d+$/.test(v) ? 3 : v.includes('beta') ? 2 : 1);
  return [...versions].sort((a, b) => rank(b) - rank(a) || b.localeCompare(a, 'en', {numeric: true}))[0];
}

export function apiGroupList(reg: Registry): object {
  return {
    kind: 'APIGroupList', apiVersion: 'v1',
    groups: reg.groupVersions().map(({group, versions}) => {
      const pv = preferred(versions);
      return {name: group, versions: versions.map((v) => ({groupVersion: `${group}/${v}`, version: v})), preferredVersion: {groupVersion: `${group}/${pv}`, version: pv}};
    }),
  };
}

export function apiGroup(reg: Registry, group: string): object | undefined {
  const g = reg.groupVersions().find((x) => x.group === group);
  if (!g) return undefined;
  const pv = preferred(g.versions);
  return {kind: 'APIGroup', apiVersion: 'v1', name: group, versions: g.versions.map((v) => ({groupVersion: `${group}/${v}`, version: v})), preferredVersion: {groupVersion: `${group}/${pv}`, version: pv}};
}

export function apiResourceList(reg: Registry, group: string, version: string): object | undefined {
  const types = reg.all().filter((t) => t.group === group && t.version === version);
  if (types.length === 0) return undefined;
  const resources: object[] = [];
  for (const t of types) {
    const r: Record<string, unknown> = {name: t.plural, singularName: t.singular, namespaced: t.namespaced, kind: t.kind, verbs: t.verbs};
    if (t.shortNames.length) r.shortNames = t.shortNames;
    if (t.categories.length) r.categories = t.categories;
    resources.push(r);
    for (const s of t.subresources) {
      const sr: Record<string, unknown> = {name: `${t.plural}/${s.name}`, singularName: '', namespaced: t.namespaced, kind: s.kind, verbs: s.verbs};
      if (s.group) sr.group = s.group;
      if (s.version) sr.version = s.version;
      resources.push(sr);
    }
  }
  return {kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf({group, version}), resources};
}
