// The view of a manifest that scan's rules read, as both readers build it (manifest-view.ts
// for YAML and JSON, tolerant-reader.ts and fast-reader.ts for the rest). In a file of its own
// so the readers depend on it and not on each other.

export interface Located {
  line: number;
  column: number;
}

/**
 * Where a value sits: a v1 Secret's `data` (base64) or `stringData`, or the `data` of the Secret
 * template that a SealedSecret (Bitnami) or an ExternalSecret carries, whose values the
 * controller copies into the Secret as written (templates aside): plaintext in git all the same.
 */
export type ValueField = 'data' | 'stringData' | 'spec.template.data' | 'spec.target.template.data';

export interface ValueEntry extends Located {
  field: ValueField;
  key: string;
  value: string | null;
  endLine: number;
}

export interface GeneratorView extends Located {
  name: string;
  literals: (Located & {text: string})[];
  files: string[];
  envs: string[];
}

export interface ObjectView {
  kind?: string;
  apiVersion?: string;
  name?: string;
  namespace?: string;
  /** The `kind:` line (where `# kubectl-secret:allow` applies to the whole object). */
  anchor: Located;
  /** The document carries a SOPS metadata block. */
  sops: boolean;
  values: ValueEntry[];
  lastApplied?: Located & {json: string};
  secretGenerators: GeneratorView[];
}

export interface ReadResult {
  views: ObjectView[];
  warnings: {line: number; message: string}[];
}

/**
 * The path to the Secret template's `data` in an object of `kind`/`apiVersion`, or undefined:
 * Bitnami's SealedSecret (`spec.template.data`) and External Secrets' ExternalSecret
 * (`spec.target.template.data`). kubectl-secret's own nacl SealedSecret has no template data.
 */
export function templateDataPath(kind: string | undefined, apiVersion: string | undefined): readonly ['spec', 'template'] | readonly ['spec', 'target', 'template'] | undefined {
  const group = apiVersion?.split('/')[0];
  if (kind === 'SealedSecret' && group === 'bitnami.com') return ['spec', 'template'];
  if (kind === 'ExternalSecret' && group === 'external-secrets.io') return ['spec', 'target', 'template'];
  return undefined;
}
