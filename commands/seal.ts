import {Args, Flags} from '@oclif/core';
import {ClusterCommand} from './_base.js';
import {controllerFlags, schemeFlag, scopeFlag} from './_seal-flags.js';
import {writeErr, writeOut} from '../src/io/stdio.js';

export default class Seal extends ClusterCommand {
  static override summary = 'Encrypt Secrets with the cluster\'s public key, safe to commit.';
  static override description = 'Encrypt Secrets with the cluster\'s public key so the result is safe to commit. Reads Secret manifests (YAML, JSON or a List) from FILE or stdin, or builds one from --name and --from-* flags, and prints SealedSecrets. The sealed-secrets scheme is what the Bitnami controller decrypts; the nacl scheme is kubectl-secret\'s own. No plaintext value is ever printed.';
  static override examples = [
    {description: 'Seal a manifest with the key the cluster publishes', command: 'kubectl secret seal db-secret.yaml -w db-sealed.yaml'},
    {description: 'Seal offline with a certificate fetched once', command: 'kubectl secret seal --cert sealed-secrets.pem < db-secret.yaml > db-sealed.yaml'},
    {description: 'Build and seal a Secret from literals and files', command: 'kubectl secret seal --name db -n payments --from-literal user=app --from-file password=./pw.txt'},
    {description: 'Re-seal one key into an existing sealed file', command: 'kubectl secret seal --name db -n payments --prompt password --merge-into db-sealed.yaml'},
    {description: 'Seal a single value for a SealedSecret template', command: 'kubectl secret seal --raw --name db -n payments --from-file ./pw.txt'},
  ];
  static override args = {file: Args.string({description: 'Manifest file, or - for stdin (default: stdin when it is not a terminal).', ignoreStdin: true})};
  static override flags = {
    scheme: schemeFlag,
    cert: Flags.string({description: 'Seal offline with this certificate (sealed-secrets) or public key (nacl): a file or an http(s) URL.'}),
    scope: scopeFlag,
    ...controllerFlags,
    output: Flags.string({char: 'o', description: 'Output format.', options: ['yaml', 'json'], default: 'yaml'}),
    // The output modes exclude each other, declared so oclif refuses a mix before runSeal runs.
    'output-file': Flags.string({char: 'w', description: 'Write the sealed manifests to this file (atomically) instead of stdout.', exclusive: ['in-place', 'merge-into', 'raw']}),
    'in-place': Flags.boolean({description: 'Replace FILE with its sealed version (atomically).', default: false, exclusive: ['output-file', 'merge-into', 'raw']}),
    'merge-into': Flags.string({description: 'Add or replace only the given keys in this existing sealed file; other keys stay byte-identical.', exclusive: ['output-file', 'in-place', 'raw']}),
    raw: Flags.boolean({description: 'Seal one value (--from-file, --from-literal or stdin) and print only its base64.', default: false, exclusive: ['output-file', 'in-place', 'merge-into', 'from-env-file', 'prompt']}),
    name: Flags.string({description: 'Build the Secret from flags, with this name.'}),
    'from-literal': Flags.string({description: 'KEY=VALUE to put in the Secret (repeatable).', multiple: true}),
    'from-file': Flags.string({description: '[KEY=]PATH whose content becomes a value (repeatable).', multiple: true}),
    'from-env-file': Flags.string({description: 'A file of KEY=VALUE lines (repeatable).', multiple: true}),
    prompt: Flags.string({description: 'Ask for the value of KEY with a hidden prompt, twice (repeatable; needs a terminal).', multiple: true}),
    type: Flags.string({description: 'Secret type when building from flags.', default: 'Opaque'}),
    'skip-other-kinds': Flags.boolean({description: 'Copy non-Secret documents through unchanged instead of failing.', default: false}),
    'allow-empty-data': Flags.boolean({description: 'Seal Secrets that have no data.', default: false}),
    force: Flags.boolean({description: 'Replace a read-only -w, --in-place or --merge-into file.', default: false}),
  };

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Seal);
    const [{runSeal}, {resolveSealingKey}, {promptSecretValue}, notes] = await Promise.all([
      import('../src/seal/inputs.js'), import('../src/seal/key-resolution.js'), import('../src/io/prompt.js'), import('../src/seal/notes.js'),
    ]);
    // Noted on the way, for what is said on stderr afterwards.
    let scheme: import('../src/seal/sealed-object.js').Scheme | undefined;
    let fromContext: {namespace: string; context: string} | undefined;
    const building = flags.name !== undefined || (flags.raw && (flags['from-file'] || flags['from-literal']));
    if (!building && flags.prompt?.length) this.fail('--prompt builds a Secret from flags and needs --name', 'add --name NAME', 2);
    const prompted = new Map<string, Buffer>();
    for (const key of flags.prompt ?? []) prompted.set(key, await promptSecretValue(key, {allowEmpty: flags['allow-empty-data'], allowEmptyFlag: '--allow-empty-data'}));
    const result = await runSeal({
      file: args.file,
      fromFlags: building ? {name: flags.name ?? '', type: flags.type, literals: flags['from-literal'], files: flags['from-file'], envFiles: flags['from-env-file'], values: prompted} : undefined,
      scope: flags.scope as any,
      format: flags.output as 'yaml' | 'json',
      outputFile: flags['output-file'],
      inPlace: flags['in-place'],
      mergeInto: flags['merge-into'],
      raw: flags.raw,
      skipOtherKinds: flags['skip-other-kinds'],
      allowEmptyData: flags['allow-empty-data'],
      force: flags.force,
      namespace: flags.namespace,
      contextNamespace: async () => {
        const {InputError} = await import('../src/errors.js');
        try {
          const {namespace, contextName} = await this.cluster(flags);
          fromContext = {namespace, context: contextName};
          return namespace;
        } catch (error) {
          // Offline (--cert, no kubeconfig) the real way out is to name the namespace, as with kubeseal.
          if (error instanceof InputError && error.message.startsWith('no kubeconfig found')) {
            throw new InputError(`${error.message}, and the Secret has no namespace: a sealed value opens only in the namespace it was sealed for`, 'name it: -n NAMESPACE, or metadata.namespace in the Secret (or --scope cluster-wide)');
          }
          throw error;
        }
      },
      key: async () => {
        const key = await resolveSealingKey({
          cert: flags.cert,
          scheme: flags.scheme as any,
          connect: () => this.cluster(flags),
          keyNamespace: flags['key-namespace'],
          controller: {namespace: flags['controller-namespace'], name: flags['controller-name']},
        });
        scheme = key.scheme;
        return key;
      },
    });
    if (result.stdout) writeOut(result.stdout);
    for (const f of result.written) writeErr(`sealed ${result.sealedCount} ${flags['merge-into'] ? 'key(s)' : 'Secret(s)'} into ${f}\n`);
    // --raw prints a value for a template, not a file to apply.
    if (flags.raw || !scheme) return;
    if (fromContext) this.note(notes.contextNamespaceNote(fromContext.namespace, fromContext.context));
    this.note(notes.schemeNote(scheme, result.written.length ? result.written : ['FILE']));
  }
}
