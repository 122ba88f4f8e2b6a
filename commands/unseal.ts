import {Args, Flags} from '@oclif/core';
import {ClusterCommand} from './_base.js';
import {controllerFlags} from './_seal-flags.js';
import {writeErr, writeOut} from '../src/io/stdio.js';

export default class Unseal extends ClusterCommand {
  static override summary = 'Decrypt a sealed file and print the plaintext (shows values).';
  static override description = 'Decrypt a sealed file and print the plaintext Secret (this command shows values). nacl objects open with the cluster\'s private keys (needs read access to them) or --key; Bitnami objects with --recovery-private-key, as kubeseal --recovery-unseal. Writing plaintext to a file inside a git work tree is refused unless git ignores it or --force is given.';
  static override examples = [
    'kubectl secret unseal db-sealed.yaml',
    'kubectl secret unseal db-sealed.yaml --key ./kubectl-secret-key.pem -w /tmp/db.yaml',
    'kubectl secret unseal legacy-sealed.yaml --recovery-private-key ./sealed-secrets-key.yaml',
  ];
  static override args = {file: Args.string({description: 'Sealed file (either scheme).', required: true, ignoreStdin: true})};
  static override flags = {
    key: Flags.string({description: 'nacl private key (PEM PRIVATE KEY) to open with (repeatable).', multiple: true}),
    'recovery-private-key': Flags.string({description: 'Sealed Secrets controller private key: PEM, or its key Secret as YAML (repeatable).', multiple: true}),
    'key-namespace': controllerFlags['key-namespace'],
    output: Flags.string({char: 'o', description: 'Output format.', options: ['yaml', 'json'], default: 'yaml'}),
    'output-file': Flags.string({char: 'w', description: 'Write the plaintext Secret here (always mode 0600, atomically; never through a symbolic link) instead of stdout.'}),
    force: Flags.boolean({description: 'Allow -w to a path inside a git work tree that git does not ignore (or where git cannot tell), or over a read-only file.', default: false}),
  };

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Unseal);
    const [{readSealedFile}, {loadOpeningKeys}, {unsealObject}, {assertSafePlaintextPath}, {secretToObject}, {renderManifests}, {atomicWriteFile}] = await Promise.all([
      import('../src/seal/sealed-files.js'), import('../src/seal/opening-keys.js'), import('../src/seal/unseal.js'), import('../src/seal/plaintext-path.js'),
      import('../src/manifests/secret.js'), import('../src/render/manifests.js'), import('../src/io/atomic-write.js'),
    ]);
    if (flags['output-file']) assertSafePlaintextPath(flags['output-file'], flags.force);
    const {docs} = readSealedFile(args.file);
    const keys = await loadOpeningKeys(docs.map((d) => d.object), {naclKeyFiles: flags.key, rsaKeyFiles: flags['recovery-private-key'], connect: () => this.cluster(flags), keyNamespace: flags['key-namespace']});
    const secrets = docs.map((d) => secretToObject(unsealObject(d.object, keys, `${d.file}:${d.line}: `)));
    const text = renderManifests(secrets, flags.output as 'yaml' | 'json');
    if (flags['output-file']) {
      atomicWriteFile(flags['output-file'], text, {private: true, force: flags.force});
      writeErr(`wrote ${secrets.length} plaintext Secret(s) to ${flags['output-file']}\n`);
    } else writeOut(text);
  }
}
