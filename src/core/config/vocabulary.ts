/**
 * The closed vocabularies of the declaration: who data is about, which data, on which legal
 * basis, shared with whom, and which events start a retention period. Closed lists keep the
 * declaration checkable and let the policy renderer give every term a reviewed German and
 * English label (src/policy/policy.messages.ts).
 */

/** Groups of people whose data an activity processes. */
export const SUBJECTS = [
  'visitors',
  'members',
  'participants',
  'correspondents',
  'boardMembers',
] as const;
export type Subject = (typeof SUBJECTS)[number];

/**
 * Kinds of personal data. The member registry stores exactly the `member*`-free names below
 * (firstName … exitDate, contributions); a new kind arrives with its label and retention rule.
 */
export const DATA_CATEGORIES = [
  // website and service logs
  'ip',
  'time',
  'operatingSystem',
  'browser',
  'referer',
  'page',
  'username',
  'loginTime',
  'logoutTime',
  'remoteServer',
  'mailAddresses',
  'shellHistory',
  // conferences and chat
  'displayName',
  'mediaStreams',
  'chatMessages',
  'uploadedFiles',
  'recentConferences',
  'deviceSettings',
  // member registry
  'firstName',
  'lastName',
  'birthDate',
  'street',
  'postcode',
  'city',
  'email',
  'phone',
  'openpgpFingerprint',
  'memberNumber',
  'joinDate',
  'exitDate',
  'contributions',
  'bankTransfers',
  // accounts, keys, portal
  'passwordHash',
  'mailboxContents',
  'mailContents',
  'homeDirectory',
  'openpgpKey',
  'loginLinks',
  'sessions',
  'auditEvents',
  // transparency
  'disclosureRequests',
  // the request ledger
  'requestRecords',
  // SEPA direct debit (src/sepa): IBAN, BIC and account holder; the mandate and its collections
  'bankAccount',
  'directDebitMandates',
  // general assemblies (src/assembly): who was invited how and when; the minutes file
  'assemblyInvitations',
  'assemblyMinutes',
  // payment reminders
  'reminderRecords',
] as const;
export type DataCategory = (typeof DATA_CATEGORIES)[number];

/** The registry fields of a member, in the order of the CSV format and the forms. */
export const REGISTRY_CATEGORIES = [
  'memberNumber',
  'firstName',
  'lastName',
  'birthDate',
  'street',
  'postcode',
  'city',
  'email',
  'phone',
  'openpgpFingerprint',
  'joinDate',
  'exitDate',
] as const satisfies readonly DataCategory[];

/** Art. 6(1) GDPR legal bases, (a) consent … (f) legitimate interests. */
export const LEGAL_BASES = [
  'art6-1-a',
  'art6-1-b',
  'art6-1-c',
  'art6-1-d',
  'art6-1-e',
  'art6-1-f',
] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];

/** Who may receive or see the data. */
export const RECIPIENTS = [
  'admins',
  'board',
  'treasurer',
  'taxAuthority',
  'lawEnforcement',
  'public',
  'conferenceParticipants',
  'roomParticipants',
  'mailRecipients',
  // the club's bank, which receives the direct debit file (src/sepa)
  'clubBank',
] as const;
export type Recipient = (typeof RECIPIENTS)[number];

/**
 * The authorities a legal disclosure may go to (`transparency.disclosureRecipients`): the
 * policy names exactly these, and the disclosure register refuses a hand-over to any other.
 */
export const DISCLOSURE_RECIPIENTS = ['lawEnforcement', 'taxAuthority', 'court'] as const;
export type DisclosureRecipient = (typeof DISCLOSURE_RECIPIENTS)[number];

/** Events from which a retention period is counted. */
export const RETENTION_EVENTS = [
  'created',
  'membership.ended',
  'account.closed',
  'consent.withdrawn',
  'bookingYear.ended',
  'request.closed',
  'mandate.ended',
] as const;
export type RetentionEvent = (typeof RETENTION_EVENTS)[number];

/** What happens to data when its period is over. */
export const RETENTION_ACTIONS = ['delete', 'restrict', 'anonymise'] as const;
export type RetentionAction = (typeof RETENTION_ACTIONS)[number];

/** Where an activity keeps its data. */
export const STORE_KINDS = [
  'database',
  'file-log',
  'journald',
  'directory',
  'maildir',
  'home-directory',
  'memory',
  'client-device',
] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

/** Fields a web server access log may hold; the log format is generated from this list. */
export const WEB_LOG_FIELDS = [
  'ip',
  'time',
  'operatingSystem',
  'browser',
  'referer',
  'page',
] as const;
