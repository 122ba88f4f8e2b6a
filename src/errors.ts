// Typed errors carry the exit code the README documents, so commands never pick codes ad hoc.
// Messages are written for users: what went wrong, then (hint) what to do. They must never
// contain a secret value: build them from names, keys, paths and line numbers only.

export const EXIT = {
  OK: 0,
  FINDINGS: 1,
  USAGE: 2,
  CLUSTER: 3,
} as const;

export class KsError extends Error {
  readonly exitCode: number;
  readonly hint?: string;
  constructor(message: string, exitCode: number, hint?: string) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.hint = hint;
  }
}

/** Bad flags, unreadable or malformed input, bad keys: exit 2. */
export class InputError extends KsError {
  constructor(message: string, hint?: string) {
    super(message, EXIT.USAGE, hint);
  }
}

/** The cluster could not be reached or refused: exit 3. */
export class ClusterError extends KsError {
  readonly status?: number;
  readonly reason?: string;
  readonly retryAfterSeconds?: number;
  constructor(message: string, opts: {status?: number; reason?: string; hint?: string; retryAfterSeconds?: number} = {}) {
    super(message, EXIT.CLUSTER, opts.hint);
    this.status = opts.status;
    this.reason = opts.reason;
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }
}

/** Something ran but did not complete (a rollout failed, findings present): exit 1. */
export class IncompleteError extends KsError {
  constructor(message: string, hint?: string) {
    super(message, EXIT.FINDINGS, hint);
  }
}
