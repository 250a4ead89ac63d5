import { z } from 'zod';
import { bicProblem, creditorIdProblem, ibanProblem, normaliseIban } from '../bank.ts';
import { addDuration, parseDuration, type Duration } from '../duration.ts';
import {
  DATA_CATEGORIES,
  DISCLOSURE_RECIPIENTS,
  LEGAL_BASES,
  RECIPIENTS,
  REGISTRY_CATEGORIES,
  RETENTION_ACTIONS,
  RETENTION_EVENTS,
  SUBJECTS,
  WEB_LOG_FIELDS,
} from './vocabulary.ts';

/**
 * The schema of `treff.yaml`, the club's declaration (design.md §4). Every object is strict, so
 * a misspelt key is reported instead of silently ignored. Types are inferred from here.
 */

const wholeNumber = () =>
  z.int({
    error: (issue) => {
      if (issue.code !== 'invalid_type') return undefined;
      return issue.input === undefined ? 'required' : 'expected a whole number';
    },
  });

const text = () => z.string().trim().min(1);

/** A text in German and English; German is authoritative. */
export const LocalizedText = z.strictObject({ de: text(), en: text() });
export type LocalizedText = z.infer<typeof LocalizedText>;

const Email = z.email();
const Domain = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
    error: 'expected a lower-case domain name such as example.org',
  });
const HttpUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' });

/**
 * The longest period a declaration may name: 30 years, the longest limitation period of German
 * civil law (§ 197 BGB); the longest keeping duty (§ 147 AO) is 10 years. Anything longer is a
 * typo (`P1000Y`) that would make a deletion promise empty.
 */
export const LONGEST_PERIOD = 'P30Y';

/** Whether `a` is longer than `b`, measured from one fixed instant (months and years vary). */
export function longerThan(a: Duration, b: Duration): boolean {
  const from = new Date(0);
  return addDuration(from, a).getTime() > addDuration(from, b).getTime();
}

function isZero(duration: Duration): boolean {
  return Object.values(duration).every((value) => value === 0);
}

/** An ISO 8601 duration such as `P10D`, `PT24H` or `P8Y`, at most {@link LONGEST_PERIOD}. */
export const DurationText = z.string().superRefine((value, context) => {
  const duration = parseDuration(value);
  if (!duration) {
    context.addIssue({
      code: 'custom',
      message: 'expected an ISO 8601 duration such as P10D, PT24H or P8Y',
    });
  } else if (longerThan(duration, parseDuration(LONGEST_PERIOD) as Duration)) {
    context.addIssue({
      code: 'custom',
      message: `${value} is longer than ${LONGEST_PERIOD}, the longest period treff accepts (§ 197 BGB)`,
    });
  }
});

/** A {@link DurationText} that must not be zero: for a lifetime (a session, a link), zero ends it at once. */
const LifetimeText = DurationText.refine(
  (value) => {
    const duration = parseDuration(value);
    return duration === null || !isZero(duration);
  },
  { error: 'must be longer than zero: nothing could be used for a period of 0' },
);

/** A money amount as written in YAML (`5`, `5.00`, `"12.50"`), stored in cents. */
const Amount = z.union([z.number(), z.string()]).transform((value, context) => {
  const textValue = typeof value === 'number' ? value.toFixed(2) : value.trim();
  const match = /^(\d{1,7})(?:[.,](\d{1,2}))?$/.exec(textValue);
  if (!match) {
    context.addIssue({ code: 'custom', message: 'expected an amount such as 5.00' });
    return z.NEVER;
  }
  return Number(match[1]) * 100 + Number((match[2] ?? '0').padEnd(2, '0'));
});

export const FEE_INTERVALS = { monthly: 1, quarterly: 3, 'half-yearly': 6, yearly: 12 } as const;
export type FeeInterval = keyof typeof FEE_INTERVALS;
const FeeIntervalName = z.enum(Object.keys(FEE_INTERVALS) as [FeeInterval, ...FeeInterval[]]);

const PostalAddress = z.strictObject({
  street: text(),
  postcode: text(),
  city: text(),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, { error: 'expected a country code such as DE' })
    .default('DE'),
});

