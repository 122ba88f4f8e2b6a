// The order of a rotation, which is the point of it: read the Secret (remembering its
// resourceVersion) → plan → confirm → obtain the new values → let --exec hand them to the
// external system → one conditional write. Every step before the write can fail without
// anything having changed in the cluster. The restart of consumers follows in the command.
import {ClusterError, IncompleteError, InputError} from '../errors.js';
import {resourceFor} from '../kube/resources.js';
import type {Cluster} from '../kube/cluster.js';
import type {KubeObject} from '../manifests/parse.js';
import {assertSecretDataSize, rotatedDataSize} from '../manifests/secret.js';
import type {SealingKey} from '../seal/sealing-key.js';
import {runExec} from './exec.js';
import {generateValue} from './generate.js';
import {ownershipWarnings, planRotation, rotatedObject, type KeyRequest, type RotationPlan} from './plan.js';
import {assertSealedRotationSize, planSealedRotation, readSealedTarget, writeSealedRotation, type SealedTarget} from './sealed.js';
import {checkWrite, recreateSecret, updateSecret} from './write.js';

export interface RotateHooks {
  /** Shown before anything else happens (and all that happens with dryRun). */
  showPlan(plan: RotationPlan): void;
  /** True to go on. May throw (e.g. no terminal to ask on). */
  confirm(plan: RotationPlan): Promise<boolean>;
  promptValue(key: string): Promise<Buffer>;
  onExec?(key: string): void;
}

export interface RotateCommon {
  requests: KeyRequest[];
  add?: boolean;
  dryRun?: boolean;
  exec?: string;
}

export interface RotateOutcome {
  plan: RotationPlan;
  /** False for a dry run. */
  written: boolean;
  /** The new values, by key (for --show-values of generated ones). */
  values: Map<string, Buffer>;
  generated: string[];
}

async function newValues(requests: KeyRequest[], typed: Map<string, Buffer>): Promise<{values: Map<string, Buffer>; generated: string[]}> {
  const values = new Map<string, Buffer>();
  const generated: string[] = [];
  for (const r of requests) {
    const s = r.source;
    if (s.kind === 'generate') {
      values.set(r.key, generateValue(s.length, s.charset));
      generated.push(r.key);
    } else if (s.kind === 'prompt') values.set(r.key, typed.get(r.key)!);
    else values.set(r.key, s.value);
  }
  return {values, generated};
}

/** The values typed at prompts once the user said yes, or undefined for a dry run. */
async function confirmed(plan: RotationPlan, hooks: RotateHooks, o: RotateCommon): Promise<Map<string, Buffer> | undefined> {
  hooks.showPlan(plan);
  if (o.dryRun) return undefined;
  // Typed values are asked before the confirmation, so "yes" is the last answer before a write.
  const typed = new Map<string, Buffer>();
  for (const r of o.requests) if (r.source.kind === 'prompt') typed.set(r.key, await hooks.promptValue(r.key));
  if (!(await hooks.confirm(plan))) throw new IncompleteError('rotation cancelled; nothing was written');
  return typed;
}

export async function rotateSecret(cluster: Cluster, o: RotateCommon & {name: string; namespace: string; recreate?: boolean; now?: () => Date}, hooks: RotateHooks): Promise<RotateOutcome & {object?: KubeObject}> {
  const live = await cluster.get<KubeObject>(resourceFor('Secret'), o.name, o.namespace);
  if (!live) throw new InputError(`secret "${o.name}" not found in namespace "${o.namespace}"`, 'check the name and the namespace (-n); to create a Secret, use kubectl create secret or kubectl secret seal');
  const plan = planRotation(o.name, o.namespace, Object.keys(live.data ?? {}), o.requests, {add: o.add, immutable: live.immutable === true, resourceVersion: live.metadata?.resourceVersion, warnings: ownershipWarnings(live)});
  if (plan.immutable && !o.recreate) {
    throw new InputError(`Secret ${o.namespace}/${o.name} is immutable: its data cannot be updated`, 'pass --recreate to delete it and create it again with the new values (its consumers then restart), or create a Secret under a new name');
  }
  const typed = await confirmed(plan, hooks, o);
  if (!typed) return {plan, written: false, values: new Map(), generated: []};
  const {values, generated} = await newValues(o.requests, typed);
  assertSecretDataSize(rotatedDataSize(live, values), `Secret ${o.namespace}/${o.name} after the rotation`);
  const next = rotatedObject(live, values, (o.now ?? (() => new Date()))());
  if (o.exec) {
    // The external system is changed only once the Secret write is shown to pass RBAC,
    // admission, quota and size (a dry run of the same request); --recreate's own check
    // (access reviews, dry-run create) runs here too, before the command, not after it.
    await checkWrite(cluster, live, next, plan.immutable);
    await runExec(o.exec, values, o.name, o.namespace, hooks.onExec);
  }
  try {
    const object = plan.immutable ? await recreateSecret(cluster, live, next) : await updateSecret(cluster, next);
    return {plan, written: true, values, generated, object};
  } catch (error) {
    // --exec already handed the new values on: the user must know the two now disagree.
    if (!o.exec || !(error instanceof ClusterError)) throw error;
    throw new ClusterError(`${error.message}; but --exec already ran for ${[...values.keys()].join(', ')}, so the external system has new values the Secret does not`, {
      status: error.status, reason: error.reason, hint: 'run the rotation again: --exec then sets the external system and the Secret to the same new values',
    });
  }
}

export async function rotateSealed(o: RotateCommon & {file: string; name?: string; namespace?: string; key: (t: SealedTarget) => Promise<SealingKey>}, hooks: RotateHooks): Promise<RotateOutcome & {target: SealedTarget}> {
  const target = readSealedTarget(o.file, o.name, o.namespace);
  const plan = planSealedRotation(target, o.requests, Boolean(o.add));
  const typed = await confirmed(plan, hooks, o);
  if (!typed) return {plan, written: false, values: new Map(), generated: [], target};
  // The key first: failing to get it must not come after --exec changed the external system.
  const key = await o.key(target);
  const {values, generated} = await newValues(o.requests, typed);
  assertSealedRotationSize(target, values);
  if (o.exec) await runExec(o.exec, values, target.name, target.namespace ?? '', hooks.onExec);
  writeSealedRotation(target, values, key);
  return {plan, written: true, values, generated, target};
}
