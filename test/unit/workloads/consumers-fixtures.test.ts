// The oracle is ../shared/fixtures/README.md: each workloads/ file's EXPECTED line lists the
// Secret references a spec-based finder must report. Here every reference of each file is
// listed, so a distractor (ConfigMap refs, a Secret named only in container args) that showed
// up would make the comparison fail.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {join} from 'node:path';
import {loadManifests} from '../../../src/kube/object-source.js';
import {findConsumers, isTopLevelWorkload, secretReferences, type ConsumerRef} from '../../../src/workloads/consumers.js';
import {REPO_ROOT} from '../../helpers/cli.js';

const FIXTURES = join(REPO_ROOT, '..', 'shared', 'fixtures');

function load(rel: string) {
  const objects = loadManifests([join(FIXTURES, rel)], false, 'default').map((o) => o.object);
  return {workloads: objects, serviceAccounts: objects.filter((o) => o.kind === 'ServiceAccount')};
}

/** kind/name secret via container key|mountPath optional */
const fmt = (r: ConsumerRef) => `${r.kind}/${r.name} ${r.secret} ${r.via} ${r.container ?? '-'} ${r.key ?? r.mountPath ?? '-'}${r.optional ? ' optional' : ''}`;

function allRefs(rel: string): string[] {
  const {workloads, serviceAccounts} = load(rel);
  return workloads.filter(isTopLevelWorkload).flatMap((w) => secretReferences(w, serviceAccounts)).map(fmt).sort();
}

const EXPECTED: Record<string, string[]> = {
  'argocd-application-controller-statefulset.yaml': [
    'StatefulSet/argocd-application-controller argocd-redis env argocd-application-controller auth',
    'StatefulSet/argocd-application-controller argocd-repo-server-tls volume argocd-application-controller /app/config/controller/tls optional',
    'StatefulSet/argocd-application-controller argocd-repo-server-mtls volume argocd-application-controller /app/config/reposerver/mtls optional',
  ],
  'argocd-redis-ha-helm-rendered.yaml': [
    'Deployment/argocd-redis-ha-haproxy argocd-redis env haproxy auth',
    'StatefulSet/argocd-redis-ha-server argocd-redis env config-init auth',
    'StatefulSet/argocd-redis-ha-server argocd-redis env redis auth',
    'StatefulSet/argocd-redis-ha-server argocd-redis env sentinel auth',
    'StatefulSet/argocd-redis-ha-server argocd-redis env split-brain-fix auth',
  ],
  'argocd-server-deployment.yaml': [
    'Deployment/argocd-server argocd-redis env argocd-server auth',
    'Deployment/argocd-server argocd-repo-server-tls volume argocd-server /app/config/server/tls optional',
    'Deployment/argocd-server argocd-dex-server-tls volume argocd-server /app/config/dex/tls optional',
    'Deployment/argocd-server argocd-repo-server-mtls volume argocd-server /app/config/reposerver/mtls optional',
  ],
  'cluster-autoscaler-azure-vmss.yaml': ['SubscriptionID', 'ResourceGroup', 'TenantID', 'ClientID', 'ClientSecret', 'VMType'].map(
    (k) => `Deployment/cluster-autoscaler cluster-autoscaler-azure env cluster-autoscaler ${k}`),
  'gke-hubble-ui-std.yaml': ['Deployment/hubble-ui hubble-relay-client-certs projected backend /var/lib/hubble-ui/certs'],
  'gke-nim-gemma-deployment.yaml': ['Deployment/nim-gemma-3-27b-deployment ngc-secret imagePullSecret - -'],
  'gke-stateful-mysql-c1-mysql.yaml': [
    'StatefulSet/dbc1 mysql-secret env mysql password',
    'StatefulSet/dbc1 mysql-secret env mysql admin-password',
  ],
  'ingress-nginx-exoscale-daemonset.yaml': ['DaemonSet/ingress-nginx-controller ingress-nginx-admission volume controller /usr/local/certificates/'],
  'k8s-examples-newrelic-infra-daemonset.yaml': ['DaemonSet/newrelic-infra-agent newrelic-config volume newrelic /etc/kube-nr-infra'],
  'kubeflow-dex-deployment.yaml': ['Deployment/dex dex-oidc-client envFrom dex -', 'Deployment/dex dex-passwords envFrom dex -'],
  'kubeflow-istio-cluster-local-gateway.yaml': [
    'Deployment/cluster-local-gateway istio-ingressgateway-certs volume istio-proxy /etc/istio/ingressgateway-certs optional',
    'Deployment/cluster-local-gateway istio-ingressgateway-ca-certs volume istio-proxy /etc/istio/ingressgateway-ca-certs optional',
  ],
  // The tls-certs volume is mounted by the init container and by the main container.
  'kubeflow-metadata-grpc-deployment-patch.yaml': [
    'Deployment/metadata-grpc-deployment mysql-secret env generate-config username',
    'Deployment/metadata-grpc-deployment mysql-secret env generate-config password',
    'Deployment/metadata-grpc-deployment kfp-api-tls-cert volume generate-config /etc/pki/tls/certs',
    'Deployment/metadata-grpc-deployment kfp-api-tls-cert volume container /etc/pki/tls/certs',
    'Deployment/metadata-grpc-deployment mysql-secret volume generate-config /etc/mysql-secret',
  ],
  'kubeflow-model-catalog-deployment.yaml': [
    'Deployment/model-catalog-server model-catalog-postgres env catalog POSTGRES_USER',
    'Deployment/model-catalog-server model-catalog-postgres env catalog POSTGRES_PASSWORD',
    'Deployment/model-catalog-server model-catalog-hf-api-key env catalog HF_API_KEY optional',
  ],
  'kubeflow-model-catalog-postgres-statefulset.yaml': ['StatefulSet/model-catalog-postgres model-catalog-postgres envFrom postgres -'],
  'test-infra-label-sync-cronjob.yaml': ['CronJob/label-sync oauth-token volume label-sync /etc/github'],
};

