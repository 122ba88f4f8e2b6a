// The services/proxy subresource: /api/v1/namespaces/NS/services/[SCHEME:]NAME[:PORT]/proxy/PATH,
// routed to in-process handlers instead of pods. The name-with-port forms are those of
// k8s.io/apimachinery/pkg/util/net.SplitSchemeNamePort.
export interface ProxyRequest { method: string; path: string; query: string; headers: Record<string, string | string[] | undefined>; body: Buffer }
export interface ProxyResponse { status?: number; headers?: Record<string, string>; body?: string | Buffer }
export type ProxyHandler = (req: ProxyRequest) => ProxyResponse | Promise<ProxyResponse>;

export function splitSchemeNamePort(id: string): {scheme: string; name: string; port: string} | undefined {
  const parts = id.split(':');
  if (parts.length === 1) return {scheme: '', name: parts[0], port: ''};
  if (parts.length === 2) return {scheme: '', name: parts[0], port: parts[1]};
  if (parts.length === 3 && (parts[0] === 'http' || parts[0] === 'https' || parts[0] === '')) return {scheme: parts[0], name: parts[1], port: parts[2]};
  return undefined;
}

export class Proxies {
  private readonly handlers = new Map<string, ProxyHandler>();

  set(namespace: string, service: string, h: ProxyHandler | undefined): void {
    if (h) this.handlers.set(`${namespace}/${service}`, h);
    else this.handlers.delete(`${namespace}/${service}`);
  }

  get(namespace: string, service: string): ProxyHandler | undefined {
    return this.handlers.get(`${namespace}/${service}`);
  }
}
