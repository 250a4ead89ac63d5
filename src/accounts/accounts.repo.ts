import { sql } from 'kysely';
import type { Db } from '../core/db/database.ts';
import { toNumber } from '../core/db/dialect.ts';
import type { AccountsTable } from '../core/db/schema.ts';

/** The services an account may use. */
export interface AccountServices {
  shell: boolean;
  mail: boolean;
  xmpp: boolean;
}

/** A member account as stored. */
export interface Account {
  id: string;
  memberId: string;
  username: string;
  status: AccountsTable['status'];
  uid: number;
  passwordHash: string | null;
  services: AccountServices;
  sshKeys: string[];
  requestedAt: string;
  activatedAt: string | null;
  disabledAt: string | null;
  deleteAfter: string | null;
}

function toAccount(row: AccountsTable): Account {
  return {
    id: row.id,
    memberId: row.member_id,
    username: row.username,
    status: row.status,
    uid: row.uid,
    passwordHash: row.password_hash,
    services: { shell: row.shell === 1, mail: row.mail === 1, xmpp: row.xmpp === 1 },
    sshKeys: row.ssh_keys ? row.ssh_keys.split('\n').filter(Boolean) : [],
    requestedAt: row.requested_at,
    activatedAt: row.activated_at,
    disabledAt: row.disabled_at,
    deleteAfter: row.delete_after,
  };
}

/**
 * Takes the next uid. Uids only grow, so a deleted account's uid never comes back and its old
 * files can never be mistaken for someone else's.
 */
export async function takeNextUid(db: Db): Promise<number> {
  const row = await db
    .updateTable('counters')
    .set({ value: sql<number>`value + 1` })
    .where('name', '=', 'next_uid')
    .returning('value')
    .executeTakeFirstOrThrow();
  return toNumber(row.value) - 1;
}

export async function insertAccount(
  db: Db,
  account: {
    id: string;
    memberId: string;
    username: string;
    status: AccountsTable['status'];
    uid: number;
    services: AccountServices;
    at: string;
  },
): Promise<void> {
  await db
    .insertInto('accounts')
    .values({
      id: account.id,
      member_id: account.memberId,
      username: account.username,
      status: account.status,
      uid: account.uid,
      password_hash: null,
      shell: account.services.shell ? 1 : 0,
      mail: account.services.mail ? 1 : 0,
      xmpp: account.services.xmpp ? 1 : 0,
      ssh_keys: null,
      requested_at: account.at,
      activated_at: account.status === 'active' ? account.at : null,
      disabled_at: null,
      delete_after: null,
      updated_at: account.at,
    })
    .execute();
}

export async function findAccountById(db: Db, id: string): Promise<Account | undefined> {
  const row = await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toAccount(row) : undefined;
}

export async function findAccountByUsername(
  db: Db,
  username: string,
): Promise<Account | undefined> {
  const row = await db
    .selectFrom('accounts')
    .selectAll()
    .where('username', '=', username)
    .executeTakeFirst();
  return row ? toAccount(row) : undefined;
}

export async function findAccountOfMember(db: Db, memberId: string): Promise<Account | undefined> {
  const row = await db
    .selectFrom('accounts')
    .selectAll()
    .where('member_id', '=', memberId)
    .executeTakeFirst();
  return row ? toAccount(row) : undefined;
}

/** Every account, by username. */
export async function listAccounts(db: Db): Promise<Account[]> {
  const rows = await db.selectFrom('accounts').selectAll().orderBy('username').execute();
  return rows.map(toAccount);
}

/** Changes some columns of an account. */
export async function updateAccount(
  db: Db,
  id: string,
  changes: Partial<
    Pick<
      AccountsTable,
      | 'status'
      | 'password_hash'
      | 'shell'
      | 'mail'
      | 'xmpp'
      | 'ssh_keys'
      | 'activated_at'
      | 'disabled_at'
      | 'delete_after'
    >
  >,
  at: string,
): Promise<void> {
  await db
    .updateTable('accounts')
    .set({ ...changes, updated_at: at })
    .where('id', '=', id)
    .execute();
}

/**
 * Removes an account row and queues the removal of its files (home with mailbox, XMPP data)
 * for the privileged sync. Its uid stays taken through the counter.
 */
export async function deleteAccountRow(
  db: Db,
  account: Account,
  queueId: string,
  at: string,
): Promise<void> {
  await db.deleteFrom('password_tokens').where('account_id', '=', account.id).execute();
  await db.deleteFrom('accounts').where('id', '=', account.id).execute();
  await db
    .insertInto('account_deletions')
    .values({
      id: queueId,
      account_id: account.id,
      uid: account.uid,
      username: account.username,
      requested_at: at,
      done_at: null,
    })
    .execute();
}

