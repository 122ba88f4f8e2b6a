// The annotations kubectl-secret records on Secrets, in one place: rotate writes them; list and
// audit read them.
export const ROTATED_AT = 'kubectl-secret.dev/rotated-at';
export const ROTATED_KEYS = 'kubectl-secret.dev/rotated-keys';
