// What `seal` and `scan --fix` tell the user after sealing (on stderr, stdout being the sealed
// manifests): which scheme sealed it and how that scheme's file gets into a cluster, and which
// namespace a Secret that named none was sealed for. Both are where a first sealed file goes
// wrong: a nacl file applied where no controller opens it, a Secret sealed for `default`.
import type {Scheme} from './sealed-object.js';

/** `file` names the sealed file in the commands shown; FILE when it went to stdout. */
export function schemeNote(scheme: Scheme, files: string[]): string {
  const file = files.length === 1 ? files[0]! : 'FILE';
  const which = files.length > 1 ? ` (${files.join(', ')})` : '';
  const it = files.length > 1 ? 'them' : 'it';
  if (scheme === 'nacl') {
    return `note: sealed with the nacl scheme (kubectl-secret's own)${which}. To get ${it} into the cluster: kubectl secret apply ${file}, ` +
      `or kubectl apply -f ${file} where kubectl-secret's controller runs (kubectl secret controller manifests | kubectl apply -f -).\n`;
  }
  return `note: sealed with the sealed-secrets scheme (Bitnami)${which}. To get ${it} into the cluster: kubectl apply -f ${file}; the Sealed Secrets controller opens ${it} there.\n`;
}

/** A Secret without metadata.namespace was sealed for the kubeconfig context's namespace (`default` when the context sets none, as kubectl uses it). */
export function contextNamespaceNote(namespace: string, context: string, file?: string): string {
  return `note: ${file ? `${file}: ` : ''}a Secret without metadata.namespace was sealed for namespace "${namespace}", the namespace of kubeconfig context "${context}"; ` +
    'it opens only there (set metadata.namespace or pass -n to choose).\n';
}

/** scan --fix: per file the namespace a Secret without one was sealed for, then one note per scheme. */
export function fixNotes(sealed: {file: string; sealed: {scheme: Scheme; contextNamespace?: {namespace: string; context: string}}}[]): string {
  let out = '';
  for (const {file, sealed: s} of sealed) if (s.contextNamespace) out += contextNamespaceNote(s.contextNamespace.namespace, s.contextNamespace.context, file);
  for (const scheme of ['sealed-secrets', 'nacl'] as const) {
    const files = sealed.filter((x) => x.sealed.scheme === scheme).map((x) => x.file);
    if (files.length) out += schemeNote(scheme, files);
  }
  return out;
}