const Club = z.strictObject({
  name: text(),
  domain: Domain,
  address: PostalAddress,
  register: text().optional().describe('Register entry, e.g. "VR 1234, Amtsgericht Osnabrück".'),
  representedBy: LocalizedText.optional(),
  website: HttpUrl.optional(),
  timeZone: z
    .string()
    .refine(isTimeZone, { error: 'expected an IANA time zone such as Europe/Berlin' })
    .default('Europe/Berlin'),
  defaultLanguage: z.enum(['de', 'en']).default('de'),
  contacts: z.strictObject({
    board: Email,
    privacy: Email,
    memberAccounts: Email,
  }),
  supervisoryAuthority: z.strictObject({
    name: text(),
    address: text(),
    url: HttpUrl,
    email: Email.optional(),
  }),
  dataProtectionOfficer: z
    .union([
      z.strictObject({ appointed: z.literal(false) }),
      z.strictObject({ appointed: z.literal(true), name: text(), email: Email }),
    ])
    .default({ appointed: false }),
});

const Database = z.strictObject({
  url: z
    .string()
    .regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, {
      error: 'expected sqlite:PATH or postgres://USER@HOST/DATABASE',
    })
    .default('sqlite:./data/treff.db'),
});

const Web = z.strictObject({
  host: z.string().default('127.0.0.1'),
  port: wholeNumber().min(1).max(65535).default(8080),
  publicUrl: HttpUrl.optional().describe(
    'The address members see, used in mailed links. Default: http://HOST:PORT.',
  ),
  trustProxy: z
    .boolean()
    .default(false)
    .describe(
      'Trust X-Forwarded-Proto and X-Forwarded-For from a reverse proxy on the same machine.',
    ),
  sessionTtl: LifetimeText.default('PT12H'),
  loginLinkTtl: LifetimeText.default('PT30M'),
  passwordLinkTtl: LifetimeText.default('P1D').describe(
    'How long a link to set an account password works.',
  ),
  internalPort: wholeNumber()
    .min(1)
    .max(65535)
    .default(8471)
    .describe('Loopback-only port of the internal endpoints (the Prosody password check).'),
});

const Mail = z.strictObject({
  from: Email.describe('Sender of the mails treff sends (login links, notices).'),
  smtp: z
    .strictObject({
      host: text(),
      port: wholeNumber().min(1).max(65535).default(587),
      secure: z.boolean().default(false),
      user: text().optional(),
      passwordFile: text().optional(),
    })
    .optional()
    .describe('Without smtp, mail goes into the outbox directory under dataDir.'),
  intake: z
    .strictObject({
      host: z
        .enum(['127.0.0.1', '::1'], { error: 'the intake listens on loopback only' })
        .default('127.0.0.1'),
      port: wholeNumber().min(1).max(65535).default(8472),
      protocol: z.enum(['lmtp', 'smtp']).default('lmtp'),
    })
    .optional()
    .describe(
      'The loopback listener `treff serve` receives mail on (the WKS submission address); the MTA delivers to it, e.g. Postfix transport lmtp:inet:127.0.0.1:8472. Off when absent.',
    ),
});

/** A bank identifier checked by src/core/bank.ts: the check names what is wrong. */
const bankId = (problem: (value: string) => string | null) =>
  text().superRefine((value, context) => {
    const message = problem(value);
    if (message) context.addIssue({ code: 'custom', message: `${value} ${message}` });
  });

const DirectDebit = z.strictObject({
  creditorId: bankId(creditorIdProblem)
    .transform((value) => value.replace(/\s+/g, '').toUpperCase())
    .describe("The club's SEPA creditor identifier (Gläubiger-Identifikationsnummer)."),
  creditorName: text()
    .max(70)
    .optional()
    .describe('Defaults to the club name (at most 70 characters in pain.008).'),
  iban: bankId(ibanProblem)
    .transform(normaliseIban)
    .describe('The club account the collections are credited to.'),
  bic: bankId(bicProblem).transform((value) => value.trim().toUpperCase()),
  preNotificationDays: wholeNumber()
    .min(1)
    .max(60)
    .default(14)
    .describe(
      'Days between the pre-notification mail and the collection date (SEPA rulebook: 14 unless agreed otherwise with the member).',
    ),
});

const Assembly = z.strictObject({
  noticePeriod: DurationText.describe(
    'The notice period for invitations to the general assembly set by the statutes (§ 58 Nr. 4 BGB), e.g. P14D.',
  ),
  minutesMaxBytes: wholeNumber()
    .min(1024)
    .max(50 * 1024 * 1024)
    .default(10 * 1024 * 1024)
    .describe('The largest minutes file the board may attach.'),
});

