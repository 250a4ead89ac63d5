import { createInterface } from 'node:readline/promises';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Option, type Command } from 'commander';
import { translator, type Lang } from '../core/i18n/index.ts';
import { retentionProblems } from '../retention/index.ts';
import { SetupError, type SetupContext } from './context.ts';
import { CHECKS, livePreflightDeps, type CheckName, type PreflightDeps } from './preflight.ts';
import { RecordingRunner, SystemRunner, type CommandRunner } from './runner.ts';
import { runSetup, type SetupOptions } from './setup.service.ts';
import { setupMessages } from './setup.messages.ts';
import { Target } from './target.ts';
import { TLS_MODES, type TlsMode } from './tls.ts';

/** Whether `value` is an https:// URL (an ACME directory). */
function isHttpsUrl(value: string): boolean {
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

/** The raw flags as commander gives them. */
export interface SetupFlags {
  config?: string | undefined;
  domain?: string | undefined;
  clubName?: string | undefined;
  adminMail?: string | undefined;
  databaseUrl?: string | undefined;
  jitsiDomain?: string | undefined;
  tls?: string | undefined;
  cert?: string | undefined;
  key?: string | undefined;
  acmeEmail?: string | undefined;
  acmeServer?: string | undefined;
  skipCheck: string[];
  dryRun?: boolean | undefined;
  force?: boolean | undefined;
  yes?: boolean | undefined;
  start: boolean;
  root: string;
  admin: string;
  installDir: string;
  lang?: string | undefined;
}

/**
 * Where this program is installed: the nearest folder above this module with a package.json
 * (`/opt/treff` for `dist/setup/…` as for a one-file `dist/main.js` bundle; the checkout in
 * development).
 */
export const INSTALL_DIR = findInstallDir(dirname(fileURLToPath(import.meta.url)));

function findInstallDir(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return resolve(start, '../..');
  }
}

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const MAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Checks the flags and turns them into {@link SetupOptions}. Throws a {@link SetupError} (exit
 * code 2) listing every problem, each naming its flag.
 */
export function parseSetupFlags(flags: SetupFlags): SetupOptions {
  const problems: string[] = [];
  const need = (condition: boolean, message: string) => {
    if (!condition) problems.push(message);
  };
  const creating = flags.domain !== undefined;
  need(
    !(flags.config && creating),
    '--config and --domain exclude each other: install a file, or create one from flags',
  );
  if (creating) {
    need(
      DOMAIN.test(flags.domain ?? ''),
      `--domain: expected a lower-case domain such as club.example, got ${JSON.stringify(flags.domain)}`,
    );
    need(
      flags.adminMail !== undefined,
      '--admin-mail ADDRESS is needed with --domain (the club’s contact for the board and privacy)',
    );
  }
  for (const [flag, value] of [
    ['--club-name', flags.clubName],
    ['--admin-mail', flags.adminMail],
    ['--database-url', flags.databaseUrl],
    ['--jitsi-domain', flags.jitsiDomain],
  ] as const)
    need(
      value === undefined || creating,
      `${flag} only works with --domain (with --config the file says it)`,
    );
  need(
    flags.adminMail === undefined || MAIL.test(flags.adminMail),
    `--admin-mail: expected an address such as board@example.org, got ${JSON.stringify(flags.adminMail)}`,
  );
  need(
    flags.jitsiDomain === undefined || DOMAIN.test(flags.jitsiDomain),
    `--jitsi-domain: expected a domain, got ${JSON.stringify(flags.jitsiDomain)}`,
  );
  need(
    flags.databaseUrl === undefined || /^(sqlite:\/|postgres(ql)?:\/\/)/.test(flags.databaseUrl),
    `--database-url: expected sqlite:/absolute/path or postgres://user@host/db, got ${JSON.stringify(flags.databaseUrl)}`,
  );
  const tls = flags.tls as TlsMode | undefined;
  need(
    tls === undefined || TLS_MODES.includes(tls),
    `--tls: expected one of ${TLS_MODES.join(', ')}, got ${JSON.stringify(flags.tls)}`,
  );
  if (tls === 'existing')
    need(
      flags.cert !== undefined && flags.key !== undefined,
      '--tls existing needs --cert FILE and --key FILE',
    );
  else
    need(
      flags.cert === undefined && flags.key === undefined,
      '--cert and --key only work with --tls existing',
    );
  const acmeEmail = flags.acmeEmail ?? flags.adminMail;
  if (tls === 'certbot')
    need(
      acmeEmail !== undefined,
      '--tls certbot needs --acme-email ADDRESS (Let’s Encrypt’s expiry notices)',
    );
  need(
    flags.acmeEmail === undefined || MAIL.test(flags.acmeEmail),
    `--acme-email: expected an address, got ${JSON.stringify(flags.acmeEmail)}`,
  );
  need(
    flags.acmeServer === undefined || (tls === 'certbot' && isHttpsUrl(flags.acmeServer)),
    `--acme-server: expected the https:// address of an ACME directory, with --tls certbot; got ${JSON.stringify(flags.acmeServer)}`,
  );
  for (const name of flags.skipCheck)
    need(
      (CHECKS as readonly string[]).includes(name),
      `--skip-check: unknown check ${JSON.stringify(name)} (known: ${CHECKS.join(', ')})`,
    );
  if (problems.length > 0) throw new SetupError('invalid flags', 2, problems);
  return {
    configFile: flags.config ? resolve(flags.config) : undefined,
    create:
      creating && flags.domain && flags.adminMail
        ? {
            domain: flags.domain,
            clubName: flags.clubName ?? flags.domain,
            adminMail: flags.adminMail,
            databaseUrl: flags.databaseUrl ?? 'sqlite:/var/lib/treff/treff.db',
            jitsiDomain: flags.jitsiDomain,
          }
        : undefined,
    tls: {
      mode: tls,
      cert: flags.cert && resolve(flags.cert),
      key: flags.key && resolve(flags.key),
      acmeEmail,
      acmeServer: flags.acmeServer,
    },
    skip: new Set(flags.skipCheck as CheckName[]),
    start: flags.start,
    admin: flags.admin,
    installDir: resolve(flags.installDir),
  };
}

