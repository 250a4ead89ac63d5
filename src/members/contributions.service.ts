import { recordAudit, recordAuditBatch, type Actor, type AuditEntry } from '../core/audit/index.ts';
import { isUniqueViolation } from '../core/db/dialect.ts';
import type { Deps } from '../core/deps.ts';
import { ConflictError, NotFoundError, ValidationError } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import { parseOrThrow } from '../core/validation.ts';
import {
  matchRow,
  parseStatement,
  type BankMapping,
  type MatchResult,
  type StatementRow,
} from './bank-import.ts';
import {
  existingFingerprints,
  findBankRow,
  findBooking,
  insertBankImport,
  insertBankRows,
  insertBooking,
  insertBookings,
  insertFee,
  isReversed,
  listBookingsOf,
  listFeesOf,
  listUnmatchedRows,
  resolveBankRow,
  sumBookingsOf,
  type BankRow,
  type Booking,
} from './contributions.repo.ts';
import { balanceOf, computeDues, type Due, type Fee } from './dues.ts';
import {
  findMemberById,
  findMemberByNumber,
  listAllMemberNumbers,
  type Visibility,
} from './members.repo.ts';
import { FeeInput, PaymentInput, type Member } from './members.schema.ts';
import { clubToday } from './members.service.ts';
import { parseAmount } from './money.ts';

/** A member's contributions: fees, dues, bookings and the resulting balance. */
export interface Account {
  fees: Fee[];
  dues: Due[];
  bookings: (Booking & { reversed: boolean })[];
  duesTotalCents: number;
  paidTotalCents: number;
  /** Paid minus due; negative means arrears. */
  balanceCents: number;
  arrearsCents: number;
}

async function requireMember(
  deps: Pick<Deps, 'db'>,
  visibility: Visibility,
  memberId: string,
): Promise<Member> {
  const member = await findMemberById(deps.db, memberId, visibility);
  if (!member) throw new NotFoundError('member_not_found', 'No such member.');
  return member;
}

function actorName(actor: Actor): string {
  return `${actor.type}:${actor.id ?? '-'}`;
}

function amountOrThrow(text: string, path: string, allowNegative: boolean): number {
  const cents = parseAmount(text);
  if (cents === null || (!allowNegative && cents <= 0) || cents === 0) {
    throw new ValidationError('amount_invalid', 'The amount is not valid.', [
      {
        path,
        message: allowNegative
          ? 'expected an amount such as 12,50'
          : 'expected a positive amount such as 12,50',
      },
    ]);
  }
  return cents;
}

/**
 * Sets a member's fee from a date on (the earlier fee applies until then).
 * @throws NotFoundError `member_not_found`; ValidationError.
 */
export async function setFee(
  deps: Pick<Deps, 'db' | 'clock'>,
  actor: Actor,
  visibility: Visibility,
  memberId: string,
  input: unknown,
): Promise<void> {
  const fee = parseOrThrow(FeeInput, input, 'fee_invalid', 'The fee is not valid.');
  const amountCents = parseAmount(fee.amount);
  if (amountCents === null || amountCents < 0) {
    throw new ValidationError('fee_invalid', 'The fee is not valid.', [
      { path: 'amount', message: 'expected an amount such as 5,00' },
    ]);
  }
  const at = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    await requireMember({ db: trx }, visibility, memberId);
    const id = newId();
    await insertFee(trx, {
      id,
      memberId,
      amountCents,
      intervalMonths: fee.intervalMonths,
      validFrom: fee.validFrom,
      createdAt: at.toISOString(),
      createdBy: actorName(actor),
    });
    await recordAudit(trx, at, actor, { event: 'contributions.fee.set', memberId, objectId: id });
  });
}

/**
 * Books a payment by hand.
 * @throws NotFoundError `member_not_found`; ValidationError.
 */
export async function bookPayment(
  deps: Pick<Deps, 'db' | 'clock'>,
  actor: Actor,
  visibility: Visibility,
  memberId: string,
  input: unknown,
): Promise<Booking> {
  const payment = parseOrThrow(PaymentInput, input, 'payment_invalid', 'The payment is not valid.');
  const amountCents = amountOrThrow(payment.amount, 'amount', true);
  const at = deps.clock.now();
  const booking: Booking = {
    id: newId(),
    memberId,
    bookedOn: payment.bookedOn,
    amountCents,
    reference: payment.reference,
    kind: 'payment',
    reversesId: null,
    source: 'manual',
    createdAt: at.toISOString(),
  };
  await deps.db.transaction().execute(async (trx) => {
    await requireMember({ db: trx }, visibility, memberId);
    await insertBooking(trx, { ...booking, importRowId: null, createdBy: actorName(actor) });
    await recordAudit(trx, at, actor, {
      event: 'contributions.payment.booked',
      memberId,
      objectId: booking.id,
    });
  });
  return booking;
}

