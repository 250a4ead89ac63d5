import { open } from 'node:fs/promises';
import { LASTLOG_SIZE, lastlogRecords } from './utmp.parse.ts';

/**
 * The lastlog scrubber (services.md §5.2): sshd and login record every uid's last login (time,
 * terminal, remote host) in /var/log/lastlog and nothing ever removes it, not even when the
 * account is deleted. This zeroes every record older than the cutoff, in place: the file stays
 * sparse and `lastlog` shows "Never logged in" for those uids. Idempotent.
 * @returns how many records were cleared and the time of the oldest record left (or null).
 */
export async function scrubLastlog(
  path: string,
  cutoff: Date,
): Promise<{ cleared: number; oldestLeft: Date | null }> {
  let handle;
  try {
    handle = await open(path, 'r+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { cleared: 0, oldestLeft: null };
    throw error;
  }
  try {
    const data = await handle.readFile();
    const limit = Math.floor(cutoff.getTime() / 1000);
    const zero = new Uint8Array(LASTLOG_SIZE);
    let cleared = 0;
    let oldest: number | null = null;
    for (const record of lastlogRecords(data)) {
      if (record.time < limit) {
        await handle.write(zero, 0, LASTLOG_SIZE, record.uid * LASTLOG_SIZE);
        cleared++;
      } else if (oldest === null || record.time < oldest) {
        oldest = record.time;
      }
    }
    if (cleared > 0) await handle.sync();
    return { cleared, oldestLeft: oldest === null ? null : new Date(oldest * 1000) };
  } finally {
    await handle.close();
  }
}
