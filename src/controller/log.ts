// The controller's log: one logfmt line per event on stderr (what `kubectl logs` and log
// shippers parse without configuration). Fields are names, reasons, counts and key ids; callers
// never pass a secret value, and messages come from errors that are built without them.
export type Level = 'info' | 'warn' | 'error';
export type Fields = Record<string, string | number | boolean | undefined>;
export type Logger = (level: Level, msg: string, fields?: Fields) => void;

function quote(v: string): string {
  return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
}

export function formatLine(level: Level, msg: string, fields: Fields = {}, now = new Date()): string {
  const parts = [`time=${now.toISOString()}`, `level=${level}`, `msg=${quote(msg)}`];
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) parts.push(`${k}=${quote(String(v))}`);
  return parts.join(' ') + '\n';
}

export function streamLogger(write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  return (level, msg, fields) => write(formatLine(level, msg, fields));
}
