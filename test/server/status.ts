// Kubernetes Status bodies, worded as k8s.io/apimachinery/pkg/api/errors words them, so that
// clients which parse `reason` and `message` behave as they would against a real cluster.
import {qualifiedResource, type ResourceType} from './registry.js';

export interface StatusCause { reason?: string; message?: string; field?: string }

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: {name?: string; group?: string; kind?: string; uid?: string; causes?: StatusCause[]; retryAfterSeconds?: number};
  code: number;
}

export class ApiError extends Error {
  constructor(readonly code: number, readonly reason: string, message: string, readonly details?: StatusBody['details'], readonly headers: Record<string, string> = {}) {
    super(message);
  }

  toStatus(): StatusBody {
    const s: StatusBody = {kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason, code: this.code};
    if (this.details) s.details = this.details;
    return s;
  }
}

function target(t: ResourceType, name?: string): {details: StatusBody['details']; what: string} {
  const details: StatusBody['details'] = {};
  if (name !== undefined) details.name = name;
  if (t.group) details.group = t.group;
  details.kind = t.plural;
  return {details, what: name !== undefined ? `${qualifiedResource(t)} "${name}"` : qualifiedResource(t)};
}

export const errors = {
  notFound(t: ResourceType, name: string): ApiError {
    const {details, what} = target(t, name);
    return new ApiError(404, 'NotFound', `${what} not found`, details);
  },
  namespaceNotFound(ns: string): ApiError {
    return new ApiError(404, 'NotFound', `namespaces "${ns}" not found`, {name: ns, kind: 'namespaces'});
  },
  alreadyExists(t: ResourceType, name: string): ApiError {
    const {details, what} = target(t, name);
    return new ApiError(409, 'AlreadyExists', `${what} already exists`, details);
  },
  conflict(t: ResourceType, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again'): ApiError {
    const {details} = target(t, name);
    return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(t)} "${name}": ${why}`, details);
  },
  /** 422: `Secret "x" is invalid: data[a b]: Invalid value: ...`. details.kind is the Kind here, as upstream. */
  invalid(t: ResourceType, name: string, causes: Array<{field: string; type: 'Invalid value' | 'Forbidden' | 'Required value' | 'Too long' | 'Unsupported value'; detail: string; value?: unknown}>): ApiError {
    const reasonOf = {'Invalid value': 'FieldValueInvalid', 'Forbidden': 'FieldValueForbidden', 'Required value': 'FieldValueRequired', 'Too long': 'FieldValueTooLong', 'Unsupported value': 'FieldValueNotSupported'} as const;
    const parts = causes.map((c) => {
      const value = c.value === undefined ? '' : ` ${JSON.stringify(c.value)}`;
      return {field: c.field, reason: reasonOf[c.type], message: `${c.type}${value ? ':' + value : ''}${c.detail ? ': ' + c.detail : ''}`};
    });
    const text = parts.map((p) => `${p.field}: ${p.message}`);
    const message = `${t.kind} "${name}" is invalid: ${text.length === 1 ? text[0] : `[${text.join(', ')}]`}`;
    const details: StatusBody['details'] = {name};
    if (t.group) details.group = t.group;
    details.kind = t.kind;
    details.causes = parts;
    return new ApiError(422, 'Invalid', message, details);
  },
  badRequest(message: string): ApiError {
    return new ApiError(400, 'BadRequest', message);
  },
  forbidden(message: string, t: ResourceType | undefined, name?: string, plural?: string): ApiError {
    const details: StatusBody['details'] = {};
    if (name) details.name = name;
    if (t?.group) details.group = t.group;
    if (plural ?? t) details.kind = plural ?? t?.plural;
    return new ApiError(403, 'Forbidden', message, details);
  },
  unauthorized(): ApiError {
    return new ApiError(401, 'Unauthorized', 'Unauthorized');
  },
  pathNotFound(): ApiError {
    return new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  },
  methodNotAllowed(verb: string, t: ResourceType): ApiError {
    return new ApiError(405, 'MethodNotAllowed', `${verb} is not supported on resources of kind "${t.plural}"`, {kind: t.plural});
  },
  unsupportedMediaType(type: string): ApiError {
    return new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got "${type}")`);
  },
  gone(message: string): ApiError {
    return new ApiError(410, 'Expired', message);
  },
  tooManyRequests(retryAfter: number | undefined): ApiError {
    const headers: Record<string, string> = retryAfter !== undefined ? {'Retry-After': String(retryAfter)} : {};
    return new ApiError(429, 'TooManyRequests', 'Too many requests, please try again later.', retryAfter !== undefined ? {retryAfterSeconds: retryAfter} : undefined, headers);
  },
  internal(message = 'Internal error occurred: injected fault'): ApiError {
    return new ApiError(500, 'InternalError', message, {causes: [{message}]});
  },
  serviceUnavailable(message: string): ApiError {
    return new ApiError(503, 'ServiceUnavailable', message);
  },
};

/** Generic Status for an arbitrary injected code. */
export function statusForCode(code: number, retryAfter?: number, message?: string): ApiError {
  if (code === 429 && message === undefined) return errors.tooManyRequests(retryAfter);
  if (code === 500 && message === undefined) return errors.internal();
  const reasons: Record<number, string> = {400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 409: 'Conflict', 410: 'Expired', 422: 'Invalid', 502: 'BadGateway', 503: 'ServiceUnavailable', 504: 'Timeout'};
  const headers: Record<string, string> = retryAfter !== undefined ? {'Retry-After': String(retryAfter)} : {};
  return new ApiError(code, reasons[code] ?? 'Unknown', message ?? `injected fault (HTTP ${code})`, retryAfter !== undefined ? {retryAfterSeconds: retryAfter} : undefined, headers);
}
