// Defaulting and validation for the kinds whose rules our tools depend on, ported from
// k8s.io/kubernetes/pkg/apis/core/validation (ValidateSecret, ValidateConfigMap, immutability),
// pkg/apis/apps/v1/defaults.go and pkg/apis/apps/validation (selector must match template).
import {Buffer} from 'node:buffer';
import type {ResourceType} from './registry.js';
import {ApiError, errors} from './status.js';
import {matchLabelSelectorObject} from './selectors.js';
import {deepEqual} from './patch.js';

type Cause = Parameters<typeof errors.invalid>[2][number];

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const MAX_SECRET = 1024 * 1024;

/** Decodes `data` the way the apiserver's JSON decoder does for []byte, or fails with its 400. */
function checkBase64(t: ResourceType, field: 'data' | 'binaryData', obj: any): void {
  const data = obj[field];
  if (data === undefined || data === null) return;
  if (typeof data !== 'object' || Array.isArray(data)) throw errors.badRequest(`${t.kind} in version "${t.version}" cannot be handled as a ${t.kind}: json: cannot unmarshal ${Array.isArray(data) ? 'array' : typeof data} into Go struct field ${t.kind}.${field} of type map[string][]uint8`);
  for (const v of Object.values(data)) {
    if (v === null) continue;
    if (typeof v !== 'string') throw errors.badRequest(`${t.kind} in version "${t.version}" cannot be handled as a ${t.kind}: json: cannot unmarshal ${typeof v} into Go value of type []uint8`);
    const s = v.replace(/[\r\n]/g, '');
    if (!STD_BASE64.test(s)) {
      let at = 0;
      while (at < s.length && /[A-Za-z0-9+/]/.test(s[at])) at++;
      if (at === s.length) at = Math.floor(s.length / 4) * 4;
      throw errors.badRequest(`${t.kind} in version "${t.version}" cannot be handled as a ${t.kind}: illegal base64 data at input byte ${at}`);
    }
  }
}

