import { createHmac } from 'node:crypto';
import type { Db } from '../db/database.ts';

/** The only place with SQL for `mail_counts` (conventions §2). */

/**
 * Takes one of `limit` mails of `kind` to `address` on the UTC day of `at`: true and counted
 * when fewer were sent that day, false (and nothing changed) when the limit is reached. One
 * statement (`INSERT … ON CONFLICT DO UPDATE … WHERE count < limit`), so concurrent takers on
 * both databases never exceed the limit. Deletes the counters of earlier days first. The
 * address is stored only as an HMAC with `secret`.
 */
export async function takeMailQuota(
  db: Db,
  secret: Buffer,
  request: { kind: string; address: string; limit: number; at: Date },
): Promise<boolean> {
  const day = request.at.toISOString().slice(0, 10);
  const addressHmac = createHmac('sha256', secret).update(request.address, 'utf8').digest('hex');
  await db.deleteFrom('mail_counts').where('day', '<', day).execute();
  if (request.limit < 1) return false;
  const row = await db
    .insertInto('mail_counts')
    .values({ kind: request.kind, address_hmac: addressHmac, day, count: 1 })
    .onConflict((conflict) =>
      conflict
        .columns(['kind', 'address_hmac', 'day'])
        .doUpdateSet((update) => ({ count: update.eb('mail_counts.count', '+', 1) }))
        .where('mail_counts.count', '<', request.limit),
    )
    .returning('count')
    .executeTakeFirst();
  return row !== undefined;
}
