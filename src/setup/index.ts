/**
 * `treff setup`: from a fresh Debian 12/13 to the whole club server in one idempotent command
 * (README "Install on a server"). Preflight, packages, user, declaration, TLS, rendered
 * configs with diff and backup, the manual install steps, start, doctor.
 */
export {
  registerSetupCommand,
  setupCommand,
  parseSetupFlags,
  type SetupFlags,
} from './setup.cli.ts';
export { SetupError } from './context.ts';
export { RecordingRunner, SystemRunner, type CommandRunner, type CommandSpec } from './runner.ts';
