// Decoding of application/vnd.kubernetes.protobuf request bodies. kubectl 1.32+ sends protobuf
// from its typed clients (`create secret`, `create deployment`, `auth can-i`, `create token`),
// so a fake server that only spoke JSON would reject what a real one accepts. Responses stay JSON,
// which those clients accept too (they send `Accept: application/vnd.kubernetes.protobuf,
// application/json`). The envelope is runtime.Unknown behind the "k8s\0" magic
// (k8s.io/apimachinery/pkg/runtime/serializer/protobuf); field numbers are those of the
// generated.proto files of k8s.io/api and k8s.io/apimachinery. Only the fields our tools and
// kubectl's generators set are described; unknown fields are skipped, as proto3 does.
import {errors} from './status.js';

type Scalar = 'string' | 'bytes' | 'int' | 'bool' | 'time' | 'quantity' | 'intOrString';
type FieldType = Scalar | Schema | {map: Scalar | Schema} | {repeated: Scalar | Schema};
interface Schema { [num: number]: [string, FieldType] }

const LabelSelector: Schema = {1: ['matchLabels', {map: 'string'}], 2: ['matchExpressions', {repeated: {1: ['key', 'string'], 2: ['operator', 'string'], 3: ['values', {repeated: 'string'}]}}]};
const OwnerReference: Schema = {1: ['kind', 'string'], 3: ['name', 'string'], 4: ['uid', 'string'], 5: ['apiVersion', 'string'], 6: ['controller', 'bool'], 7: ['blockOwnerDeletion', 'bool']};
const ObjectMeta: Schema = {
  1: ['name', 'string'], 2: ['generateName', 'string'], 3: ['namespace', 'string'], 5: ['uid', 'string'], 6: ['resourceVersion', 'string'],
  7: ['generation', 'int'], 8: ['creationTimestamp', 'time'], 11: ['labels', {map: 'string'}], 12: ['annotations', {map: 'string'}],
  13: ['ownerReferences', {repeated: OwnerReference}], 14: ['finalizers', {repeated: 'string'}],
};
const KeySelector: Schema = {1: ['localObjectReference', {1: ['name', 'string']}], 2: ['key', 'string'], 3: ['optional', 'bool']};
const EnvVar: Schema = {1: ['name', 'string'], 2: ['value', 'string'], 3: ['valueFrom', {1: ['fieldRef', {1: ['apiVersion', 'string'], 2: ['fieldPath', 'string']}], 3: ['configMapKeyRef', KeySelector], 4: ['secretKeyRef', KeySelector]}]};
const EnvFrom: Schema = {1: ['prefix', 'string'], 2: ['configMapRef', {1: ['localObjectReference', {1: ['name', 'string']}], 2: ['optional', 'bool']}], 3: ['secretRef', {1: ['localObjectReference', {1: ['name', 'string']}], 2: ['optional', 'bool']}]};
const Container: Schema = {
  1: ['name', 'string'], 2: ['image', 'string'], 3: ['command', {repeated: 'string'}], 4: ['args', {repeated: 'string'}], 5: ['workingDir', 'string'],
  6: ['ports', {repeated: {1: ['name', 'string'], 2: ['hostPort', 'int'], 3: ['containerPort', 'int'], 4: ['protocol', 'string'], 5: ['hostIP', 'string']}}],
  7: ['env', {repeated: EnvVar}], 8: ['resources', {1: ['limits', {map: 'quantity'}], 2: ['requests', {map: 'quantity'}]}],
  9: ['volumeMounts', {repeated: {1: ['name', 'string'], 2: ['readOnly', 'bool'], 3: ['mountPath', 'string'], 4: ['subPath', 'string']}}],
  13: ['terminationMessagePath', 'string'], 14: ['imagePullPolicy', 'string'], 19: ['envFrom', {repeated: EnvFrom}], 20: ['terminationMessagePolicy', 'string'],
};
const Volume: Schema = {1: ['name', 'string'], 2: ['volumeSource', {
  1: ['hostPath', {1: ['path', 'string'], 2: ['type', 'string']}], 2: ['emptyDir', {1: ['medium', 'string']}],
  6: ['secret', {1: ['secretName', 'string'], 3: ['defaultMode', 'int'], 4: ['optional', 'bool']}],
  19: ['configMap', {1: ['localObjectReference', {1: ['name', 'string']}], 3: ['defaultMode', 'int'], 4: ['optional', 'bool']}],
}]};
const PodSpec: Schema = {
  1: ['volumes', {repeated: Volume}], 2: ['containers', {repeated: Container}], 3: ['restartPolicy', 'string'], 4: ['terminationGracePeriodSeconds', 'int'],
  6: ['dnsPolicy', 'string'], 7: ['nodeSelector', {map: 'string'}], 8: ['serviceAccountName', 'string'], 9: ['serviceAccount', 'string'],
  15: ['imagePullSecrets', {repeated: {1: ['name', 'string']}}], 19: ['schedulerName', 'string'], 20: ['initContainers', {repeated: Container}],
};
const PodTemplateSpec: Schema = {1: ['metadata', ObjectMeta], 2: ['spec', PodSpec]};
const ResourceAttributes: Schema = {1: ['namespace', 'string'], 2: ['verb', 'string'], 3: ['group', 'string'], 4: ['version', 'string'], 5: ['resource', 'string'], 6: ['subresource', 'string'], 7: ['name', 'string']};
const NonResourceAttributes: Schema = {1: ['path', 'string'], 2: ['verb', 'string']};

