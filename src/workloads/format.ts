/** A duration as a person writes it: 5m, 90s, 1m30s, 250ms. */
export function formatDurationShort(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return `${h ? h + 'h' : ''}${m ? m + 'm' : ''}${sec || (!h && !m) ? sec + 's' : ''}`;
}
