// The completer's view of every command (names, flags, arguments). Completion runs on every TAB
// press, and evaluating every command class to read its static flags was half its start-up
// (docs/performance.md), so the bundles (scripts/build.mjs, the single executable) replace this
// module with the same spec computed at build time from the same classes
// (scripts/esbuild-plugins.mjs, completionSpec). This body is what runs unbundled.
import {specFromCommands, type CommandSpec} from '../completion/complete.js';

export async function completionSpec(): Promise<CommandSpec[]> {
  const {COMMANDS} = await import('../../commands/index.js');
  return specFromCommands(COMMANDS);
}
