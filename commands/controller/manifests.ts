import {Flags} from '@oclif/core';
import {BaseCommand} from '../_base.js';
import {controllerFlags} from '../_seal-flags.js';
import {writeOut} from '../../src/io/stdio.js';

export default class ControllerManifests extends BaseCommand {
  static override summary = 'Print the manifests that install the nacl controller.';
  static override description = 'Print the manifests that install the nacl controller: CRD, ServiceAccount, RBAC and Deployment.';
  static override examples = [
    'kubectl secret controller manifests | kubectl apply -f -',
    'kubectl secret controller manifests --image registry.example.com/kubectl-secret:0.1.0 --namespace sealing',
  ];
  static override flags = {
    image: Flags.string({description: 'Controller image (default: kubectl-secret:VERSION, as built by the repository\'s Dockerfile).'}),
    namespace: Flags.string({char: 'n', description: 'Namespace to install the controller in.', default: 'kube-system'}),
    'key-namespace': controllerFlags['key-namespace'],
    replicas: Flags.integer({description: 'Replicas (one leads at a time).', default: 2, min: 1}),
    output: Flags.string({char: 'o', description: 'Output format: yaml|json.', options: ['yaml', 'json'], default: 'yaml'}),
  };

  async run(): Promise<void> {
    const {flags} = await this.parse(ControllerManifests);
    const [{controllerManifests}, {renderManifests}] = await Promise.all([import('../../src/controller/manifests.js'), import('../../src/render/manifests.js')]);
    const objects = controllerManifests({image: flags.image ?? `kubectl-secret:${this.config.version}`, namespace: flags.namespace, keyNamespace: flags['key-namespace'], replicas: flags.replicas});
    writeOut(renderManifests(objects, flags.output as 'yaml' | 'json'));
  }
}
