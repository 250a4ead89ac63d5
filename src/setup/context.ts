import type { Translate } from '../core/i18n/index.ts';
import type { setupMessages } from './setup.messages.ts';
import type { CommandResult, CommandRunner, CommandSpec } from './runner.ts';
import type { Target } from './target.ts';

/** A key of setup's own texts. */
export type SetupKey = Extract<keyof (typeof setupMessages)['de'], string>;

/** What every step of `treff setup` works with. */
export interface SetupContext {
  target: Target;
  /** Runs the commands that act on the target (apt-get, useradd, systemctl, postmap, …). */
  runner: CommandRunner;
  /** Runs read-only helper tools on this machine (diff, openssl into a temporary directory). */
  tools: CommandRunner;
  dryRun: boolean;
  force: boolean;
  t: Translate<SetupKey>;
  /** Prints one line. */
  out(line: string): void;
  /** This run's UTC timestamp, naming its backup directory. */
  stamp: string;
  /** Target paths written or removed so far (what a dry run would have listed). */
  written: string[];
  /** Target paths backed up so far. */
  backups: string[];
}

/** A step's outcome: `changed` when it changed (or, in a dry run, would change) something. */
export type StepStatus = 'changed' | 'unchanged' | 'skipped';

/**
 * Runs a command that changes the target, printing `run ARGV` first; in a dry run it is only
 * printed (the runner records it). Throws naming the command and its error output when it fails.
 */
export async function runChecked(
  context: SetupContext,
  spec: CommandSpec,
  options: { allowFail?: boolean } = {},
): Promise<CommandResult> {
  context.out(`run ${spec.argv.join(' ')}`);
  const result = await context.runner.run(spec);
  if (result.code !== 0 && !options.allowFail) {
    throw new SetupError(
      context.t('setup.command.failed', {
        command: spec.argv.join(' '),
        code: result.code,
        output: (result.stderr || result.stdout).trim().split('\n').slice(-5).join('\n  '),
      }),
    );
  }
  return result;
}

/** Ends setup with a message (exit code 1, or 2 for bad flags). */
export class SetupError extends Error {
  readonly exitCode: number;
  readonly details: string[];
  constructor(message: string, exitCode = 1, details: string[] = []) {
    super(message);
    this.name = 'SetupError';
    this.exitCode = exitCode;
    this.details = details;
  }
}