/**
 * Corrects a booking the only lawful way: a new booking with the opposite amount that points to
 * it (§ 146 Abs. 4 AO forbids changing the original). A booking is reversed at most once, and a
 * reversal is never reversed (book the payment again instead).
 * @throws NotFoundError `booking_not_found`; ConflictError `booking_already_reversed`,
 *   `reversal_not_reversible`.
 */
export async function reverseBooking(
  deps: Pick<Deps, 'db' | 'clock'>,
  actor: Actor,
  visibility: Visibility,
  bookingId: string,
  bookedOn: string,
): Promise<Booking> {
  const at = deps.clock.now();
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const original = await findBooking(trx, bookingId);
      if (!original?.memberId || !(await findMemberById(trx, original.memberId, visibility))) {
        throw new NotFoundError('booking_not_found', 'No such booking.');
      }
      if (original.kind === 'reversal') {
        throw new ConflictError(
          'reversal_not_reversible',
          'A reversal cannot be reversed; book the payment again instead.',
        );
      }
      if (await isReversed(trx, bookingId)) {
        throw new ConflictError(
          'booking_already_reversed',
          'This booking has already been reversed.',
        );
      }
      const reversal: Booking = {
        id: newId(),
        memberId: original.memberId,
        bookedOn,
        amountCents: -original.amountCents,
        reference: original.reference,
        kind: 'reversal',
        reversesId: original.id,
        source: 'manual',
        createdAt: at.toISOString(),
      };
      await insertBooking(trx, { ...reversal, importRowId: null, createdBy: actorName(actor) });
      await recordAudit(trx, at, actor, {
        event: 'contributions.booking.reversed',
        memberId: original.memberId,
        objectId: reversal.id,
      });
      return reversal;
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new ConflictError(
        'booking_already_reversed',
        'This booking has already been reversed.',
      );
    throw error;
  }
}

/** A member's account as of today. @throws NotFoundError `member_not_found`. */
export async function getAccount(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  visibility: Visibility,
  memberId: string,
): Promise<Account> {
  const member = await requireMember(deps, visibility, memberId);
  const [fees, bookings] = await Promise.all([
    listFeesOf(deps.db, [memberId]),
    listBookingsOf(deps.db, memberId),
  ]);
  const memberFees = fees.get(memberId) ?? [];
  const dues = computeDues(memberFees, member.joinedOn, member.leftOn, clubToday(deps));
  const reversedIds = new Set(bookings.filter((b) => b.reversesId).map((b) => b.reversesId));
  const paidTotalCents = bookings.reduce((sum, b) => sum + b.amountCents, 0);
  const balanceCents = balanceOf(paidTotalCents, dues);
  return {
    fees: memberFees,
    dues,
    bookings: bookings.map((b) => ({ ...b, reversed: reversedIds.has(b.id) })),
    duesTotalCents: dues.reduce((sum, due) => sum + due.amountCents, 0),
    paidTotalCents,
    balanceCents,
    arrearsCents: Math.max(0, -balanceCents),
  };
}

/** The balance of each listed member (for the member list), in two queries. */
export async function getBalances(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  members: readonly Member[],
): Promise<Map<string, { balanceCents: number; hasFee: boolean }>> {
  const ids = members.map((member) => member.id);
  const [fees, sums] = await Promise.all([listFeesOf(deps.db, ids), sumBookingsOf(deps.db, ids)]);
  const today = clubToday(deps);
  return new Map(
    members.map((member) => {
      const memberFees = fees.get(member.id) ?? [];
      const dues = computeDues(memberFees, member.joinedOn, member.leftOn, today);
      return [
        member.id,
        { balanceCents: balanceOf(sums.get(member.id) ?? 0, dues), hasFee: memberFees.length > 0 },
      ];
    }),
  );
}

/** A statement row with its match, as the preview shows it. */
export interface PreviewRow extends StatementRow {
  match: MatchResult;
  duplicate: boolean;
}

/**
 * Reads a bank statement with a mapping and matches every row, writing nothing.
 * @throws ValidationError `statement_invalid` listing each unreadable row with its line.
 */
