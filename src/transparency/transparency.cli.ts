import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import type { Deps } from '../core/deps.ts';
import { writeFileAtomic } from '../core/fs.ts';
import { transparencyFigures } from './transparency.service.ts';

/** What the commands need from the CLI (src/cli.ts). */
export interface TransparencyCliContext {
  out(text: string): void;
  /** Opens the runtime of the declaration `flag` names, runs `run`, closes it. */
  withRuntime(flag: string | undefined, run: (deps: Deps) => Promise<void>): Promise<void>;
  /** Ends the command with exit code 1 and this message. */
  fail(message: string): never;
}

const configOption = () =>
  new Option('--config <file>', 'the declaration (default: $TREFF_CONFIG, else ./treff.yaml)');

/**
 * Adds `treff transparency status` and `export` to `command` (the `transparency` command) and
 * returns it, so the signed statement (statement.cli.ts) can add `verify` beside them.
 * `status` prints one line per promise; exit code 1 when any is red. `export` writes the
 * figures as JSON to stdout or, atomically, to `--out`.
 */
export function registerTransparencyCommands(
  command: Command,
  context: TransparencyCliContext,
): Command {
  command.description('the transparency page: promises, their figures, their proof');
  command
    .command('status')
    .description('print each promise with its figures; exit 1 if any is red')
    .addOption(configOption())
    .option('--json', 'print the figures as JSON')
    .action(async (options: { config?: string; json?: boolean }) => {
      await context.withRuntime(options.config, async (deps) => {
        const figures = await transparencyFigures(deps);
        if (options.json) context.out(`${JSON.stringify(figures, null, 2)}\n`);
        else
          for (const figure of figures.promises)
            context.out(`${figure.green ? '✓' : '✗'} ${figure.promise.en}\n`);
        if (!figures.allGreen) context.fail('a promise is red');
      });
    });
  command
    .command('export')
    .description('write the figures as JSON (stdout, or atomically to --out)')
    .addOption(configOption())
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (options: { config?: string; out?: string }) => {
      await context.withRuntime(options.config, async (deps) => {
        const json = `${JSON.stringify(await transparencyFigures(deps), null, 2)}\n`;
        if (options.out) await writeFileAtomic(resolve(options.out), json);
        else context.out(json);
      });
    });
  return command;
}
