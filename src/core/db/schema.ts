/**
 * The row types of every table, as Kysely sees them. Conventions (design.md §5): text ids made by
 * the application, ISO 8601 UTC timestamps and `YYYY-MM-DD` dates as text, 0/1 integers for
 * booleans, money as integer cents.
 */

export interface MembersTable {
  id: string;
  member_number: string;
  first_name: string;
  last_name: string;
  birth_date: string | null;
  street: string | null;
  postcode: string | null;
  city: string | null;
  email: string | null;
  phone: string | null;
  openpgp_fingerprint: string | null;
  joined_on: string;
  left_on: string | null;
  /** Normalised name, number, email and city for case- and accent-insensitive search. */
  search_text: string;
  /** Normalised "last first" for an ordering that is the same on both databases. */
  sort_key: string;
  /** Set when the data is restricted (Art. 18 GDPR): visible to the treasurer only. */
  restricted_at: string | null;
  /** Set when stage 1 of the erasure after the exit is done (contact data erased). */
  erased_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface MemberFeesTable {
  id: string;
  member_id: string;
  amount_cents: number;
  interval_months: number;
  valid_from: string;
  created_at: string;
  created_by: string;
}

export interface BookingsTable {
  id: string;
  member_id: string | null;
  booked_on: string;
  amount_cents: number;
  reference: string;
  kind: 'payment' | 'reversal';
  reverses_id: string | null;
  source: 'manual' | 'bank-import';
  import_row_id: string | null;
  created_at: string;
  created_by: string;
}

export interface BankImportsTable {
  id: string;
  file_name: string;
  row_count: number;
  matched_count: number;
  duplicate_count: number;
  created_at: string;
  created_by: string;
}

export interface BankImportRowsTable {
  id: string;
  import_id: string;
  line: number;
  booked_on: string;
  amount_cents: number;
  reference: string;
  counterparty: string | null;
  fingerprint: string;
  status: 'matched' | 'unmatched' | 'assigned' | 'ignored';
  resolved_at: string | null;
  /** Migration 0015: the row's currency when the file named one (CAMT.053). */
  currency: string | null;
}

export interface AuditEventsTable {
  id: string;
  occurred_at: string;
  event: string;
  actor_type: 'user' | 'member' | 'system' | 'cli';
  actor_id: string | null;
  member_id: string | null;
  object_id: string | null;
  /** JSON array of the *names* of changed fields, never their values. */
  fields: string | null;
}

export interface UsersTable {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  /** Comma-separated roles: board, admin, treasurer. */
  roles: string;
  member_id: string | null;
  created_at: string;
  updated_at: string;
  disabled_at: string | null;
}

export interface SessionsTable {
  /** SHA-256 of the cookie value. */
  id: string;
  user_id: string | null;
  member_id: string | null;
  csrf_token: string;
  lang: string | null;
  created_at: string;
  expires_at: string;
}

export interface LoginLinksTable {
  /** SHA-256 of the token in the mailed link. */
  id: string;
  member_id: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface AccountsTable {
  id: string;
  member_id: string;
  username: string;
  status: 'requested' | 'active' | 'disabled';
  /** From 20000 up, never reused (the `next_uid` counter). */
  uid: number;
  /** A crypt(3) string (`$y$…`), never the password. */
  password_hash: string | null;
  shell: number;
  mail: number;
  xmpp: number;
  /** OpenSSH authorized_keys lines (public keys). */
  ssh_keys: string | null;
  requested_at: string;
  activated_at: string | null;
  disabled_at: string | null;
  /** The date (`YYYY-MM-DD`) from which the account is deleted (grace period after exit). */
  delete_after: string | null;
  updated_at: string;
}

export interface PasswordTokensTable {
  /** SHA-256 of the token in the link. */
  id: string;
  account_id: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface CountersTable {
  name: string;
  value: number;
}

export interface AccountDeletionsTable {
  id: string;
  account_id: string;
  uid: number;
  username: string | null;
  requested_at: string;
  done_at: string | null;
}

export interface RetentionRunsTable {
  id: string;
  job: string;
  started_at: string;
  finished_at: string;
  dry_run: number;
  status: 'ok' | 'error';
  removed: number;
  /** The start of the oldest item the job kept (its age counts from here), if any. */
  oldest_kept_at: string | null;
  /** A short note (an error message); never personal data. */
  message: string | null;
  /** How many items (files) the store kept after the run, where countable (migration 0011). */
  kept: number | null;
}

/** A member's OpenPGP key in the Web Key Directory: published, or waiting for its proof. */
export interface WkdKeysTable {
  id: string;
  member_id: string;
  /** The club address, ASCII-lower-cased. */
  address: string;
  /** z-base-32 SHA-1 of the local part (the file name under `hu/`). */
  wkd_hash: string;
  state: 'pending' | 'published';
  /** Upper-case hex. */
  fingerprint: string;
  /** The minimised binary key, base64. */
  key_data: string;
  key_expires_at: string | null;
  source: 'portal' | 'admin' | 'wks' | 'cli';
  /** SHA-256 (hex) of the one-time code or WKS nonce, while pending. */
  nonce_hash: string | null;
  /** Wrong codes entered for this pending request. */
  attempts: number;
  created_at: string;
  /** When a pending request lapses. */
  expires_at: string | null;
  published_at: string | null;
  updated_at: string;
}

/** Daily counters of mail sent for unauthenticated senders (migration 0008). */
export interface MailCountsTable {
  /** What was sent, e.g. `wks.confirmation`. */
  kind: string;
  /** HMAC-SHA-256 (hex) of the address with the installation secret. */
  address_hmac: string;
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  count: number;
}

/** One request from an authority in the register of disclosures (migration 0012). */
export interface DisclosuresTable {
  id: string;
  /** `YYYY-MM-DD`. */
  received_on: string;
  /** lawEnforcement | taxAuthority | court | other. */
  authority_kind: string;
  /** The law the request cited, e.g. "§ 100j StPO". */
  legal_basis: string;
  /** JSON array of request kinds (subscriberData, trafficData, content, other). */
  requested: string;
  formally_correct: number;
  /** pending | disclosed | noDataHeld | refused. */
  outcome: string;
  /** JSON array of the data categories handed over (never the data). */
  handed_over: string;
  answered_on: string | null;
  subject_informed_on: string | null;
  /** Why the person concerned was not told (legalBar, pending, notIdentifiable, other). */
  not_informed_reason: string | null;
  created_at: string;
  updated_at: string;
}

/** The request ledger (migration 0013): one row per data-subject request. */
export interface RequestsTable {
  id: string;
  /** One of `REQUEST_KINDS` (src/requests). */
  kind: string;
  channel: 'mail' | 'portal' | 'board';
  /** awaiting-confirmation, awaiting-verification, open, done, denied. */
  state: string;
  lang: string;
  member_id: string | null;
  /** How the identity stands: signed, registered-address, portal, board, unknown. */
  identity: string;
  fingerprint: string | null;
  verified_how: string | null;
  verified_at: string | null;
  reply_to: string | null;
  mail_file: string | null;
  subject: string | null;
  username: string | null;
  key_data: string | null;
  auto_submitted: number;
  received_at: string;
  due_on: string;
  extended_due_on: string | null;
  extension_reason: string | null;
  paused_since: string | null;
  paused_days: number;
  outcome: string | null;
  closed_at: string | null;
  created_at: string;
  updated_at: string;
}

/** One-time confirmation links of mailed requests (migration 0013). */
export interface RequestConfirmationsTable {
  /** SHA-256 of the token in the mailed link. */
  id: string;
  request_id: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** Deadline reminders already mailed to the board (migration 0013). */
export interface RequestRemindersTable {
  request_id: string;
  days_before: number;
  sent_at: string;
}

/** A SEPA direct debit mandate (migration 0016). */
export interface SepaMandatesTable {
  id: string;
  member_id: string;
  reference: string;
  /** Electronic format, no spaces. */
  iban: string;
  bic: string | null;
  holder: string;
  signed_on: string;
  /** FRST until the first collection file, then RCUR. */
  sequence: 'FRST' | 'RCUR';
  last_collected_on: string | null;
  revoked_on: string | null;
  created_at: string;
  updated_at: string;
}

/** One collection run (migration 0016). */
export interface SepaCollectionsTable {
  id: string;
  message_id: string;
  due_on: string;
  created_at: string;
  created_by: string;
  exported_at: string | null;
}

/** One debit of a collection run and its pre-notification (migration 0016). */
export interface SepaCollectionItemsTable {
  collection_id: string;
  mandate_id: string;
  member_id: string;
  amount_cents: number;
  sequence: 'FRST' | 'RCUR';
  end_to_end_id: string;
  notice: 'pending' | 'sending' | 'sent' | 'queued' | 'failed' | 'noAddress';
  noticed_at: string | null;
}

/** An invitation to a general assembly (migration 0017). */
export interface AssembliesTable {
  id: string;
  title: string;
  starts_at: string;
  mode: 'presence' | 'hybrid' | 'virtual';
  place: string | null;
  online_access: string | null;
  virtual_resolution: string | null;
  agenda: string;
  /** The last day (`YYYY-MM-DD`) on which the invitation may go out under the notice period. */
  send_by: string;
  minutes_name: string | null;
  minutes_size: number | null;
  minutes_at: string | null;
  created_at: string;
  created_by: string;
}

/** The proof that one member was invited (migration 0017). */
export interface AssemblyDeliveriesTable {
  assembly_id: string;
  member_id: string;
  channel: 'mail' | 'letter';
  address: string | null;
  /** 'sending': claimed by a run, outcome not recorded yet (see claimDelivery). */
  status: 'sending' | 'sent' | 'queued' | 'failed' | 'letter';
  at: string;
  /** The mail error's code and reply code, never the address. */
  error: string | null;
}

/** Reminder runs the board approved (migration 0014); the id is the approval's idempotency key. */
export interface ReminderRunsTable {
  id: string;
  state: 'running' | 'done';
  total: number;
  sent: number;
  skipped: number;
  failed: number;
  approved_by: string;
  approved_at: string;
  finished_at: string | null;
}

/** One reminder per member, stage and claim (migration 0014). */
export interface ReminderSendsTable {
  id: string;
  member_id: string;
  stage: string;
  claim_due_on: string;
  amount_cents: number;
  run_id: string;
  status: 'sending' | 'sent' | 'failed';
  encrypted: number;
  created_at: string;
  sent_at: string | null;
}

/** A mass mailing sent after the HTTP answer, with its progress page (migration 0020). */
export interface MailRunsTable {
  id: string;
  subject: string;
  /** The subject while running, null after: one running run per subject. */
  active: string | null;
  state: 'running' | 'done' | 'abandoned';
  started_by: string;
  started_at: string;
  heartbeat_at: string;
  finished_at: string | null;
}

/** A bank import booked from the web, by its confirmation token (migration 0021). */
export interface ImportRunsTable {
  id: string;
  /** `failed`: the booking was rolled back, nothing of it is booked. */
  state: 'running' | 'done' | 'failed';
  /** Rows of the statement. */
  total: number;
  /** The outcome, once done: the bank import and its counts. */
  import_id: string | null;
  matched: number | null;
  unmatched: number | null;
  duplicates: number | null;
  started_at: string;
  finished_at: string | null;
}

/** The whole database. */
export interface DB {
  members: MembersTable;
  member_fees: MemberFeesTable;
  bookings: BookingsTable;
  bank_imports: BankImportsTable;
  bank_import_rows: BankImportRowsTable;
  audit_events: AuditEventsTable;
  users: UsersTable;
  sessions: SessionsTable;
  login_links: LoginLinksTable;
  accounts: AccountsTable;
  password_tokens: PasswordTokensTable;
  counters: CountersTable;
  account_deletions: AccountDeletionsTable;
  retention_runs: RetentionRunsTable;
  wkd_keys: WkdKeysTable;
  mail_counts: MailCountsTable;
  disclosures: DisclosuresTable;
  requests: RequestsTable;
  request_confirmations: RequestConfirmationsTable;
  request_reminders: RequestRemindersTable;
  sepa_mandates: SepaMandatesTable;
  sepa_collections: SepaCollectionsTable;
  sepa_collection_items: SepaCollectionItemsTable;
  assemblies: AssembliesTable;
  assembly_deliveries: AssemblyDeliveriesTable;
  reminder_runs: ReminderRunsTable;
  reminder_sends: ReminderSendsTable;
  mail_runs: MailRunsTable;
  import_runs: ImportRunsTable;
}