/** One stage of payment reminders: sent when the oldest unpaid due is this many days overdue. */
const ReminderStage = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, { error: 'expected a lower-case id such as friendly' }),
  afterDays: wholeNumber().min(1).max(3650),
  subject: LocalizedText.optional().describe("The subject; default: treff's text for the stage."),
  text: LocalizedText.optional().describe(
    'The mail text with {name}, {number}, {amount}, {dueDates}, {limitationDate}, {payTo}, {club}.',
  ),
});

/** Reminders for unpaid fees (src/dunning): stages in order, and how to pay. */
const Reminders = z
  .strictObject({
    stages: z.array(ReminderStage).min(1).max(10),
    payTo: LocalizedText.describe(
      "How to pay: the club's bank details (account holder, IBAN), shown in every reminder.",
    ),
  })
  .superRefine((reminders, context) => {
    reminders.stages.forEach((stage, index) => {
      const before = reminders.stages[index - 1];
      if (before && stage.afterDays <= before.afterDays)
        context.addIssue({
          code: 'custom',
          path: ['stages', index, 'afterDays'],
          message: `must be later than the stage before (${before.afterDays} days)`,
        });
      if (reminders.stages.findIndex((other) => other.id === stage.id) !== index)
        context.addIssue({
          code: 'custom',
          path: ['stages', index, 'id'],
          message: `the stage id ${stage.id} is used twice`,
        });
    });
  });

const Members = z
  .strictObject({
    numberLabel: LocalizedText.default({ de: 'Mitgliedsnummer', en: 'Member number' }),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, { error: 'expected a currency code such as EUR' })
      .default('EUR'),
    defaultFee: z.strictObject({ amount: Amount, interval: FeeIntervalName }).optional(),
    directDebit: DirectDebit.optional().describe(
      'SEPA direct debit (src/sepa). Only with an activity that declares bankAccount and directDebitMandates in the table sepa_mandates.',
    ),
    assembly: Assembly.optional().describe('General assemblies (src/assembly).'),
    reminders: Reminders.optional(),
  })
  .default({
    numberLabel: { de: 'Mitgliedsnummer', en: 'Member number' },
    currency: 'EUR',
  });

/** An absolute path on the server, as a daemon's configuration names it. */
const AbsolutePath = () =>
  text().regex(/^\/[A-Za-z0-9@._:/+=,-]*$/, {
    error:
      'expected an absolute path of letters, digits and . _ - / (no spaces or quotes), such as /var/www/club',
  });

const Website = z.strictObject({
  domain: Domain,
  root: AbsolutePath()
    .optional()
    .describe(
      "A directory of static files (e.g. what Hugo generates) that nginx serves at /; treff's own pages stay under their paths. Without it, treff serves the whole site.",
    ),
  logFields: z.array(z.enum(WEB_LOG_FIELDS)),
  location: z
    .strictObject({ osmLink: HttpUrl, label: LocalizedText })
    .optional()
    .describe('A plain link to the meeting place on OpenStreetMap; nothing is embedded.'),
});

const Jitsi = z.strictObject({
  domain: Domain,
  stun: z.strictObject({
    host: Domain,
    port: wholeNumber().min(1).max(65535).default(3478),
  }),
  logging: z.literal('none'),
  browserStorage: z
    .array(z.enum(DATA_CATEGORIES))
    .describe('What the Jitsi web client keeps in the browser (local storage).'),
});

const MailService = z.strictObject({
  domain: Domain,
  imap: z.boolean().default(true),
  smtp: z.boolean().default(true),
  dovecot: z
    .enum(['2.3', '2.4'])
    .optional()
    .describe(
      "Dovecot's configuration syntax (Debian 12: 2.3, Debian 13: 2.4). Default: the installed dovecot-core's, else the Debian release's, else 2.4.",
    ),
});

const Xmpp = z.strictObject({
  domain: Domain,
  muc: z.strictObject({
    domain: Domain,
    history: wholeNumber()
      .min(0)
      .max(1000)
      .describe('Messages a room keeps and offers on joining.'),
  }),
  upload: z.strictObject({
    domain: Domain,
    expireAfter: LifetimeText,
  }),
  directMessages: z.strictObject({
    archive: z.literal(false, { error: 'one-to-one chats are never archived' }),
    offline: z.literal(false, { error: 'one-to-one messages are never stored for offline users' }),
  }),
});

