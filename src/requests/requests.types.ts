/** The kinds of request the ledger knows; the board can change a request's kind. */
export const REQUEST_KINDS = [
  'account.create',
  'account.delete',
  'key.publish',
  'key.remove',
  'access',
  'rectification',
  'erasure',
  'restriction',
  'objection',
  'other',
] as const;
/** One of {@link REQUEST_KINDS}. */
export type RequestKind = (typeof REQUEST_KINDS)[number];

/** Where a request came in. */
export const REQUEST_CHANNELS = ['mail', 'portal', 'board'] as const;
/** One of {@link REQUEST_CHANNELS}. */
export type RequestChannel = (typeof REQUEST_CHANNELS)[number];

/**
 * Where a request stands. `awaiting-confirmation`: a link went to the registered address, the
 * clock is paused. `awaiting-verification`: the board must verify the person by other means.
 * `open`: verified, waiting for the board's decision. `done`/`denied`: closed.
 */
export const REQUEST_STATES = [
  'awaiting-confirmation',
  'awaiting-verification',
  'open',
  'done',
  'denied',
] as const;
/** One of {@link REQUEST_STATES}. */
export type RequestState = (typeof REQUEST_STATES)[number];

/** How the requester's identity stands when the request is recorded. */
export type IdentitySignal =
  /** OpenPGP signature by the key whose fingerprint the registry holds: verified at once. */
  | { kind: 'signed'; memberId: string; fingerprint: string }
  /** From = registered address: confirmation link to that address, clock paused. */
  | { kind: 'registered-address'; memberId: string }
  /** A logged-in member in the portal: verified. */
  | { kind: 'portal'; memberId: string }
  /** Entered by the board (letter, phone): verified as recorded in `how`. */
  | { kind: 'board'; memberId: string | null; how: string }
  /** Anything else: the board must verify by other means. */
  | { kind: 'unknown' };

/** A request as the intake (mail, portal, board) hands it to the ledger. */
export interface NewRequest {
  kind: RequestKind;
  channel: RequestChannel;
  receivedAt: Date;
  lang: 'de' | 'en';
  identity: IdentitySignal;
  /**
   * Where answers go: the registered address for members; for unknown senders the From, kept
   * only until the request closes.
   */
  replyTo: string | null;
  /** Path of the raw mail, written durably by the intake before its 250; deleted on close. */
  mailFile?: string | undefined;
  subject?: string | undefined;
  /** The username an account request asks for, if it names one. */
  username?: string | undefined;
  /** The OpenPGP key (armored) a key-publication mail carries, if attached. */
  key?: string | undefined;
  /** RFC 3834 `Auto-Submitted` other than `no`, a list mail or a null sender: never answered. */
  autoSubmitted?: boolean | undefined;
}

/** A request as the ledger holds it. */
export interface LedgerRequest {
  id: string;
  kind: RequestKind;
  channel: RequestChannel;
  state: RequestState;
  lang: 'de' | 'en';
  memberId: string | null;
  identity: IdentitySignal['kind'];
  fingerprint: string | null;
  verifiedHow: string | null;
  verifiedAt: string | null;
  replyTo: string | null;
  mailFile: string | null;
  subject: string | null;
  username: string | null;
  key: string | null;
  autoSubmitted: boolean;
  receivedAt: string;
  /** The deadline now in force: the extended one if extended, else the original. */
  dueOn: string;
  originalDueOn: string;
  extendedDueOn: string | null;
  extensionReason: string | null;
  pausedSince: string | null;
  pausedDays: number;
  outcome: string | null;
  closedAt: string | null;
  createdAt: string;
  updatedAt: string;
}
