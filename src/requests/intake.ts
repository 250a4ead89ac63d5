import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { SYSTEM_ACTOR } from '../core/audit/index.ts';
import { ensurePrivateDir, writeFileAtomic } from '../core/fs.ts';
import type { MailEnvelope, MailRoute } from '../core/mail/intake.ts';
import { parseInboundMail } from '../core/mail/quarantine.ts';
import { classifyRequest, detectLanguage, type ClassifiedKind } from './classify.ts';
import { identifyRequester, isAutoSubmitted, type IdentityReason } from './identity.ts';
import { recordRequest, type RequestDeps } from './requests.service.ts';
import type { IdentitySignal } from './requests.types.ts';

/**
 * Requests by mail: the handler behind the declared `club.contacts.memberAccounts` address on
 * treff's mail intake (core/mail/intake.ts). Each mail is parsed with the intake's limits (a mail
 * the parser refuses goes to the quarantine), written whole and durably (temp file, fsync,
 * rename; 0600 in a 0700 directory) into the request mail directory, classified, its sender
 * identified (identity.ts), and recorded in the ledger; only then does the listener answer 250.
 * Attachments are never unpacked or opened: the raw mail is kept as it came.
 */

/** Where request mails are kept until their request closes: `<dataDir>/requests/mail`. */
export function requestMailDir(config: { paths: { dataDir: string } }): string {
  return join(config.paths.dataDir, 'requests', 'mail');
}

/** What one request mail became. */
export interface RequestMailOutcome {
  requestId: string;
  dueOn: string;
  kind: ClassifiedKind;
  lang: 'de' | 'en';
  identity: IdentitySignal['kind'];
  identityReason: IdentityReason;
  autoSubmitted: boolean;
  /** Path of the kept raw mail. */
  mailFile: string;
}

/**
 * Takes one mail for the member-accounts address: keeps it durably and records its request.
 * @throws MailRefusedError for a mail the parser refuses (the listener quarantines it); any other
 *   error is a failure of treff (the mail file is removed again, the MTA retries).
 */
export async function receiveRequestMail(
  deps: RequestDeps,
  raw: Buffer,
  envelope: Pick<MailEnvelope, 'mailFrom'>,
): Promise<RequestMailOutcome> {
  const receivedAt = deps.clock.now();
  const parsed = await parseInboundMail(raw);
  const dir = requestMailDir(deps.config);
  await ensurePrivateDir(join(dir, '..'));
  await ensurePrivateDir(dir);
  const stamp = receivedAt
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const name = `${stamp}-${randomBytes(6).toString('hex')}`;
  const mailFile = join(dir, `${name}.eml`);
  await writeFileAtomic(mailFile, raw, { mode: 0o600 });
  try {
    const from = parsed.from?.value[0]?.address ?? null;
    const subject = parsed.subject ?? '';
    const text = parsed.text ?? '';
    const rawType = parsed.headers.get('content-type');
    const contentType =
      rawType &&
      typeof rawType === 'object' &&
      'value' in rawType &&
      typeof rawType.value === 'string'
        ? {
            value: rawType.value,
            params: (rawType as { params?: Record<string, string> }).params ?? {},
          }
        : null;
    const { identity, reason, replyTo } = await identifyRequester(deps, {
      raw,
      from,
      text,
      contentType,
    });
    // The request is read without its signature armor.
    const request = text.replace(
      /-----BEGIN PGP SIGNATURE-----[\s\S]*?-----END PGP SIGNATURE-----/g,
      '',
    );
    const kind = classifyRequest(subject, request);
    const lang = detectLanguage(subject, request);
    const autoSubmitted = isAutoSubmitted(parsed.headers, envelope.mailFrom, from);
    // Facts for the board beside the mail (no contents, no addresses): why the identity is what
    // it is, e.g. a signature by a key no member has.
    await writeFileAtomic(
      join(dir, `${name}.json`),
      `${JSON.stringify({ kind, lang, identity: identity.kind, identityReason: reason, autoSubmitted })}\n`,
      { mode: 0o600 },
    );
    const recorded = await recordRequest(deps, SYSTEM_ACTOR, {
      kind,
      channel: 'mail',
      receivedAt,
      lang,
      identity,
      replyTo,
      mailFile,
      subject: subject.slice(0, 200),
      autoSubmitted,
    });
    deps.log.info(
      {
        event: 'requests.mail.received',
        requestId: recorded.id,
        kind,
        identity: identity.kind,
        reason,
      },
      'request mail recorded',
    );
    return {
      requestId: recorded.id,
      dueOn: recorded.dueOn,
      kind,
      lang,
      identity: identity.kind,
      identityReason: reason,
      autoSubmitted,
      mailFile,
    };
  } catch (error) {
    await rm(mailFile, { force: true });
    await rm(join(dir, `${name}.json`), { force: true });
    throw error;
  }
}

/**
 * The intake route for the member-accounts address (compose it into the listener with the other
 * modules' routes). `onOutcome` sees each recorded request (tests, the bench).
 */
export function requestsMailRoute(
  deps: RequestDeps,
  onOutcome?: (outcome: RequestMailOutcome) => void,
): MailRoute {
  return {
    address: deps.config.club.contacts.memberAccounts,
    handle: async (raw, envelope) => {
      const outcome = await receiveRequestMail(deps, raw, envelope);
      onOutcome?.(outcome);
    },
  };
}
