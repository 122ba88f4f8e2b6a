// Flags shared by the commands that need a sealing or opening key.
import {Flags} from '@oclif/core';

export const schemeFlag = Flags.string({description: 'Sealing scheme (default: inferred from --cert, else from what the cluster runs).', options: ['sealed-secrets', 'nacl']});
export const scopeFlag = Flags.string({description: "Scope the value is bound to (default: the input's scope annotations, else strict).", options: ['strict', 'namespace-wide', 'cluster-wide']});

export const controllerFlags = {
  'controller-namespace': Flags.string({description: 'Namespace of the Sealed Secrets controller (default kube-system).'}),
  'controller-name': Flags.string({description: 'Service name of the Sealed Secrets controller (default: sealed-secrets-controller, sealed-secrets, or the chart label).'}),
  'key-namespace': Flags.string({description: 'Namespace of the nacl sealing keys.', default: 'kube-system'}),
};
