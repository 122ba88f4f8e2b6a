// The Syncer against a small in-memory cluster that behaves as the API server does where it
// matters here: resourceVersions on every write, 409 on a stale one, 404 for what is gone.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {ClusterError} from '../../../src/errors.js';
import {Syncer, type SyncCluster} from '../../../src/controller/syncer.js';
import {FIELD_MANAGER} from '../../../src/controller/reconcile.js';
import type {KubeObject} from '../../../src/manifests/parse.js';
import type {ResourceInfo} from '../../../src/kube/resources.js';
import {b64, canary, keyPair, sealed} from './fixtures.js';

const kp = keyPair();

class FakeCluster implements SyncCluster {
  readonly objects = new Map<string, KubeObject>();
  readonly calls: string[] = [];
  private rv = 100;
  /** Runs before the next status write lands (a concurrent writer). */
  beforeStatusWrite?: () => void;
  readonly statusBodies: KubeObject[] = [];

  private key(kind: string, ns: string | undefined, name: string): string {
    return `${kind}/${ns}/${name}`;
  }

  put(o: KubeObject): KubeObject {
    const stored = structuredClone(o);
    stored.metadata!.resourceVersion = String(++this.rv);
    this.objects.set(this.key(o.kind!, o.metadata!.namespace, o.metadata!.name!), stored);
    return structuredClone(stored);
  }

  async get<T = KubeObject>(r: ResourceInfo, name: string, namespace?: string): Promise<T | undefined> {
    this.calls.push(`get ${r.kind} ${name}`);
    return structuredClone(this.objects.get(this.key(r.kind, namespace, name))) as T | undefined;
  }

  async create<T = KubeObject>(obj: KubeObject, query?: Record<string, unknown>): Promise<T> {
    this.calls.push(`create ${obj.kind} ${obj.metadata!.name} ${query?.fieldManager ?? ''}`.trim());
    if (this.objects.has(this.key(obj.kind!, obj.metadata!.namespace, obj.metadata!.name!))) throw new ClusterError('exists', {status: 409});
    return this.put({...obj, metadata: {...obj.metadata, uid: `uid-${this.rv}`}}) as T;
  }

  async update<T = KubeObject>(obj: KubeObject, subresource?: string, query?: Record<string, unknown>): Promise<T> {
    this.calls.push(`update ${obj.kind}${subresource ? '/' + subresource : ''} ${obj.metadata!.name}${obj.status?.observedGeneration !== undefined ? ` observedGeneration=${obj.status.observedGeneration}` : ''} ${query?.fieldManager ?? ''}`.trim());
    if (subresource === 'status') {
      this.statusBodies.push(structuredClone(obj));
      this.beforeStatusWrite?.();
    }
    const live = this.objects.get(this.key(obj.kind!, obj.metadata!.namespace, obj.metadata!.name!));
    if (!live) throw new ClusterError('not found', {status: 404});
    if (obj.metadata!.resourceVersion !== live.metadata!.resourceVersion) throw new ClusterError('conflict', {status: 409});
    return this.put(subresource === 'status' ? {...live, status: obj.status} : obj) as T;
  }

  async delete(r: ResourceInfo, name: string, namespace?: string): Promise<void> {
    this.calls.push(`delete ${r.kind} ${name}`);
    this.objects.delete(this.key(r.kind, namespace, name));
  }
}

function setup(values: Record<string, string> = {password: canary()}) {
  const cluster = new FakeCluster();
  const obj = cluster.put(sealed(kp, {name: 'db', namespace: 'payments', values, labels: {app: 'api'}}));
  const cache = new Map([['payments/db', obj]]);
  const metrics = {ok: 0, failed: [] as string[], synced() {
    this.ok++;
  }, failed_(r: string) {
    this.failed.push(r);
  }};
  const warnings: string[] = [];
  const syncer = new Syncer({
    cluster, keys: () => [kp], cache, log: () => {}, now: () => Date.parse('2026-01-01T00:00:00Z'),
    warn: async (_o, reason) => {
      warnings.push(reason);
    },
    metrics: {synced: () => metrics.synced(), failed: (_k, r) => metrics.failed_(r)},
  });
  return {cluster, cache, syncer, metrics, warnings, obj};
}

