import { dirname } from 'node:path';
import type { Config } from '../../core/config/load.ts';
import { logRetention, websiteLogPath } from '../declared.ts';
import { logrotatePath } from '../formats.ts';
import { bareToken, header } from '../quoting.ts';

/**
 * Log retention from the declaration (issue #6, services.md §1): journald and logrotate for
 * every file log a daemon of the club writes (the lastlog scrubber is in shell/). The bound is the
 * strictest `keep` of the activities stored in logs (declared.ts). Pure functions.
 */

/**
 * journald keeps logs until a size limit by default (`MaxRetentionSec=` unset, and
 * `MaxFileSec=1month` lets the active file hold a month). It deletes archived files whose oldest
 * entry passed `MaxRetentionSec`; `MaxFileSec=1day` bounds the active one (§1.2). Forwarding to
 * syslog is off: rsyslog would keep its own copies for weeks.
 */
export function renderJournald(config: Config): string {
  const retention = logRetention(config);
  const maxFile = retention.ms >= 86_400_000 ? '1day' : `${Math.floor(retention.ms / 1000)}s`;
  const maxRetention =
    retention.ms % 86_400_000 === 0
      ? `${retention.days}day`
      : `${Math.floor(retention.ms / 1000)}s`;
  return `${header('#', 'treff.yaml')}# Logs are deleted after ${retention.text} (activity ${retention.activityId ?? 'none: no log is declared'}; services.md §1.2).
[Journal]
Storage=persistent
MaxRetentionSec=${maxRetention}
MaxFileSec=${maxFile}
ForwardToSyslog=no
`;
}

/** logrotate's numbers for a bound of `days`: see {@link renderLogrotate}. */
export function rotation(days: number): { rotate: number; maxage: number } {
  return { rotate: Math.max(0, days - 2), maxage: Math.max(1, days - 1) };
}

interface Stanza {
  paths: readonly string[];
  create?: string;
  extra?: readonly string[];
  postrotate?: string;
  /** gzip old archives (not for wtmp/btmp, which `last -f` reads as they are). */
  compress?: boolean;
}

/**
 * One logrotate stanza with the retention bound. With daily rotation archive `.N` holds lines up
 * to N+1 days old, so `rotate` is the bound minus two and `maxage` minus one (timer jitter);
 * `ifempty`, because `maxage` is only checked when a log is rotated, and no `size`/`minsize`,
 * which replace the daily interval (logrotate(8), §1.3).
 */
function stanza(config: Config, s: Stanza): string {
  const { rotate, maxage } = rotation(logRetention(config).days);
  const lines = [
    'daily',
    `rotate ${rotate}`,
    `maxage ${maxage}`,
    'ifempty',
    'missingok',
    ...(s.compress === false ? [] : ['compress', 'delaycompress']),
    ...(s.create ? [`create ${s.create}`] : []),
    ...(s.extra ?? []),
    ...(s.postrotate ? ['sharedscripts', 'postrotate', `\t${s.postrotate}`, 'endscript'] : []),
  ];
  return `${s.paths.map(logrotatePath).join(' ')} {\n${lines.map((line) => `\t${line}`).join('\n')}\n}\n`;
}

/** The logrotate files treff renders, by name under /etc/logrotate.d/ (replacing Debian's). */
export function renderLogrotate(config: Config): { name: string; content: string }[] {
  const files: { name: string; content: string; why: string }[] = [
    {
      name: 'nginx',
      why: "Replaces nginx's (daily, rotate 14, notifempty: up to 15 days).",
      content: stanza(config, {
        paths: ['/var/log/nginx/*.log'],
        create: '0640 www-data adm',
        postrotate: 'invoke-rc.d nginx rotate >/dev/null 2>&1',
      }),
    },
    {
      name: 'prosody',
      why: "Replaces prosody's (weekly, rotate 52: a year). treff's Prosody logs to the journal; this prunes old files.",
      content: stanza(config, {
        paths: ['/var/log/prosody/prosody.log', '/var/log/prosody/prosody.err'],
        create: '640 prosody adm',
        postrotate: '[ ! -e /run/prosody/prosody.pid ] || service prosody reload > /dev/null',
      }),
    },
    {
      name: 'wtmp',
      why: 'Replaces the monthly rotation of login records (IP, user, times).',
      content: stanza(config, {
        paths: ['/var/log/wtmp'],
        create: '0664 root utmp',
        compress: false,
      }),
    },
    {
      name: 'btmp',
      why: 'Replaces the monthly rotation of failed logins (IP, attempted user names).',
      content: stanza(config, {
        paths: ['/var/log/btmp'],
        create: '0660 root utmp',
        compress: false,
      }),
    },
    {
      name: 'rsyslog',
      why: "Replaces rsyslog's (weekly, rotate 4), in case it is installed: journald no longer forwards to it.",
      content: stanza(config, {
        paths: [
          '/var/log/syslog',
          '/var/log/mail.log',
          '/var/log/kern.log',
          '/var/log/auth.log',
          '/var/log/user.log',
          '/var/log/cron.log',
        ],
        postrotate: '/usr/lib/rsyslog/rsyslog-rotate',
      }),
    },
  ];
  if (config.services.jitsi) {
    files.push(
      {
        name: 'jitsi-videobridge',
        why: 'Replaces the package\'s "hourly size 100M": a quiet log was never rotated.',
        content: stanza(config, {
          paths: ['/var/log/jitsi/jvb.log'],
          extra: ['copytruncate', 'su jvb jitsi'],
        }),
      },
      {
        name: 'jicofo',
        why: "Replaces the package's (rotate 7, notifempty).",
        content: stanza(config, {
          paths: ['/var/log/jitsi/jicofo.log'],
          extra: ['copytruncate', 'su jicofo jitsi'],
        }),
      },
    );
  }
  const webLog = websiteLogPath(config);
  if (webLog) {
    files.push({
      name: 'treff-web',
      why: `The website's log (activity website-logs, ${webLog}).`,
      content: stanza(config, {
        paths: [webLog],
        create: '0640 www-data adm',
        postrotate: 'invoke-rc.d nginx rotate >/dev/null 2>&1',
      }),
    });
  }
  const { text } = logRetention(config);
  return files.map((file) => ({
    name: file.name,
    content: `${header('#', 'treff.yaml')}# Logs are deleted after ${text} (services.md §1.3). ${file.why}\n${file.content}`,
  }));
}

/**
 * The directory of the website's declared log file, which nginx cannot create itself. Root's,
 * readable by treff's group (`user`, whose scheduled doctor looks at the log), written only by
 * root: nginx's master, logrotate with `maxage`, and the retention job in the root
 * treff-sync.service. A folder the treff user could write would let it point nginx's
 * root-opened log at any file.
 */
export function renderTmpfiles(config: Config, user: string): string {
  const webLog = websiteLogPath(config);
  const lines = webLog ? [`d ${bareToken(dirname(webLog))} 0750 root ${bareToken(user)} -`] : [];
  return `${header('#', 'treff.yaml')}# Directories for the logs treff declares (systemd-tmpfiles).\n${lines.join('\n')}\n`;
}
