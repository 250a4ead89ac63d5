import type { Db } from '../core/db/database.ts';
import { sql, type Insertable } from 'kysely';
import { insertMany, isPostgres, toNumber, type ColumnTypes } from '../core/db/dialect.ts';
import type { BankImportRowsTable, BookingsTable } from '../core/db/schema.ts';
import type { Fee } from './dues.ts';

/**
 * All SQL of the contributions ledger. Bookings are only ever inserted: a correction is a
 * reversal booking (§ 146 Abs. 4 AO), so there is no update or delete here.
 */

/** A booked payment or reversal. */
export interface Booking {
  id: string;
  memberId: string | null;
  bookedOn: string;
  amountCents: number;
  reference: string;
  kind: 'payment' | 'reversal';
  reversesId: string | null;
  source: 'manual' | 'bank-import';
  createdAt: string;
}

function toBooking(row: BookingsTable): Booking {
  return {
    id: row.id,
    memberId: row.member_id,
    bookedOn: row.booked_on,
    amountCents: row.amount_cents,
    reference: row.reference,
    kind: row.kind,
    reversesId: row.reverses_id,
    source: row.source,
    createdAt: row.created_at,
  };
}

export async function insertFee(
  db: Db,
  fee: Fee & { memberId: string; createdAt: string; createdBy: string },
): Promise<void> {
  await db
    .insertInto('member_fees')
    .values({
      id: fee.id,
      member_id: fee.memberId,
      amount_cents: fee.amountCents,
      interval_months: fee.intervalMonths,
      valid_from: fee.validFrom,
      created_at: fee.createdAt,
      created_by: fee.createdBy,
    })
    .execute();
}

/** The fees of several members, by member id. */
export async function listFeesOf(
  db: Db,
  memberIds: readonly string[],
): Promise<Map<string, Fee[]>> {
  const result = new Map<string, Fee[]>(memberIds.map((id) => [id, []]));
  if (memberIds.length === 0) return result;
  const rows = await db
    .selectFrom('member_fees')
    .selectAll()
    .where('member_id', 'in', memberIds)
    .orderBy('valid_from')
    .execute();
  for (const row of rows) {
    result.get(row.member_id)?.push({
      id: row.id,
      amountCents: row.amount_cents,
      intervalMonths: row.interval_months,
      validFrom: row.valid_from,
    });
  }
  return result;
}

export async function insertBooking(
  db: Db,
  booking: Booking & { importRowId: string | null; createdBy: string },
): Promise<void> {
  await insertBookings(db, [booking]);
}

const BOOKING_COLUMNS: ColumnTypes<Insertable<BookingsTable>> = {
  id: 'text',
  member_id: 'text',
  booked_on: 'text',
  amount_cents: 'integer',
  reference: 'text',
  kind: 'text',
  reverses_id: 'text',
  source: 'text',
  import_row_id: 'text',
  created_at: 'text',
  created_by: 'text',
};

/**
 * Inserts many bookings in a few statements ({@link insertMany}: SQLite 500 rows each,
 * PostgreSQL 5,000 as column arrays), letting the event loop run between them, so a large
 * import does not stall every other request meanwhile.
 */
export async function insertBookings(
  db: Db,
  bookings: readonly (Booking & { importRowId: string | null; createdBy: string })[],
): Promise<void> {
  await insertMany(
    db,
    'bookings',
    BOOKING_COLUMNS,
    bookings.map((booking) => ({
      id: booking.id,
      member_id: booking.memberId,
      booked_on: booking.bookedOn,
      amount_cents: booking.amountCents,
      reference: booking.reference,
      kind: booking.kind,
      reverses_id: booking.reversesId,
      source: booking.source,
      import_row_id: booking.importRowId,
      created_at: booking.createdAt,
      created_by: booking.createdBy,
    })),
  );
}

/** A member's bookings, oldest first. */
export async function listBookingsOf(db: Db, memberId: string): Promise<Booking[]> {
  const rows = await db
    .selectFrom('bookings')
    .selectAll()
    .where('member_id', '=', memberId)
    .orderBy('booked_on')
    .orderBy('id')
    .execute();
  return rows.map(toBooking);
}

/** The sum of all bookings per member, for several members. */
export async function sumBookingsOf(
  db: Db,
  memberIds: readonly string[],
): Promise<Map<string, number>> {
  const result = new Map<string, number>(memberIds.map((id) => [id, 0]));
  if (memberIds.length === 0) return result;
  const rows = await db
    .selectFrom('bookings')
    .select(['member_id', (eb) => eb.fn.sum<string | number>('amount_cents').as('total')])
    .where('member_id', 'in', memberIds)
    .groupBy('member_id')
    .execute();
  for (const row of rows) if (row.member_id) result.set(row.member_id, toNumber(row.total));
  return result;
}

/** One booking, or undefined. */
export async function findBooking(db: Db, id: string): Promise<Booking | undefined> {
  const row = await db.selectFrom('bookings').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toBooking(row) : undefined;
}

