// Test-only PKI. certs/ holds a CA, a server certificate (SAN 127.0.0.1 and localhost) and an
// admin client certificate (CN=admin, O=system:masters), made once with the openssl CLI and
// committed; they protect nothing. Client certificates for other identities are signed on demand
// with the same CA through openssl, since node:crypto cannot issue certificates.
import {execFileSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

function certDir(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  // Compiled code runs from dist/test/server; the PEMs stay in the source tree.
  for (const d of [join(here, 'certs'), join(here, '..', '..', '..', 'test', 'server', 'certs')]) if (existsSync(join(d, 'ca.pem'))) return d;
  throw new Error(`test server certificates not found near ${here}`);
}

const dir = certDir();
const read = (f: string): string => readFileSync(join(dir, f), 'utf8');

export const CA_PEM = read('ca.pem');
export const SERVER_CERT = read('server.pem');
export const SERVER_KEY = read('server-key.pem');
export const ADMIN_CLIENT = {cert: read('client.pem'), key: read('client-key.pem')};

const issued = new Map<string, {cert: string; key: string}>();

/** A client certificate for `user` in `groups` (CN and O, as kube-apiserver reads them). */
export function clientCertFor(user: string, groups: string[]): {cert: string; key: string} {
  if (user === 'admin' && groups.length === 1 && groups[0] === 'system:masters') return ADMIN_CLIENT;
  const id = JSON.stringify([user, groups]);
  const hit = issued.get(id);
  if (hit) return hit;
  const tmp = mkdtempSync(join(tmpdir(), 'kst-cert-'));
  try {
    const esc = (s: string): string => s.replace(/[/\\,+=<>#;"]/g, (c) => `\\${c}`);
    const subject = '/' + [...groups.map((g) => `O=${esc(g)}`), `CN=${esc(user)}`].join('/');
    const opt = {stdio: 'pipe' as const};
    execFileSync('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(tmp, 'key.pem'), '-out', join(tmp, 'csr.pem'), '-subj', subject], opt);
    writeFileSync(join(tmp, 'ext'), 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n');
    execFileSync('openssl', ['x509', '-req', '-in', join(tmp, 'csr.pem'), '-CA', join(dir, 'ca.pem'), '-CAkey', join(dir, 'ca-key.pem'), '-set_serial', String(Date.now()), '-days', '3650', '-out', join(tmp, 'cert.pem'), '-extfile', join(tmp, 'ext')], opt);
    const out = {cert: readFileSync(join(tmp, 'cert.pem'), 'utf8'), key: readFileSync(join(tmp, 'key.pem'), 'utf8')};
    issued.set(id, out);
    return out;
  } finally {
    rmSync(tmp, {recursive: true, force: true});
  }
}
