// `apply`: nacl objects are opened in memory and the Secret is server-side applied, so no
// plaintext touches the disk; Bitnami objects are applied as they are (without any status the
// file carries) and we wait for the controller to unseal them, as it reports it (waitSynced).
import {IncompleteError} from '../errors.js';
import {resourceFor} from '../kube/resources.js';
import {assertSecretDataSize, secretToObject} from '../manifests/secret.js';
import {schemeOf, sealedIdentity} from './sealed-object.js';
import {sealedDataSize, unsealObject, type OpeningKeys} from './unseal.js';
import type {Cluster} from '../kube/cluster.js';
import type {SourcedObject, KubeObject} from '../manifests/parse.js';

export const FIELD_MANAGER = 'kubectl-secret';
const BITNAMI = resourceFor('SealedSecret', 'bitnami.com');
const SECRET = resourceFor('Secret');

export interface ApplyEvent {
  object: string;
  message: string;
  ok: boolean;
}

/** The apply body: what the file declares, never its `status` (on a CRD without a status subresource the server would store a stale one as if the controller had written it). */
function ssaBody(o: KubeObject): KubeObject {
  const {metadata, status: _status, ...rest} = o;
  const m: Record<string, unknown> = {name: metadata?.name, namespace: metadata?.namespace};
  if (metadata?.labels) m.labels = metadata.labels;
  if (metadata?.annotations) m.annotations = metadata.annotations;
  return {...rest, metadata: m};
}

export async function applySealed(cluster: Cluster, docs: SourcedObject[], keys: OpeningKeys, o: {timeoutMs: number; pollMs?: number; onEvent: (e: ApplyEvent) => void}): Promise<void> {
  const failures: string[] = [];
  // Every object is checked before the first is applied: none of a file, or all of it.
  for (const d of docs) {
    const id = sealedIdentity(d.object);
    assertSecretDataSize(sealedDataSize({...d.object, metadata: {...d.object.metadata, namespace: id.namespace ?? cluster.namespace}}), `${d.file}:${d.line}: SealedSecret ${id.name ?? ''}`);
  }
  for (const d of docs) {
    const scheme = schemeOf(d.object)!;
    const id = sealedIdentity(d.object);
    const ns = id.namespace ?? cluster.namespace;
    if (scheme === 'nacl') {
      const secret = secretToObject(unsealObject({...d.object, metadata: {...d.object.metadata, namespace: ns}}, keys, `${d.file}:${d.line}: `));
      await cluster.patch(resourceFor('Secret'), secret.metadata!.name!, ns, ssaBody(secret), 'apply', {fieldManager: FIELD_MANAGER, force: true});
      o.onEvent({object: `secret/${secret.metadata!.name}`, message: `applied in namespace ${ns}`, ok: true});
      continue;
    }
    const r = resourceFor('SealedSecret', 'bitnami.com');
    const before = await observe(cluster, id.name!, ns);
    const body = ssaBody({...d.object, metadata: {...d.object.metadata, namespace: ns}});
    const applied = await cluster.patch<KubeObject>(r, id.name!, ns, body, 'apply', {fieldManager: FIELD_MANAGER, force: true});
    const name = `sealedsecret/${id.name}`;
    o.onEvent({object: name, message: `applied in namespace ${ns}; waiting for the controller`, ok: true});
    const expected = [...Object.keys(d.object.spec?.encryptedData ?? {}), ...Object.keys(d.object.spec?.template?.data ?? {})];
    const result = await waitSynced(cluster, id.name!, ns, applied, before, expected, o.timeoutMs, o.pollMs ?? 500);
    o.onEvent({object: name, message: result.message, ok: result.ok});
    if (!result.ok) failures.push(`${name}: ${result.message}`);
  }
  if (failures.length) throw new IncompleteError(`${failures.length} SealedSecret(s) did not sync: ${failures.join('; ')}`, 'check the controller\'s logs and `kubectl secret verify FILE`');
}

interface Before {
  generation?: number;
  /** The Secret's resourceVersion before the apply (compared for equality only: it is opaque). */
  secretVersion?: string;
}

async function observe(cluster: Cluster, name: string, ns: string): Promise<Before> {
  const [sealed, secret] = await Promise.all([cluster.get<KubeObject>(BITNAMI, name, ns), cluster.get<KubeObject>(SECRET, name, ns)]);
  return {generation: sealed ? Number(sealed.metadata?.generation ?? 0) : undefined, secretVersion: secret?.metadata?.resourceVersion};
}

/**
 * Waits the ways Bitnami's controller can tell: a Synced condition for this generation (only
 * with --update-status, the default from v0.17.0; some versions write it only when Synced flips),
 * or the Secret it controls carrying every expected key, written since the apply when the apply
 * changed the spec. A Synced=False is not final: the controller retries a failed unseal, so it is
 * reported only if nothing better comes before the timeout.
 */
async function waitSynced(cluster: Cluster, name: string, ns: string, applied: KubeObject, before: Before, expected: string[], timeoutMs: number, pollMs: number): Promise<{ok: boolean; message: string}> {
  const deadline = Date.now() + timeoutMs;
  const generation = Number(applied.metadata?.generation ?? 1);
  const specChanged = before.generation === undefined || before.generation !== generation;
  let failure: string | undefined;
  for (;;) {
    const cur = await cluster.get<KubeObject>(BITNAMI, name, ns);
    if (!cur) return {ok: false, message: 'the SealedSecret was deleted while waiting'};
    const cond = (cur.status?.conditions ?? []).find((c: any) => c.type === 'Synced');
    const observed = Number(cur.status?.observedGeneration ?? 0);
    if (cond && observed >= generation) {
      if (cond.status === 'True') return {ok: true, message: 'Synced'};
      failure = `not synced: ${cond.reason ?? ''}${cond.message ? ` (${cond.message})` : ''}`.trim();
    }
    const secret = await cluster.get<KubeObject>(SECRET, name, ns);
    const ref = (secret?.metadata?.ownerReferences ?? []).find((x: any) => x?.controller === true);
    const owned = ref !== undefined && ref.uid === cur.metadata?.uid;
    const complete = expected.every((k) => secret?.data?.[k] !== undefined);
    if (owned && complete && (!specChanged || secret?.metadata?.resourceVersion !== before.secretVersion)) {
      return {ok: true, message: `unsealed: the controller wrote Secret ${name} with ${expected.length === 1 ? 'its key' : `all ${expected.length} keys`}${cond ? '' : ' (it reports no status)'}`};
    }
    if (Date.now() >= deadline) return {ok: false, message: failure ?? `the controller did not report Synced nor write Secret ${name} within ${Math.round(timeoutMs / 1000)}s`};
    await new Promise((res) => setTimeout(res, Math.min(pollMs, Math.max(0, deadline - Date.now()))));
  }
}
