import type { Db } from '../core/db/database.ts';
import { toNumber } from '../core/db/dialect.ts';

/**
 * Queries for the end of logins and sessions: the declared retention of sessions and the
 * disabling and deletion of board, treasurer and admin logins (issue 11, item 8).
 */

/** Whose sessions a retention rule covers: web users', members' (portal) or all. */
export type SessionOwner = 'user' | 'member' | 'all';

/**
 * Deletes the sessions of `owner` created before `before` or expired at `now` (in a dry run:
 * counts them), whatever `web.sessionTtl` promised them, and tells when the oldest remaining
 * one was created.
 */
export async function deleteSessionsCreatedBefore(
  db: Db,
  options: { before: Date; now: Date; owner: SessionOwner; dryRun: boolean },
): Promise<{ removed: number; oldestKept: string | null }> {
  const cut = options.before.toISOString();
  const now = options.now.toISOString();
  const ownerColumn =
    options.owner === 'user' ? 'user_id' : options.owner === 'member' ? 'member_id' : null;
  let removed: number;
  if (options.dryRun) {
    let count = db
      .selectFrom('sessions')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where((eb) => eb.or([eb('created_at', '<', cut), eb('expires_at', '<=', now)]));
    if (ownerColumn) count = count.where(ownerColumn, 'is not', null);
    removed = toNumber((await count.executeTakeFirstOrThrow()).n);
  } else {
    let remove = db
      .deleteFrom('sessions')
      .where((eb) => eb.or([eb('created_at', '<', cut), eb('expires_at', '<=', now)]));
    if (ownerColumn) remove = remove.where(ownerColumn, 'is not', null);
    removed = Number((await remove.executeTakeFirst()).numDeletedRows);
  }
  let oldest = db
    .selectFrom('sessions')
    .select((eb) => eb.fn.min('created_at').as('oldest'))
    .where('created_at', '>=', cut)
    .where('expires_at', '>', now);
  if (ownerColumn) oldest = oldest.where(ownerColumn, 'is not', null);
  return { removed, oldestKept: (await oldest.executeTakeFirst())?.oldest ?? null };
}

/** Sets or clears when a web user was disabled. Returns false when there is no such user. */
export async function setUserDisabledAt(
  db: Db,
  id: string,
  disabledAt: string | null,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ disabled_at: disabledAt, updated_at: at })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Deletes a web user's row (its sessions go with it: `ON DELETE CASCADE`). */
export async function deleteUserRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('users').where('id', '=', id).execute();
}
