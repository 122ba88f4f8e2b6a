// oclif's explicit command strategy: one registry instead of a directory scan, so the CLI can
// be bundled into a single executable and starts without globbing the file system.
// Command modules import only oclif and flag definitions at top level; each loads its domain
// code from src/ inside run(), so `--help` and offline commands never load the cluster client.
import Consumers from './consumers.js';
import List from './list.js';
import Restart from './restart.js';
import Seal from './seal.js';
import Apply from './apply.js';
import Cert from './cert.js';
import KeysExport from './keys/export.js';
import KeysInit from './keys/init.js';
import KeysList from './keys/list.js';
import KeysRotate from './keys/rotate.js';
import Reencrypt from './reencrypt.js';
import Unseal from './unseal.js';
import Verify from './verify.js';
import WhoCan from './who-can.js';
import Scan from './scan.js';
import HookInstall from './hook/install.js';
import HookStatus from './hook/status.js';
import HookUninstall from './hook/uninstall.js';
import ControllerRun from './controller/run.js';
import ControllerManifests from './controller/manifests.js';
import Diff from './diff.js';
import Rotate from './rotate.js';
import Audit from './audit.js';
import HelpCommand from './help.js';

export const COMMANDS = {
  consumers: Consumers,
  list: List,
  restart: Restart,
  seal: Seal,
  unseal: Unseal,
  apply: Apply,
  verify: Verify,
  reencrypt: Reencrypt,
  cert: Cert,
  'keys:init': KeysInit,
  'keys:rotate': KeysRotate,
  'keys:list': KeysList,
  'keys:export': KeysExport,
  'who-can': WhoCan,
  scan: Scan,
  'hook:install': HookInstall,
  'hook:uninstall': HookUninstall,
  'hook:status': HookStatus,
  'controller:run': ControllerRun,
  'controller:manifests': ControllerManifests,
  diff: Diff,
  rotate: Rotate,
  audit: Audit,
  help: HelpCommand,
};
