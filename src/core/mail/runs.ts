import type { Deps } from '../deps.ts';
import { newId } from '../ids.ts';
import {
  abandonMailRun,
  beatMailRun,
  findActiveMailRun,
  findLatestMailRun,
  finishMailRun,
  insertMailRun,
  type MailRunRow,
} from './runs.repo.ts';

export type { MailRunRow } from './runs.repo.ts';
export { deleteEndedMailRunsBefore } from './runs.repo.ts';

/** How long an ended run stays for its progress page (the retention run deletes it after). */
export const MAIL_RUN_KEEP_DAYS = 30;

/**
 * How long a run without a heartbeat, or one recipient's claim without an outcome, may stay
 * before it counts as left behind by a process that died. Far longer than one mail takes (the
 * mailer's SMTP timeouts are seconds), so a live run is never taken over.
 */
export const MAIL_LEASE_MS = 10 * 60_000;

/** The time before which a claim or a heartbeat is stale. */
export function leaseCutoff(deps: Pick<Deps, 'clock'>): string {
  return new Date(deps.clock.now().getTime() - MAIL_LEASE_MS).toISOString();
}

/**
 * Starts a mass mailing of `subject` after the HTTP answer, or joins the one running: at most
 * one run per subject runs at a time, across requests and instances (the database decides). A
 * run left behind by a dead process (no heartbeat for {@link MAIL_LEASE_MS}) is marked
 * abandoned and a new one starts. `task` gets a `beat` to call after every recipient; the run
 * is marked done when it ends, also when it fails (the failure is logged by the background).
 * With `foreground` (the CLI) the task runs before this returns and its failure is thrown.
 * Which recipient is mailed is the task's business: it must claim each one in its own records
 * before mailing, so two runs (or a taken-over one that still lives) never mail anyone twice.
 */
export async function startMailRun(
  deps: Pick<Deps, 'db' | 'clock' | 'background'>,
  run: { subject: string; startedBy: string; name: string; foreground?: boolean },
  task: (beat: () => Promise<void>) => Promise<void>,
): Promise<{ runId: string; started: boolean }> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const id = newId();
    const at = deps.clock.now().toISOString();
    if (
      await insertMailRun(deps.db, {
        id,
        subject: run.subject,
        started_by: run.startedBy,
        started_at: at,
      })
    ) {
      const work = async () => {
        try {
          await task(() => beatMailRun(deps.db, id, deps.clock.now().toISOString()));
        } finally {
          await finishMailRun(deps.db, id, deps.clock.now().toISOString());
        }
      };
      if (run.foreground) await work();
      else deps.background.run(run.name, work);
      return { runId: id, started: true };
    }
    const active = await findActiveMailRun(deps.db, run.subject);
    if (!active) continue; // it finished in between: start anew
    if (active.heartbeat_at >= leaseCutoff(deps)) return { runId: active.id, started: false };
    await abandonMailRun(deps.db, active.id, active.heartbeat_at);
  }
  throw new Error(`could not start or join a mail run of ${run.subject}`);
}

/** The newest run of `subject`, for its progress page; undefined before the first. */
export function latestMailRun(
  deps: Pick<Deps, 'db'>,
  subject: string,
): Promise<MailRunRow | undefined> {
  return findLatestMailRun(deps.db, subject);
}

/** Whether a run is still going: running, with a heartbeat younger than the lease. */
export function mailRunRunning(deps: Pick<Deps, 'clock'>, run: MailRunRow | undefined): boolean {
  return run?.state === 'running' && run.heartbeat_at >= leaseCutoff(deps);
}
