import { Option, type Command } from 'commander';
import { CLI_ACTOR } from '../core/audit/index.ts';
import type { Deps } from '../core/deps.ts';
import { invitationReport, listInvitations, sendInvitationRun } from './assembly.service.ts';
import type { DeliveryLine } from './assembly.service.ts';

/** What the commands need from the CLI (src/cli.ts). */
export interface AssemblyCliContext {
  out(text: string): void;
  withRuntime(flag: string | undefined, run: (deps: Deps) => Promise<void>): Promise<void>;
}

const configOption = () =>
  new Option('--config <file>', 'the declaration (default: $TREFF_CONFIG, else ./treff.yaml)');

function name(line: DeliveryLine): string {
  return `${line.member.member_number} ${line.member.first_name} ${line.member.last_name}`;
}

function postalAddress(line: DeliveryLine): string {
  const { street, postcode, city } = line.member;
  return [street, `${postcode ?? ''} ${city ?? ''}`.trim()].filter(Boolean).join(', ') || '-';
}

/**
 * `treff assembly list` (every invitation with its id and deadline, and how many members it
 * has not reached) and `treff assembly send <id>` (sends the invitation like the web's button,
 * in the foreground with a progress line, then names who needs a letter and who was not
 * reached). Both refuse (exit 1, `assembly_not_declared`) without the declaration.
 */
export function registerAssemblyCommands(program: Command, context: AssemblyCliContext): void {
  const assembly = program
    .command('assembly')
    .description('general assembly invitations: list, send');
  assembly
    .command('list')
    .description('list the invitations: id, start, title, deadline, members not reached')
    .addOption(configOption())
    .action(async (options: { config?: string }) => {
      await context.withRuntime(options.config, async (deps) => {
        for (const row of await listInvitations(deps)) {
          const report = await invitationReport(deps, row.id);
          context.out(
            `${row.id}\t${row.starts_at}\t${row.title}\tsend by ${row.send_by}\t${report.unreached.length} not reached\n`,
          );
        }
      });
    });
  assembly
    .command('send')
    .description('send the invitation to every active member not reached yet (never twice)')
    .addOption(configOption())
    .argument('<id>', 'the invitation id (treff assembly list)')
    .action(async (id: string, options: { config?: string }) => {
      await context.withRuntime(options.config, async (deps) => {
        let lastTenth = -1;
        const report = await sendInvitationRun(deps, CLI_ACTOR, id, (done, total) => {
          const tenth = Math.floor((done / Math.max(1, total)) * 10);
          if (tenth === lastTenth) return;
          lastTenth = tenth;
          context.out(`  … ${done} of ${total}\n`);
        });
        const mailed = report.lines.filter(
          (line) => line.delivery?.status === 'sent' || line.delivery?.status === 'queued',
        );
        context.out(
          `${mailed.length} of ${report.lines.length} invited by mail, ${report.letters.length} need a letter, ${report.unreached.length} not reached.\n`,
        );
        for (const line of report.letters)
          context.out(`letter\t${name(line)}\t${postalAddress(line)}\n`);
        for (const line of report.unreached)
          context.out(
            `not reached\t${name(line)}\t${line.delivery?.error ?? line.delivery?.status ?? 'none'}\n`,
          );
      });
    });
}
