import {Args, loadHelpClass} from '@oclif/core';
import {BaseCommand} from './_base.js';
import {resolveCommand, unknownCommand} from './_not-found.js';

export default class HelpCommand extends BaseCommand {
  static override summary = 'Show help for kubectl secret, or for one command.';
  static override examples = ['kubectl secret help', 'kubectl secret help seal', 'kubectl secret help keys init'];
  static override strict = false;
  static override args = {command: Args.string({description: 'The command, as typed (keys init).', required: false, ignoreStdin: true})};

  async run(): Promise<void> {
    const {argv} = await this.parse(HelpCommand);
    const words = argv as string[];
    const Help = await loadHelpClass(this.config);
    const help = new Help(this.config, this.config.pjson.oclif.helpOptions);
    if (words.length === 0) return help.showHelp(['--help']);
    const found = resolveCommand(this.config, words);
    // A topic (keys) has help too; anything else is an unknown command, said the kubectl way.
    if (!found && !this.config.findTopic(words.join(':'))) throw unknownCommand(this.config, words);
    await help.showHelp([...(found ? found.id.split(':') : words), '--help']);
  }
}