const KINDS: Record<string, Schema> = {
  'v1/Secret': {1: ['metadata', ObjectMeta], 2: ['data', {map: 'bytes'}], 3: ['type', 'string'], 4: ['stringData', {map: 'string'}], 5: ['immutable', 'bool']},
  'v1/ConfigMap': {1: ['metadata', ObjectMeta], 2: ['data', {map: 'string'}], 3: ['binaryData', {map: 'bytes'}], 4: ['immutable', 'bool']},
  'v1/Namespace': {1: ['metadata', ObjectMeta]},
  'v1/ServiceAccount': {1: ['metadata', ObjectMeta], 2: ['secrets', {repeated: {2: ['namespace', 'string'], 3: ['name', 'string']}}], 3: ['imagePullSecrets', {repeated: {1: ['name', 'string']}}], 4: ['automountServiceAccountToken', 'bool']},
  'apps/v1/Deployment': {1: ['metadata', ObjectMeta], 2: ['spec', {
    1: ['replicas', 'int'], 2: ['selector', LabelSelector], 3: ['template', PodTemplateSpec], 4: ['strategy', {1: ['type', 'string'], 2: ['rollingUpdate', {1: ['maxUnavailable', 'intOrString'], 2: ['maxSurge', 'intOrString']}]}],
    5: ['minReadySeconds', 'int'], 6: ['revisionHistoryLimit', 'int'], 7: ['paused', 'bool'], 9: ['progressDeadlineSeconds', 'int'],
  }]},
  'authorization.k8s.io/v1/SelfSubjectAccessReview': {1: ['metadata', ObjectMeta], 2: ['spec', {1: ['resourceAttributes', ResourceAttributes], 2: ['nonResourceAttributes', NonResourceAttributes]}]},
  'authorization.k8s.io/v1/SubjectAccessReview': {1: ['metadata', ObjectMeta], 2: ['spec', {1: ['resourceAttributes', ResourceAttributes], 2: ['nonResourceAttributes', NonResourceAttributes], 3: ['user', 'string'], 4: ['groups', {repeated: 'string'}], 6: ['uid', 'string']}]},
  'authorization.k8s.io/v1/LocalSubjectAccessReview': {1: ['metadata', ObjectMeta], 2: ['spec', {1: ['resourceAttributes', ResourceAttributes], 2: ['nonResourceAttributes', NonResourceAttributes], 3: ['user', 'string'], 4: ['groups', {repeated: 'string'}], 6: ['uid', 'string']}]},
  'authorization.k8s.io/v1/SelfSubjectRulesReview': {1: ['metadata', ObjectMeta], 2: ['spec', {1: ['namespace', 'string']}]},
  'authentication.k8s.io/v1/TokenRequest': {1: ['metadata', ObjectMeta], 2: ['spec', {1: ['audiences', {repeated: 'string'}], 3: ['boundObjectRef', {1: ['kind', 'string'], 2: ['apiVersion', 'string'], 3: ['name', 'string'], 4: ['uid', 'string']}], 4: ['expirationSeconds', 'int']}]},
};

interface Raw { num: number; wire: number; value: bigint | Buffer }

function readVarint(b: Buffer, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (pos >= b.length) throw new Error('truncated varint');
    const byte = b[pos++];
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [result, pos];
    shift += 7n;
  }
}

