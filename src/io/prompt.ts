// Hidden prompts for values. They refuse to run without a terminal, so a value is never read
// from a pipe by surprise, and ask twice so a typo does not become the new password.
import {InputError} from '../errors.js';

export function requireTty(what: string, alternative: string): void {
  if (!process.stdin.isTTY) throw new InputError(`${what} needs a terminal, and stdin is not one`, alternative);
}

export async function promptSecretValue(key: string): Promise<Buffer> {
  requireTty(`--prompt ${key}`, 'use --from-literal, --from-file or --from-env-file instead');
  const inquirer = (await import('inquirer')).default;
  for (let attempt = 0; attempt < 3; attempt++) {
    const {first} = await inquirer.prompt([{type: 'password', name: 'first', message: `Value for ${key}:`, mask: '*'}]);
    const {second} = await inquirer.prompt([{type: 'password', name: 'second', message: `Again, to confirm ${key}:`, mask: '*'}]);
    if (first === second) return Buffer.from(first, 'utf8');
    process.stderr.write('The two values differ; try again.\n');
  }
  throw new InputError(`the values typed for ${key} did not match`, 'run the command again');
}

export async function confirm(message: string, def = false): Promise<boolean> {
  const inquirer = (await import('inquirer')).default;
  const {ok} = await inquirer.prompt([{type: 'confirm', name: 'ok', message, default: def}]);
  return Boolean(ok);
}