export async function previewBankImport(
  deps: Pick<Deps, 'db'>,
  text: string,
  mapping: BankMapping,
): Promise<PreviewRow[]> {
  return matchStatement(deps.db, readStatement(text, mapping));
}

/** Matches rows read from any statement format (CSV, CAMT.053), writing nothing. */
export function previewStatementRows(
  deps: Pick<Deps, 'db'>,
  rows: readonly StatementRow[],
): Promise<PreviewRow[]> {
  return matchStatement(deps.db, rows);
}

/** The refusal of a statement with unreadable rows or entries: nothing is booked. */
export function statementInvalid(issues: readonly { path: string; message: string }[]) {
  return new ValidationError(
    'statement_invalid',
    `The statement has ${issues.length} problem${issues.length === 1 ? '' : 's'}; nothing was booked.`,
    issues,
  );
}

/**
 * Reads a CSV bank statement with a mapping, writing nothing.
 * @throws ValidationError `statement_invalid` listing each unreadable row with its line.
 */
export function readStatement(text: string, mapping: BankMapping): StatementRow[] {
  const { rows, issues } = parseStatement(text, mapping);
  if (issues.length > 0) {
    throw statementInvalid(
      issues.map((issue) => ({
        path: `line ${issue.line}${issue.path ? `: ${issue.path}` : ''}`,
        message: issue.message,
      })),
    );
  }
  return rows;
}

