// The label binds a sealed value to where it may be unsealed. Same strings as Bitnami Sealed
// Secrets' EncryptionLabel (pkg/apis/sealedsecrets/v1alpha1/sealedsecret_expansion.go), and
// our nacl scheme reuses them so both schemes mean the same thing by a scope.
import {InputError} from '../errors.js';

export type Scope = 'strict' | 'namespace-wide' | 'cluster-wide';

export const SCOPES: readonly Scope[] = ['strict', 'namespace-wide', 'cluster-wide'];

export function sealLabel(scope: Scope, namespace: string | undefined, name: string | undefined): string {
  switch (scope) {
    case 'cluster-wide':
      return '';
    case 'namespace-wide':
      if (!namespace) throw new InputError('a namespace-wide seal needs a namespace', 'set metadata.namespace or pass -n');
      return namespace;
    case 'strict':
      if (!namespace) throw new InputError('a strict seal needs a namespace', 'set metadata.namespace, pass -n, or use --scope cluster-wide');
      if (!name) throw new InputError('a strict seal needs the Secret\'s name', 'set metadata.name or pass --name');
      return `${namespace}/${name}`;
    default:
      throw new InputError(`unknown scope "${String(scope)}"`, 'use strict, namespace-wide or cluster-wide');
  }
}

/** Inverse of sealLabel: a namespace never contains "/", so the label is unambiguous. */
export function scopeOfLabel(label: string): {scope: Scope; namespace?: string; name?: string} {
  if (label === '') return {scope: 'cluster-wide'};
  const slash = label.indexOf('/');
  if (slash < 0) return {scope: 'namespace-wide', namespace: label};
  return {scope: 'strict', namespace: label.slice(0, slash), name: label.slice(slash + 1)};
}

/** A label in user terms, for error messages. */
export function describeLabel(label: string): string {
  const s = scopeOfLabel(label);
  if (s.scope === 'cluster-wide') return 'cluster-wide (label "")';
  if (s.scope === 'namespace-wide') return `namespace-wide for namespace "${s.namespace}" (label "${label}")`;
  return `strict for Secret "${s.name}" in namespace "${s.namespace}" (label "${label}")`;
}
