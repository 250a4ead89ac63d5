import { posix } from 'node:path';
import { runChecked, type SetupContext, type StepStatus } from './context.ts';
import { CONFIG_FILE, DATA_DIR } from './declaration.ts';
import { putDir } from './files.ts';

/** The system user `treff serve` runs as, and its group (which may read /etc/treff). */
export const TREFF_USER = 'treff';

/** Whether the target's /etc/passwd has `user`. */
export async function userExists(context: SetupContext, user: string): Promise<boolean> {
  const passwd = (await context.target.read('/etc/passwd')) ?? '';
  return passwd.split('\n').some((line) => line.startsWith(`${user}:`));
}

/** The `treff` system user and group: no shell, no login, home /var/lib/treff. Idempotent. */
export async function ensureUser(context: SetupContext): Promise<StepStatus> {
  if (await userExists(context, TREFF_USER)) return 'unchanged';
  await runChecked(context, {
    argv: [
      'useradd',
      ...context.target.rootFlag(),
      '--system',
      '--user-group',
      '--home-dir',
      DATA_DIR,
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      TREFF_USER,
    ],
  });
  return 'changed';
}

/** /etc/treff (0750 root:treff) and the data dir (0700 treff:treff). */
export async function ensureDirs(context: SetupContext): Promise<StepStatus> {
  const treff = { user: TREFF_USER, group: TREFF_USER };
  const changed = [
    await putDir(context, posix.dirname(CONFIG_FILE), 0o750, { user: 'root', group: TREFF_USER }),
    await putDir(context, DATA_DIR, 0o700, treff),
  ];
  return changed.some(Boolean) ? 'changed' : 'unchanged';
}

/** argv of a treff command run inside the target with the installed program. */
export function treffCommand(
  context: SetupContext,
  installDir: string,
  args: string[],
  user?: string,
): string[] {
  return context.target.exec(
    ['/usr/bin/node', posix.join(installDir, 'dist/main.js'), ...args, '--config', CONFIG_FILE],
    user,
  );
}

/**
 * `treff migrate` and `treff init` as the treff user: the database gets its pending migrations
 * (the upgrade path), and the first admin login is created and printed once; a re-run finds
 * the login and prints none.
 */
export async function migrateAndInit(
  context: SetupContext,
  installDir: string,
  admin: string,
): Promise<StepStatus> {
  const migrate = await runChecked(context, {
    argv: treffCommand(context, installDir, ['migrate'], TREFF_USER),
  });
  const init = await runChecked(context, {
    argv: treffCommand(context, installDir, ['init', '--admin', admin], TREFF_USER),
  });
  const login = /^Created the admin login: .*$/m.exec(init.stdout)?.[0];
  if (login) context.out(context.t('setup.admin.created', { login }));
  const upToDate = migrate.stdout.includes('up to date') && !login;
  return context.dryRun || !upToDate ? 'changed' : 'unchanged';
}

/** `treff sync` as root: the account projections the daemons read. */
export async function runSync(context: SetupContext, installDir: string): Promise<StepStatus> {
  await runChecked(context, { argv: treffCommand(context, installDir, ['sync']) });
  return 'unchanged';
}
