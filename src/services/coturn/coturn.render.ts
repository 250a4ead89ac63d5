import type { Config } from '../../core/config/load.ts';
import { header } from '../quoting.ts';

/**
 * coturn as the club's STUN server (issue #6, services.md §4): STUN only, no log anywhere.
 * Pure functions of the declaration.
 */

/**
 * `/etc/turnserver.conf` (replaces Debian's, which logs to syslog). `log-file=/dev/null` alone is
 * not enough: coturn appends a date to the name, cannot create `/dev/null_<date>.log` and falls
 * back to `/var/log`, `/var/tmp`, then `/tmp` (tested: `/tmp/turn_<pid>_<date>.log`); only
 * `simple-log` keeps the name as given.
 */
export function renderTurnserverConf(config: Config): string {
  const jitsi = config.services.jitsi;
  if (!jitsi)
    return `${header('#', 'treff.yaml')}# No Jitsi Meet (and so no STUN server) is declared.\n`;
  return `${header('#', 'treff.yaml')}# The club's own STUN server for Jitsi Meet (services.jitsi.stun): it tells a browser its public
# address and relays nothing. Nothing is logged, anywhere (services.md §4).
listening-port=${jitsi.stun.port}
# "suppress TURN functionality, only STUN requests will be processed"
stun-only
no-tls
no-dtls
# No telnet CLI on 127.0.0.1:5766, no version in answers.
no-cli
no-software-attribute
# Debian's defaults for the binding answers.
no-rfc5780
no-stun-backward-compatibility
response-origin-only-with-rfc5780
# No log: not to stdout (the journal), not to syslog, not to a file. simple-log is required,
# see above. Never add: syslog, verbose, Verbose, log-binding, prometheus.
no-stdout-log
log-file=/dev/null
simple-log
`;
}

/**
 * A drop-in for Debian's coturn.service: the unit is Type=notify and sends stdout to the journal;
 * some socket errors are printed with the remote address even without a log (coturn #911).
 */
export function renderCoturnDropIn(): string {
  return `${header('#', 'treff.yaml')}# coturn prints some socket errors with the client's address whatever its log settings
# (coturn #911): nothing it writes reaches the journal (services.md §4).
[Service]
StandardOutput=null
StandardError=null
`;
}
