// `scan --history --check-live`: is a value that leaked into git still the one the cluster uses?
// The leaked bytes (held in memory by the history scan) are compared with the live Secret's in
// memory, in constant time; the answer is one of four words per key. No value, digest or length
// of a value is ever part of the answer.
import {timingSafeEqual} from 'node:crypto';
import type {HistoryReport, LiveTarget} from './history.js';

export type LiveStatus = 'still live' | 'rotated since' | 'secret gone' | 'cannot read';

export interface LiveResult {
  namespace: string;
  /** The live Secret's name (for kustomize generators, the hashed name found in the cluster). */
  name: string;
  key: string;
  status: LiveStatus;
  /** The live Secret's kubectl-secret.dev/rotated-at, for `rotated since`. */
  rotatedAt?: string;
  /** For `still live`: the command that rotates it. */
  command?: string;
}

interface LiveSecret {
  metadata?: {name?: unknown; annotations?: Record<string, unknown>};
  data?: Record<string, unknown>;
}

/** What the check reads; `forbidden` is a 403, `undefined` a Secret that does not exist. */
export interface LiveReader {
  defaultNamespace: string;
  get(namespace: string, name: string): Promise<LiveSecret | undefined | 'forbidden'>;
  list(namespace: string): Promise<LiveSecret[] | 'forbidden'>;
}

const ROTATED_AT = 'kubectl-secret.dev/rotated-at';
// kustomize's generated names: NAME-<10 characters of its hash alphabet>.
const HASHED = (name: string) => new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-[a-z0-9]{10}$`);

export async function checkLive(report: HistoryReport, reader: LiveReader): Promise<Map<number, LiveResult[]>> {
  const gets = new Map<string, Promise<LiveSecret | undefined | 'forbidden'>>();
  const lists = new Map<string, Promise<LiveSecret[] | 'forbidden'>>();
  const get = (ns: string, name: string) => {
    const k = `${ns}/${name}`;
    if (!gets.has(k)) gets.set(k, reader.get(ns, name));
    return gets.get(k)!;
  };
  const list = (ns: string) => {
    if (!lists.has(ns)) lists.set(ns, reader.list(ns));
    return lists.get(ns)!;
  };
  const out = new Map<number, LiveResult[]>();
  for (const [i, targets] of report.targets) {
    const results: LiveResult[] = [];
    for (const t of targets) results.push(await checkOne(t, t.namespace ?? reader.defaultNamespace, get, list));
    if (results.length) out.set(i, results);
  }
  return out;
}

async function checkOne(
  t: LiveTarget,
  namespace: string,
  get: (ns: string, name: string) => Promise<LiveSecret | undefined | 'forbidden'>,
  list: (ns: string) => Promise<LiveSecret[] | 'forbidden'>,
): Promise<LiveResult> {
  const base = {namespace, name: t.name, key: t.key};
  let candidates: LiveSecret[];
  if (t.hashSuffix) {
    const all = await list(namespace);
    if (all === 'forbidden') return {...base, status: 'cannot read'};
    const re = HASHED(t.name);
    candidates = all.filter((s) => typeof s.metadata?.name === 'string' && (s.metadata.name === t.name || re.test(s.metadata.name)));
  } else {
    const s = await get(namespace, t.name);
    if (s === 'forbidden') return {...base, status: 'cannot read'};
    candidates = s ? [s] : [];
  }
  if (candidates.length === 0) return {...base, status: 'secret gone'};
  for (const s of candidates) {
    const name = String(s.metadata!.name ?? t.name);
    if (t.dockerPassword) {
      // A registry password is changed at the registry: the Secret then gets a new config, not a generated value.
      const key = DOCKER_KEYS.find((k) => holdsDockerPassword(s.data?.[k], t.value));
      if (key) return {...base, name, key, status: 'still live', command: `kubectl secret rotate ${name} -n ${namespace} --from-file ${key}=NEW_CONFIG.json`};
    } else if (sameValue(s.data?.[t.key], t.value)) {
      return {...base, name, status: 'still live', command: `kubectl secret rotate ${name} -n ${namespace} --generate ${t.key}`};
    }
  }
  const rotatedAt = candidates.map((s) => s.metadata?.annotations?.[ROTATED_AT]).find((a): a is string => typeof a === 'string');
  return {...base, name: String(candidates[0].metadata?.name ?? t.name), status: 'rotated since', ...(rotatedAt ? {rotatedAt} : {})};
}

const DOCKER_KEYS = ['.dockerconfigjson', '.dockercfg'];

/**
 * Whether a docker config (`{"auths": {SERVER: …}}`, or the older `.dockercfg` map of servers)
 * holds the password: as `password`, or in `auth`, base64 of `user:password` (what kubectl
 * writes, and all a hand-written config may have). Every entry is compared in constant time.
 */
function holdsDockerPassword(live: unknown, leaked: Buffer): boolean {
  if (typeof live !== 'string') return false;
  let config: unknown;
  try {
    config = JSON.parse(Buffer.from(live.replace(/[\r\n\t ]/g, ''), 'base64').toString('utf8'));
  } catch {
    return false;
  }
  if (!config || typeof config !== 'object') return false;
  const auths = (config as {auths?: unknown}).auths;
  const servers = auths && typeof auths === 'object' ? auths : config;
  let found = false;
  for (const entry of Object.values(servers as Record<string, unknown>)) {
    if (!entry || typeof entry !== 'object') continue;
    const {password, auth} = entry as {password?: unknown; auth?: unknown};
    if (typeof password === 'string' && equalBytes(Buffer.from(password, 'utf8'), leaked)) found = true;
    if (typeof auth === 'string') {
      const pair = Buffer.from(auth, 'base64');
      const colon = pair.indexOf(0x3a);
      if (colon !== -1 && equalBytes(pair.subarray(colon + 1), leaked)) found = true;
    }
  }
  return found;
}

const equalBytes = (a: Buffer, b: Buffer): boolean => a.length === b.length && timingSafeEqual(a, b);

function sameValue(live: unknown, leaked: Buffer): boolean {
  if (typeof live !== 'string') return false;
  return equalBytes(Buffer.from(live.replace(/[\r\n\t ]/g, ''), 'base64'), leaked);
}
