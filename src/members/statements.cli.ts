import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { CLI_ACTOR } from '../core/audit/index.ts';
import type { Deps } from '../core/deps.ts';
import { ValidationError } from '../core/errors.ts';
import { decodeStatement, guessMapping } from './bank-import.ts';
import { looksLikeXml } from './camt.ts';
import { commitCamtImport, previewCamtImport } from './camt.service.ts';
import {
  commitBankImport,
  previewBankImport,
  type BankImportResult,
  type PreviewRow,
} from './contributions.service.ts';

/** What the statement import command needs from the command line around it. */
export interface StatementCliContext {
  out(text: string): void;
  withRuntime<T>(configFlag: string | undefined, run: (runtime: Deps) => Promise<T>): Promise<T>;
}

/** The largest statement file read, as the web's body limit (16 MiB). */
export const MAX_STATEMENT_BYTES = 16 * 1024 * 1024;

function summary(rows: readonly PreviewRow[]): string {
  const matched = rows.filter((row) => !row.duplicate && row.match.status === 'matched').length;
  const duplicates = rows.filter((row) => row.duplicate).length;
  return `${rows.length} rows: ${matched} matched, ${rows.length - matched - duplicates} to review, ${duplicates} imported before`;
}

/** A progress line at most every tenth of the work, so thousands of rows print ten lines. */
function progressPrinter(out: (text: string) => void): (done: number, total: number) => void {
  let lastTenth = -1;
  return (done, total) => {
    const tenth = total === 0 ? 10 : Math.floor((done / total) * 10);
    if (tenth === lastTenth || total < 1000) return;
    lastTenth = tenth;
    out(`  … ${done} of ${total} rows written (${Math.round((done / total) * 100)} %)\n`);
  };
}

/**
 * Adds `treff members import-statement FILE`: a bank statement as CSV (columns guessed as in
 * the web form) or CAMT.053 (detected by its XML, or `--type camt`), previewed with
 * `--dry-run`, else booked all or nothing. Unreadable rows or entries are listed and nothing
 * is booked (exit code 1).
 */
export function registerStatementImport(members: Command, context: StatementCliContext): void {
  members
    .command('import-statement')
    .description('book a bank statement (CSV or CAMT.053): matched rows booked, the rest to review')
    .argument('<file>', 'the bank file')
    .addOption(new Option('--config <file>', 'the declaration'))
    .addOption(
      new Option('--type <type>', 'the file format')
        .choices(['auto', 'csv', 'camt'])
        .default('auto'),
    )
    .option('--dry-run', 'read and match every row, book nothing')
    .action(async (file: string, options: { config?: string; type: string; dryRun?: boolean }) => {
      const path = resolve(file);
      if ((await stat(path)).size > MAX_STATEMENT_BYTES)
        throw new ValidationError('statement_invalid', `${file} is larger than 16 MiB.`);
      const text = decodeStatement(new Uint8Array(await readFile(path)));
      const camt = options.type === 'camt' || (options.type === 'auto' && looksLikeXml(text));
      await context.withRuntime(options.config, async (runtime) => {
        const rows = camt
          ? (await previewCamtImport(runtime, text)).rows
          : await previewBankImport(runtime, text, guessMapping(text).mapping);
        if (options.dryRun) {
          context.out(`${file}: ${summary(rows)} (dry run, nothing booked)\n`);
          return;
        }
        const progress = progressPrinter((line) => {
          context.out(line);
        });
        const result: BankImportResult = camt
          ? await commitCamtImport(runtime, CLI_ACTOR, file, text, progress)
          : await commitBankImport(
              runtime,
              CLI_ACTOR,
              file,
              text,
              guessMapping(text).mapping,
              progress,
            );
        context.out(
          `Booked ${file}: ${result.rows} rows, ${result.matched} matched, ${result.unmatched} to review, ${result.duplicates} imported before.\n`,
        );
      });
    });
}
