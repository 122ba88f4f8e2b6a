// Kubeconfig files pointing at the test server, one per identity, using each way of
// authenticating that kubectl and @kubernetes/client-node support: a bearer token, a client
// certificate, or an exec credential plugin (client.authentication.k8s.io/v1beta1).
import {chmodSync, mkdirSync, writeFileSync} from 'node:fs';
import {dirname} from 'node:path';
import {stringify} from 'yaml';

export interface KubeconfigOptions {
  server: string;
  caPem: string;
  user: string;
  context: string;
  namespace: string;
  auth: {token: string} | {cert: string; key: string} | {execToken: string};
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

export function writeKubeconfigFile(path: string, o: KubeconfigOptions): string {
  mkdirSync(dirname(path), {recursive: true});
  let user: Record<string, unknown>;
  if ('token' in o.auth) user = {token: o.auth.token};
  else if ('cert' in o.auth) user = {'client-certificate-data': b64(o.auth.cert), 'client-key-data': b64(o.auth.key)};
  else {
    // The plugin is a tiny node script next to the kubeconfig, run by whichever node runs the tests.
    const script = `${path}.credential.mjs`;
    const cred = {apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status: {token: o.auth.execToken}};
    writeFileSync(script, `#!/usr/bin/env node\nprocess.stdout.write(${JSON.stringify(JSON.stringify(cred))} + '\\n');\n`, {mode: 0o700});
    chmodSync(script, 0o700);
    user = {exec: {apiVersion: 'client.authentication.k8s.io/v1beta1', command: process.execPath, args: [script], interactiveMode: 'Never', provideClusterInfo: false}};
  }
  const cluster = 'kubectl-secret-test';
  const doc = {
    apiVersion: 'v1', kind: 'Config', preferences: {},
    clusters: [{name: cluster, cluster: {server: o.server, 'certificate-authority-data': b64(o.caPem)}}],
    users: [{name: o.user, user}],
    contexts: [{name: o.context, context: {cluster, user: o.user, namespace: o.namespace}}],
    'current-context': o.context,
  };
  writeFileSync(path, stringify(doc), {mode: 0o600});
  return path;
}
