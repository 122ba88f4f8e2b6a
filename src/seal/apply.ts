// `apply`: nacl objects are opened in memory and the Secret is server-side applied, so no
// plaintext touches the disk; Bitnami objects are applied as they are and we wait for the
// controller to report them Synced.
import {IncompleteError} from '../errors.js';
import {resourceFor} from '../kube/resources.js';
import {assertSecretDataSize, secretToObject} from '../manifests/secret.js';
import {schemeOf, sealedIdentity} from './sealed-object.js';
import {sealedDataSize, unsealObject, type OpeningKeys} from './unseal.js';
import type {Cluster} from '../kube/cluster.js';
import type {SourcedObject, KubeObject} from '../manifests/parse.js';

export const FIELD_MANAGER = 'kubectl-secret';

export interface ApplyEvent {
  object: string;
  message: string;
  ok: boolean;
}

function ssaBody(o: KubeObject): KubeObject {
  const {metadata, ...rest} = o;
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
    const body = ssaBody({...d.object, metadata: {...d.object.metadata, namespace: ns}});
    const applied = await cluster.patch<KubeObject>(r, id.name!, ns, body, 'apply', {fieldManager: FIELD_MANAGER, force: true});
    const name = `sealedsecret/${id.name}`;
    o.onEvent({object: name, message: `applied in namespace ${ns}; waiting for the controller`, ok: true});
    const result = await waitSynced(cluster, id.name!, ns, Number(applied.metadata?.generation ?? 1), o.timeoutMs, o.pollMs ?? 500);
    o.onEvent({object: name, message: result.message, ok: result.ok});
    if (!result.ok) failures.push(`${name}: ${result.message}`);
  }
  if (failures.length) throw new IncompleteError(`${failures.length} SealedSecret(s) did not sync: ${failures.join('; ')}`, 'check the controller\'s logs and `kubectl secret verify FILE`');
}

async function waitSynced(cluster: Cluster, name: string, ns: string, generation: number, timeoutMs: number, pollMs: number): Promise<{ok: boolean; message: string}> {
  const deadline = Date.now() + timeoutMs;
  const r = resourceFor('SealedSecret', 'bitnami.com');
  for (;;) {
    const cur = await cluster.get<KubeObject>(r, name, ns);
    const cond = (cur?.status?.conditions ?? []).find((c: any) => c.type === 'Synced');
    const observed = Number(cur?.status?.observedGeneration ?? 0);
    if (cond && observed >= generation) {
      if (cond.status === 'True') return {ok: true, message: 'Synced'};
      return {ok: false, message: `not synced: ${cond.reason ?? ''}${cond.message ? ` (${cond.message})` : ''}`.trim()};
    }
    if (Date.now() >= deadline) return {ok: false, message: `the controller did not report Synced within ${Math.round(timeoutMs / 1000)}s`};
    await new Promise((res) => setTimeout(res, pollMs));
  }
}

