// plaintext-secret: a v1 Secret with a non-empty data/stringData value that is not a template,
// SOPS ciphertext or a marked placeholder. One finding per key, on the key's line, so a
// reviewer (and a SARIF viewer) lands on the exact value, and so an allow comment can be
// placed on one key as well as on the whole Secret.
import {exemption} from './exceptions.js';
import {templateDataPath, type ObjectView} from './object-view.js';
import type {RawFinding} from './rule.js';
import {severityOf} from './severity.js';

export function isV1Secret(o: {kind?: unknown; apiVersion?: unknown}): boolean {
  // A Secret without apiVersion is how kustomize patches and some docs write it; the API
  // server would reject it, but the values are just as exposed.
  return o.kind === 'Secret' && (o.apiVersion === 'v1' || o.apiVersion === undefined);
}

export function secretLabel(o: {name?: string; namespace?: string}): string {
  return `${o.namespace ? o.namespace + '/' : ''}${o.name ?? '(unnamed)'}`;
}

export function plaintextSecret(view: ObjectView): RawFinding[] {
  // A SealedSecret or ExternalSecret is committed because it is thought safe; the data of its
  // Secret template is not encrypted, and a value written there (not a template) lands in the
  // Secret as written.
  const template = !isV1Secret(view);
  if (template && !templateDataPath(view.kind, view.apiVersion)) return [];
  const out: RawFinding[] = [];
  for (const e of view.values) {
    if (template !== (e.field === 'spec.template.data' || e.field === 'spec.target.template.data')) continue;
    if (exemption(e.value, {sops: view.sops, base64: e.field === 'data'})) continue;
    const where = e.key === '*' ? e.field : `${e.field}.${e.key}`;
    out.push({
      rule: 'plaintext-secret',
      line: e.line,
      column: e.column,
      message: `${template ? view.kind : 'Secret'} ${secretLabel(view)} has a plaintext value in ${where}`,
      severity: severityOf(e.key, e.value, {base64: e.field === 'data'}),
      anchorLine: view.anchor.line,
      endLine: e.endLine,
    });
  }
  return out;
}
