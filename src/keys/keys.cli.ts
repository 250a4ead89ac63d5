import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { CLI_ACTOR } from '../core/audit/index.ts';
import type { Deps } from '../core/deps.ts';
import { AppError } from '../core/errors.ts';
import { checkLiveWkd } from './selftest.ts';
import {
  listKeys,
  publishKeyDirectly,
  removeKeyByAddress,
  removeStaleKeys,
  staleKeysRemoved,
  type StaleKeysReport,
} from './keys.service.ts';

/** What the `keys` commands need from the command line around them. */
export interface KeysCliContext {
  out(text: string): void;
  /** Opens the runtime of the declaration named by `--config`, runs `run`, closes it. */
  withRuntime<T>(configFlag: string | undefined, run: (runtime: Deps) => Promise<T>): Promise<T>;
}

const configOption = () =>
  new Option('--config <file>', 'the declaration (default: $TREFF_CONFIG, else ./treff.yaml)');

function staleLine(report: StaleKeysReport): string {
  const removed = staleKeysRemoved(report);
  if (removed === 0) return '';
  const reasons = Object.entries(report.removed)
    .filter(([, count]) => count > 0)
    .map(([reason, count]) => `${count} ${reason.replace('_', ' ')}`);
  if (report.lapsed > 0)
    reasons.push(`${report.lapsed} lapsed request${report.lapsed === 1 ? '' : 's'}`);
  return `Removed first: ${reasons.join(', ')}.\n`;
}

/**
 * Adds the `treff keys` commands to `command` (created by the program with `.command('keys')`,
 * so every subcommand inherits its output and exit handling):
 * `publish ADDRESS FILE`, `remove ADDRESS`, `list`, `check`. Each first removes what may no
 * longer be published ({@link removeStaleKeys}). Failures throw {@link AppError}s, which the
 * program prints and turns into exit code 1.
 */
export function registerKeyCommands(command: Command, context: KeysCliContext): Command {
  command.description("members' OpenPGP keys in the Web Key Directory");
  command
    .command('publish')
    .description(
      "publish a key at a member's request (as gpg-wks-server --install-key: same checks and minimisation, no proof-of-possession step)",
    )
    .argument('<address>', "the member's club address (their account's mail address)")
    .argument('<file>', 'the public key, binary or armored')
    .addOption(configOption())
    .option('--set-fingerprint', "also set the registry's OpenPGP fingerprint (the member agreed)")
    .action(
      async (
        address: string,
        file: string,
        options: { config?: string; setFingerprint?: boolean },
      ) => {
        const key = new Uint8Array(await readFile(resolve(file)));
        await context.withRuntime(options.config, async (runtime) => {
          context.out(staleLine(await removeStaleKeys(runtime, CLI_ACTOR)));
          const result = await publishKeyDirectly(runtime, CLI_ACTOR, address, key, {
            recordFingerprint: options.setFingerprint === true,
            source: 'cli',
          });
          if ('kind' in result) {
            context.out(`The key is revoked: the key published for ${address} was removed.\n`);
            return;
          }
          context.out(
            `Published ${result.key.fingerprint} for ${result.key.address} (${result.key.key.length} bytes, minimised to that user ID).${result.fingerprintRecorded ? ' The registry fingerprint is set.' : ''}\n`,
          );
        });
      },
    );
  command
    .command('remove')
    .description('remove the key published for an address (as gpg-wks-server --remove-key)')
    .argument('<address>')
    .addOption(configOption())
    .action(async (address: string, options: { config?: string }) => {
      await context.withRuntime(options.config, async (runtime) => {
        await removeKeyByAddress(runtime, CLI_ACTOR, address);
      });
      context.out(`Removed the key of ${address}.\n`);
    });
  command
    .command('list')
    .description(
      'list the published keys: address, fingerprint, published, expires, member, source',
    )
    .addOption(configOption())
    .action(async (options: { config?: string }) => {
      await context.withRuntime(options.config, async (runtime) => {
        context.out(staleLine(await removeStaleKeys(runtime, CLI_ACTOR)));
        for (const { key, memberNumber } of await listKeys(runtime)) {
          context.out(
            `${key.address}\t${key.fingerprint}\t${(key.publishedAt ?? '').slice(0, 10)}\t${key.keyExpiresAt?.slice(0, 10) ?? 'never'}\t${memberNumber}\t${key.source}\n`,
          );
        }
      });
    });
  command
    .command('check')
    .description(
      'self-test of the live WKD: policy, submission address, headers, every key at its hash (requests the public URLs)',
    )
    .addOption(configOption())
    .option('--base-url <url>', 'ask this server for both methods instead of the public hosts')
    .action(async (options: { config?: string; baseUrl?: string }) => {
      await context.withRuntime(options.config, async (runtime) => {
        context.out(staleLine(await removeStaleKeys(runtime, CLI_ACTOR)));
        const checks = await checkLiveWkd(runtime, {
          baseUrl: options.baseUrl?.replace(/\/+$/, ''),
        });
        for (const check of checks) {
          context.out(
            `${check.ok ? 'ok  ' : 'FAIL'} ${check.name}${check.detail ? `: ${check.detail}` : ''}\n`,
          );
        }
        const failed = checks.filter((check) => !check.ok);
        if (failed.length > 0) {
          throw new AppError(
            'validation',
            'wkd_check_failed',
            `${failed.length} of ${checks.length} WKD checks failed`,
          );
        }
        context.out(`All ${checks.length} WKD checks passed.\n`);
      });
    });
  return command;
}
