// Runs a kubeconfig `exec` credential plugin (client.authentication.k8s.io ExecCredential), as
// client-go's plugin/pkg/client/auth/exec does, instead of client-node's runner, which has no
// time limit (a plugin waiting for a browser login hangs the command forever) and puts the
// plugin's stderr or unparsable stdout into its error message (plugin output can hold tokens).
// The plugin's stderr goes to ours, as kubectl passes it through; its stdout is never shown.
import {spawn} from 'node:child_process';
import {basename} from 'node:path';
import {ClusterError} from '../errors.js';

export interface ExecConfig {
  command: string;
  args?: string[];
  env?: Array<{name: string; value: string}> | null;
  apiVersion?: string;
}

export interface ExecCredentialStatus {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  expirationTimestamp?: string;
}

export class ExecCredentialPlugin {
  private cached?: ExecCredentialStatus;
  private pending?: Promise<ExecCredentialStatus>;

  constructor(private readonly exec: ExecConfig, private readonly userName: string, private readonly timeoutMs: number, private readonly stderr: NodeJS.WritableStream = process.stderr) {}

  get name(): string {
    return basename(this.exec.command);
  }

  /** The cached credential while it is valid, else a fresh one (one plugin run at a time). */
  async credential(): Promise<ExecCredentialStatus> {
    const c = this.cached;
    if (c && (!c.expirationTimestamp || Date.parse(c.expirationTimestamp) > Date.now() + 10_000)) return c;
    this.pending ??= this.run().finally(() => (this.pending = undefined));
    this.cached = await this.pending;
    return this.cached;
  }

  private fail(what: string, hint: string): ClusterError {
    return new ClusterError(`the kubeconfig's exec credential plugin "${this.name}" (user "${this.userName}") ${what}`, {reason: 'ExecPluginFailed', hint});
  }

  private run(): Promise<ExecCredentialStatus> {
    const apiVersion = this.exec.apiVersion ?? 'client.authentication.k8s.io/v1beta1';
    const env: NodeJS.ProcessEnv = {...process.env, KUBERNETES_EXEC_INFO: JSON.stringify({apiVersion, kind: 'ExecCredential', spec: {interactive: false}})};
    for (const e of this.exec.env ?? []) env[e.name] = e.value;
    return new Promise((resolve, reject) => {
      const child = spawn(this.exec.command, this.exec.args ?? [], {env, stdio: ['ignore', 'pipe', 'pipe']});
      const out: Buffer[] = [];
      let size = 0;
      let settled = false;
      const done = (f: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        f();
      };
      const timer = this.timeoutMs > 0 ? setTimeout(() => {
        child.kill('SIGKILL');
        done(() => reject(this.fail(`did not finish within ${this.timeoutMs / 1000}s`, 'run the plugin by hand to see whether it waits for a login, or raise --request-timeout')));
      }, this.timeoutMs) : undefined;
      child.stdout.on('data', (d: Buffer) => {
        size += d.length;
        if (size <= 1024 * 1024) out.push(d);
      });
      child.stderr.on('data', (d: Buffer) => this.stderr.write(d));
      child.on('error', (error: NodeJS.ErrnoException) => done(() => reject(error.code === 'ENOENT'
        ? this.fail('was not found', 'install it, or fix users[].user.exec.command in the kubeconfig')
        : this.fail('could not be started', 'check users[].user.exec.command in the kubeconfig'))));
      child.on('close', (code, signal) => done(() => {
        if (code !== 0) return reject(this.fail(signal ? `was ended by ${signal}` : `exited with code ${code}`, 'its own messages, if any, are above; run it by hand to check your login'));
        let parsed: any;
        try {
          parsed = JSON.parse(Buffer.concat(out).toString('utf8'));
        } catch {
          return reject(this.fail(`printed ${size} bytes that are not JSON (an ExecCredential was expected)`, 'check the plugin and its version'));
        }
        const status = parsed?.status;
        const str = (v: unknown) => v === undefined || typeof v === 'string';
        if (parsed?.kind !== 'ExecCredential' || typeof status !== 'object' || status === null || !str(status.token) || !str(status.clientCertificateData) || !str(status.clientKeyData) || !str(status.expirationTimestamp) || (!status.token && !status.clientCertificateData)) {
          return reject(this.fail(`printed ${size} bytes of JSON that is not an ExecCredential with a token or client certificate`, 'check the plugin and its version (apiVersion in the kubeconfig)'));
        }
        resolve(status as ExecCredentialStatus);
      }));
    });
  }
}
