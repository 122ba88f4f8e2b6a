// Turns a failed API response into a ClusterError whose message names what was denied or
// missing in the user's terms, followed for a 4xx by the server's own Status message (an
// admission webhook's or a quota's reason is only there). Only a Kubernetes Status object's
// message is shown, escaped and cut short: a body that is not a Status (an HTML page of a
// proxy) is described by its size, never quoted.
import {ClusterError} from '../errors.js';

export interface RequestDescription {
  verb: string; // get, list, create, update, patch, delete, watch
  resource: string; // plural, with subresource: secrets, deployments, services/proxy
  namespace?: string;
  name?: string;
}

export interface KubeStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: {name?: string; kind?: string; causes?: Array<{field?: string; reason?: string}>; retryAfterSeconds?: number};
}

export function describeTarget(d: RequestDescription): string {
  const what = d.name ? `${d.resource} "${d.name}"` : d.resource;
  return d.namespace ? `${what} in namespace "${d.namespace}"` : what;
}

/** Whether a parsed body is a Kubernetes Status (the only error body whose message we show). */
export function isStatus(body: unknown): body is KubeStatus {
  return typeof body === 'object' && body !== null && (body as KubeStatus).kind === 'Status';
}

/** The server's message, on one line, without terminal control characters, at most 300 characters. */
function serverMessage(body: KubeStatus | undefined): string | undefined {
  const m = body?.message;
  if (typeof m !== 'string' || !m.trim()) return undefined;
  // eslint-disable-next-line no-control-regex
  const flat = m.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 299)}…` : flat;
}

export function statusError(code: number, body: KubeStatus | undefined, d: RequestDescription, retryAfter?: number, rawSize?: number): ClusterError {
  const e = baseStatusError(code, body, d, retryAfter);
  // NotFound and AlreadyExists messages only repeat what ours already says.
  const repeats = body?.reason === 'NotFound' || body?.reason === 'AlreadyExists';
  const said = code >= 400 && code < 500 && code !== 401 && !repeats ? serverMessage(body) : undefined;
  const extra = said ? ` (the server says: ${said})` : rawSize !== undefined && rawSize > 0 ? ` (its answer, ${rawSize} bytes, is not a Kubernetes Status)` : '';
  if (!extra) return e;
  return new ClusterError(e.message + extra, {status: e.status, reason: e.reason, hint: e.hint, retryAfterSeconds: e.retryAfterSeconds});
}

function baseStatusError(code: number, body: KubeStatus | undefined, d: RequestDescription, retryAfter?: number): ClusterError {
  const target = describeTarget(d);
  const reason = typeof body?.reason === 'string' ? body.reason : undefined;
  switch (code) {
    case 401:
      return new ClusterError('you must be logged in to the server (Unauthorized)', {status: code, reason, hint: 'refresh your credentials (e.g. log in again) or pick another context with --context'});
    case 403:
      return new ClusterError(`forbidden: you may not ${d.verb} ${target}`, {status: code, reason, hint: `ask a cluster admin for "${d.verb}" on ${d.resource}${d.namespace ? ` in namespace "${d.namespace}"` : ''}, or check \`kubectl auth can-i ${d.verb} ${d.resource}${d.namespace ? ' -n ' + d.namespace : ''}\``});
    case 404:
      // A write into a namespace that does not exist is refused by admission (NamespaceLifecycle)
      // with the namespace as what is missing: say that, not that the object was not found.
      if (body?.details?.kind === 'namespaces' && !d.resource.startsWith('namespaces')) {
        const ns = body.details.name ?? d.namespace ?? '';
        return new ClusterError(`namespace "${ns}" not found`, {status: code, reason: reason ?? 'NotFound', hint: `create it first (kubectl create namespace ${ns}), or choose an existing namespace`});
      }
      return new ClusterError(`${target} not found`, {status: code, reason: reason ?? 'NotFound', hint: 'check the name and the namespace (-n)'});
    case 409:
      if (reason === 'AlreadyExists') {
        return new ClusterError(`${target} already exists`, {status: code, reason, hint: 'choose another name, or update the existing object'});
      }
      return new ClusterError(`conflict: ${target} was changed by someone else since it was read; nothing was written`, {status: code, reason: reason ?? 'Conflict', hint: 'read it again and retry'});
    case 422: {
      const causes = Array.isArray(body?.details?.causes) ? body.details.causes : [];
      const fields = causes.map((c) => c?.field).filter((f): f is string => typeof f === 'string');
      const msg = typeof body?.message === 'string' && /immutable/i.test(body.message) ? ': the object is immutable' : fields.length ? `: invalid ${fields.join(', ')}` : '';
      return new ClusterError(`the server rejected ${d.verb} of ${target}${msg}`, {status: code, reason: reason ?? 'Invalid'});
    }
    case 429:
      return new ClusterError(`the server is throttling requests (429 Too Many Requests) for ${d.verb} ${target}`, {status: code, reason: 'TooManyRequests', retryAfterSeconds: retryAfter, hint: 'wait a moment and retry'});
    case 504:
      return new ClusterError(`the server timed out on ${d.verb} ${target}`, {status: code, reason: 'Timeout', hint: 'retry, or raise --request-timeout'});
    default:
      return new ClusterError(`the server answered ${code}${reason ? ` (${reason})` : ''} to ${d.verb} ${target}`, {status: code, reason, hint: code >= 500 ? 'the API server had an internal error; retry later' : undefined});
  }
}
