// `rotate --exec CMD`: lets an external system (a database user, an API token issuer) take the
// new value before the Secret does. CMD runs through the shell once per key; the value goes
// only to its stdin, never into argv (visible in `ps` to every user of the machine) nor the
// environment (readable through /proc by the same user, and inherited by children).
import {spawn} from 'node:child_process';
import {IncompleteError} from '../errors.js';

export interface ExecTarget {
  key: string;
  secretName: string;
  namespace: string;
}

export interface ExecResult {
  ok: boolean;
  /** Exit code, or the signal that ended it. */
  status: string;
}

/** Runs CMD with the value on stdin; its stdout goes to our stderr so our stdout stays the report. */
export function runExecOnce(cmd: string, value: Buffer, t: ExecTarget, stderr: NodeJS.WritableStream = process.stderr): Promise<ExecResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, {
      shell: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {...process.env, KEY: t.key, SECRET_NAME: t.secretName, NAMESPACE: t.namespace},
    });
    child.stdout.on('data', (d) => stderr.write(d));
    child.stderr.on('data', (d) => stderr.write(d));
    // A command that does not read its stdin closes the pipe early; that is its business.
    child.stdin.on('error', () => {});
    child.on('error', (error) => resolve({ok: false, status: error.message}));
    child.on('close', (code, signal) => resolve({ok: code === 0, status: signal ? `signal ${signal}` : `exit code ${code}`}));
    child.stdin.end(value);
  });
}

/**
 * Runs CMD for each key in turn and stops at the first failure. The error names the keys whose
 * command already succeeded: those external systems now hold a value the Secret does not.
 */
export async function runExec(cmd: string, values: Map<string, Buffer>, secretName: string, namespace: string, onKey: (key: string) => void = () => {}): Promise<void> {
  const done: string[] = [];
  for (const [key, value] of values) {
    onKey(key);
    const r = await runExecOnce(cmd, value, {key, secretName, namespace});
    if (!r.ok) {
      const already = done.length ? `; it already succeeded for ${done.join(', ')}, whose new value${done.length === 1 ? ' is' : 's are'} now only in the external system` : '';
      throw new IncompleteError(`--exec failed for key "${key}" (${r.status}); nothing was written to Secret ${namespace}/${secretName}${already}`, 'fix the command and run the rotation again');
    }
    done.push(key);
  }
}
