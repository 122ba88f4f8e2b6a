// The view of a manifest that scan's rules read, as both readers build it (manifest-view.ts
// for YAML and JSON, tolerant-reader.ts and fast-reader.ts for the rest). In a file of its own
// so the readers depend on it and not on each other.

export interface Located {
  line: number;
  column: number;
}

export interface ValueEntry extends Located {
  field: 'data' | 'stringData';
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
