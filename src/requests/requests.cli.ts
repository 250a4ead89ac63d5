import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { CLI_ACTOR } from '../core/audit/index.ts';
import type { Deps } from '../core/deps.ts';
import { localDate } from '../core/clock.ts';
import { getMemberByNumber } from '../members/index.ts';
import { daysBetween } from './deadline.ts';
import { approveRequest } from './execute.ts';
import {
  changeRequestKind,
  denyRequest,
  extendRequest,
  getRequest,
  listRequests,
  OPEN_STATES,
  verifyRequest,
} from './requests.service.ts';
import type { LedgerRequest } from './requests.types.ts';

/** What the `requests` commands need from the command line around them. */
export interface RequestsCliContext {
  out(text: string): void;
  /** Opens the runtime of the declaration named by `--config`, runs `run`, closes it. */
  withRuntime<T>(configFlag: string | undefined, run: (runtime: Deps) => Promise<T>): Promise<T>;
}

const configOption = () =>
  new Option('--config <file>', 'the declaration (default: $TREFF_CONFIG, else ./treff.yaml)');

function line(deps: Pick<Deps, 'clock' | 'config'>, request: LedgerRequest): string {
  const today = localDate(deps.clock.now(), deps.config.club.timeZone);
  const left = daysBetween(today, request.dueOn);
  const when =
    request.closedAt !== null
      ? `closed ${request.closedAt.slice(0, 10)}`
      : left < 0
        ? `OVERDUE since ${request.dueOn}`
        : `due ${request.dueOn} (${left} d)${request.pausedSince ? ', clock paused' : ''}`;
  return `${request.id}  ${request.receivedAt.slice(0, 10)}  ${request.kind.padEnd(14)} ${request.channel.padEnd(6)} ${request.state.padEnd(21)} ${when}\n`;
}

/**
 * Adds the `treff requests` commands to `command`: `list`, `show ID`, `approve ID`,
 * `deny ID --reason`, `extend ID --reason`, `verify ID --how`, `kind ID KIND`. Failures throw
 * AppErrors, which the program prints and turns into exit code 1.
 */
export function registerRequestCommands(command: Command, context: RequestsCliContext): Command {
  command.description('data-subject requests: the ledger, deadlines, decisions');
  command
    .command('list')
    .description('open requests with their due dates, oldest first')
    .option('--all', 'closed requests too')
    .addOption(configOption())
    .action(async (options: { config?: string; all?: boolean }) => {
      await context.withRuntime(options.config, async (runtime) => {
        const requests = await listRequests(runtime, options.all === true ? [] : OPEN_STATES);
        if (requests.length === 0) context.out('No requests.\n');
        for (const request of requests) context.out(line(runtime, request));
      });
    });
  command
    .command('show')
    .description('one request, with the mail as it arrived while the request is open')
    .argument('<id>')
    .addOption(configOption())
    .action(async (id: string, options: { config?: string }) => {
      await context.withRuntime(options.config, async (runtime) => {
        const request = await getRequest(runtime, id);
        const fields: [string, string | number | null][] = [
          ['id', request.id],
          ['kind', request.kind],
          ['channel', request.channel],
          ['state', request.state],
          ['identity', request.identity],
          ['member', request.memberId],
          ['fingerprint', request.fingerprint],
          ['verified', request.verifiedAt && `${request.verifiedAt} ${request.verifiedHow ?? ''}`],
          ['received', request.receivedAt],
          ['due', request.dueOn],
          ['paused days', request.pausedDays],
          ['extension', request.extensionReason],
          ['reply to', request.replyTo],
          ['subject', request.subject],
          ['outcome', request.outcome],
          ['closed', request.closedAt],
        ];
        for (const [name, value] of fields) {
          if (value !== null && value !== '') context.out(`${name.padEnd(12)} ${String(value)}\n`);
        }
        if (request.mailFile) {
          const mail = await readFile(request.mailFile, 'utf8').catch(() => null);
          context.out(mail === null ? '(the raw mail is missing)\n' : `\n${mail}`);
        }
      });
    });
  command
    .command('approve')
    .description('carry out a verified request and close it (answers the requester)')
    .argument('<id>')
    .option('--username <name>', 'the username of a new account')
    .option('--note <text>', 'what was done, for kinds treff cannot carry out itself')
    .addOption(configOption())
    .action(async (id: string, options: { config?: string; username?: string; note?: string }) => {
      await context.withRuntime(options.config, async (runtime) => {
        const { execution, mailed } = await approveRequest(runtime, CLI_ACTOR, id, {
          username: options.username,
          note: options.note,
        });
        context.out(`Done: ${execution.outcome}.${mailed ? ' The requester was answered.' : ''}\n`);
      });
    });
  command
    .command('deny')
    .description('refuse a request with a reason and close it (the reason is mailed)')
    .argument('<id>')
    .requiredOption('--reason <text>', 'why (Art. 12(4) GDPR)')
    .addOption(configOption())
    .action(async (id: string, options: { config?: string; reason: string }) => {
      await context.withRuntime(options.config, async (runtime) => {
        const { mailed } = await denyRequest(runtime, CLI_ACTOR, id, options.reason);
        context.out(`Denied.${mailed ? ' The requester was answered.' : ''}\n`);
      });
    });
  command
    .command('extend')
    .description('extend the deadline by two months with a reason (mailed to the requester)')
    .argument('<id>')
    .requiredOption('--reason <text>', 'why more time is needed (Art. 12(3) GDPR)')
    .addOption(configOption())
    .action(async (id: string, options: { config?: string; reason: string }) => {
      await context.withRuntime(options.config, async (runtime) => {
        const { request, mailed } = await extendRequest(runtime, CLI_ACTOR, id, options.reason);
        context.out(
          `Now due ${request.dueOn}.${mailed ? ' The reason was mailed to the requester.' : ' The requester could not be mailed.'}\n`,
        );
      });
    });
  command
    .command('verify')
    .description("record that the requester's identity was verified by other means, and how")
    .argument('<id>')
    .requiredOption('--how <text>', 'how the person was verified (letter, call, in person)')
    .option('--member <number>', 'the member number of the requester')
    .addOption(configOption())
    .action(async (id: string, options: { config?: string; how: string; member?: string }) => {
      await context.withRuntime(options.config, async (runtime) => {
        const memberId = options.member
          ? (await getMemberByNumber(runtime, { includeRestricted: true }, options.member)).id
          : undefined;
        const request = await verifyRequest(runtime, CLI_ACTOR, id, {
          how: options.how,
          memberId,
        });
        context.out(`Verified; due ${request.dueOn}.\n`);
      });
    });
  command
    .command('kind')
    .description('change the kind of an open request')
    .argument('<id>')
    .argument('<kind>')
    .addOption(configOption())
    .action(async (id: string, kind: string, options: { config?: string }) => {
      await context.withRuntime(options.config, async (runtime) => {
        const request = await changeRequestKind(runtime, CLI_ACTOR, id, kind);
        context.out(`Kind is now ${request.kind}.\n`);
      });
    });
  return command;
}
