// The cluster an end-to-end test runs against: our in-process test API server by default, or a
// real cluster when KUBECTL_SECRET_E2E_KUBECONFIG points at one (kind, k3d, minikube…).
// Tests set up and inspect cluster state through `env.kube`, which works on both; tests that
// need the test server's knobs (faults, deny rules, programmed SubjectAccessReviews, rollout
// control, service-proxy handlers, the request log) call `needsTestServer(t, env)` and are
// skipped on a real cluster.
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, type TestContext} from 'node:test';
import {startTestServer, type StartOptions, type TestServer} from '../server/index.js';
import {runCli, type CliOptions} from './cli.js';
import {apiKube, directKube, type Kube} from './kube.js';

export interface E2EEnv {
  kubeconfig: string;
  /** The test server, absent on a real cluster. */
  server?: TestServer;
  real: boolean;
  /** Cluster state for set-up and assertions, on the test server or a real cluster. */
  kube: Kube;
  dir: string;
  /** Runs the CLI with this environment's kubeconfig. */
  cli(args: string[], o?: CliOptions): ReturnType<typeof runCli>;
  close(): Promise<void>;
}

export async function e2eEnv(opts: StartOptions & {namespace?: string; testServerOnly?: boolean} = {}): Promise<E2EEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'ks-e2e-'));
  // Files built on fault injection, deny rules or mid-write pauses throughout (faults,
  // canary leaks, atomic files) always use the in-process server, even in real-cluster mode.
  const realKubeconfig = opts.testServerOnly ? undefined : process.env.KUBECTL_SECRET_E2E_KUBECONFIG;
  let server: TestServer | undefined;
  let kubeconfig: string;
  let kube: Kube;
  if (realKubeconfig) {
    kubeconfig = realKubeconfig;
    // StartOptions (objects to preload, rollout speed) shape the test server only: a test that
    // needs objects on a real cluster loads them with env.kube, into namespaces of its own.
    kube = await apiKube(kubeconfig);
  } else {
    server = await startTestServer(opts);
    kubeconfig = server.writeKubeconfig(join(dir, 'kubeconfig'), {namespace: opts.namespace});
    kube = directKube(server);
  }
  return {
    kubeconfig,
    server,
    real: Boolean(realKubeconfig),
    kube,
    dir,
    cli: (args, o = {}) => runCli(args, {...o, env: {HOME: dir, KUBECONFIG: kubeconfig, ...o.env}}),
    close: async () => {
      await kube.close();
      await server?.close();
      rmSync(dir, {recursive: true, force: true});
    },
  };
}

/** Runs `fn` with a test-server rule in place (a fault or a deny rule) and lifts it afterwards, whatever happens. */
export async function withRule<T>(undo: () => void, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } finally {
    undo();
  }
}

/** Skips the test on a real cluster; returns the test server otherwise. */
export function needsTestServer(t: TestContext, env: E2EEnv): TestServer | undefined {
  if (!env.server) t.skip('needs the test server (fault injection, deny rules, rollout control, proxy handlers or the request log)');
  return env.server;
}

/**
 * One environment for a whole test file: started in before(), closed in after(), and usable by
 * every test as if it were the environment itself (its fields are read when a test runs).
 * `setup` runs once it is started (CRDs, shared objects).
 */
export function fileE2EEnv(opts: Parameters<typeof e2eEnv>[0] = {}, setup?: (env: E2EEnv) => Promise<void>): E2EEnv {
  let env: E2EEnv | undefined;
  before(async () => {
    env = await e2eEnv(opts);
    await setup?.(env);
  });
  after(() => env?.close());
  const current = (): E2EEnv => {
    if (!env) throw new Error('the e2e environment starts in before(): use it inside a test');
    return env;
  };
  return {
    get kubeconfig() {
      return current().kubeconfig;
    },
    get server() {
      return current().server;
    },
    get real() {
      return current().real;
    },
    get kube() {
      return current().kube;
    },
    get dir() {
      return current().dir;
    },
    cli: (args, o) => current().cli(args, o),
    close: () => current().close(),
  };
}
