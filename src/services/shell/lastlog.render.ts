import { sandboxLines, type InstallOptions } from '../accounts.render.ts';
import { systemdPath } from '../formats.ts';
import { header } from '../quoting.ts';

/**
 * The units of the lastlog scrubber (shell/lastlog.ts, services.md §5.2), which keeps login
 * records within the declared log retention. Pure functions.
 */

/** How often the lastlog scrubber runs and the slack its timer may add. */
export const LASTLOG_INTERVAL_HOURS = 1;

/**
 * lastlog keeps one record per uid forever (IP, terminal, time of the last login), even of
 * deleted accounts, which `lastlog -C` cannot reach (it walks existing users only). treff's
 * scrubber zeroes every record older than the bound (services.md §5.2), hourly.
 */
export function renderLastlogService(install: InstallOptions): string {
  return `${header('#', 'treff.yaml')}[Unit]
Description=Clear lastlog records older than the declared log retention (treff)

[Service]
Type=oneshot
ExecStart=/usr/bin/node ${systemdPath(install.installDir)}/dist/main.js services scrub-lastlog --config ${systemdPath(install.configFile)}
ReadWritePaths=/var/log/lastlog
${sandboxLines('root')}
RestrictAddressFamilies=AF_UNIX
# Root owns /var/log/lastlog (root:utmp 0664): no capability is needed to rewrite it.
CapabilityBoundingSet=
`;
}

/** Runs the lastlog scrubber every hour. */
export function renderLastlogTimer(): string {
  return `${header('#', 'treff.yaml')}[Unit]
Description=Clear old lastlog records every hour (treff)

[Timer]
OnCalendar=hourly
AccuracySec=1min
Persistent=true
Unit=treff-lastlog.service

[Install]
WantedBy=timers.target
`;
}
