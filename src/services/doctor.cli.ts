import { posix, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import type { Config } from '../core/config/load.ts';
import { logRetention } from './declared.ts';
import { diagnose } from './doctor.checks.ts';
import { formatFinding, summarize } from './doctor.ts';
import { scrubLastlog } from './shell/lastlog.ts';

/** What the commands need from the CLI (src/cli.ts). */
export interface DoctorCliContext {
  out(text: string): void;
  loadConfig(flag: string | undefined): Promise<Config>;
  /** Ends the command with exit code 1 and this message. */
  fail(message: string): never;
}

/** Minutes the lastlog scrubber keeps below the bound: its hourly timer plus 1 minute of slack. */
const LASTLOG_MARGIN_MS = 61 * 60_000;

/**
 * Adds `treff doctor` and `treff services scrub-lastlog` to the CLI. `doctor` prints one line per
 * finding that is not ok (`--all`: every finding) and a summary; exit code 1 when a promise is
 * broken. `scrub-lastlog` clears lastlog records older than the log bound (idempotent).
 */
export function registerDoctorCommands(
  program: Command,
  services: Command,
  context: DoctorCliContext,
): void {
  const configOption = () =>
    new Option('--config <file>', 'the declaration (default: $TREFF_CONFIG, else ./treff.yaml)');
  program
    .command('doctor')
    .description('check that the server keeps the promises of the declaration')
    .addOption(configOption())
    .option('--root <dir>', 'check the tree under this directory instead of /', '/')
    .option('--all', 'also print the checks that passed')
    .action(async (options: { config?: string; root: string; all?: boolean }) => {
      const config = await context.loadConfig(options.config);
      const report = await diagnose(config, { root: resolve(options.root) });
      for (const finding of report.findings) {
        if (options.all || finding.severity !== 'ok') context.out(`${formatFinding(finding)}\n`);
      }
      const summary = summarize(report);
      context.out(
        `doctor: ${summary.broken.length} promise${summary.broken.length === 1 ? '' : 's'} broken (${summary.errors} findings), ${summary.warnings} warnings, ${summary.ok} checks passed, ${summary.skipped} skipped\n`,
      );
      if (summary.errors > 0) context.fail(`broken: ${summary.broken.join('; ')}`);
    });
  services
    .command('scrub-lastlog')
    .description('clear lastlog records older than the declared log retention (run hourly)')
    .addOption(configOption())
    .option('--root <dir>', 'the file is <dir>/var/log/lastlog', '/')
    .action(async (options: { config?: string; root: string }) => {
      const config = await context.loadConfig(options.config);
      const cutoff = new Date(Date.now() - logRetention(config).ms + LASTLOG_MARGIN_MS);
      const file = posix.join(resolve(options.root), 'var/log/lastlog');
      const result = await scrubLastlog(file, cutoff);
      context.out(
        `scrub-lastlog: cleared ${result.cleared} records older than ${cutoff.toISOString()}; oldest left: ${result.oldestLeft?.toISOString() ?? 'none'}\n`,
      );
    });
}