for (const [file, expected] of Object.entries(EXPECTED)) {
  test(`workloads/${file}: every expected Secret reference is found, and nothing else`, () => {
    assert.deepEqual(allRefs(join('workloads', file)), [...expected].sort());
  });
}

test('the Jobs that name ingress-nginx-admission only in container args are not consumers', () => {
  const objects = load('workloads/ingress-nginx-exoscale-daemonset.yaml');
  assert.ok(objects.workloads.some((o) => o.kind === 'Job' && JSON.stringify(o.spec).includes('--secret-name=ingress-nginx-admission')), 'fixture still has the distractor');
  const found = findConsumers('ingress-nginx-admission', 'ingress-nginx', objects);
  assert.deepEqual([...new Set(found.map((r) => `${r.kind}/${r.name}`))], ['DaemonSet/ingress-nginx-controller']);
});

test('ConfigMap references are never reported as Secrets (argocd-server has 65 configMapKeyRefs)', () => {
  const objects = load('workloads/argocd-server-deployment.yaml');
  assert.deepEqual(findConsumers('argocd-cmd-params-cm', 'default', objects), []);
});

test('the ServiceAccount secrets: list is not a pod reference (argocd-redis-ha)', () => {
  const objects = load('workloads/argocd-redis-ha-helm-rendered.yaml');
  const refs = findConsumers('argocd-redis', 'argocd', objects);
  assert.ok(refs.every((r) => r.via === 'env'));
  assert.equal(refs.length, 5);
});

test('a Secret is only consumed by workloads of its own namespace', () => {
  assert.deepEqual(findConsumers('hubble-relay-client-certs', 'default', load('workloads/gke-hubble-ui-std.yaml')), []);
  assert.equal(findConsumers('hubble-relay-client-certs', 'kube-system', load('workloads/gke-hubble-ui-std.yaml')).length, 1);
});

test('a JSON List (kube-libsonnet golden): the Deployment, DaemonSet, StatefulSet and bare Pod consume foo-secret', () => {
  const refs = findConsumers('foo-secret', 'foons', load('scan-positive/kube-libsonnet-golden-list.json'));
  assert.deepEqual(refs.map((r) => `${r.kind}/${r.name} ${r.envVar} ${r.key}`).sort(), [
    'DaemonSet/foo-ds my_secret sec_key', 'Deployment/foo-deploy my_secret sec_key', 'Pod/foo-pod my_secret sec_key', 'StatefulSet/foo-sts my_secret sec_key',
  ]);
});