/** What the CLI gives setup. */
export interface SetupCliContext {
  out(text: string): void;
  /** Tests pass a recording runner and fake DNS; the default runs commands for real. */
  runner?: CommandRunner;
  preflight?: PreflightDeps;
  isInteractive?: boolean;
}

/** Runs setup with checked flags; returns the exit code. */
export async function setupCommand(flags: SetupFlags, context: SetupCliContext): Promise<number> {
  const lang: Lang =
    flags.lang === 'de' ||
    (flags.lang === undefined && (process.env['LANG'] ?? '').startsWith('de'))
      ? 'de'
      : 'en';
  const t = translator(lang, setupMessages);
  const options = parseSetupFlags(flags);
  const dryRun = flags.dryRun === true;
  const interactive = context.isInteractive ?? process.stdin.isTTY;
  if (!dryRun && !flags.yes) {
    if (!interactive) throw new SetupError(t('setup.flags.needYes'), 2);
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const answer = await rl.question('treff setup: apply to this system? [y/N] ');
    rl.close();
    if (!/^y(es)?$/i.test(answer.trim())) return 1;
  }
  const real = context.runner ?? new SystemRunner();
  const setupContext: SetupContext = {
    target: new Target(flags.root),
    runner: dryRun ? new RecordingRunner({ inner: real }) : real,
    tools: new SystemRunner(),
    dryRun,
    force: flags.force === true,
    t,
    out: (line) => {
      context.out(`${line}\n`);
    },
    stamp: new Date().toISOString().replace(/[:.]/g, '-'),
    written: [],
    backups: [],
  };
  return runSetup(setupContext, options, {
    preflight: context.preflight ?? livePreflightDeps(),
    problems: retentionProblems,
  });
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** Adds `treff setup` to the CLI. */
export function registerSetupCommand(
  program: Command,
  context: SetupCliContext & { exit(code: number): void },
): void {
  program
    .command('setup')
    .description(
      'install and configure the whole club server on Debian 12/13 (as root); idempotent',
    )
    .option('--config <file>', 'install this declaration as /etc/treff/treff.yaml')
    .option('--domain <domain>', 'create the declaration from the example for this domain')
    .option('--club-name <name>', 'the club’s name (with --domain; default: the domain)')
    .option('--admin-mail <address>', 'the board’s and privacy contact (with --domain)')
    .option(
      '--database-url <url>',
      'sqlite:/path or postgres://… (default sqlite:/var/lib/treff/treff.db)',
    )
    .option(
      '--jitsi-domain <domain>',
      'declare Jitsi Meet under this name (not in Debian: install it yourself)',
    )
    .addOption(
      new Option('--tls <mode>', 'where the certificate comes from').choices([...TLS_MODES]),
    )
    .option('--cert <file>', 'certificate (PEM, full chain) for --tls existing')
    .option('--key <file>', 'its private key for --tls existing')
    .option('--acme-email <address>', 'Let’s Encrypt account address for --tls certbot')
    .option(
      '--acme-server <url>',
      'ACME directory for --tls certbot (default Let’s Encrypt; a test CA such as Pebble)',
    )
    .option(
      '--skip-check <name>',
      `skip a preflight check (${CHECKS.join(', ')}); repeatable`,
      collect,
      [],
    )
    .option('--dry-run', 'print every step and file, change nothing')
    .option('--force', 'replace files treff did not write (each is backed up)')
    .option('--yes', 'do not ask before changing the system')
    .option('--no-start', 'enable the services but do not start them')
    .option('--root <dir>', 'the system to install into', '/')
    .option('--admin <username>', 'username of the first admin login', 'admin')
    .option('--install-dir <dir>', 'where treff is installed', INSTALL_DIR)
    .addOption(new Option('--lang <lang>', 'language of the messages').choices(['de', 'en']))
    .action(async (flags: SetupFlags) => {
      context.exit(await setupCommand(flags, context));
    });
}
