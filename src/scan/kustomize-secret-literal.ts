// kustomize-secret-literal: values written into a kustomization's secretGenerator, either as
// `literals` or in the `envs`/`files` it reads. Parsing follows kustomize's api/kv/kv.go
// (parseLiteralSource, KeyValuesFromLine) so we read the same key and value kustomize would.
import {posix} from 'node:path';
import {yaml} from '../manifests/yaml-libs.js';
import {exemption} from './exceptions.js';
import {referencedPatch} from './kustomize-patch.js';
import type {ObjectView} from './object-view.js';
import type {RawFinding} from './rule.js';
import {severityOf} from './severity.js';
import type {KustomizeReference} from './types.js';

const KUSTOMIZE_KINDS = new Set([undefined, 'Kustomization', 'Component', 'SecretGenerator']);

/** kv.go parseLiteralSource: split at the first `=`, then drop quotes that surround the value. */
export function parseLiteral(source: string): {key: string; value: string} | undefined {
  const eq = source.indexOf('=');
  if (eq <= 0) return undefined;
  let value = source.slice(eq + 1);
  if (value.length >= 2 && ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'")))) value = value.slice(1, -1);
  return {key: source.slice(0, eq), value};
}

export function kustomizeSecretLiteral(view: ObjectView): RawFinding[] {
  if (!KUSTOMIZE_KINDS.has(view.kind)) return [];
  const out: RawFinding[] = [];
  for (const g of view.secretGenerators) {
    for (const lit of g.literals) {
      const kv = parseLiteral(lit.text);
      if (!kv || exemption(kv.value)) continue;
      out.push({
        rule: 'kustomize-secret-literal',
        line: lit.line,
        column: lit.column,
        message: `secretGenerator ${g.name} has a literal value for ${kv.key}`,
        severity: severityOf(kv.key, kv.value),
        anchorLine: g.line,
      });
    }
  }
  return out;
}

/** The files a kustomization's secretGenerators read, keyed by repository-relative path. */
export function referencesOf(kustomizationPath: string, views: ObjectView[]): [string, KustomizeReference][] {
  const dir = posix.dirname(kustomizationPath);
  const out: [string, KustomizeReference][] = [];
  for (const view of views) {
    if (!KUSTOMIZE_KINDS.has(view.kind)) continue;
    for (const g of view.secretGenerators) {
      for (const env of g.envs) out.push([posix.join(dir, env), {via: 'envs', generator: g.name, kustomization: kustomizationPath}]);
      for (const f of g.files) {
        // `[key=]path`: the key defaults to the file's base name.
        const eq = f.indexOf('=');
        const path = eq >= 0 ? f.slice(eq + 1) : f;
        out.push([posix.join(dir, path), {via: 'files', generator: g.name, kustomization: kustomizationPath, key: eq >= 0 ? f.slice(0, eq) : posix.basename(path)}]);
      }
    }
  }
  return out;
}

/**
 * The generator configurations a kustomization lists under `generators:` (repository-relative),
 * so the envs and files of a builtin SecretGenerator kept there are known as its values too.
 * Entries that are remote (a URL) or a folder (another kustomization) are not configurations.
 */
export function generatorConfigPaths(kustomizationPath: string, text: string): string[] {
  const dir = posix.dirname(kustomizationPath);
  const out: string[] = [];
  for (const doc of yaml().parseAllDocuments(text, {uniqueKeys: false})) {
    if (!('contents' in doc)) continue;
    const gens = (doc.toJS({maxAliasCount: 100}) as {generators?: unknown} | null)?.generators;
    if (!Array.isArray(gens)) continue;
    for (const g of gens) {
      if (typeof g !== 'string' || /^[a-z][a-z0-9+.-]*:\/\//i.test(g) || !/\.ya?ml$/i.test(g)) continue;
      out.push(posix.join(dir, g));
    }
  }
  return out;
}

/** Findings for a file a secretGenerator reads: per KEY=VALUE line of an env file, or the whole file. */
export function referencedFile(text: string, refs: KustomizeReference[]): RawFinding[] {
  const out: RawFinding[] = [];
  for (const ref of refs) {
    if (ref.via === 'patch') {
      out.push(...referencedPatch(text, ref));
      continue;
    }
    const by = `secretGenerator ${ref.generator} in ${ref.kustomization}`;
    if (ref.via === 'files') {
      if (isSopsFile(text) || exemption(text)) continue;
      out.push({rule: 'kustomize-secret-literal', line: 1, column: 1, message: `this file is the value of key ${ref.key} of ${by}`, severity: severityOf(ref.key ?? '', text)});
      continue;
    }
    const sops = /(^|\n)sops_[a-z_]+=/.test(text);
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      // kv.go KeyValuesFromLine: BOM on the first line, leading space, comments, KEY[=VALUE].
      let line = i === 0 ? lines[i].replace(/^\uFEFF/, '') : lines[i];
      const indent = line.length - line.trimStart().length;
      line = line.trimStart().replace(/\r$/, '');
      if (line === '' || line.startsWith('#')) continue;
      const eq = line.indexOf('=');
      // No `=` means kustomize takes the value from its own environment: nothing is written here.
      if (eq <= 0) continue;
      const key = line.slice(0, eq);
      const value = line.slice(eq + 1);
      // SOPS writes its own metadata into an encrypted env file as sops_* keys.
      if ((sops && key.startsWith('sops_')) || exemption(value, {sops})) continue;
      out.push({rule: 'kustomize-secret-literal', line: i + 1, column: indent + 1, message: `${key} is a value of ${by}`, severity: severityOf(key, value)});
    }
  }
  return out;
}

function isSopsFile(text: string): boolean {
  return /ENC\[[A-Z0-9_]+,data:/.test(text) && /(^|\n)\s*"?sops"?\s*:/.test(text);
}