/** Deletions the sync has not carried out yet. */
export async function listPendingDeletions(
  db: Db,
): Promise<{ id: string; accountId: string; uid: number; username: string }[]> {
  const rows = await db
    .selectFrom('account_deletions')
    .select(['id', 'account_id', 'uid', 'username'])
    .where('done_at', 'is', null)
    .orderBy('requested_at')
    .execute();
  return rows.flatMap((row) =>
    row.username
      ? [{ id: row.id, accountId: row.account_id, uid: row.uid, username: row.username }]
      : [],
  );
}

/** Marks a deletion as carried out and forgets the username. */
export async function completeDeletion(db: Db, id: string, at: string): Promise<void> {
  await db
    .updateTable('account_deletions')
    .set({ done_at: at, username: null })
    .where('id', '=', id)
    .execute();
}

/** A row for the projections: an account with its member's name and membership dates. */
export interface ProjectionRow extends Account {
  firstName: string;
  lastName: string;
  joinedOn: string;
  leftOn: string | null;
}

/** Every account that is not merely requested, with the member fields the projections need. */
export async function listAccountsForProjection(db: Db): Promise<ProjectionRow[]> {
  const rows = await db
    .selectFrom('accounts')
    .innerJoin('members', 'members.id', 'accounts.member_id')
    .selectAll('accounts')
    .select(['members.first_name', 'members.last_name', 'members.joined_on', 'members.left_on'])
    .where('accounts.status', '!=', 'requested')
    .orderBy('accounts.uid')
    .execute();
  return rows.map((row) => ({
    ...toAccount(row),
    firstName: row.first_name,
    lastName: row.last_name,
    joinedOn: row.joined_on,
    leftOn: row.left_on,
  }));
}

/** Accounts whose member has left by `today` and that are still active. */
export async function listActiveAccountsOfFormerMembers(db: Db, today: string): Promise<Account[]> {
  const rows = await db
    .selectFrom('accounts')
    .innerJoin('members', 'members.id', 'accounts.member_id')
    .selectAll('accounts')
    .where('accounts.status', 'in', ['active', 'requested'])
    .where('members.left_on', '<=', today)
    .execute();
  return rows.map(toAccount);
}

/** Accounts whose grace period is over by `today`. */
export async function listAccountsDueForDeletion(db: Db, today: string): Promise<Account[]> {
  const rows = await db
    .selectFrom('accounts')
    .selectAll()
    .where('delete_after', '<=', today)
    .execute();
  return rows.map(toAccount);
}

export async function insertPasswordToken(
  db: Db,
  token: { id: string; accountId: string; at: string; expiresAt: string },
): Promise<void> {
  await db
    .insertInto('password_tokens')
    .values({
      id: token.id,
      account_id: token.accountId,
      created_at: token.at,
      expires_at: token.expiresAt,
      used_at: null,
    })
    .execute();
}

/** The account of an unused, unexpired password link, or undefined. */
export async function findUsablePasswordToken(
  db: Db,
  id: string,
  now: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('password_tokens')
    .select('account_id')
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row?.account_id;
}

/** Uses a password link once; false when it was used meanwhile. */
export async function usePasswordToken(db: Db, id: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('password_tokens')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Removes password links created before `before`. */
export async function deletePasswordTokensBefore(db: Db, before: string): Promise<void> {
  await db.deleteFrom('password_tokens').where('created_at', '<', before).execute();
}

/** Voids every unused password link of an account (marks it used); returns how many. */
export async function voidPasswordTokensOfAccount(
  db: Db,
  accountId: string,
  now: string,
): Promise<number> {
  const result = await db
    .updateTable('password_tokens')
    .set({ used_at: now })
    .where('account_id', '=', accountId)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Ends the member-portal sessions of a member (those without a web user), except `keepId`.
 * The sessions table belongs to the auth module; this one statement lives here so that a
 * password change and the end of the sessions commit in one transaction (as erasure does).
 */
export async function deleteMemberSessions(
  db: Db,
  memberId: string,
  keepId: string | null,
): Promise<void> {
  let query = db
    .deleteFrom('sessions')
    .where('member_id', '=', memberId)
    .where('user_id', 'is', null);
  if (keepId !== null) query = query.where('id', '!=', keepId);
  await query.execute();
}