const liveSecret = (c: FakeCluster) => c.objects.get('Secret/payments/db');
const liveSealed = (c: FakeCluster) => c.objects.get('SealedSecret/payments/db');

test('a sync creates the Secret under the controller\'s field manager and stamps Synced=True for the generation it read', async () => {
  const c1 = canary();
  const {cluster, syncer} = setup({password: c1});
  assert.equal(await syncer.sync('payments/db'), false);
  assert.equal(liveSecret(cluster)?.data?.password, b64(c1));
  assert.ok(cluster.calls.includes(`create Secret db ${FIELD_MANAGER}`), cluster.calls.join('\n'));
  const status = liveSealed(cluster)?.status;
  assert.equal(status.observedGeneration, 1);
  assert.equal(status.conditions[0].status, 'True');
});

test('the status write sends the metadata whole, without the spec or managedFields', async () => {
  // A real API server's field manager reads a label or annotation missing from a status write
  // as removed by the writer and takes it from its owner; the spec is a reset field there, and a
  // body without managedFields keeps the stored ones.
  const {cluster, cache, syncer} = setup();
  const live = liveSealed(cluster)!;
  live.metadata!.labels = {team: 'payments'};
  live.metadata!.annotations = {note: 'kept'};
  live.metadata!.finalizers = ['example.com/hold'];
  live.metadata!.managedFields = [{manager: 'kubectl', operation: 'Apply', fieldsV1: {'f:metadata': {'f:labels': {'f:team': {}}}}}];
  cache.set('payments/db', structuredClone(live));
  assert.equal(await syncer.sync('payments/db'), false);
  const [body] = cluster.statusBodies;
  assert.deepEqual([body.metadata?.labels, body.metadata?.annotations, body.metadata?.finalizers], [{team: 'payments'}, {note: 'kept'}, ['example.com/hold']]);
  assert.equal(body.metadata?.resourceVersion, live.metadata!.resourceVersion);
  assert.equal(body.metadata?.uid, live.metadata!.uid);
  assert.equal(body.spec, undefined);
  assert.equal(body.metadata?.managedFields, undefined);
  assert.equal(body.status.conditions[0].status, 'True');
});

test('the event of its own write, and a change to keys it does not manage, are not news; a change to data is', async () => {
  const {cluster, syncer} = setup();
  await syncer.sync('payments/db');
  const own = liveSecret(cluster)!;
  assert.equal(syncer.secretChanged('ADDED', own), undefined, 'its own create');
  const labelled = structuredClone(own);
  labelled.metadata!.labels = {...labelled.metadata!.labels, 'policy.example/owner': 'platform'};
  labelled.metadata!.resourceVersion = '999';
  assert.equal(syncer.secretChanged('MODIFIED', labelled), undefined, 'another writer\'s label');
  const edited = structuredClone(labelled);
  edited.data = {password: b64('edited by hand')};
  edited.metadata!.resourceVersion = '1000';
  assert.equal(syncer.secretChanged('MODIFIED', edited), 'payments/db');
  const relabelled = structuredClone(labelled);
  relabelled.metadata!.labels = {app: 'web'};
  assert.equal(syncer.secretChanged('MODIFIED', relabelled), 'payments/db', 'a template label changed');
  assert.equal(syncer.secretChanged('DELETED', own), 'payments/db');
});

test('an event that arrives while its write is in flight is matched against the write when it returns', async () => {
  const {cluster, syncer} = setup();
  const create = cluster.create.bind(cluster);
  cluster.create = async <T>(obj: KubeObject, q?: Record<string, unknown>): Promise<T> => {
    const stored = await create<KubeObject>(obj, q);
    // The watch event overtakes the response.
    assert.equal(syncer.secretChanged('ADDED', stored), undefined);
    return stored as T;
  };
  await syncer.sync('payments/db');
  assert.equal(syncer.secretChanged('MODIFIED', liveSecret(cluster)!), undefined);
});