const Shell = z.strictObject({
  host: Domain,
  history: z.enum(['opt-in', 'off']),
  adminGroups: z
    .array(z.string().regex(/^[a-z_][a-z0-9_-]*$/, { error: 'expected a Unix group name' }))
    .default(['sudo'])
    .describe('Groups besides the members that may still log in with SSH (the admins).'),
});

const Wkd = z
  .strictObject({
    domain: Domain,
    method: z.enum(['direct', 'advanced']).default('direct'),
    requireClubUid: z.literal(true).default(true),
    submissionAddress: Email.optional().describe(
      'The Web Key Service address (e.g. key-submission@DOMAIN); WKS is on when it is set.',
    ),
    confirmationTtl: LifetimeText.default('P2D').describe(
      'How long a key publication waits for its proof (the one-time code, the WKS confirmation).',
    ),
    exportDir: text()
      .refine((value) => value.startsWith('/'), { error: 'expected an absolute path' })
      .optional()
      .describe(
        'Where `treff serve` writes the WKD as files for nginx to serve (e.g. /var/lib/treff-wkd; not under dataDir, which nginx may not enter). Without it, treff answers WKD lookups itself.',
      ),
  })
  .superRefine((wkd, context) => {
    // The submission key is published in this WKD (draft-koch-openpgp-webkey-service-22 §4.4),
    // which serves only its own domain.
    if (wkd.submissionAddress && !wkd.submissionAddress.toLowerCase().endsWith(`@${wkd.domain}`)) {
      context.addIssue({
        code: 'custom',
        path: ['submissionAddress'],
        message: `must be an address at ${wkd.domain}`,
      });
    }
  });

const Backup = z.strictObject({
  dir: text()
    .refine((value) => value.startsWith('/'), { error: 'expected an absolute path' })
    .describe(
      'Where `treff backup` writes its encrypted backups (mode 0700). An activity must declare this directory with its retention.',
    ),
  encryptTo: text().describe(
    'The OpenPGP public key file every backup is encrypted to (relative to this file); keep its secret key off this server.',
  ),
  keep: DurationText.describe(
    'How long a backup is kept before `treff backup` deletes it; at most the period the activity of the backup directory declares.',
  ),
});

const Fingerprint = z
  .string()
  .transform((value) => value.replace(/\s+/g, '').toUpperCase())
  .pipe(
    z.string().regex(/^([0-9A-F]{40}|[0-9A-F]{64})$/, {
      error: 'expected a fingerprint of 40 or 64 hex digits',
    }),
  );

const Transparency = z.strictObject({
  signingAddress: Email.describe(
    "The club address of treff's signing key (e.g. transparency@DOMAIN); its public key is published in the club's WKD and signs the daily statements.",
  ),
  disclosureRecipients: z
    .array(z.enum(DISCLOSURE_RECIPIENTS))
    .min(1)
    .describe(
      'The only authorities a legal disclosure may go to; the privacy policy names them and the disclosure register refuses others.',
    ),
  boardKeys: z
    .array(Fingerprint)
    .default([])
    .describe(
      "Fingerprints of the board's OpenPGP keys whose offline-signed declarations treff publishes.",
    ),
});

const Tls = z.strictObject({
  certificate: AbsolutePath().describe('The certificate chain (PEM), e.g. fullchain.pem.'),
  key: AbsolutePath().describe("The certificate's private key (PEM)."),
});

const Services = z.strictObject({
  website: Website.optional(),
  jitsi: Jitsi.optional(),
  mail: MailService.optional(),
  xmpp: Xmpp.optional(),
  shell: Shell.optional(),
  wkd: Wkd.optional(),
});

const Store = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('database'), table: text() }),
    z.strictObject({
      kind: z.literal('file-log'),
      path: text(),
      rotated: z.boolean().default(true),
    }),
    z.strictObject({ kind: z.literal('journald'), units: z.array(text()).min(1) }),
    z.strictObject({ kind: z.literal('directory'), path: text() }),
    z.strictObject({ kind: z.literal('maildir'), path: text() }),
    z.strictObject({ kind: z.literal('home-directory'), path: text() }),
    z.strictObject({ kind: z.literal('memory') }),
    z.strictObject({ kind: z.literal('client-device') }),
  ],
  {
    error: (issue) =>
      issue.input === undefined
        ? 'required'
        : 'expected a store kind: database, file-log, journald, directory, maildir, home-directory, memory or client-device',
  },
);
export type Store = z.infer<typeof Store>;