async function matchStatement(
  db: Deps['db'],
  rows: readonly StatementRow[],
): Promise<PreviewRow[]> {
  const numbers = new Map<string, string>();
  for (const [number, entry] of await listAllMemberNumbers(db)) {
    if (!entry.restricted) numbers.set(number, entry.id);
  }
  const seen = await existingFingerprints(
    db,
    rows.map((row) => row.fingerprint),
  );
  const matched: PreviewRow[] = [];
  for (const row of rows) {
    // Matching 20,000 references takes a while: other requests get their turn in between.
    if (matched.length % 1000 === 999) await nextTurn();
    // A reversal or a transfer in another currency waits for a person whatever it says.
    const match: MatchResult = row.review
      ? { status: 'unmatched', reason: row.review, candidates: [] }
      : matchRow(row, numbers);
    matched.push({ ...row, match, duplicate: seen.has(row.fingerprint) });
  }
  return matched;
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The outcome of a bank import. */
export interface BankImportResult {
  importId: string;
  rows: number;
  matched: number;
  unmatched: number;
  duplicates: number;
}

/** Told how far a long import has come (rows written of all rows). */
export type ImportProgress = (done: number, total: number) => void;

/**
 * Books a bank statement: matched rows become payment bookings, unmatched rows wait in the list
 * for manual assignment, rows imported before are skipped. All in one transaction.
 * @throws ValidationError `statement_invalid` (nothing written).
 */
export async function commitBankImport(
  deps: Pick<Deps, 'db' | 'clock'>,
  actor: Actor,
  fileName: string,
  text: string,
  mapping: BankMapping,
  onProgress?: ImportProgress,
): Promise<BankImportResult> {
  // Parsing is the slow part and needs no database: it happens before the transaction, which
  // then holds the (SQLite: only) connection just for matching and a few multi-row inserts.
  const statement = readStatement(text, mapping);
  return commitStatementRows(deps, actor, fileName, statement, onProgress);
}

/**
 * Books rows read from any statement format, as {@link commitBankImport} does: all in one
 * transaction, rows whose fingerprint was imported before skipped. `onBooked` runs last inside
 * that transaction (a web run records its outcome there, so it commits with the booking).
 */
export async function commitStatementRows(
  deps: Pick<Deps, 'db' | 'clock'>,
  actor: Actor,
  fileName: string,
  statement: readonly StatementRow[],
  onProgress?: ImportProgress,
  onBooked?: (trx: Deps['db'], result: BankImportResult) => Promise<void>,
): Promise<BankImportResult> {
  const at = deps.clock.now();
  const importId = newId();
  // Let the requests that queued up during the parse run before the transaction starts.
  await nextTurn();
  return deps.db.transaction().execute(async (trx) => {
    const preview = await matchStatement(trx, statement);
    const fresh = preview.filter((row) => !row.duplicate);
    const matched = fresh.filter((row) => row.match.status === 'matched');
    await insertBankImport(trx, {
      id: importId,
      fileName: fileName.slice(0, 200),
      rowCount: preview.length,
      matchedCount: matched.length,
      duplicateCount: preview.length - fresh.length,
      at: at.toISOString(),
      by: actorName(actor),
    });
    const events: AuditEntry[] = [
      { event: 'contributions.bank_import.created', objectId: importId },
    ];
    const bankRows: Parameters<typeof insertBankRows>[1][number][] = [];
    const bookings: Parameters<typeof insertBookings>[1][number][] = [];
    for (const row of fresh) {
      if (bankRows.length % 1000 === 999) await nextTurn();
      const rowId = newId();
      bankRows.push({
        id: rowId,
        importId,
        line: row.line,
        bookedOn: row.bookedOn,
        amountCents: row.amountCents,
        reference: row.reference,
        counterparty: row.counterparty,
        status: row.match.status,
        fingerprint: row.fingerprint,
        currency: row.currency ?? null,
      });
      if (row.match.status === 'matched') {
        const bookingId = newId();
        bookings.push({
          id: bookingId,
          memberId: row.match.memberId,
          bookedOn: row.bookedOn,
          amountCents: row.amountCents,
          reference: row.reference,
          kind: 'payment',
          reversesId: null,
          source: 'bank-import',
          importRowId: rowId,
          createdAt: at.toISOString(),
          createdBy: actorName(actor),
        });
        events.push({
          event: 'contributions.payment.booked',
          memberId: row.match.memberId,
          objectId: bookingId,
        });
      }
    }
    await insertBankRows(trx, bankRows, (done) => onProgress?.(done, bankRows.length));
    await insertBookings(trx, bookings);
    await recordAuditBatch(trx, at, actor, events);
    const result: BankImportResult = {
      importId,
      rows: preview.length,
      matched: matched.length,
      unmatched: fresh.length - matched.length,
      duplicates: preview.length - fresh.length,
    };
    await onBooked?.(trx, result);
    return result;
  });
}

/** Bank rows that still need a person. */
export function listUnmatched(deps: Pick<Deps, 'db'>): Promise<BankRow[]> {
  return listUnmatchedRows(deps.db);
}

/**
 * Assigns an unmatched bank row to a member by member number and books it.
 * @throws NotFoundError `bank_row_not_found`, `member_not_found`; ConflictError `bank_row_settled`,
 *   `bank_row_foreign_currency` (a row in another currency than the ledger's).
 */
export async function assignBankRow(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  actor: Actor,
  rowId: string,
  memberNumber: string,
): Promise<void> {
  const at = deps.clock.now();
  const ledgerCurrency = deps.config.members.currency;
  await deps.db.transaction().execute(async (trx) => {
    const row = await findBankRow(trx, rowId);
    if (!row) throw new NotFoundError('bank_row_not_found', 'No such bank row.');
    if (row.currency !== null && row.currency !== ledgerCurrency) {
      throw new ConflictError(
        'bank_row_foreign_currency',
        `This transfer is in ${row.currency}, not ${ledgerCurrency}: book what arrived by hand on the member's page and ignore the row.`,
      );
    }
    const member = await findMemberByNumber(trx, memberNumber.trim(), { includeRestricted: false });
    if (!member) {
      throw new NotFoundError('member_not_found', `No member with number ${memberNumber.trim()}.`);
    }
    if (!(await resolveBankRow(trx, rowId, 'assigned', at.toISOString()))) {
      throw new ConflictError('bank_row_settled', 'This bank row has been settled already.');
    }
    const bookingId = newId();
    await insertBooking(trx, {
      id: bookingId,
      memberId: member.id,
      bookedOn: row.bookedOn,
      amountCents: row.amountCents,
      reference: row.reference,
      kind: 'payment',
      reversesId: null,
      source: 'bank-import',
      importRowId: row.id,
      createdAt: at.toISOString(),
      createdBy: actorName(actor),
    });
    await recordAudit(trx, at, actor, {
      event: 'contributions.payment.booked',
      memberId: member.id,
      objectId: bookingId,
    });
  });
}

/** Marks an unmatched bank row as not a contribution. @throws ConflictError `bank_row_settled`. */
export async function ignoreBankRow(
  deps: Pick<Deps, 'db' | 'clock'>,
  actor: Actor,
  rowId: string,
): Promise<void> {
  const at = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    if (!(await findBankRow(trx, rowId)))
      throw new NotFoundError('bank_row_not_found', 'No such bank row.');
    if (!(await resolveBankRow(trx, rowId, 'ignored', at.toISOString()))) {
      throw new ConflictError('bank_row_settled', 'This bank row has been settled already.');
    }
    await recordAudit(trx, at, actor, { event: 'contributions.bank_row.ignored', objectId: rowId });
  });
}
