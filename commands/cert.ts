import {Flags} from '@oclif/core';
import {ClusterCommand} from './_base.js';
import {controllerFlags, schemeFlag} from './_seal-flags.js';
import {writeErr, writeOut} from '../src/io/stdio.js';

export default class Cert extends ClusterCommand {
  static override summary = 'Print the certificate or key the cluster seals with.';
  static override description = 'Print the certificate or public key the cluster seals with, and its fingerprint (like kubeseal --fetch-cert).';
  static override examples = [
    'kubectl secret cert --scheme sealed-secrets > sealed-secrets.pem',
    'kubectl secret cert --scheme nacl > kubectl-secret.pem',
  ];
  static override flags = {scheme: schemeFlag, ...controllerFlags, 'output-file': Flags.string({char: 'w', description: 'Write the PEM to this file instead of stdout.'})};

  async run(): Promise<void> {
    const {flags} = await this.parse(Cert);
    const [{resolveSealingKey}, {atomicWriteFile}] = await Promise.all([import('../src/seal/key-resolution.js'), import('../src/io/atomic-write.js')]);
    const key = await resolveSealingKey({scheme: flags.scheme as any, connect: () => this.cluster(flags), keyNamespace: flags['key-namespace'], controller: {namespace: flags['controller-namespace'], name: flags['controller-name']}});
    if (flags['output-file']) atomicWriteFile(flags['output-file'], key.pem);
    else writeOut(key.pem.endsWith('\n') ? key.pem : key.pem + '\n');
    const what = key.scheme === 'nacl' ? `nacl key id ${key.keyId}` : `sealed-secrets certificate, sha256 fingerprint ${key.fingerprint}, valid until ${key.notAfter.toISOString()}`;
    writeErr(`${what} (from ${key.source})\n`);
  }
}
