import { Option, type Command } from 'commander';
import { CLI_ACTOR } from '../core/audit/index.ts';
import type { Deps } from '../core/deps.ts';
import { formatDate, formatMoney } from '../core/i18n/index.ts';
import { newToken } from '../core/ids.ts';
import { planReminders, recordApproval, sendRun } from './dunning.service.ts';

/** What the `reminders` commands need from the command line around them. */
export interface RemindersCliContext {
  out(text: string): void;
  withRuntime<T>(configFlag: string | undefined, run: (runtime: Deps) => Promise<T>): Promise<T>;
}

const configOption = () => new Option('--config <file>', 'the declaration');

/**
 * Adds `treff reminders preview` (who would get which stage, the limitation date of the oldest
 * claim; `--mail` prints each rendered mail) and `treff reminders send --approve` (the board's
 * approval on the command line: sends what the preview lists, with a progress line).
 */
export function registerReminderCommands(command: Command, context: RemindersCliContext): Command {
  command.description('reminders for unpaid fees');
  command
    .command('preview')
    .description('list the reminders due today; nothing is sent')
    .addOption(configOption())
    .option('--mail', 'print each rendered mail')
    .action(async (options: { config?: string; mail?: boolean }) => {
      await context.withRuntime(options.config, async (runtime) => {
        const plan = await planReminders(runtime);
        const { currency } = runtime.config.members;
        for (const item of plan.due) {
          const channel = !item.to ? 'letter (no address)' : item.encrypted ? 'encrypted' : 'plain';
          context.out(
            `${item.member.memberNumber}\t${item.stage.id}\t${formatMoney(item.arrearsCents, currency, 'en')}\tsince ${item.claimDueOn}\ttime-barred after ${item.claims[0]?.limitationOn ?? '-'}\t${channel}\n`,
          );
          if (options.mail) context.out(`  Subject: ${item.mail.subject}\n\n${item.mail.text}\n\n`);
        }
        context.out(
          `${plan.due.length} reminder${plan.due.length === 1 ? '' : 's'} due on ${formatDate(plan.today, 'en')}, ${plan.waiting.length} waiting for their next stage.\n`,
        );
      });
    });
  command
    .command('send')
    .description('send the reminders the preview lists (the board approves with --approve)')
    .addOption(configOption())
    .option('--approve', 'the board approves sending the listed reminders now')
    .action(async (options: { config?: string; approve?: boolean }) => {
      await context.withRuntime(options.config, async (runtime) => {
        const plan = await planReminders(runtime);
        const keys = plan.due.filter((item) => item.to).map((item) => item.key);
        if (!options.approve) {
          context.out(`${keys.length} reminders would be sent; add --approve to send them.\n`);
          return;
        }
        const runKey = newToken();
        // Recorded like a web approval (same idempotency and audit), sent here, in the foreground.
        await recordApproval(runtime, CLI_ACTOR, runKey, keys);
        let lastTenth = -1;
        const run = await sendRun(runtime, CLI_ACTOR, runKey, keys, (progress) => {
          const done = progress.sent + progress.skipped + progress.failed;
          const tenth = Math.floor((done / Math.max(1, progress.total)) * 10);
          if (tenth === lastTenth) return;
          lastTenth = tenth;
          context.out(`  … ${done} of ${progress.total} (${progress.sent} sent)\n`);
        });
        context.out(
          `Sent ${run.sent} reminders, skipped ${run.skipped} (paid meanwhile, sent before, or no address), ${run.failed} failed.\n`,
        );
      });
    });
  return command;
}
