import type { Actor } from '../core/audit/index.ts';
import { isUniqueViolation } from '../core/db/dialect.ts';
import type { Deps } from '../core/deps.ts';
import { NotFoundError, ValidationError } from '../core/errors.ts';
import type { StatementRow } from './bank-import.ts';
import { commitStatementRows, type BankImportResult } from './contributions.service.ts';

/**
 * Booking a bank statement from the web (issue 16): the board confirms the preview, the answer
 * is a redirect to the run's page at once, and the booking runs after it, in one transaction as
 * from the CLI (all or nothing). The run is keyed by the preview's confirmation token: a
 * reloaded or doubled confirmation finds the run and starts nothing. Its row holds counts only
 * and goes a day after the run ended (when the next run starts, or with the retention run).
 *
 * Progress: the transaction's rows are invisible to other connections until it commits (and on
 * SQLite the one connection is busy meanwhile), so how far a run has come lives in this
 * process's memory, told by the booking after each chunk of rows written; the outcome is
 * written to the run's row inside the booking transaction, so it commits with the booking.
 */
export interface ImportRun {
  id: string;
  /** `interrupted`: still marked running an hour after it started, its process gone. */
  state: 'running' | 'done' | 'failed' | 'interrupted';
  total: number;
  /** Rows written so far in the booking transaction; null where this process does not run it. */
  written: number | null;
  result: BankImportResult | null;
}

/** A confirmation token as {@link newToken} makes it (and the reminders' run key). */
const RUN_KEY = /^[A-Za-z0-9_-]{16,64}$/;
/** A run's row is kept this long after it ended (and a run never marked ended, after it began). */
export const IMPORT_RUN_KEEP_DAYS = 1;
const KEEP_MS = IMPORT_RUN_KEEP_DAYS * 24 * 60 * 60 * 1000;
/** A run still marked running after this long died with its process (nothing was booked). */
const STALE_MS = 60 * 60 * 1000;

/** How far the runs of this process have come, by run id; gone once the run's row is final. */
const live = new Map<string, { written: number; total: number }>();

/**
 * Records a run for the confirmed `rows` under `runKey` and books them after the answer; when
 * the key was confirmed before, starts nothing and returns the same run.
 * @throws ValidationError `run_key_invalid`.
 */
export async function startImportRun(
  deps: Pick<Deps, 'db' | 'clock' | 'background'>,
  actor: Actor,
  runKey: string,
  fileName: string,
  rows: readonly StatementRow[],
): Promise<{ runId: string; started: boolean }> {
  if (!RUN_KEY.test(runKey))
    throw new ValidationError('run_key_invalid', 'The confirmation is not valid; upload again.');
  const now = deps.clock.now();
  await deleteEndedImportRunsBefore(deps.db, new Date(now.getTime() - KEEP_MS).toISOString());
  try {
    await deps.db
      .insertInto('import_runs')
      .values({
        id: runKey,
        state: 'running',
        total: rows.length,
        import_id: null,
        matched: null,
        unmatched: null,
        duplicates: null,
        started_at: now.toISOString(),
        finished_at: null,
      })
      .execute();
  } catch (error) {
    if (isUniqueViolation(error)) return { runId: runKey, started: false };
    throw error;
  }
  live.set(runKey, { written: 0, total: rows.length });
  deps.background.run('members.bank_import', async () => {
    try {
      await commitStatementRows(
        deps,
        actor,
        fileName,
        rows,
        (written, total) => {
          live.set(runKey, { written, total });
        },
        async (trx, result) => {
          await trx
            .updateTable('import_runs')
            .set({
              state: 'done',
              import_id: result.importId,
              matched: result.matched,
              unmatched: result.unmatched,
              duplicates: result.duplicates,
              finished_at: deps.clock.now().toISOString(),
            })
            .where('id', '=', runKey)
            .execute();
        },
      );
    } catch (error) {
      await deps.db
        .updateTable('import_runs')
        .set({ state: 'failed', finished_at: deps.clock.now().toISOString() })
        .where('id', '=', runKey)
        .execute();
      throw error;
    } finally {
      live.delete(runKey);
    }
  });
  return { runId: runKey, started: true };
}

/**
 * Deletes the runs that ended before `before`, and those still marked running that began
 * before it (their process died): a run serves only its progress page. Called when a run
 * starts and by the retention run. Returns how many went.
 */
export async function deleteEndedImportRunsBefore(db: Deps['db'], before: string): Promise<number> {
  const result = await db
    .deleteFrom('import_runs')
    .where((eb) =>
      eb.or([
        eb('finished_at', '<', before),
        eb.and([eb('finished_at', 'is', null), eb('started_at', '<', before)]),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** A run with its progress or outcome. @throws NotFoundError `import_run_not_found`. */
export async function getImportRun(
  deps: Pick<Deps, 'db' | 'clock'>,
  runId: string,
): Promise<ImportRun> {
  const progress = live.get(runId);
  if (progress)
    return {
      id: runId,
      state: 'running',
      total: progress.total,
      written: progress.written,
      result: null,
    };
  const row = await deps.db
    .selectFrom('import_runs')
    .selectAll()
    .where('id', '=', runId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('import_run_not_found', 'No such import run.');
  const stale =
    row.state === 'running' &&
    deps.clock.now().getTime() - new Date(row.started_at).getTime() > STALE_MS;
  return {
    id: row.id,
    state: stale ? 'interrupted' : row.state,
    total: row.total,
    written: null,
    result:
      row.state === 'done' && row.import_id !== null
        ? {
            importId: row.import_id,
            rows: row.total,
            matched: row.matched ?? 0,
            unmatched: row.unmatched ?? 0,
            duplicates: row.duplicates ?? 0,
          }
        : null,
  };
}
