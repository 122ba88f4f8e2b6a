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

/**
 * Lines logged in one turn of the event loop go out in one write: stderr on a pipe is written
 * synchronously, and a cold sync logs a line per object, which cost as much as the syncing. The
 * rest is written when the process exits, however it exits (signal handlers end in process.exit
 * or a return; an uncaught error still emits 'exit').
 */
export function streamLogger(write: (text: string) => void = (l) => process.stderr.write(l)): Logger {
  let pending: string[] = [];
  const flush = (): void => {
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    write(text);
  };
  process.once('exit', flush);
  return (level, msg, fields) => {
    if (pending.length === 0) setImmediate(flush);
    pending.push(formatLine(level, msg, fields));
  };
}