/**
 * One retention stage. Exactly one of `keep` (a duration), `keepCount` (the last N items) or
 * `untilRequest` (kept until the person asks for deletion, as with a published key) says how long.
 */
export const RetentionRule = z
  .strictObject({
    data: z.array(z.enum(DATA_CATEGORIES)).min(1).optional(),
    keep: DurationText.optional(),
    keepCount: wholeNumber().min(0).optional(),
    untilRequest: z.literal(true).optional(),
    from: z.enum(RETENTION_EVENTS).default('created'),
    roundUp: z.literal('endOfYear').optional(),
    then: z.enum(RETENTION_ACTIONS).default('delete'),
    basis: text()
      .optional()
      .describe('The legal reference that requires keeping, e.g. "§ 147 AO".'),
    holdWhileOwed: DurationText.optional().describe(
      'Keep longer while the person still owes contributions, at most this long after the end of the calendar year (limitation, §§ 195, 199 BGB).',
    ),
  })
  .superRefine((rule, context) => {
    const ways = [rule.keep, rule.keepCount, rule.untilRequest].filter((v) => v !== undefined);
    if (ways.length !== 1) {
      context.addIssue({
        code: 'custom',
        message: 'give exactly one of keep, keepCount or untilRequest',
      });
    }
    if (rule.holdWhileOwed !== undefined && rule.from !== 'membership.ended') {
      context.addIssue({
        code: 'custom',
        path: ['holdWhileOwed'],
        message: 'only applies to data kept from membership.ended',
      });
    }
  });
export type RetentionRule = z.infer<typeof RetentionRule>;

const LegalBasisEntry = z.strictObject({
  basis: z.enum(LEGAL_BASES),
  data: z.array(z.enum(DATA_CATEGORIES)).min(1).optional(),
  law: text().optional().describe('The law behind a legal obligation (Art. 6(1)(c)).'),
  interest: LocalizedText.optional().describe('The legitimate interest (Art. 6(1)(f)).'),
});

/**
 * Cross-field checks read the parsed shape (arrays after their transform). zod still runs a
 * refinement after a field's non-aborting issue, with that field untransformed (a single
 * retention rule that is not an array yet), so these checks wait until every field is valid.
 */
const whenFieldsValid = { when: (payload: z.core.ParsePayload) => payload.issues.length === 0 };

/** One processing activity: which data of whom, why, on which basis, where and for how long. */
export const Activity = z
  .strictObject({
    id: z
      .string()
      .regex(/^[a-z][a-z0-9-]*$/, { error: 'expected a lower-case id such as website-logs' }),
    service: z.enum(['website', 'jitsi', 'mail', 'xmpp', 'shell', 'wkd', 'members', 'portal']),
    title: LocalizedText,
    subjects: z.array(z.enum(SUBJECTS)).min(1),
    data: z.array(z.enum(DATA_CATEGORIES)).min(1),
    purposes: z.array(LocalizedText).min(1),
    legalBasis: z.array(LegalBasisEntry).min(1),
    recipients: z.array(z.enum(RECIPIENTS)).default([]),
    store: Store,
    retention: z
      .union([RetentionRule, z.array(RetentionRule).min(1)])
      .transform((value) => (Array.isArray(value) ? value : [value])),
    optional: z
      .boolean()
      .default(false)
      .describe('The person may choose not to provide this data.'),
    deletion: LocalizedText.optional().describe(
      'How to have data deleted that is not deleted automatically.',
    ),
  })
  .superRefine((activity, context) => {
    activity.legalBasis.forEach((entry, index) => {
      if (entry.basis === 'art6-1-f' && !entry.interest) {
        context.addIssue({
          code: 'custom',
          path: ['legalBasis', index, 'interest'],
          message: 'legitimate interests (art6-1-f) must name the interest',
        });
      }
      if (entry.basis === 'art6-1-c' && !entry.law) {
        context.addIssue({
          code: 'custom',
          path: ['legalBasis', index, 'law'],
          message: 'a legal obligation (art6-1-c) must name the law',
        });
      }
    });
    const declared = new Set(activity.data);
    const check = (list: readonly string[] | undefined, path: PropertyKey[]) => {
      list?.forEach((item, index) => {
        if (!declared.has(item as never)) {
          context.addIssue({
            code: 'custom',
            path: [...path, index],
            message: `"${item}" is not listed in this activity's data`,
          });
        }
      });
    };
    activity.legalBasis.forEach((entry, index) => {
      check(entry.data, ['legalBasis', index, 'data']);
    });
    activity.retention.forEach((rule, index) => {
      check(rule.data, ['retention', index, 'data']);
    });
  }, whenFieldsValid);
