import { recordAudit, type Actor } from '../core/audit/index.ts';
import { lockForTransaction } from '../core/db/dialect.ts';
import type { Deps } from '../core/deps.ts';
import { ConflictError, NotFoundError } from '../core/errors.ts';
import { deleteSessionsOfUser, findUserForLogin, listUsers, type User } from './auth.repo.ts';
import { deleteUserRow, setUserDisabledAt } from './logins.repo.ts';

/**
 * The end of a board, treasurer or admin login (issue 11, item 8). The declaration promises that
 * a login is deleted when the office ends: `deleteUser` removes it at once. `disableUser` stops
 * it for a while (an absence, a dispute) and keeps the row until someone deletes it; both end the
 * login's sessions in the same transaction. The last admin who can still log in can be neither
 * disabled nor deleted, so the installation never locks itself out.
 */

type LoginDeps = Pick<Deps, 'db' | 'clock'>;

async function userNamed(db: Deps['db'], username: string): Promise<User> {
  const user = await findUserForLogin(db, username.trim());
  if (!user) throw new NotFoundError('user_not_found', `No login ${username}.`);
  return user;
}

/** Call inside the transaction, after {@link lockForTransaction} `users`. */
async function refuseLastAdmin(db: Deps['db'], user: User): Promise<void> {
  if (user.disabledAt !== null || !user.roles.includes('admin')) return;
  const others = (await listUsers(db)).filter(
    (other) => other.id !== user.id && other.disabledAt === null && other.roles.includes('admin'),
  );
  if (others.length === 0) {
    throw new ConflictError(
      'last_admin',
      `${user.username} is the last admin login that can log in: add another admin first (treff users add NAME --roles admin).`,
    );
  }
}

/**
 * Disables a web login: it can no longer log in and its sessions end at once. Idempotent (a
 * disabled login stays as it is, with no new audit entry).
 * @throws NotFoundError `user_not_found`; ConflictError `last_admin`.
 */
export async function disableUser(deps: LoginDeps, actor: Actor, username: string): Promise<User> {
  const at = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    await lockForTransaction(trx, 'users');
    const user = await userNamed(trx, username);
    if (user.disabledAt !== null) return user;
    await refuseLastAdmin(trx, user);
    await setUserDisabledAt(trx, user.id, at.toISOString(), at.toISOString());
    await deleteSessionsOfUser(trx, user.id);
    await recordAudit(trx, at, actor, { event: 'auth.user.disabled', objectId: user.id });
    return { ...user, disabledAt: at.toISOString() };
  });
}

/**
 * Lets a disabled web login log in again. Idempotent.
 * @throws NotFoundError `user_not_found`.
 */
export async function enableUser(deps: LoginDeps, actor: Actor, username: string): Promise<User> {
  const at = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const user = await userNamed(trx, username);
    if (user.disabledAt === null) return user;
    await setUserDisabledAt(trx, user.id, null, at.toISOString());
    await recordAudit(trx, at, actor, { event: 'auth.user.enabled', objectId: user.id });
    return { ...user, disabledAt: null };
  });
}

/**
 * Deletes a web login with its username, display name, password hash and sessions (the
 * declaration: deleted when the office ends). The audit log keeps only its id.
 * @throws NotFoundError `user_not_found`; ConflictError `last_admin`.
 */
export async function deleteUser(deps: LoginDeps, actor: Actor, username: string): Promise<void> {
  const at = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    await lockForTransaction(trx, 'users');
    const user = await userNamed(trx, username);
    await refuseLastAdmin(trx, user);
    await deleteSessionsOfUser(trx, user.id);
    await deleteUserRow(trx, user.id);
    await recordAudit(trx, at, actor, { event: 'auth.user.deleted', objectId: user.id });
  });
}
