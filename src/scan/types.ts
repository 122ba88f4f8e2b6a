// The vocabulary shared by the rules, the readers and the reporters. A finding carries names,
// keys and positions only: it is printed, written to SARIF and shown in CI logs, so it must
// never hold (or be built from) a secret value.

export const RULE_IDS = ['plaintext-secret', 'kustomize-secret-literal', 'last-applied-secret', 'private-key', 'unparseable-secret', 'kubectl-secret-literal'] as const;
export type RuleId = (typeof RULE_IDS)[number];

/** high: a credential or a private key; low: a value whose key name shows public data (ca.crt, url, port). */
export const SEVERITIES = ['high', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface Finding {
  rule: RuleId;
  /** The path as the user should see it (relative to the working directory). */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  message: string;
  severity: Severity;
  hint: string;
  /** Set when an inline comment or `.kubectl-secret.yaml` allows it; counted, not reported. */
  suppressed?: 'inline' | 'config';
}

export interface ScanWarning {
  file: string;
  line?: number;
  message: string;
}

/** A secretGenerator in some kustomization that reads a file we are scanning. */
export interface KustomizeReference {
  /** `envs` files hold KEY=VALUE lines; `files` are one value each; a `patch` is JSON 6902 operations on a Secret. */
  via: 'envs' | 'files' | 'patch';
  /** The secretGenerator's name, or for a patch the target Secret's (`*` when not by name). */
  generator: string;
  kustomization: string;
  /** For `files`, the key the file's content becomes. */
  key?: string;
  /** For a `patch`, whether its target says `kind: Secret` (else only `/stringData` writes count). */
  kindKnown?: boolean;
}

export interface ScanOptions {
  rules: ReadonlySet<RuleId>;
  /** Repository-relative path (POSIX) → the generators that read it. */
  references?: ReadonlyMap<string, KustomizeReference[]>;
}

export const HINTS: Record<RuleId, string> = {
  'plaintext-secret': 'seal it (`kubectl secret seal`, or `kubectl secret scan --fix`), or move the value out of the repository (SOPS, ExternalSecret)',
  'kustomize-secret-literal': 'read the value from a sealed or SOPS-encrypted file instead of a literal, or use a SealedSecret/ExternalSecret',
  'last-applied-secret': 'remove the kubectl.kubernetes.io/last-applied-configuration annotation (it copies the values), then seal the Secret',
  'private-key': 'remove the key from the repository (and rotate it); keep it in a Secret that is sealed or managed outside git',
  'kubectl-secret-literal': 'read the value from a file or a variable the command does not write down (`--from-file`, `--from-literal=password="$PASSWORD"`), or commit a SealedSecret instead',
  'unparseable-secret': 'make the file valid UTF-8/UTF-16 YAML within --max-file-size so it can be checked, or remove the Secret material from it',
};
