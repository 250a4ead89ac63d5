import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { CLI_ACTOR } from '../core/audit/index.ts';
import type { TransparencyCliContext } from './transparency.cli.ts';
import { publishDeclaration } from './declaration.service.ts';
import { writeTodaysStatement } from './statement.daily.ts';
import { verifyStatements } from './statement.service.ts';

const configOption = () =>
  new Option('--config <file>', 'the declaration (default: $TREFF_CONFIG, else ./treff.yaml)');

/**
 * Adds `treff transparency statement`, `verify [PATH]` and `declaration FILE` to the
 * `transparency` command. Failures throw typed errors, which the program prints with exit 1.
 */
export function registerStatementCommands(
  command: Command,
  context: Pick<TransparencyCliContext, 'out' | 'withRuntime'>,
): Command {
  command
    .command('statement')
    .description("write and sign today's statement of the figures (idempotent per day)")
    .addOption(configOption())
    .action(async (options: { config?: string }) => {
      await context.withRuntime(options.config, async (deps) => {
        const written = await writeTodaysStatement(deps);
        context.out(`${written.created ? 'wrote' : 'exists'} ${written.path}\n`);
      });
    });
  command
    .command('verify')
    .description(
      'verify the signature and the hash chain of the statements (a folder, default: the data dir) or of one statement file',
    )
    .argument('[path]', 'a statement file YYYY-MM-DD.json or a folder of them')
    .addOption(configOption())
    .option('--key <file>', "the signing key (binary or armored; default: the club's own key)")
    .action(async (path: string | undefined, options: { config?: string; key?: string }) => {
      await context.withRuntime(options.config, async (deps) => {
        let target: { dir?: string; only?: string } = {};
        if (path) {
          const full = resolve(path);
          const file = (await stat(full)).isFile();
          const date = /^(\d{4}-\d{2}-\d{2})\.json$/.exec(basename(full))?.[1];
          if (file && !date) throw new Error(`${path}: expected a file named YYYY-MM-DD.json`);
          target = file && date ? { dir: dirname(full), only: date } : { dir: full };
        }
        const report = await verifyStatements(deps, {
          ...target,
          ...(options.key ? { keyFile: resolve(options.key) } : {}),
        });
        for (const statement of report.statements)
          context.out(`good ${statement.date}.json sha256 ${statement.sha256}\n`);
        context.out(
          `${report.statements.length} statement(s) signed by ${report.fingerprint}, chain intact\n`,
        );
      });
    });
  command
    .command('declaration')
    .description("publish the board's clear-signed declaration after checking its signature")
    .argument(
      '<file>',
      'the clear-signed text (gpg --clearsign), with a line "Expires: YYYY-MM-DD"',
    )
    .requiredOption('--key <file>', "the signer's public key (one of transparency.boardKeys)")
    .addOption(configOption())
    .action(async (file: string, options: { config?: string; key: string }) => {
      await context.withRuntime(options.config, async (deps) => {
        const published = await publishDeclaration(deps, CLI_ACTOR, {
          signedText: await readFile(resolve(file), 'utf8'),
          publicKey: new Uint8Array(await readFile(resolve(options.key))),
        });
        context.out(
          `published, signed by ${published.fingerprint} on ${published.signedAt}, expires ${published.expiresOn}\n`,
        );
      });
    });
  return command;
}
