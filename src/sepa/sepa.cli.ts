import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { CLI_ACTOR } from '../core/audit/index.ts';
import type { Deps } from '../core/deps.ts';
import { PRIVATE_FILE_MODE, writeFileAtomic } from '../core/fs.ts';
import { requireBankDetails } from './sepa.gate.ts';
import { addMandate, announceCollection, collectionFile, listMandates } from './sepa.service.ts';

/** What the commands need from the CLI (src/cli.ts). */
export interface SepaCliContext {
  out(text: string): void;
  withRuntime(flag: string | undefined, run: (deps: Deps) => Promise<void>): Promise<void>;
}

const configOption = () =>
  new Option('--config <file>', 'the declaration (default: $TREFF_CONFIG, else ./treff.yaml)');

/**
 * `treff sepa mandate add|list`, `treff sepa collect` and `treff sepa file`. Every command
 * refuses (exit 1, `bank_details_not_declared`) when the declaration lists no bank details,
 * before it reads any of its arguments.
 */
export function registerSepaCommands(program: Command, context: SepaCliContext): void {
  const sepa = program.command('sepa').description('SEPA direct debit: mandates and collections');
  const mandate = sepa.command('mandate').description('SEPA direct debit mandates');
  mandate
    .command('add')
    .description('record a signed mandate')
    .addOption(configOption())
    .requiredOption('--member <number>', 'the member number')
    .requiredOption('--iban <iban>', "the debtor's IBAN")
    .option('--bic <bic>', "the debtor's BIC", '')
    .requiredOption('--holder <name>', 'the account holder')
    .requiredOption('--reference <reference>', 'the mandate reference')
    .requiredOption('--signed-on <date>', 'the date of the signature (YYYY-MM-DD)')
    .addOption(
      new Option('--sequence <kind>', 'FRST for a new mandate, RCUR if already used')
        .choices(['FRST', 'RCUR'])
        .default('FRST'),
    )
    .action(
      async (options: {
        config?: string;
        member: string;
        iban: string;
        bic: string;
        holder: string;
        reference: string;
        signedOn: string;
        sequence: string;
      }) => {
        await context.withRuntime(options.config, async (deps) => {
          requireBankDetails(deps.config);
          const row = await addMandate(deps, CLI_ACTOR, {
            memberNumber: options.member,
            iban: options.iban,
            bic: options.bic,
            holder: options.holder,
            reference: options.reference,
            signedOn: options.signedOn,
            sequence: options.sequence,
          });
          context.out(`mandate ${row.reference} recorded (${row.id})\n`);
        });
      },
    );
  mandate
    .command('list')
    .description('print every mandate with its status and lapse date')
    .addOption(configOption())
    .action(async (options: { config?: string }) => {
      await context.withRuntime(options.config, async (deps) => {
        for (const row of await listMandates(deps))
          context.out(
            `${row.member_number}\t${row.reference}\t${row.sequence}\t${row.status}\tlapses ${row.lapsesOn}\n`,
          );
      });
    });
  sepa
    .command('collect')
    .description('announce a collection: one debit per valid mandate, pre-notification mails')
    .addOption(configOption())
    .requiredOption('--due <date>', 'the collection date (YYYY-MM-DD)')
    .action(async (options: { config?: string; due: string }) => {
      await context.withRuntime(options.config, async (deps) => {
        const run = await announceCollection(deps, CLI_ACTOR, { dueOn: options.due });
        const told = run.items.filter((i) => i.notice === 'sent' || i.notice === 'queued');
        context.out(
          `collection ${run.id} on ${run.due_on}: ${run.items.length} debits, ${told.length} pre-notified\n`,
        );
      });
    });
  sepa
    .command('file')
    .description('write the pain.008.001.08 file of a collection (mode 0600)')
    .addOption(configOption())
    .argument('<collection>', 'the collection id')
    .requiredOption('--out <file>', 'where to write the file')
    .action(async (id: string, options: { config?: string; out: string }) => {
      await context.withRuntime(options.config, async (deps) => {
        const file = await collectionFile(deps, CLI_ACTOR, id);
        await writeFileAtomic(resolve(options.out), file.xml, { mode: PRIVATE_FILE_MODE });
        context.out(
          `${options.out}: ${file.fileName}${file.left > 0 ? ` (${file.left} debits left out: no pre-notification)` : ''}\n`,
        );
      });
    });
}
