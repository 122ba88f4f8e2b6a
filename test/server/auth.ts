// Authentication (bearer tokens, client certificates signed by the test CA, basic auth as older
// API servers and authenticating proxies accept it, and impersonation: an Impersonate-User header
// of an authenticated caller makes the request that user's, as every caller may impersonate
// here) and authorization
// (everything is allowed unless a deny rule matches), with 403 messages worded as
// k8s.io/apiserver/pkg/endpoints/handlers/responsewriters.ForbiddenStatusError words them.
import type {IncomingMessage} from 'node:http';
import type {TLSSocket} from 'node:tls';

export interface Identity { user: string; groups?: string[] }

export interface DenyRule { user?: string; group?: string; verb?: string | string[]; resource?: string; subresource?: string; apiGroup?: string; namespace?: string; name?: string }

export interface Attributes {
  user: string;
  groups: string[];
  verb: string;
  resource?: string;
  subresource?: string;
  apiGroup?: string;
  namespace?: string;
  name?: string;
  /** Non-resource requests (/version, /api) carry a path instead of a resource. */
  path?: string;
}

export type SarCallback = (spec: any) => {allowed: boolean; denied?: boolean; reason?: string};

export class Auth {
  private readonly tokens = new Map<string, Identity>();
  private readonly rules = new Set<DenyRule>();
  sarCallback: SarCallback | undefined;

  addToken(token: string, id: Identity): void {
    this.tokens.set(token, {user: id.user, groups: [...(id.groups ?? [])]});
  }

  /** Basic auth (kube-apiserver's removed --basic-auth-file; an authenticating proxy's). */
  addBasic(username: string, password: string, id: Identity): void {
    this.tokens.set(`basic ${username}:${password}`, {user: id.user, groups: [...(id.groups ?? [])]});
  }

  /** The caller's identity, or undefined (→ 401); the impersonated user's when it asks for one. */
  authenticate(req: IncomingMessage): Identity | undefined {
    const id = this.caller(req);
    const as = req.headers['impersonate-user'];
    return id && typeof as === 'string' && as ? withAuthenticated({user: as}) : id;
  }

  private caller(req: IncomingMessage): Identity | undefined {
    const h = req.headers.authorization;
    if (h) {
      const m = /^Bearer\s+(.+)$/i.exec(h);
      const basic = /^Basic\s+(.+)$/i.exec(h);
      const id = m ? this.tokens.get(m[1].trim()) : basic ? this.tokens.get(`basic ${Buffer.from(basic[1].trim(), 'base64').toString('utf8')}`) : undefined;
      return id ? withAuthenticated(id) : undefined;
    }
    const sock = req.socket as TLSSocket;
    if (sock.authorized && typeof sock.getPeerCertificate === 'function') {
      const cert = sock.getPeerCertificate();
      const cn = cert?.subject?.CN;
      if (cn) {
        const o = cert.subject.O;
        const groups = Array.isArray(o) ? o : o ? [o] : [];
        return withAuthenticated({user: Array.isArray(cn) ? cn[0] : cn, groups});
      }
    }
    return undefined;
  }

  deny(rule: DenyRule): () => void {
    const r = {...rule};
    this.rules.add(r);
    return () => this.rules.delete(r);
  }

  /** The deny rule that forbids `a`, if any. */
  denied(a: Attributes): DenyRule | undefined {
    for (const r of this.rules) if (matches(r, a)) return r;
    return undefined;
  }

  /** The answer to a (Self)SubjectAccessReview spec. */
  review(spec: any): {allowed: boolean; denied?: boolean; reason?: string} {
    if (this.sarCallback) return this.sarCallback(spec);
    const ra = spec?.resourceAttributes;
    const nra = spec?.nonResourceAttributes;
    const a: Attributes = {
      user: String(spec?.user ?? ''), groups: Array.isArray(spec?.groups) ? spec.groups : [],
      verb: String(ra?.verb ?? nra?.verb ?? ''), resource: ra?.resource, subresource: ra?.subresource || undefined,
      apiGroup: ra?.group ?? (ra ? '' : undefined), namespace: ra?.namespace || undefined, name: ra?.name || undefined, path: nra?.path,
    };
    const rule = this.denied(a);
    // RBAC gives no reason for a denial (nothing matched) and kubectl prints a reason if there is one.
    return rule ? {allowed: false} : {allowed: true, reason: 'allowed: the test server allows what no deny rule forbids'};
  }
}

function withAuthenticated(id: Identity): Identity {
  const groups = [...(id.groups ?? [])];
  if (!groups.includes('system:authenticated')) groups.push('system:authenticated');
  return {user: id.user, groups};
}

function matches(r: DenyRule, a: Attributes): boolean {
  if (r.user !== undefined && r.user !== a.user) return false;
  if (r.group !== undefined && !a.groups.includes(r.group)) return false;
  if (r.verb !== undefined) {
    const verbs = Array.isArray(r.verb) ? r.verb : [r.verb];
    if (!verbs.includes('*') && !verbs.includes(a.verb)) return false;
  }
  if (r.resource !== undefined) {
    // "secrets/status" in a rule names resource and subresource together, as RBAC does.
    const [res, sub] = r.resource.split('/');
    if (res !== '*' && res !== a.resource) return false;
    if (sub !== undefined && sub !== '*' && sub !== a.subresource) return false;
  }
  if (r.subresource !== undefined && r.subresource !== a.subresource) return false;
  if (r.apiGroup !== undefined && r.apiGroup !== '*' && r.apiGroup !== (a.apiGroup ?? '')) return false;
  if (r.namespace !== undefined && r.namespace !== a.namespace) return false;
  if (r.name !== undefined && r.name !== a.name) return false;
  return true;
}

export function forbiddenMessage(a: Attributes, qualified: string | undefined): string {
  if (a.resource === undefined) return `forbidden: User "${a.user}" cannot ${a.verb} path "${a.path ?? ''}"`;
  const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const subject = a.name ? `${qualified ?? res} "${a.name}"` : qualified ?? res;
  const scope = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  return `${subject} is forbidden: User "${a.user}" cannot ${a.verb} resource "${res}" in API group "${a.apiGroup ?? ''}" ${scope}`;
}