export type Activity = z.infer<typeof Activity>;

/** The whole declaration. */
export const TreffConfig = z
  .strictObject({
    $schema: z.string().optional(),
    club: Club,
    dataDir: text()
      .default('./data')
      .describe('Where treff keeps its files; relative to this file.'),
    database: Database.default({ url: 'sqlite:./data/treff.db' }),
    web: Web.default({
      host: '127.0.0.1',
      port: 8080,
      trustProxy: false,
      sessionTtl: 'PT12H',
      loginLinkTtl: 'PT30M',
      passwordLinkTtl: 'P1D',
      internalPort: 8471,
    }),
    mail: Mail,
    members: Members,
    services: Services,
    tls: Tls.optional().describe(
      "The club's certificate for nginx, Postfix, Dovecot and Prosody; default /etc/letsencrypt/live/DOMAIN/{fullchain,privkey}.pem, DOMAIN being services.website.domain or else club.domain.",
    ),
    backup: Backup.optional().describe(
      'Encrypted backups of the database (`treff backup`, `treff restore`).',
    ),
    transparency: Transparency.optional(),
    activities: z.array(Activity).min(1),
  })
  .superRefine((config, context) => {
    const seen = new Map<string, number>();
    config.activities.forEach((activity, index) => {
      const first = seen.get(activity.id);
      if (first !== undefined) {
        context.addIssue({
          code: 'custom',
          path: ['activities', index, 'id'],
          message: `duplicate id "${activity.id}" (also activities.${first}.id)`,
        });
      } else {
        seen.set(activity.id, index);
      }
    });
    // A member's WKD address is their account's mail address (keys module), so a WKD for
    // another domain than the mail service could never publish a member's key.
    const { wkd, mail } = config.services;
    if (wkd && mail && wkd.domain !== mail.domain) {
      context.addIssue({
        code: 'custom',
        path: ['services', 'wkd', 'domain'],
        message: `must be the mail domain ${mail.domain}: members' keys are published for their club mail addresses`,
      });
    }
    checkServicesAgainstActivities(config, context);
    checkWebAgainstPromises(config, context);
    checkBackupAgainstActivities(config, context);
    checkTransparency(config, context);
    checkDirectDebit(config, context);
    // Reminder records are personal data: kept only when an activity declares them.
    if (
      config.members.reminders &&
      !config.activities.some(
        (activity) =>
          activity.store.kind === 'database' && activity.store.table === 'reminder_sends',
      )
    ) {
      context.addIssue({
        code: 'custom',
        path: ['members', 'reminders'],
        message:
          'no activity declares the reminder records (store: { kind: database, table: reminder_sends })',
      });
    }
    // Store only what is declared: the registry may hold only declared fields, so the
    // declaration must list every field the registry has (design.md §1.2).
    const registryIndex = config.activities.findIndex(
      (activity) => activity.store.kind === 'database' && activity.store.table === 'members',
    );
    if (registryIndex === -1) {
      context.addIssue({
        code: 'custom',
        path: ['activities'],
        message:
          'no activity declares the member registry (store: { kind: database, table: members })',
      });
    } else {
      const registry = config.activities[registryIndex];
      const declared = new Set<string>(registry?.data ?? []);
      const missing = [...REGISTRY_CATEGORIES, 'contributions'].filter(
        (name) => !declared.has(name),
      );
      if (missing.length > 0) {
        context.addIssue({
          code: 'custom',
          path: ['activities', registryIndex, 'data'],
          message: `the member registry stores ${missing.join(', ')}, which this activity does not declare`,
        });
      }
    }
  }, whenFieldsValid);

/** The declaration as written (before defaults). */
export type TreffConfigInput = z.input<typeof TreffConfig>;
/** The declaration after validation and defaults, paths still as written. */
export type TreffConfigParsed = z.output<typeof TreffConfig>;

/**
 * The signing key is published in the club's own WKD, which serves only its domain; and an
 * activity may not name a legal recipient that the declared disclosure recipients leave out,
 * or the policy would contradict itself.
 */
