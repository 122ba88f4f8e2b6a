import {Args, Flags} from '@oclif/core';
import {ClusterCommand} from './_base.js';
import {controllerFlags} from './_seal-flags.js';
import {restartFlags} from './_restart-flags.js';
import type {Charset} from '../src/rotate/generate.js';
import type {RotationPlan} from '../src/rotate/plan.js';
import {writeErr, writeOut} from '../src/io/stdio.js';

export default class Rotate extends ClusterCommand {
  static override summary = 'Give keys of a Secret new values and restart its consumers.';
  static override description = 'Give keys of a Secret new values with no lost update, record when, and restart its consumers. Shows the plan (keys, never values) and asks before writing; the update carries the resourceVersion that was read, so a concurrent change makes it fail with nothing written (exit 3). Records kubectl-secret.dev/rotated-at and kubectl-secret.dev/rotated-keys on the Secret, then restarts its consumers as `kubectl secret restart` does. With --sealed FILE, rotates inside a sealed file instead and writes nothing to the cluster.';
  static override examples = [
    {description: 'New random password, then restart what uses it', command: 'kubectl secret rotate db -n payments --generate password'},
    {description: 'Change the database user first (the script reads the new value on stdin), then the Secret', command: 'kubectl secret rotate db -n payments --generate password --exec ./set-db-password.sh'},
    {description: 'A value you have, without a prompt, in CI', command: 'kubectl secret rotate api -n payments --from-file token=./token.txt --yes'},
    {description: 'GitOps: re-seal one key in a sealed file, then commit it', command: 'kubectl secret rotate --sealed db-sealed.yaml --generate password --cert sealed-secrets.pem'},
  ];
  static override args = {name: Args.string({description: 'The Secret name (optional with --sealed when the file holds one SealedSecret).', ignoreStdin: true})};
  static override flags = {
    generate: Flags.string({description: 'Give KEY a new cryptographically random value (repeatable).', multiple: true}),
    length: Flags.integer({description: 'Length of generated values, in characters.', default: 32, min: 1, max: 65_536}),
    charset: Flags.string({description: 'Characters of generated values.', options: ['alnum', 'hex', 'base64url', 'ascii'], default: 'alnum'}),
    'from-literal': Flags.string({description: 'KEY=VALUE: the new value of KEY (repeatable).', multiple: true}),
    'from-file': Flags.string({description: 'KEY=PATH: the new value of KEY is the file\'s content (repeatable).', multiple: true}),
    prompt: Flags.string({description: 'Ask for the new value of KEY with a hidden prompt, twice (repeatable; needs a terminal).', multiple: true}),
    add: Flags.boolean({description: 'Allow keys that the Secret does not have yet.', default: false}),
    yes: Flags.boolean({char: 'y', description: 'Do not ask for confirmation (needed without a terminal).', default: false}),
    'dry-run': Flags.boolean({description: 'Print the plan only; generate, run and write nothing.', default: false}),
    'show-values': Flags.boolean({description: 'Print the generated values (off by default).', default: false}),
    exec: Flags.string({description: 'Run CMD (through the shell) once per rotated key before writing, with the new value on stdin and KEY, SECRET_NAME, NAMESPACE in its environment; if it fails, nothing is written.'}),
    recreate: Flags.boolean({description: 'For an immutable Secret: delete it and create it again with the new values.', default: false}),
    restart: Flags.boolean({description: 'Restart the Secret\'s consumers after writing (--no-restart to skip).', default: true, allowNo: true}),
    wait: restartFlags.wait,
    timeout: restartFlags.timeout,
    sealed: Flags.string({description: 'Rotate inside this sealed file (either scheme) instead of the cluster: re-seal the keys, write the file atomically.'}),
    cert: Flags.string({description: 'With --sealed: seal offline with this certificate or nacl public key.'}),
    ...controllerFlags,
  };

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Rotate);
    const [{rotateSecret, rotateSealed}, {collectRequests, renderPlan}, prompt, {InputError, IncompleteError}, {stdinIsTerminal}] = await Promise.all([
      import('../src/rotate/rotate.js'), import('../src/rotate/plan.js'), import('../src/io/prompt.js'), import('../src/errors.js'), import('../src/io/input.js'),
    ]);
    if (flags.prompt?.length && !flags['dry-run']) prompt.requireTty(`--prompt ${flags.prompt[0]}`, 'use --from-file KEY=PATH or --generate KEY instead');
    const requests = collectRequests({generate: flags.generate, literals: flags['from-literal'], files: flags['from-file'], prompts: flags.prompt, length: flags.length, charset: flags.charset as Charset});
    const hooks = {
      // The plan is a question to the user, not the command's output: it goes to the terminal.
      showPlan: (plan: RotationPlan) => prompt.toTerminal(renderPlan(plan, flags.sealed ? {target: `SealedSecret ${plan.namespace ? plan.namespace + '/' : ''}${plan.name} in ${flags.sealed}`} : {})),
      confirm: async () => {
        if (flags.yes) return true;
        if (!stdinIsTerminal()) throw new InputError('refusing to rotate without confirmation: stdin is not a terminal; nothing was written', 'pass --yes to confirm, or --dry-run to see the plan only');
        return prompt.confirm('Rotate these keys?');
      },
      promptValue: (key: string) => prompt.promptSecretValue(key),
      onExec: (key: string) => writeErr(`running --exec for ${key}\n`),
    };
    const common = {requests, add: flags.add, dryRun: flags['dry-run'], exec: flags.exec};

    if (flags.sealed) {
      const {resolveSealingKey} = await import('../src/seal/key-resolution.js');
      const r = await rotateSealed({...common, file: flags.sealed, name: args.name, namespace: flags.namespace, key: (t) => resolveSealingKey({
        cert: flags.cert, scheme: t.scheme, connect: () => this.cluster(flags), keyNamespace: flags['key-namespace'],
        controller: {namespace: flags['controller-namespace'], name: flags['controller-name']},
      })}, hooks);
      if (!r.written) return void writeOut('(dry run: nothing was changed)\n');
      this.report(r.plan.keys.map((k) => k.key), r.generated, r.values, flags['show-values'], `re-sealed into ${flags.sealed}`);
      writeOut(`Nothing was written to the cluster. Commit the file: git add ${flags.sealed} && git commit -m "rotate ${r.target.name}: ${r.plan.keys.map((k) => k.key).join(', ')}"\n`);
      return;
    }

    if (!args.name) throw new InputError('which Secret? pass its NAME', 'e.g. kubectl secret rotate db --generate password (or --sealed FILE for a sealed file)');
    const cluster = await this.cluster(flags);
    const r = await rotateSecret(cluster, {...common, name: args.name, namespace: cluster.namespace, recreate: flags.recreate}, hooks);
    if (!r.written) return void writeOut('(dry run: nothing was changed)\n');
    this.report(r.plan.keys.map((k) => k.key), r.generated, r.values, flags['show-values'], `written to Secret ${cluster.namespace}/${args.name}${r.plan.immutable ? ' (recreated)' : ''} (resourceVersion ${r.object?.metadata?.resourceVersion})`);
    if (!flags.restart) return;

    const [{runRestart}, {restartView, incompleteSummary}, {parseDuration}] = await Promise.all([
      import('../src/workloads/restart.js'), import('../src/workloads/restart-render.js'), import('../src/duration.js'),
    ]);
    const view = restartView(process.stdout);
    const report = await runRestart(cluster, args.name, cluster.namespace, {wait: flags.wait, timeoutMs: parseDuration(flags.timeout, '--timeout')}, (e) => view.onEvent(e));
    if (report.results.length === 0) writeOut(`No workloads in namespace ${cluster.namespace} use Secret "${args.name}".\n`);
    if (report.incomplete.length > 0) throw new IncompleteError(`the Secret was rotated, but ${incompleteSummary(report)}`, `fix the cause shown above, then run \`kubectl secret restart ${args.name} -n ${cluster.namespace}\``);
  }

  private report(keys: string[], generated: string[], values: Map<string, Buffer>, showValues: boolean, where: string): void {
    writeOut(`Rotated ${keys.join(', ')}: ${where}\n`);
    if (showValues) for (const k of generated) writeOut(`${k}=${values.get(k)!.toString('utf8')}\n`);
    else if (generated.length) writeOut(`(generated values are not shown; pass --show-values to print them)\n`);
  }
}