function fields(b: Buffer): Raw[] {
  const out: Raw[] = [];
  let pos = 0;
  while (pos < b.length) {
    const [tag, p1] = readVarint(b, pos);
    pos = p1;
    const num = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (wire === 0) {
      const [v, p2] = readVarint(b, pos);
      out.push({num, wire, value: v});
      pos = p2;
    } else if (wire === 2) {
      const [len, p2] = readVarint(b, pos);
      const end = p2 + Number(len);
      if (end > b.length) throw new Error('truncated field');
      out.push({num, wire, value: b.subarray(p2, end)});
      pos = end;
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

// Go's generated marshalers write every non-pointer field, zero or not; JSON would omit them
// (omitempty), so zero strings, false and zero plain ints are dropped. Pointer fields (replicas,
// revisionHistoryLimit, ...) are only written when set, so their zeros are real and kept.
const PLAIN_INTS = new Set(['generation', 'minReadySeconds', 'hostPort', 'seconds', 'type', 'intVal']);

function isZero(name: string, t: FieldType, v: unknown): boolean {
  if (t === 'string' || t === 'bool') return v === '' || v === false;
  if (t === 'int') return v === 0 && PLAIN_INTS.has(name);
  if (t === 'time') return v === null;
  return false;
}

function scalar(t: Scalar, r: Raw): unknown {
  switch (t) {
    case 'string': return (r.value as Buffer).toString('utf8');
    case 'bytes': return (r.value as Buffer).toString('base64');
    case 'int': return Number(BigInt.asIntN(64, r.value as bigint));
    case 'bool': return (r.value as bigint) !== 0n;
    case 'quantity': return decode({1: ['string', 'string']}, r.value as Buffer).string ?? '';
    case 'time': {
      const t = decode({1: ['seconds', 'int']}, r.value as Buffer);
      return t.seconds ? new Date(Number(t.seconds) * 1000).toISOString().replace(/\.\d+Z$/, 'Z') : null;
    }
    case 'intOrString': {
      const v = decode({1: ['type', 'int'], 2: ['intVal', 'int'], 3: ['strVal', 'string']}, r.value as Buffer);
      return v.type === 1 ? v.strVal ?? '' : v.intVal ?? 0;
    }
  }
}

function value(t: Scalar | Schema, r: Raw): unknown {
  return typeof t === 'string' ? scalar(t, r) : decode(t, r.value as Buffer);
}

function decode(schema: Schema, b: Buffer): Record<string, any> {
  const out: Record<string, any> = {};
  for (const r of fields(b)) {
    const f = schema[r.num];
    if (!f) continue;
    const [name, type] = f;
    if (typeof type === 'object' && 'map' in type) {
      const entry = decode({1: ['k', 'string']}, r.value as Buffer);
      const v = fields(r.value as Buffer).find((x) => x.num === 2);
      out[name] ??= {};
      out[name][entry.k ?? ''] = v ? value(type.map as Scalar | Schema, v) : typeof type.map === 'string' ? (type.map === 'bytes' || type.map === 'string' ? '' : undefined) : {};
    } else if (typeof type === 'object' && 'repeated' in type) {
      out[name] ??= [];
      out[name].push(value(type.repeated as Scalar | Schema, r));
    } else {
      const v = value(type as Scalar | Schema, r);
      if (!isZero(name, type, v)) out[name] = v;
    }
  }
  return out;
}

/** Inlined embedded structs (Volume.volumeSource, EnvFrom refs) are flattened as Go's json tags inline them. */
function inline(x: any): any {
  if (Array.isArray(x)) return x.map(inline);
  if (typeof x !== 'object' || x === null) return x;
  const out: Record<string, any> = {};
  for (const [k, v] of Object.entries(x)) {
    if (k === 'volumeSource' || k === 'localObjectReference') Object.assign(out, inline(v));
    else out[k] = inline(v);
  }
  return out;
}

export const PROTOBUF = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** The JSON form of a protobuf-encoded request body, or a 415 for kinds we cannot decode. */
export function decodeProtobuf(body: Buffer): any {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) throw errors.badRequest('protobuf body without the k8s envelope');
  let unknown: Record<string, any>;
  try {
    unknown = decode({1: ['typeMeta', {1: ['apiVersion', 'string'], 2: ['kind', 'string']}], 2: ['raw', 'bytes']}, body.subarray(4));
  } catch (e) {
    throw errors.badRequest(`unable to decode protobuf body: ${(e as Error).message}`);
  }
  const {apiVersion, kind} = unknown.typeMeta ?? {};
  const schema = KINDS[`${apiVersion}/${kind}`];
  if (!schema) throw errors.unsupportedMediaType(`${PROTOBUF} (${apiVersion}/${kind})`);
  try {
    return {apiVersion, kind, ...inline(decode(schema, Buffer.from(unknown.raw ?? '', 'base64')))};
  } catch (e) {
    throw errors.badRequest(`unable to decode protobuf ${kind}: ${(e as Error).message}`);
  }
}
