import { readFile } from 'node:fs/promises';
import type { Deps } from '../core/deps.ts';
import {
  startDeclaredIntake,
  startMailListener,
  type Intake,
  type MailRoute,
} from '../core/mail/intake.ts';
import { submissionAddress } from './submission-key.ts';
import { rawMailerFor } from './wks.mime.ts';
import { receiveWksMail, type WksDeps, type WksOutcome } from './wks.ts';

/**
 * The keys module's share of treff's mail intake (core/mail/intake.ts): the WKS submission
 * address (Postfix: `transport_maps` entry `key-submission@DOMAIN lmtp:inet:127.0.0.1:8472`). A
 * mail that is not a usable WKS message is accepted and dropped, never bounced: a bounce would go
 * to a possibly forged sender. A mail the parser refuses is quarantined by the listener.
 */

export { INTAKE_MAX_BYTES, type Intake } from '../core/mail/intake.ts';

/** Where to listen and how the mails are handled (injectable for tests). */
export interface IntakeOptions {
  host: string;
  port: number;
  protocol: 'lmtp' | 'smtp';
  /** Defaults to {@link receiveWksMail}. */
  handle?: (raw: Buffer) => Promise<WksOutcome>;
  /** Called after each handled mail (tests, and the WKD cache of this process). */
  onOutcome?: (outcome: WksOutcome) => void;
  /** Further addresses the same listener takes (other modules' routes). */
  routes?: readonly MailRoute[];
}

/**
 * The route for the WKS submission address; null when WKS is off.
 * @param handle defaults to {@link receiveWksMail}.
 */
export function wksMailRoute(
  deps: WksDeps,
  options: {
    handle?: ((raw: Buffer) => Promise<WksOutcome>) | undefined;
    onOutcome?: ((outcome: WksOutcome) => void) | undefined;
  } = {},
): MailRoute | null {
  const address = submissionAddress(deps.config);
  if (!address) return null;
  const handle = options.handle ?? ((raw: Buffer) => receiveWksMail(deps, raw));
  return {
    address,
    handle: async (raw) => {
      const outcome = await handle(raw);
      options.onOutcome?.(outcome);
    },
  };
}

/**
 * Starts an intake listener with the WKS route (and `options.routes`). Needs
 * `services.wkd.submissionAddress`.
 * @throws Error when WKS is off or the port cannot be bound.
 */
export async function startIntake(
  deps: WksDeps & Pick<Deps, 'log'>,
  options: IntakeOptions,
): Promise<Intake> {
  const route = wksMailRoute(deps, { handle: options.handle, onOutcome: options.onOutcome });
  if (!route) throw new Error('the mail intake needs services.wkd.submissionAddress');
  return startMailListener(deps, {
    host: options.host,
    port: options.port,
    protocol: options.protocol,
    routes: [route, ...(options.routes ?? [])],
  });
}

/**
 * The WKS route as `treff serve` runs it: replies go through `mail.smtp` or the outbox. Null when
 * WKS is off.
 */
export async function declaredWksRoute(
  deps: Deps,
  onOutcome?: (outcome: WksOutcome) => void,
): Promise<MailRoute | null> {
  if (!deps.config.mail.intake || !submissionAddress(deps.config)) return null;
  const smtp = deps.config.mail.smtp;
  const password = smtp?.passwordFile
    ? (await readFile(smtp.passwordFile, 'utf8')).trim()
    : undefined;
  return wksMailRoute(
    { ...deps, rawMailer: rawMailerFor(deps.config, deps.clock, password) },
    onOutcome ? { onOutcome } : {},
  );
}

/**
 * Starts the intake the declaration asks for (`mail.intake` together with
 * `services.wkd.submissionAddress`) with the WKS route and `routes`; null when it asks for none.
 */
export async function startMailIntake(
  deps: Deps,
  onOutcome?: (outcome: WksOutcome) => void,
  routes: readonly MailRoute[] = [],
): Promise<Intake | null> {
  if (deps.config.mail.intake && !submissionAddress(deps.config) && routes.length === 0)
    deps.log.warn('mail.intake is set but services.wkd.submissionAddress is not: no intake');
  const wks = await declaredWksRoute(deps, onOutcome);
  return startDeclaredIntake(deps, [...(wks ? [wks] : []), ...routes]);
}