function nameCauses(t: ResourceType, obj: any): Cause[] {
  const name = obj.metadata?.name;
  if (!name) return [{field: 'metadata.name', type: 'Required value', detail: 'name or generateName is required'}];
  if (t.group === 'rbac.authorization.k8s.io') {
    return name === '.' || name === '..' || /[/%]/.test(name) ? [{field: 'metadata.name', type: 'Invalid value', value: name, detail: 'may not contain \'/\' or \'%\''}] : [];
  }
  if (t.kind === 'Namespace' || t.kind === 'Service') {
    if (!DNS1123_LABEL.test(name) || name.length > 63) {
      return [{field: 'metadata.name', type: 'Invalid value', value: name, detail: 'a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character (e.g. \'my-name\',  or \'123-abc\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?\')'}];
    }
    return [];
  }
  if (!DNS1123_SUBDOMAIN.test(name) || name.length > 253) {
    return [{field: 'metadata.name', type: 'Invalid value', value: name, detail: 'a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')'}];
  }
  return [];
}

function labelCauses(obj: any): Cause[] {
  const out: Cause[] = [];
  for (const [k, v] of Object.entries(obj.metadata?.labels ?? {})) {
    if (!LABEL_NAME.test(k)) out.push({field: 'metadata.labels', type: 'Invalid value', value: k, detail: 'name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character'});
    if (typeof v !== 'string' || !LABEL_VALUE.test(v) || v.length > 63) out.push({field: 'metadata.labels', type: 'Invalid value', value: v, detail: 'a valid label must be an empty string or consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character'});
  }
  return out;
}

function keyCauses(field: string, data: Record<string, unknown> | undefined): Cause[] {
  const out: Cause[] = [];
  for (const k of Object.keys(data ?? {})) {
    if (!CONFIG_KEY.test(k) || k === '.' || k === '..' || k.length > 253) {
      out.push({field: `${field}[${k}]`, type: 'Invalid value', value: k, detail: 'a valid config key must consist of alphanumeric characters, \'-\', \'_\' or \'.\' (e.g. \'key.name\',  or \'KEY_NAME\',  or \'key-name\', regex used for validation is \'[-._a-zA-Z0-9]+\')'});
    }
  }
  return out;
}

/** Secret: stringData folds into data (base64) and is never stored, as the v1 conversion does. */
export function normalizeSecret(t: ResourceType, obj: any): void {
  checkBase64(t, 'data', obj);
  if (obj.stringData !== undefined && obj.stringData !== null) {
    if (typeof obj.stringData !== 'object') throw errors.badRequest(`Secret in version "v1" cannot be handled as a Secret: json: cannot unmarshal ${typeof obj.stringData} into Go struct field Secret.stringData of type map[string]string`);
    obj.data ??= {};
    for (const [k, v] of Object.entries(obj.stringData)) obj.data[k] = Buffer.from(String(v ?? ''), 'utf8').toString('base64');
  }
  delete obj.stringData;
  if (obj.data) for (const [k, v] of Object.entries(obj.data)) if (v === null) obj.data[k] = '';
  if (obj.data && Object.keys(obj.data).length === 0) delete obj.data;
  obj.type ??= 'Opaque';
}

const REQUIRED_KEYS: Record<string, string[]> = {
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
};

export function applyDefaults(t: ResourceType, obj: any): void {
  if (!t.builtin) return;
  const spec = obj.spec;
  switch (t.kind) {
    case 'Secret':
      normalizeSecret(t, obj);
      break;
    case 'ConfigMap':
      checkBase64(t, 'binaryData', obj);
      break;
    case 'Namespace':
      obj.spec ??= {};
      obj.spec.finalizers ??= ['kubernetes'];
      obj.status = {phase: obj.status?.phase ?? 'Active'};
      obj.metadata.labels = {...obj.metadata.labels, 'kubernetes.io/metadata.name': obj.metadata.name};
      break;
    case 'Deployment':
      if (!spec) break;
      spec.replicas ??= 1;
      rollingByDefault(spec, 'strategy', {maxUnavailable: '25%', maxSurge: '25%'});
      spec.revisionHistoryLimit ??= 10;
      spec.progressDeadlineSeconds ??= 600;
      break;
    case 'StatefulSet':
      if (!spec) break;
      spec.replicas ??= 1;
      rollingByDefault(spec, 'updateStrategy', {partition: 0});
      spec.podManagementPolicy ??= 'OrderedReady';
      spec.revisionHistoryLimit ??= 10;
      break;
    case 'DaemonSet':
      if (!spec) break;
      rollingByDefault(spec, 'updateStrategy', {maxUnavailable: 1, maxSurge: 0});
      spec.revisionHistoryLimit ??= 10;
      break;
    case 'ReplicaSet':
    case 'ReplicationController':
      if (spec) spec.replicas ??= 1;
      break;
    case 'Service':
      if (!spec) break;
      spec.type ??= 'ClusterIP';
      spec.sessionAffinity ??= 'None';
      for (const p of spec.ports ?? []) {
        p.protocol ??= 'TCP';
        p.targetPort ??= p.port;
      }
      break;
  }
}

export function validate(t: ResourceType, obj: any, old: any | undefined): void {
  const name = obj.metadata?.name ?? '';
  const causes: Cause[] = [...(old ? [] : nameCauses(t, obj)), ...labelCauses(obj)];
  if (t.kind === 'Secret' && t.builtin) {
    causes.push(...keyCauses('data', obj.data));
    const size = Object.values(obj.data ?? {}).reduce((n: number, v) => n + Buffer.from(String(v), 'base64').length, 0);
    if (size > MAX_SECRET) causes.push({field: 'data', type: 'Too long', detail: `must have at most ${MAX_SECRET} bytes`});
    for (const k of REQUIRED_KEYS[obj.type] ?? []) if (obj.data?.[k] === undefined) causes.push({field: `data[${k}]`, type: 'Required value', detail: ''});
    if (old && old.type !== obj.type) causes.push({field: 'type', type: 'Invalid value', value: obj.type, detail: 'field is immutable'});
  }
  if (t.kind === 'ConfigMap' && t.builtin) causes.push(...keyCauses('data', obj.data), ...keyCauses('binaryData', obj.binaryData));
  if ((t.kind === 'Secret' || t.kind === 'ConfigMap') && t.builtin && old?.immutable === true) {
    // ValidateSecretUpdate / ValidateConfigMapUpdate: once immutable, data and the flag are frozen.
    const fields = t.kind === 'Secret' ? ['data'] : ['data', 'binaryData'];
    for (const f of fields) if (!deepEqual(old[f] ?? {}, obj[f] ?? {})) causes.push({field: f, type: 'Forbidden', detail: 'field is immutable when `immutable` is set'});
    if (obj.immutable !== true) causes.push({field: 'immutable', type: 'Forbidden', detail: 'field is immutable when `immutable` is set'});
  }
  if (t.builtin && ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'].includes(t.kind)) {
    const spec = obj.spec ?? {};
    if (!spec.selector) causes.push({field: 'spec.selector', type: 'Required value', detail: ''});
    else if (!matchLabelSelectorObject(spec.selector, spec.template?.metadata?.labels)) {
      causes.push({field: 'spec.template.metadata.labels', type: 'Invalid value', value: spec.template?.metadata?.labels ?? {}, detail: '`selector` does not match template `labels`'});
    }
    if (!Array.isArray(spec.template?.spec?.containers) || spec.template.spec.containers.length === 0) causes.push({field: 'spec.template.spec.containers', type: 'Required value', detail: ''});
    if (old && !deepEqual(old.spec?.selector, spec.selector)) causes.push({field: 'spec.selector', type: 'Invalid value', value: spec.selector, detail: 'field is immutable'});
  }
  if (t.kind === 'CustomResourceDefinition') {
    const n = obj.spec?.names;
    if (!obj.spec?.group || !n?.plural || !n?.kind) causes.push({field: 'spec', type: 'Required value', detail: 'group, names.plural and names.kind are required'});
    else if (name !== `${n.plural}.${obj.spec.group}`) causes.push({field: 'metadata.name', type: 'Invalid value', value: name, detail: `must be spec.names.plural+"."+spec.group`});
  }
  if (causes.length > 0) throw errors.invalid(t, name, causes);
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

/** apps/v1 defaulting of an update strategy: RollingUpdate unless set, with that kind's rollingUpdate defaults. */
function rollingByDefault(spec: any, field: 'strategy' | 'updateStrategy', rollingUpdate: Record<string, unknown>): void {
  spec[field] ??= {};
  spec[field].type ||= 'RollingUpdate';
  if (spec[field].type === 'RollingUpdate') spec[field].rollingUpdate ??= rollingUpdate;
}
