// `npm run demo`: the test API server with examples/ loaded, for a newcomer without a cluster.
// It writes a kubeconfig to .demo/kubeconfig (in the checkout, git-ignored) and prints the
// line to export and the commands to try; it serves until Ctrl-C. Rollouts complete by
// themselves (the test server plays the workload controllers), so restart and rotate finish.
import {mkdirSync} from 'node:fs';
import {dirname, join, relative, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {startTestServer} from './index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const out = resolve(process.argv[2] ?? join(ROOT, '.demo', 'kubeconfig'));
mkdirSync(dirname(out), {recursive: true});

try {
  const server = await startTestServer({load: [join(ROOT, 'examples', 'shop')], rolloutStepMs: 200});
  server.writeKubeconfig(out, {namespace: 'shop'});
  const shown = relative(process.cwd(), out).startsWith('..') ? out : `$PWD/${relative(process.cwd(), out)}`;
  process.stdout.write(`demo cluster on ${server.url}: examples/shop loaded (namespace shop)

  export KUBECONFIG=${shown}

then try:
  kubectl get deployments,cronjobs,secrets -n shop
  kubectl secret keys init
  kubectl secret seal examples/shop/db-credentials.yaml -w /tmp/db-sealed.yaml
  kubectl secret who-can db-credentials -n shop
  kubectl secret consumers db-credentials -n shop
  kubectl secret restart db-credentials -n shop
  kubectl secret rotate db-credentials -n shop --generate password --yes
  kubectl secret audit -n shop

Ctrl-C stops it (nothing is kept).
`);
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (e) {
  process.stderr.write(`error: ${(e as Error).message}\n`);
  process.exit(1);
}
