// `npm run test-server -- --kubeconfig-out FILE [--load DIR_OR_FILE …] [--port N] [--rollout-step-ms N]`:
// the test server on its own, for trying the CLI or kubectl by hand.
import {resolve} from 'node:path';
import {startTestServer} from './index.js';

function usage(msg?: string): never {
  if (msg) console.error(`error: ${msg}`);
  console.error('usage: npm run test-server -- --kubeconfig-out FILE [--load DIR_OR_FILE ...] [--port N] [--rollout-step-ms N]');
  process.exit(2);
}

const args = process.argv.slice(2);
let kubeconfigOut: string | undefined;
const load: string[] = [];
let port = 0;
let rolloutStepMs: number | undefined;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
  const value = (): string => {
    const v = inline ?? args[++i];
    if (v === undefined) usage(`${flag} needs a value`);
    return v;
  };
  switch (flag) {
    case '--kubeconfig-out': kubeconfigOut = resolve(value()); break;
    case '--load': load.push(resolve(value())); break;
    case '--port': port = Number(value()); break;
    case '--rollout-step-ms': rolloutStepMs = Number(value()); break;
    case '-h': case '--help': usage();
    // falls through (usage exits)
    default: usage(`unknown argument ${a}`);
  }
}
if (!kubeconfigOut) usage('--kubeconfig-out is required');
if (!Number.isInteger(port) || port < 0 || port > 65535) usage('--port must be a port number');

try {
  const server = await startTestServer({load, port, rolloutStepMs});
  server.writeKubeconfig(kubeconfigOut);
  console.log(`test server listening on ${server.url}`);
  console.log(`kubeconfig written to ${kubeconfigOut}`);
  console.log(`try: kubectl --kubeconfig ${kubeconfigOut} get secrets -A`);
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (e) {
  console.error(`error: ${(e as Error).message}`);
  process.exit(1);
}
