import type { Config } from '../core/config/load.ts';
import { COTURN_CHECKS } from './coturn/coturn.doctor.ts';
import { MODE_CHECKS } from './doctor.modes.ts';
import { runDoctor, type Check, type CommandRunner, type DoctorReport } from './doctor.ts';
import { JITSI_CHECKS } from './jitsi/jitsi.doctor.ts';
import { LOG_CHECKS } from './logs/logs.doctor.ts';
import { MAIL_CHECKS } from './mail/mail.doctor.ts';
import { WEB_CHECKS } from './nginx/nginx.doctor.ts';
import { XMPP_CHECKS } from './prosody/prosody.doctor.ts';
import { SHELL_CHECKS } from './shell/shell.doctor.ts';
import { UNIT_CHECKS } from './doctor.units.ts';

/** Every check of `treff doctor`, in the order they are reported. */
export const DOCTOR_CHECKS: readonly Check[] = [
  ...LOG_CHECKS,
  ...XMPP_CHECKS,
  ...JITSI_CHECKS,
  ...COTURN_CHECKS,
  ...WEB_CHECKS,
  ...SHELL_CHECKS,
  ...MAIL_CHECKS,
  ...MODE_CHECKS,
  ...UNIT_CHECKS,
];

/**
 * Checks the server at `root` (default `/`) against the declaration with every check. Never
 * throws for what it finds; see {@link runDoctor}.
 */
export function diagnose(
  config: Config,
  options: { root?: string; now?: Date; run?: CommandRunner } = {},
): Promise<DoctorReport> {
  return runDoctor(config, DOCTOR_CHECKS, options);
}