test('a 409 on the status write after the spec moved on does not stamp the newer generation', async () => {
  const {cluster, syncer} = setup();
  cluster.beforeStatusWrite = () => {
    cluster.beforeStatusWrite = undefined;
    // Someone re-seals the object between our read and our status write.
    const cur = liveSealed(cluster)!;
    cluster.put({...cur, metadata: {...cur.metadata, generation: 2}});
  };
  assert.equal(await syncer.sync('payments/db'), false);
  const stamped = cluster.calls.filter((x) => x.startsWith('update SealedSecret/status'));
  assert.deepEqual(stamped, ['update SealedSecret/status db observedGeneration=1 kubectl-secret-controller'], 'no second attempt with generation 2');
  assert.equal(liveSealed(cluster)?.status, undefined);
});

test('a 409 on the status write while the generation is the same retries once on the fresh object', async () => {
  const {cluster, syncer} = setup();
  cluster.beforeStatusWrite = () => {
    cluster.beforeStatusWrite = undefined;
    const cur = liveSealed(cluster)!;
    cluster.put({...cur, metadata: {...cur.metadata, annotations: {touched: 'yes'}}});
  };
  await syncer.sync('payments/db');
  assert.equal(liveSealed(cluster)?.status?.observedGeneration, 1);
  assert.equal(liveSealed(cluster)?.metadata?.annotations?.touched, 'yes');
});

test('a deleted Secret whose owner is gone or being deleted is not re-created; one whose owner stands is', async () => {
  for (const [owner, recreated] of [['gone', false], ['deleting', false], ['standing', true]] as const) {
    const {cluster, syncer, cache} = setup();
    await syncer.sync('payments/db');
    const secret = liveSecret(cluster)!;
    await cluster.delete({kind: 'Secret'} as ResourceInfo, 'db', 'payments');
    if (owner === 'gone') cluster.objects.delete('SealedSecret/payments/db');
    if (owner === 'deleting') cluster.put({...liveSealed(cluster)!, metadata: {...liveSealed(cluster)!.metadata, deletionTimestamp: '2026-01-01T00:00:00Z'}});
    // The cache still holds the owner as it was: its own event has not arrived.
    assert.ok(cache.get('payments/db'));
    assert.equal(syncer.secretChanged('DELETED', secret), 'payments/db');
    await syncer.sync('payments/db');
    assert.equal(Boolean(liveSecret(cluster)), recreated, owner);
  }
});

test('a failed sync reports the reason as a Warning and Synced=False, and writes no Secret', async () => {
  const {cluster, syncer, warnings, metrics, cache} = setup();
  const obj = structuredClone(cache.get('payments/db')!);
  const raw = Buffer.from(obj.spec.encryptedData.password, 'base64');
  raw[raw.length - 1] ^= 1;
  obj.spec.encryptedData.password = raw.toString('base64');
  cache.set('payments/db', obj);
  assert.equal(await syncer.sync('payments/db'), false);
  assert.deepEqual(warnings, ['Tampered']);
  assert.deepEqual(metrics.failed, ['Tampered']);
  assert.equal(liveSecret(cluster), undefined);
  assert.equal(liveSealed(cluster)?.status?.conditions?.[0]?.reason, 'Tampered');
});

test('a Secret write that conflicts is retried; a refused one is reported WriteFailed and retried', async () => {
  const {cluster, syncer, warnings} = setup();
  cluster.create = async () => {
    throw new ClusterError('conflict', {status: 409});
  };
  assert.equal(await syncer.sync('payments/db'), true);
  assert.deepEqual(warnings, []);
  cluster.create = async () => {
    throw new ClusterError('forbidden', {status: 403});
  };
  assert.equal(await syncer.sync('payments/db'), true);
  assert.deepEqual(warnings, ['WriteFailed']);
});
