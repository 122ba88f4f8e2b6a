// Everything `kubectl apply` needs to run the controller: the CRD, a ServiceAccount,
// least-privilege RBAC and a locked-down Deployment. Each rule grants one thing the controller
// does (src/controller/controller.ts); nothing is granted "just in case".
import {DEFAULT_KEY_NAMESPACE} from '../seal/nacl-keys.js';
import type {KubeObject} from '../manifests/parse.js';
import {KS_SEALED_SECRET} from '../kube/resources.js';

export const CONTROLLER_NAME = 'kubectl-secret-controller';
export const APP_LABEL = 'app.kubernetes.io/name';
export const CRD_NAME = `${KS_SEALED_SECRET.plural}.${KS_SEALED_SECRET.group}`;
export const DEFAULT_INSTALL_NAMESPACE = 'kube-system';
/** Non-root UID/GID of the image (Dockerfile) and the Deployment. */
export const RUN_AS = 65532;
const BUILTIN_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

export interface ManifestOptions {
  image: string;
  namespace?: string;
  keyNamespace?: string;
  replicas?: number;
}

const labels = {[APP_LABEL]: CONTROLLER_NAME, 'app.kubernetes.io/part-of': 'kubectl-secret'};

/** metav1.Condition's schema, as controller-gen writes it. */
const conditionSchema = {
  type: 'object',
  required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'],
  properties: {
    type: {type: 'string', maxLength: 316, pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$'},
    status: {type: 'string', enum: ['True', 'False', 'Unknown']},
    observedGeneration: {type: 'integer', format: 'int64', minimum: 0},
    lastTransitionTime: {type: 'string', format: 'date-time'},
    reason: {type: 'string', minLength: 1, maxLength: 1024, pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$'},
    message: {type: 'string', maxLength: 32768},
  },
};

const stringMap = {type: 'object', additionalProperties: {type: 'string'}};

export function crd(): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {name: CRD_NAME, labels},
    spec: {
      group: KS_SEALED_SECRET.group,
      names: {kind: 'SealedSecret', listKind: 'SealedSecretList', plural: KS_SEALED_SECRET.plural, singular: 'sealedsecret'},
      scope: 'Namespaced',
      versions: [{
        name: KS_SEALED_SECRET.version,
        served: true,
        storage: true,
        subresources: {status: {}},
        additionalPrinterColumns: [
          {name: 'Synced', type: 'string', jsonPath: '.status.conditions[?(@.type=="Synced")].status'},
          {name: 'Reason', type: 'string', jsonPath: '.status.conditions[?(@.type=="Synced")].reason', priority: 1},
          {name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp'},
        ],
        schema: {openAPIV3Schema: {
          type: 'object',
          description: 'A Secret sealed with the nacl scheme of kubectl-secret; the controller opens it into a Secret of the same name.',
          required: ['spec'],
          properties: {
            apiVersion: {type: 'string'},
            kind: {type: 'string'},
            metadata: {type: 'object'},
            spec: {
              type: 'object',
              required: ['encryptedData'],
              properties: {
                encryptedData: {...stringMap, description: 'Key → sealed value (base64), each bound to the scope in the template\'s kubectl-secret.dev/scope annotation.'},
                template: {
                  type: 'object',
                  description: 'The Secret to create: its metadata, type and immutable flag, and optional plaintext data.',
                  properties: {
                    metadata: {
                      type: 'object',
                      properties: {name: {type: 'string'}, namespace: {type: 'string'}, labels: stringMap, annotations: stringMap},
                    },
                    type: {type: 'string'},
                    immutable: {type: 'boolean'},
                    data: {...stringMap, description: 'Plaintext (non-secret) data to add, as in Bitnami\'s template.'},
                  },
                },
              },
            },
            status: {
              type: 'object',
              properties: {
                observedGeneration: {type: 'integer', format: 'int64'},
                conditions: {type: 'array', items: conditionSchema, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type']},
              },
            },
          },
        }},
      }],
    },
  };
}

export function controllerManifests(o: ManifestOptions): KubeObject[] {
  const ns = o.namespace ?? DEFAULT_INSTALL_NAMESPACE;
  const keyNs = o.keyNamespace ?? DEFAULT_KEY_NAMESPACE;
  const meta = (name: string, namespace?: string) => ({name, ...(namespace ? {namespace} : {}), labels});
  const subject = [{kind: 'ServiceAccount', name: CONTROLLER_NAME, namespace: ns}];
  const rbac = 'rbac.authorization.k8s.io';
  const out: KubeObject[] = [];
  if (!BUILTIN_NAMESPACES.has(ns)) out.push({apiVersion: 'v1', kind: 'Namespace', metadata: meta(ns)});
  out.push(crd());
  out.push({apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(CONTROLLER_NAME, ns)});
  out.push({
    apiVersion: `${rbac}/v1`, kind: 'ClusterRole', metadata: meta(CONTROLLER_NAME),
    rules: [
      {apiGroups: [KS_SEALED_SECRET.group], resources: ['sealedsecrets'], verbs: ['get', 'list', 'watch']},
      {apiGroups: [KS_SEALED_SECRET.group], resources: ['sealedsecrets/status'], verbs: ['update']},
      // Creates, updates and (to replace an immutable one) deletes the Secrets it owns; reads
      // the sealing keys in the key namespace.
      {apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch', 'create', 'update', 'delete']},
      // patch: a repeated warning bumps the count of the Event already written.
      {apiGroups: [''], resources: ['events'], verbs: ['create', 'patch']},
    ],
  });
  out.push({
    apiVersion: `${rbac}/v1`, kind: 'ClusterRoleBinding', metadata: meta(CONTROLLER_NAME),
    roleRef: {apiGroup: rbac, kind: 'ClusterRole', name: CONTROLLER_NAME}, subjects: subject,
  });
  // The key Secrets need no Role of their own: the ClusterRole already reads Secrets in every
  // namespace, the key namespace included, and a second grant would only hide which one counts.
  const leaseRole = `${CONTROLLER_NAME}-leader-election`;
  out.push({
    apiVersion: `${rbac}/v1`, kind: 'Role', metadata: meta(leaseRole, ns),
    rules: [
      // create cannot be limited by name (the object has no name yet when it is authorized).
      {apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create']},
      {apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: [CONTROLLER_NAME], verbs: ['get', 'update']},
    ],
  });
  out.push({
    apiVersion: `${rbac}/v1`, kind: 'RoleBinding', metadata: meta(leaseRole, ns),
    roleRef: {apiGroup: rbac, kind: 'Role', name: leaseRole}, subjects: subject,
  });
  out.push(deployment(o.image, ns, keyNs, o.replicas ?? 2));
  return out;
}

function deployment(image: string, ns: string, keyNs: string, replicas: number): KubeObject {
  const probe = (path: string) => ({httpGet: {path, port: 'http'}, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3});
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {name: CONTROLLER_NAME, namespace: ns, labels},
    spec: {
      replicas,
      selector: {matchLabels: {[APP_LABEL]: CONTROLLER_NAME}},
      template: {
        metadata: {labels, annotations: {'prometheus.io/scrape': 'true', 'prometheus.io/port': '8080', 'prometheus.io/path': '/metrics'}},
        spec: {
          serviceAccountName: CONTROLLER_NAME,
          securityContext: {runAsNonRoot: true, runAsUser: RUN_AS, runAsGroup: RUN_AS, seccompProfile: {type: 'RuntimeDefault'}},
          containers: [{
            name: 'controller',
            image,
            args: ['controller', 'run', '--key-namespace', keyNs, '--lease-namespace', ns, '--listen', ':8080'],
            ports: [{name: 'http', containerPort: 8080, protocol: 'TCP'}],
            livenessProbe: probe('/healthz'),
            readinessProbe: probe('/readyz'),
            resources: {requests: {cpu: '10m', memory: '64Mi'}, limits: {memory: '256Mi'}},
            securityContext: {
              runAsNonRoot: true,
              readOnlyRootFilesystem: true,
              allowPrivilegeEscalation: false,
              capabilities: {drop: ['ALL']},
            },
            volumeMounts: [{name: 'tmp', mountPath: '/tmp'}],
          }],
          volumes: [{name: 'tmp', emptyDir: {}}],
        },
      },
    },
  };
}
