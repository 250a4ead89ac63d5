import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { CLI_ACTOR } from '../core/audit/index.ts';
import type { Config } from '../core/config/load.ts';
import type { Deps } from '../core/deps.ts';
import { ValidationError } from '../core/errors.ts';
import { createBackup } from './backup.service.ts';
import { restoreBackup, type OpenRuntime } from './restore.service.ts';

/** What the backup commands need from the command line around them. */
export interface BackupCliContext {
  out(text: string): void;
  /** Opens the runtime of the declaration named by `--config`, runs `run`, closes it. */
  withRuntime<T>(configFlag: string | undefined, run: (runtime: Deps) => Promise<T>): Promise<T>;
  loadConfig(configFlag: string | undefined): Promise<Config>;
  /** A runtime for `config` that the caller closes. */
  openRuntime(config: Config): ReturnType<OpenRuntime>;
}

const configOption = () =>
  new Option('--config <file>', 'the declaration (default: $TREFF_CONFIG, else ./treff.yaml)');

async function readPassphrase(path: string | undefined): Promise<string | undefined> {
  if (path === undefined) return undefined;
  try {
    return (await readFile(resolve(path), 'utf8')).replace(/\r?\n$/, '');
  } catch {
    throw new ValidationError('backup_passphrase_missing', `Cannot read ${path}`);
  }
}

/**
 * Adds `treff backup` and `treff restore FILE` to `program`. Failures throw AppErrors, which
 * the program prints and turns into exit code 1.
 */
export function registerBackupCommands(program: Command, context: BackupCliContext): void {
  program
    .command('backup')
    .description(
      'write an encrypted backup of the database into backup.dir and delete those older than backup.keep',
    )
    .addOption(configOption())
    .action(async (options: { config?: string }) => {
      await context.withRuntime(options.config, async (runtime) => {
        const report = await createBackup(runtime);
        context.out(`Wrote ${report.file} (${report.bytes} bytes, encrypted).\n`);
        if (report.pruned.length > 0)
          context.out(
            `Deleted ${report.pruned.length} backup${report.pruned.length === 1 ? '' : 's'} older than ${runtime.config.backup?.keep ?? ''}: ${report.pruned.join(', ')}\n`,
          );
      });
    });

  program
    .command('restore')
    .description(
      'restore a backup (server stopped), then carry out again every erasure recorded since it',
    )
    .argument('<file>', 'a backup written by treff backup')
    .requiredOption('--key <file>', 'the secret OpenPGP key the backups are encrypted to')
    .option('--passphrase-file <file>', "a file holding the secret key's passphrase")
    .option('--force', 'replace a database that already holds members, accounts or logins')
    .option('--root <dir>', 'look for log files and directories under this directory', '/')
    .addOption(configOption())
    .action(
      async (
        file: string,
        options: {
          key: string;
          passphraseFile?: string;
          force?: boolean;
          root: string;
          config?: string;
        },
      ) => {
        const config = await context.loadConfig(options.config);
        const report = await restoreBackup(config, () => context.openRuntime(config), {
          file: resolve(file),
          keyFile: resolve(options.key),
          passphrase: await readPassphrase(options.passphraseFile),
          force: options.force === true,
          actor: CLI_ACTOR,
          root: resolve(options.root),
        });
        const kinds = Object.entries(report.replayed)
          .filter(([, count]) => count > 0)
          .map(([kind, count]) => `${count} ${kind}`);
        const removed = report.retention.reduce((sum, outcome) => sum + outcome.removed, 0);
        context.out(
          [
            `Restored the backup of ${report.createdAt}.`,
            `Erasure journal: ${report.entries} entries since the backup, replayed ${kinds.length > 0 ? kinds.join(', ') : 'none (nothing left to erase)'}.`,
            `Retention run: removed ${removed}.`,
            'Run treff sync as root now, before the daemons are used: it rewrites the projections from the restored database and removes the files of deleted accounts.',
            '',
          ].join('\n'),
        );
        const failed = report.retention.filter((outcome) => outcome.status === 'error');
        if (failed.length > 0)
          throw new ValidationError(
            'restore_retention_failed',
            `retention jobs failed after the restore: ${failed.map((outcome) => outcome.job).join(', ')}`,
          );
      },
    );
}
