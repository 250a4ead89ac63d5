import { accountAddresses, listAccounts } from '../accounts/index.ts';
import type { Deps } from '../core/deps.ts';
import { clubToday, hasLeft, listMembersByIds, type Member } from '../members/index.ts';
import { normaliseAddress } from './zbase32.ts';

/** Whether a member may have a key in the directory: not left, data not restricted. */
export function isActiveMember(member: Member, today: string): boolean {
  return member.restrictedAt === null && !hasLeft(member, today);
}

/** Why a key's owner no longer allows it in the directory. */
export type OwnerProblem = 'member_left' | 'account_inactive';

/**
 * Loads the owners of `keys` (members and accounts, in two queries) and returns the check the
 * directory and the stale-key removal share: a key stays only while its member is active and
 * the member's active account still has the key's address.
 */
export async function ownerCheck(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  keys: readonly { memberId: string }[],
): Promise<(key: { memberId: string; address: string }) => OwnerProblem | null> {
  const today = clubToday(deps);
  const members = await listMembersByIds(
    deps,
    keys.map((key) => key.memberId),
  );
  const accounts = new Map((await listAccounts(deps.db)).map((a) => [a.memberId, a]));
  return (key) => {
    const member = members.get(key.memberId);
    if (!member || !isActiveMember(member, today)) return 'member_left';
    const account = accounts.get(key.memberId);
    const address = account ? accountAddresses(deps.config, account.username).mail : null;
    if (account?.status !== 'active' || !address || normaliseAddress(address) !== key.address)
      return 'account_inactive';
    return null;
  };
}