function checkTransparency(config: TreffConfigParsed, context: z.RefinementCtx): void {
  const { transparency, services } = config;
  if (!transparency) return;
  const domain = services.wkd?.domain;
  if (!domain) {
    context.addIssue({
      code: 'custom',
      path: ['transparency', 'signingAddress'],
      message: 'needs services.wkd: the signing key is published in the club WKD',
    });
  } else if (!transparency.signingAddress.toLowerCase().endsWith(`@${domain}`)) {
    context.addIssue({
      code: 'custom',
      path: ['transparency', 'signingAddress'],
      message: `must be an address at ${domain} (the WKD domain)`,
    });
  }
  const allowed = new Set<string>(transparency.disclosureRecipients);
  config.activities.forEach((activity, index) => {
    activity.recipients.forEach((recipient, position) => {
      if (
        (DISCLOSURE_RECIPIENTS as readonly string[]).includes(recipient) &&
        !allowed.has(recipient)
      )
        context.addIssue({
          code: 'custom',
          path: ['activities', index, 'recipients', position],
          message: `"${recipient}" is not in transparency.disclosureRecipients`,
        });
    });
  });
}

/**
 * Direct debit stores IBANs and mandates: only when an activity declares them in the table
 * `sepa_mandates` (with its purpose and retention); declaring them without `directDebit`
 * would promise a processing treff does not do.
 */
function checkDirectDebit(config: TreffConfigParsed, context: z.RefinementCtx): void {
  const index = config.activities.findIndex(
    (activity) => activity.store.kind === 'database' && activity.store.table === 'sepa_mandates',
  );
  const activity = config.activities[index];
  if (config.members.directDebit && !activity) {
    context.addIssue({
      code: 'custom',
      path: ['members', 'directDebit'],
      message:
        'no activity declares the mandates (store: { kind: database, table: sepa_mandates })',
    });
    return;
  }
  if (!activity) return;
  const missing = (['bankAccount', 'directDebitMandates'] as const).filter(
    (category) => !activity.data.includes(category),
  );
  if (missing.length > 0)
    context.addIssue({
      code: 'custom',
      path: ['activities', index, 'data'],
      message: `the mandates table stores ${missing.join(', ')}, which this activity does not declare`,
    });
  if (!config.members.directDebit)
    context.addIssue({
      code: 'custom',
      path: ['activities', index, 'store'],
      message: 'declares mandates, but members.directDebit (creditor id and account) is missing',
    });
}

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/**
 * The web settings must not break a promise (issue 11, item 8): a session may not outlive the
 * declared retention of sessions, and behind a TLS proxy the session cookie must be `Secure`.
 */
function checkWebAgainstPromises(config: TreffConfigParsed, context: z.RefinementCtx): void {
  const ttl = parseDuration(config.web.sessionTtl);
  let strictest: { activity: string; keep: string; duration: Duration } | undefined;
  for (const activity of config.activities) {
    for (const rule of activity.retention) {
      const duration = rule.keep ? parseDuration(rule.keep) : null;
      if (!rule.keep || !duration || !(rule.data ?? activity.data).includes('sessions')) continue;
      if (!strictest || longerThan(strictest.duration, duration))
        strictest = { activity: activity.id, keep: rule.keep, duration };
    }
  }
  if (ttl && strictest && longerThan(ttl, strictest.duration)) {
    context.addIssue({
      code: 'custom',
      path: ['web', 'sessionTtl'],
      message: `a session lasts ${config.web.sessionTtl}, but the activity ${strictest.activity} promises to keep sessions at most ${strictest.keep}`,
    });
  }
  // treff itself speaks plain HTTP; an https address means a TLS proxy in front. Without
  // trustProxy treff ignores its X-Forwarded-Proto, takes every request for plain HTTP and sets
  // the session cookie without Secure (and without the __Host- prefix): a browser would then
  // also send it over plain http:// to this host.
  if (config.web.publicUrl?.startsWith('https:') && !config.web.trustProxy) {
    context.addIssue({
      code: 'custom',
      path: ['web', 'trustProxy'],
      message:
        'must be true when publicUrl is https: treff serves plain HTTP behind the TLS proxy and, without trusting its X-Forwarded-Proto, sets the session cookie without Secure, so browsers would send it over plain HTTP too',
    });
  }
}

