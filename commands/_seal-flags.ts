// Flags shared by the commands that need a sealing or opening key.
import {Flags} from '@oclif/core';

export const schemeFlag = Flags.string({description: 'Sealing scheme (default: inferred from --cert, else from what the cluster runs).', options: ['sealed-secrets', 'nacl']});
export const scopeFlag = Flags.string({description: "Scope the value is bound to (default: the input's scope annotations, else strict).", options: ['strict', 'namespace-wide', 'cluster-wide']});

export const controllerFlags = {
  'controller-namespace': Flags.string({description: 'Namespace of the Sealed Secrets controller (default kube-system).'}),
  'controller-name': Flags.string({description: 'Service name of the Sealed Secrets controller (default: sealed-secrets-controller, sealed-secrets, or the chart label).'}),
  'key-namespace': Flags.string({description: 'Namespace of the nacl sealing keys.', default: 'kube-system'}),
};

/** -n on the keys commands: still parsed (so it can be refused with a hint), but neither shown in help nor completed. */
export const keysFlags = {
  'key-namespace': controllerFlags['key-namespace'],
  namespace: Flags.string({char: 'n', hidden: true, description: 'Not taken by the keys commands: use --key-namespace.'}),
};

/**
 * The keys commands work in --key-namespace; -n (a base flag of every cluster command) would be
 * read by a user as choosing the keys' namespace, and silently ignoring it put keys elsewhere
 * than meant. Refused before anything is read or written.
 */
export async function refuseNamespaceFlag(command: string, flags: {namespace?: string}): Promise<void> {
  if (flags.namespace === undefined) return;
  const {InputError} = await import('../src/errors.js');
  throw new InputError(`${command} does not take -n/--namespace: the sealing keys live in --key-namespace (default kube-system)`, `use --key-namespace ${flags.namespace} to choose the keys' namespace`);
}
