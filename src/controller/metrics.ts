// The controller's metrics in the Prometheus text exposition format (version 0.0.4:
// https://prometheus.io/docs/instrumenting/exposition_formats/): HELP and TYPE lines, then one
// sample per label set, label values escaped (backslash, double quote, newline).
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
const PREFIX = 'kubectl_secret_controller_';

export class Metrics {
  /** Object key → whether its last sync succeeded. */
  private readonly state = new Map<string, boolean>();
  private readonly failures = new Map<string, number>();
  private syncs = 0;
  private lastSyncSeconds = 0;
  leader = false;
  keys = 0;

  synced(key: string, now: number): void {
    this.state.set(key, true);
    this.syncs++;
    this.lastSyncSeconds = now / 1000;
  }

  failed(key: string, reason: string): void {
    this.state.set(key, false);
    this.failures.set(reason, (this.failures.get(reason) ?? 0) + 1);
  }

  forget(key: string): void {
    this.state.delete(key);
  }

  /** Forgets every object not in `keys` (after a re-list). */
  retain(keys: Set<string>): void {
    for (const k of this.state.keys()) if (!keys.has(k)) this.state.delete(k);
  }

  render(): string {
    let ok = 0;
    for (const v of this.state.values()) if (v) ok++;
    const lines: string[] = [];
    const family = (name: string, type: 'counter' | 'gauge', help: string, samples: Array<[Record<string, string>, number]>): void => {
      lines.push(`# HELP ${PREFIX}${name} ${help}`, `# TYPE ${PREFIX}${name} ${type}`);
      for (const [labels, v] of samples) lines.push(`${PREFIX}${name}${formatLabels(labels)} ${formatValue(v)}`);
    };
    family('objects_synced', 'gauge', 'SealedSecrets whose Secret is up to date (Synced=True).', [[{}, ok]]);
    family('objects_failed', 'gauge', 'SealedSecrets whose last sync failed (Synced=False).', [[{}, this.state.size - ok]]);
    family('syncs_total', 'counter', 'Successful syncs of a SealedSecret into its Secret.', [[{}, this.syncs]]);
    family('sync_failures_total', 'counter', 'Failed syncs, by condition reason.', [...this.failures].sort(([a], [b]) => a.localeCompare(b)).map(([reason, n]) => [{reason}, n]));
    family('last_sync_timestamp_seconds', 'gauge', 'Unix time of the last successful sync (0: none yet).', [[{}, this.lastSyncSeconds]]);
    family('leader', 'gauge', '1 while this replica holds the leader Lease.', [[{}, this.leader ? 1 : 0]]);
    family('keys', 'gauge', 'Private sealing keys loaded.', [[{}, this.keys]]);
    return lines.join('\n') + '\n';
  }
}

export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatLabels(labels: Record<string, string>): string {
  const e = Object.entries(labels);
  return e.length ? `{${e.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}` : '';
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  return String(v);
}
