import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import type { Deps } from '../core/deps.ts';
import { writeFileAtomic } from '../core/fs.ts';
import type { PromiseFigure } from './figures.ts';
import { recordDoctorRun, transparencyFigures } from './transparency.service.ts';

/** What the commands need from the CLI (src/cli.ts). */
export interface TransparencyCliContext {
  out(text: string): void;
  /** Opens the runtime of the declaration `flag` names, runs `run`, closes it. */
  withRuntime(flag: string | undefined, run: (deps: Deps) => Promise<void>): Promise<void>;
  /** Ends the command with exit code 1 and this message. */
  fail(message: string): never;
}

function days(ms: number): string {
  return ms >= 86_400_000
    ? `${(ms / 86_400_000).toFixed(1)} d`
    : `${(ms / 3_600_000).toFixed(1)} h`;
}

/** One line of `treff transparency status`: mark, promise, oldest item, deletion, doctor. */
export function formatFigureLine(figure: PromiseFigure): string {
  const oldest =
    figure.oldestAgeMs === null
      ? 'nothing kept'
      : `oldest ${days(figure.oldestAgeMs)}${figure.limitMs === null ? '' : ` of ${days(figure.limitMs)}`}`;
  const deletion =
    figure.deletedBy !== 'job'
      ? `kept by ${figure.deletedBy}`
      : figure.lastDeletion
        ? `deletion ${figure.lastDeletion.result} at ${figure.lastDeletion.at}`
        : 'deletion never ran';
  const doctor = figure.doctor
    ? figure.doctor.asDeclared
      ? 'settings as declared'
      : 'settings NOT as declared'
    : 'settings not checked';
  const why = figure.reasons.length > 0 ? ` [${figure.reasons.join(', ')}]` : '';
  return `${figure.green ? '✓' : '✗'} ${figure.key} ${figure.promise.en}: ${oldest}; ${deletion}; ${doctor}${why}`;
}

const configOption = () =>
  new Option('--config <file>', 'the declaration (default: $TREFF_CONFIG, else ./treff.yaml)');

/**
 * Adds `treff transparency status` and `export` to `command` (the `transparency` command) and
 * returns it, so the signed statement (statement.cli.ts) can add `verify` beside them.
 * `status` prints one line per promise; exit code 1 when any is red. `export` writes the
 * figures as JSON to stdout or, atomically, to `--out`. `check` runs the doctor and stores its
 * findings for the page (for the root-run sync, which sees what the treff user cannot).
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
        else for (const figure of figures.promises) context.out(`${formatFigureLine(figure)}\n`);
        const red = figures.promises.filter((figure) => !figure.green).length;
        if (red > 0) context.fail(`${red} promise${red === 1 ? ' is' : 's are'} red`);
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
  command
    .command('check')
    .description('run treff doctor and store its findings for the transparency page')
    .addOption(configOption())
    .option('--root <dir>', 'check the tree under this directory instead of /', '/')
    .action(async (options: { config?: string; root: string }) => {
      await context.withRuntime(options.config, async (deps) => {
        const run = await recordDoctorRun(deps, { root: resolve(options.root) });
        context.out(
          `doctor: stored ${run.findings.length} findings (${run.errors} errors, ${run.warnings} warnings) at ${run.checkedAt}\n`,
        );
      });
    });
  return command;
}