/**
 * A service setting must not keep more than its activity declares (issue 5 §5): the room
 * history no longer than the declared count, uploads no longer than declared, the web log and
 * the Jitsi browser storage no other data than declared.
 */
function checkServicesAgainstActivities(config: TreffConfigParsed, context: z.RefinementCtx): void {
  const { services, activities } = config;
  const find = (service: string, category: string) =>
    activities.find(
      (activity) => activity.service === service && activity.data.includes(category as never),
    );
  const issue = (path: PropertyKey[], message: string) => {
    context.addIssue({ code: 'custom', path, message });
  };
  if (services.xmpp) {
    const rooms = find('xmpp', 'chatMessages');
    const declared = rooms?.retention.find((rule) => rule.keepCount !== undefined)?.keepCount;
    if (declared === undefined)
      issue(
        ['services', 'xmpp', 'muc', 'history'],
        'no activity declares how many room messages are kept (keepCount)',
      );
    else if (services.xmpp.muc.history > declared) {
      issue(
        ['services', 'xmpp', 'muc', 'history'],
        `keeps ${services.xmpp.muc.history} messages, but the declaration promises at most ${declared}`,
      );
    }
    const uploads = find('xmpp', 'uploadedFiles');
    const keep = uploads?.retention.find((rule) => rule.keep !== undefined)?.keep;
    const expire = parseDuration(services.xmpp.upload.expireAfter);
    const declaredKeep = keep ? parseDuration(keep) : null;
    if (!declaredKeep)
      issue(
        ['services', 'xmpp', 'upload', 'expireAfter'],
        'no activity declares how long uploads are kept',
      );
    else if (
      expire &&
      addDuration(new Date(0), expire).getTime() > addDuration(new Date(0), declaredKeep).getTime()
    ) {
      issue(
        ['services', 'xmpp', 'upload', 'expireAfter'],
        `keeps uploads for ${services.xmpp.upload.expireAfter}, but the declaration promises ${keep ?? ''}`,
      );
    }
  }
  if (services.website) {
    const logs = activities.find(
      (activity) => activity.service === 'website' && activity.store.kind === 'file-log',
    );
    if (!logs)
      issue(['services', 'website', 'logFields'], 'no activity declares the web server log');
    else {
      const extra = services.website.logFields.filter((field) => !logs.data.includes(field));
      if (extra.length > 0)
        issue(
          ['services', 'website', 'logFields'],
          `logs ${extra.join(', ')}, which the activity ${logs.id} does not declare`,
        );
    }
  }
  if (services.jitsi) {
    const storage = activities.find(
      (activity) => activity.service === 'jitsi' && activity.store.kind === 'client-device',
    );
    const extra = services.jitsi.browserStorage.filter((item) => !storage?.data.includes(item));
    if (extra.length > 0)
      issue(
        ['services', 'jitsi', 'browserStorage'],
        `stores ${extra.join(', ')} in the browser, which no activity declares`,
      );
  }
}

/**
 * Backups hold what is erased after them until they are deleted, so the privacy policy must say
 * how long they are kept: an activity declares the backup directory with its period, and
 * `backup.keep` may not be longer (issue 11 §4).
 */
function checkBackupAgainstActivities(config: TreffConfigParsed, context: z.RefinementCtx): void {
  const { backup } = config;
  if (!backup) return;
  const trimmed = (path: string) => path.replace(/\/+$/, '');
  const activity = config.activities.find(
    (candidate) =>
      candidate.store.kind === 'directory' && trimmed(candidate.store.path) === trimmed(backup.dir),
  );
  if (!activity) {
    context.addIssue({
      code: 'custom',
      path: ['backup', 'dir'],
      message: `no activity declares the backups in ${backup.dir} (store: { kind: directory, path: ${backup.dir} }), so the privacy policy would not say how long they are kept`,
    });
    return;
  }
  const declared = activity.retention.find((rule) => rule.keep !== undefined)?.keep;
  const declaredPeriod = declared ? parseDuration(declared) : null;
  const keep = parseDuration(backup.keep);
  if (!declared || !declaredPeriod || !keep) return;
  const span = (duration: NonNullable<typeof keep>) => addDuration(new Date(0), duration).getTime();
  if (span(keep) > span(declaredPeriod)) {
    context.addIssue({
      code: 'custom',
      path: ['backup', 'keep'],
      message: `keeps backups for ${backup.keep}, but the activity ${activity.id} promises to delete them after ${declared}`,
    });
  }
}
