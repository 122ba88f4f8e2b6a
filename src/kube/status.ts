// Turns a failed API response into a ClusterError whose message names what was denied or
// missing in the user's terms. Only the Status reason and our own request description are
// used: a 422 message can quote field values, so it is not echoed.
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

export function statusError(code: number, body: KubeStatus | undefined, d: RequestDescription, retryAfter?: number): ClusterError {
  const target = describeTarget(d);
  const reason = body?.reason;
  switch (code) {
    case 401:
      return new ClusterError('you must be logged in to the server (Unauthorized)', {status: code, reason, hint: 'refresh your credentials (e.g. log in again) or pick another context with --context'});
    case 403:
      return new ClusterError(`forbidden: you may not ${d.verb} ${target}`, {status: code, reason, hint: `ask a cluster admin for "${d.verb}" on ${d.resource}${d.namespace ? ` in namespace "${d.namespace}"` : ''}, or check \`kubectl auth can-i ${d.verb} ${d.resource}${d.namespace ? ' -n ' + d.namespace : ''}\``});
    case 404:
      return new ClusterError(`${target} not found`, {status: code, reason: reason ?? 'NotFound', hint: 'check the name and the namespace (-n)'});
    case 409:
      if (reason === 'AlreadyExists') {
        return new ClusterError(`${target} already exists`, {status: code, reason, hint: 'choose another name, or update the existing object'});
      }
      return new ClusterError(`conflict: ${target} was changed by someone else since it was read; nothing was written`, {status: code, reason: reason ?? 'Conflict', hint: 'read it again and retry'});
    case 422: {
      const fields = (body?.details?.causes ?? []).map((c) => c.field).filter(Boolean);
      const msg = body?.message && /immutable/i.test(body.message) ? ': the object is immutable' : fields.length ? `: invalid ${fields.join(', ')}` : '';
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