/** Whether a booking has been reversed already. */
export async function isReversed(db: Db, id: string): Promise<boolean> {
  const row = await db
    .selectFrom('bookings')
    .select('id')
    .where('reverses_id', '=', id)
    .executeTakeFirst();
  return row !== undefined;
}

/** A row of an imported bank statement. */
export interface BankRow {
  id: string;
  importId: string;
  line: number;
  bookedOn: string;
  amountCents: number;
  reference: string;
  counterparty: string | null;
  status: BankImportRowsTable['status'];
  /** Null: the ledger's currency (CSV rows). */
  currency: string | null;
}

function toBankRow(row: BankImportRowsTable): BankRow {
  return {
    id: row.id,
    importId: row.import_id,
    line: row.line,
    bookedOn: row.booked_on,
    amountCents: row.amount_cents,
    reference: row.reference,
    counterparty: row.counterparty,
    status: row.status,
    currency: row.currency,
  };
}

export async function insertBankImport(
  db: Db,
  entry: {
    id: string;
    fileName: string;
    rowCount: number;
    matchedCount: number;
    duplicateCount: number;
    at: string;
    by: string;
  },
): Promise<void> {
  await db
    .insertInto('bank_imports')
    .values({
      id: entry.id,
      file_name: entry.fileName,
      row_count: entry.rowCount,
      matched_count: entry.matchedCount,
      duplicate_count: entry.duplicateCount,
      created_at: entry.at,
      created_by: entry.by,
    })
    .execute();
}

const BANK_ROW_COLUMNS: ColumnTypes<Insertable<BankImportRowsTable>> = {
  id: 'text',
  import_id: 'text',
  line: 'integer',
  booked_on: 'text',
  amount_cents: 'integer',
  reference: 'text',
  counterparty: 'text',
  fingerprint: 'text',
  status: 'text',
  resolved_at: 'text',
  currency: 'text',
};

/** Inserts the rows of a bank import in a few statements (as {@link insertBookings}). */
export async function insertBankRows(
  db: Db,
  rows: readonly (BankRow & { fingerprint: string })[],
  onChunk?: (done: number) => void,
): Promise<void> {
  await insertMany(
    db,
    'bank_import_rows',
    BANK_ROW_COLUMNS,
    rows.map((row) => ({
      id: row.id,
      import_id: row.importId,
      line: row.line,
      booked_on: row.bookedOn,
      amount_cents: row.amountCents,
      reference: row.reference,
      counterparty: row.counterparty,
      fingerprint: row.fingerprint,
      status: row.status,
      resolved_at: null,
      currency: row.currency,
    })),
    onChunk ? { onChunk } : {},
  );
}

/**
 * Which of these fingerprints were imported before: SQLite in IN lists of 500, PostgreSQL in
 * one `= any($1)` over an array parameter per 10,000.
 */
export async function existingFingerprints(
  db: Db,
  fingerprints: readonly string[],
): Promise<Set<string>> {
  const found = new Set<string>();
  const postgres = isPostgres(db);
  const chunk = postgres ? 10_000 : 500;
  for (let start = 0; start < fingerprints.length; start += chunk) {
    const part = fingerprints.slice(start, start + chunk);
    const query = db.selectFrom('bank_import_rows').select('fingerprint');
    const rows = await (
      postgres
        ? query.where(sql<boolean>`fingerprint = any(${part}::text[])`)
        : query.where('fingerprint', 'in', part)
    ).execute();
    for (const row of rows) found.add(row.fingerprint);
  }
  return found;
}

/** Bank rows still waiting for a person to assign or ignore them, oldest first. */
export async function listUnmatchedRows(db: Db): Promise<BankRow[]> {
  const rows = await db
    .selectFrom('bank_import_rows')
    .selectAll()
    .where('status', '=', 'unmatched')
    .orderBy('booked_on')
    .orderBy('id')
    .execute();
  return rows.map(toBankRow);
}

export async function findBankRow(db: Db, id: string): Promise<BankRow | undefined> {
  const row = await db
    .selectFrom('bank_import_rows')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toBankRow(row) : undefined;
}

/** Settles an unmatched row; false when it was settled meanwhile. */
export async function resolveBankRow(
  db: Db,
  id: string,
  status: 'assigned' | 'ignored',
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('bank_import_rows')
    .set({ status, resolved_at: at })
    .where('id', '=', id)
    .where('status', '=', 'unmatched')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The bank rows behind a member's bookings (for the Art. 15 export). */
export async function listBankRowsOfMember(db: Db, memberId: string): Promise<BankRow[]> {
  const rows = await db
    .selectFrom('bank_import_rows')
    .innerJoin('bookings', 'bookings.import_row_id', 'bank_import_rows.id')
    .selectAll('bank_import_rows')
    .where('bookings.member_id', '=', memberId)
    .orderBy('bank_import_rows.booked_on')
    .execute();
  return rows.map(toBankRow);
}

/** Recent imports, newest first. */
export async function listBankImports(db: Db, limit: number) {
  return db
    .selectFrom('bank_imports')
    .selectAll()
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
}
