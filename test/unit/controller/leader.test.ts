// Leader election against the test server's Lease, with a clock the test moves.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {startTestServer, type TestServer} from '../../server/index.js';
import {Cluster} from '../../../src/kube/cluster.js';
import {LeaderElector, microTime, validateConfig} from '../../../src/controller/leader.js';
import {InputError} from '../../../src/errors.js';

let server: TestServer;
let cluster: Cluster;
let dir: string;
before(async () => {
  server = await startTestServer();
  dir = mkdtempSync(join(tmpdir(), 'ks-leader-'));
  cluster = await Cluster.connect({kubeconfig: server.writeKubeconfig(join(dir, 'kc'))});
});
after(async () => {
  await server?.close();
  rmSync(dir, {recursive: true, force: true});
});

const quiet = () => {};
let n = 0;
function pair() {
  const name = `lease-${++n}`;
  const clock = {now: Date.parse('2026-03-01T00:00:00Z')};
  const cfg = {namespace: 'default', name, leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000};
  const a = new LeaderElector(cluster.rest, {...cfg, identity: 'a'}, quiet, () => clock.now);
  const b = new LeaderElector(cluster.rest, {...cfg, identity: 'b'}, quiet, () => clock.now);
  const lease = () => server.get('coordination.k8s.io/v1', 'Lease', 'default', name);
  return {a, b, clock, lease};
}

test('the first candidate creates the Lease and leads; the second is refused while the lease is valid', async () => {
  const {a, b, clock, lease} = pair();
  assert.equal(await a.tryAcquireOrRenew(), true);
  assert.equal(a.isLeader(), true);
  const l = lease();
  assert.equal(l.spec.holderIdentity, 'a');
  assert.equal(l.spec.leaseDurationSeconds, 15);
  assert.equal(l.spec.leaseTransitions, 0);
  assert.match(l.spec.renewTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/, 'MicroTime has six fractional digits');
  assert.equal(await b.tryAcquireOrRenew(), false);
  assert.equal(b.leader(), 'a');
  clock.now += 14_000;
  assert.equal(await b.tryAcquireOrRenew(), false, 'not expired yet from b\'s point of view');
});

test('renewal keeps acquireTime and the transition count, and moves renewTime', async () => {
  const {a, clock, lease} = pair();
  await a.tryAcquireOrRenew();
  const first = lease().spec;
  clock.now += 2_000;
  assert.equal(await a.tryAcquireOrRenew(), true);
  const second = lease().spec;
  assert.equal(second.acquireTime, first.acquireTime);
  assert.equal(second.leaseTransitions, 0);
  assert.equal(second.renewTime, microTime(clock.now));
});

test('expiry is judged from when the candidate last saw the record change, not from renewTime', async () => {
  const {a, b, clock, lease} = pair();
  await a.tryAcquireOrRenew();
  // b first sees the record now, so even a renewTime far in the past does not let b in yet.
  const l = lease();
  server.update({...l, spec: {...l.spec, renewTime: microTime(clock.now - 3_600_000)}});
  assert.equal(await b.tryAcquireOrRenew(), false);
  clock.now += 15_001;
  assert.equal(await b.tryAcquireOrRenew(), true, 'a stopped renewing: b takes over after leaseDuration');
  assert.equal(lease().spec.holderIdentity, 'b');
  assert.equal(lease().spec.leaseTransitions, 1);
  // a's fast path now fails (stale resourceVersion), the slow path sees b's valid lease.
  assert.equal(await a.tryAcquireOrRenew(), false);
  assert.equal(a.isLeader(), false);
});

test('release empties the holder so another candidate takes over at once', async () => {
  const {a, b, lease} = pair();
  await a.tryAcquireOrRenew();
  assert.equal(await b.tryAcquireOrRenew(), false);
  assert.equal(await a.release(), true);
  const l = lease().spec;
  assert.equal(l.holderIdentity, '');
  assert.equal(l.leaseDurationSeconds, 1);
  assert.equal(await b.tryAcquireOrRenew(), true);
  assert.equal(lease().spec.leaseTransitions, 1);
  assert.equal(await a.release(), true, 'releasing a lease we do not hold is a no-op');
  assert.equal(lease().spec.holderIdentity, 'b');
});

test('two candidates racing for an expired lease: exactly one wins (the update carries resourceVersion)', async () => {
  const {a, b, clock, lease} = pair();
  const c = new LeaderElector(cluster.rest, {...a.config, identity: 'c'}, quiet, () => clock.now);
  await c.tryAcquireOrRenew();
  await a.tryAcquireOrRenew();
  await b.tryAcquireOrRenew();
  clock.now += 16_000;
  const results = await Promise.all([a.tryAcquireOrRenew(), b.tryAcquireOrRenew()]);
  assert.equal(results.filter(Boolean).length, 1, `results ${results}`);
  assert.ok(['a', 'b'].includes(lease().spec.holderIdentity));
});

test('healthz fails only for a leader that has not renewed for leaseDuration plus the tolerance', async () => {
  const {a, b, clock} = pair();
  await a.tryAcquireOrRenew();
  assert.equal(a.check(20_000).ok, true);
  clock.now += 34_000;
  assert.equal(a.check(20_000).ok, true);
  clock.now += 2_000;
  assert.equal(a.check(20_000).ok, false);
  assert.equal(b.check(20_000).ok, true, 'a follower is healthy');
});

test('the timing rules of NewLeaderElector', () => {
  const base = {namespace: 'x', name: 'y', identity: 'z', leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000};
  validateConfig(base);
  assert.throws(() => validateConfig({...base, renewDeadlineMs: 15_000}), InputError);
  assert.throws(() => validateConfig({...base, retryPeriodMs: 9_000}), InputError);
  assert.throws(() => validateConfig({...base, identity: ''}), InputError);
});
