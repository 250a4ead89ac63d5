import { stat } from 'node:fs/promises';
import { runChecked, SetupError, type SetupContext, type StepStatus } from './context.ts';

/** The Debian daemons setup configures, by package, with how a changed config reaches them. */
const DAEMONS: readonly {
  pkg: string;
  unit: string;
  configs: string[];
  apply: 'reload' | 'restart';
}[] = [
  { pkg: 'nginx', unit: 'nginx.service', configs: ['/etc/nginx/'], apply: 'reload' },
  { pkg: 'postfix', unit: 'postfix.service', configs: ['/etc/postfix/'], apply: 'reload' },
  { pkg: 'dovecot-core', unit: 'dovecot.service', configs: ['/etc/dovecot/'], apply: 'restart' },
  { pkg: 'prosody', unit: 'prosody.service', configs: ['/etc/prosody/'], apply: 'restart' },
  {
    pkg: 'coturn',
    unit: 'coturn.service',
    configs: ['/etc/turnserver.conf', '/etc/systemd/system/coturn.service.d/'],
    apply: 'restart',
  },
  {
    pkg: 'openssh-server',
    unit: 'ssh.service',
    configs: ['/etc/ssh/', '/etc/nsswitch.conf'],
    apply: 'reload',
  },
];

/** Whether systemd runs the target (it does not in a chroot or a container without it). */
export async function systemdRunning(context: SetupContext): Promise<boolean> {
  if (!context.target.live) return false;
  return stat('/run/systemd/system').then(
    (info) => info.isDirectory(),
    () => false,
  );
}

/**
 * Enables the daemons and treff's units; with systemd running also starts them, reloads
 * systemd after unit changes and applies changed configs (reload or restart, journald after
 * its drop-in changed). Without systemd only `systemctl enable` runs (offline) and a line says
 * that starting was skipped.
 */
export async function enableAndStart(
  context: SetupContext,
  options: {
    installed: ReadonlySet<string>;
    treffUnits: readonly string[];
    changed: readonly string[];
    start: boolean;
    /** The declaration changed or migrations ran: treff's web server restarts. */
    restartTreff: boolean;
  },
): Promise<StepStatus> {
  const running = (await systemdRunning(context)) && options.start;
  const daemons = DAEMONS.filter((daemon) => options.installed.has(daemon.pkg));
  const units = [...daemons.map((daemon) => daemon.unit), ...options.treffUnits];
  let changed = false;
  const failures: SetupError[] = [];
  const collect = (error: unknown) => {
    if (!(error instanceof SetupError)) throw error;
    failures.push(error);
  };
  if (running && options.changed.some((path) => path.startsWith('/etc/systemd/'))) {
    await runChecked(context, { argv: context.target.systemctl('daemon-reload') });
    changed = true;
  }
  for (const unit of units) {
    const enabled = await context.runner.run({
      argv: context.target.systemctl('is-enabled', unit),
      readOnly: true,
    });
    const active = running
      ? (
          await context.runner.run({
            argv: context.target.systemctl('is-active', unit),
            readOnly: true,
          })
        ).stdout.trim() === 'active'
      : true;
    if (enabled.stdout.trim() === 'enabled' && active) continue;
    changed = true;
    // One daemon that does not start keeps none of the others from starting; setup fails after.
    await runChecked(context, {
      argv: context.target.systemctl('enable', ...(running ? ['--now'] : []), unit),
    }).catch(collect);
  }
  if (!running) {
    context.out(context.t(options.start ? 'setup.start.noSystemd' : 'setup.start.notAsked'));
    throwFirst(failures);
    return changed ? 'changed' : 'unchanged';
  }
  if (options.changed.some((path) => path.startsWith('/etc/systemd/journald.conf.d/'))) {
    await runChecked(context, { argv: context.target.systemctl('restart', 'systemd-journald') });
    changed = true;
  }
  for (const daemon of daemons) {
    if (!options.changed.some((path) => daemon.configs.some((prefix) => path.startsWith(prefix))))
      continue;
    changed = true;
    await runChecked(context, { argv: context.target.systemctl(daemon.apply, daemon.unit) }).catch(
      collect,
    );
  }
  if (options.restartTreff && options.treffUnits.includes('treff.service')) {
    await runChecked(context, { argv: context.target.systemctl('restart', 'treff.service') });
    changed = true;
  }
  throwFirst(failures);
  return changed ? 'changed' : 'unchanged';
}

/** Throws the first failure, naming the others in its message. */
function throwFirst(failures: readonly SetupError[]): void {
  const [first, ...rest] = failures;
  if (!first) return;
  if (rest.length === 0) throw first;
  const message = [first, ...rest].map((error) => error.message).join('\n');
  throw new SetupError(message, first.exitCode, first.details);
}
