import { posix, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import type { Config } from '../core/config/load.ts';
import type { ExportComparison } from '../keys/index.ts';
import { logRetention } from './declared.ts';
import { diagnose } from './doctor.checks.ts';
import { formatFinding, summarize, type Finding } from './doctor.ts';
import { scrubLastlog } from './shell/lastlog.ts';

/** What the commands need from the CLI (src/cli.ts). */
export interface DoctorCliContext {
  out(text: string): void;
  loadConfig(flag: string | undefined): Promise<Config>;
  /** The WKD export against the database (opens it); null when no export is declared. */
  compareWkdExport?(flag: string | undefined): Promise<ExportComparison | null>;
  /** Ends the command with exit code 1 and this message. */
  fail(message: string): never;
}

const listed = (paths: readonly string[]) =>
  paths.length > 5
    ? `${paths.slice(0, 5).join(', ')} and ${paths.length - 5} more`
    : paths.join(', ');

/**
 * The doctor's findings for the WKD export (services.wkd.exportDir): the files nginx serves must
 * be exactly what the database publishes (a missing one is a key nginx 404s, a stale or extra
 * one a key that treff would no longer serve), with modes nginx can read and no more.
 */
export function wkdExportFindings(comparison: ExportComparison): Finding[] {
  const base = {
    promise: 'WKD export matches the published keys',
    file: `${comparison.dir}/current`,
    fix: 'restart treff serve (it rewrites the export at start), or check its log for "wkd:"',
  };
  const differences = [
    ...(comparison.present ? [] : ['no export written yet (current is missing)']),
    ...(comparison.missing.length > 0 ? [`missing: ${listed(comparison.missing)}`] : []),
    ...(comparison.stale.length > 0 ? [`stale: ${listed(comparison.stale)}`] : []),
    ...(comparison.extra.length > 0 ? [`extra: ${listed(comparison.extra)}`] : []),
  ];
  return [
    {
      ...base,
      setting: 'the exported files',
      expected: 'the files of the published keys, the policy and the submission address',
      actual: differences.join('; ') || 'as published',
      severity: differences.length === 0 ? 'ok' : 'error',
    },
    {
      ...base,
      promise: 'WKD export readable by nginx, not listable',
      setting: 'file modes',
      expected: 'directories 0711, files 0644, every parent enterable',
      actual: comparison.modes.length === 0 ? 'as expected' : listed(comparison.modes),
      fix: `chmod 0711 the directories and 0644 the files under ${comparison.dir}`,
      severity: comparison.modes.length === 0 ? 'ok' : 'error',
    },
  ];
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
      const root = resolve(options.root);
      const report = await diagnose(config, { root });
      // The export against the database: only on the live system, whose database this is.
      if (root === '/' && config.services.wkd?.exportDir && context.compareWkdExport) {
        const comparison = await context.compareWkdExport(options.config);
        if (comparison) report.findings.push(...wkdExportFindings(comparison));
      }
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
