// /healthz and /metrics over plain HTTP (node:http), on --listen (":8080", "127.0.0.1:0").
// /healthz fails when this replica thinks it leads but has not renewed its Lease for longer
// than the lease duration plus a tolerance: client-go's HealthzAdaptor, so a wedged leader is
// restarted by its liveness probe.
import {createServer, type Server} from 'node:http';
import type {AddressInfo} from 'node:net';
import {InputError} from '../errors.js';
import {METRICS_CONTENT_TYPE, type Metrics} from './metrics.js';

export interface Probe {
  healthy(): {ok: boolean; message: string};
}

export function parseListen(listen: string): {host?: string; port: number} {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(listen.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new InputError(`invalid --listen "${listen}"`, 'use HOST:PORT or :PORT, e.g. :8080 or 127.0.0.1:8080');
  const host = m[1] ?? m[2];
  return {host: host || undefined, port};
}

export async function serveProbes(listen: string, metrics: Metrics, probe: Probe): Promise<{server: Server; address: string}> {
  const {host, port} = parseListen(listen);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, {allow: 'GET, HEAD'}).end();
      return;
    }
    if (path === '/healthz' || path === '/livez' || path === '/readyz') {
      const h = probe.healthy();
      res.writeHead(h.ok ? 200 : 500, {'content-type': 'text/plain; charset=utf-8'}).end(h.message + '\n');
    } else if (path === '/metrics') {
      res.writeHead(200, {'content-type': METRICS_CONTENT_TYPE}).end(metrics.render());
    } else res.writeHead(404, {'content-type': 'text/plain; charset=utf-8'}).end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new InputError(`cannot listen on ${listen}: ${(e as NodeJS.ErrnoException).code ?? e.message}`, 'pick another --listen address')));
    server.listen(port, host, () => resolve());
  });
  const a = server.address() as AddressInfo;
  return {server, address: `${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`};
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
