import type { Db } from '../core/db/database.ts';

/** A row of `doctor_runs` (migration 0011). */
export interface DoctorRunsTable {
  id: string;
  /** ISO instant of the run. */
  checked_at: string;
  /** The tree checked (`/` on the live system). */
  root: string;
  errors: number;
  warnings: number;
  /** JSON array of {@link StoredFinding}. */
  findings: string;
  /** 1 when the doctor ran as root. */
  by_root: number;
}

/** A doctor finding as stored: which promise, where, and the verdict. */
export interface StoredFinding {
  promise: string;
  file: string;
  setting: string;
  expected: string;
  actual: string;
  severity: 'error' | 'warning' | 'ok' | 'skipped';
}

/** A stored doctor run. */
export interface DoctorRun {
  id: string;
  checkedAt: string;
  root: string;
  errors: number;
  warnings: number;
  findings: StoredFinding[];
  /** Whether the doctor ran as root (and so could read every file). */
  byRoot: boolean;
}

// The table is this module's own; core/db/schema.ts stays untouched by adding it here.
function withTransparencyTables(db: Db) {
  return db.withTables<{ doctor_runs: DoctorRunsTable }>();
}

/** Stores one doctor run. */
export async function insertDoctorRun(db: Db, run: DoctorRun): Promise<void> {
  await withTransparencyTables(db)
    .insertInto('doctor_runs')
    .values({
      id: run.id,
      checked_at: run.checkedAt,
      root: run.root,
      errors: run.errors,
      warnings: run.warnings,
      findings: JSON.stringify(run.findings),
      by_root: run.byRoot ? 1 : 0,
    })
    .execute();
}

/** The newest stored doctor run, or undefined before the first. */
export async function latestDoctorRun(db: Db): Promise<DoctorRun | undefined> {
  const row = await withTransparencyTables(db)
    .selectFrom('doctor_runs')
    .selectAll()
    .orderBy('checked_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    checkedAt: row.checked_at,
    root: row.root,
    errors: row.errors,
    warnings: row.warnings,
    findings: JSON.parse(row.findings) as StoredFinding[],
    byRoot: row.by_root === 1,
  };
}

/** Deletes doctor runs older than `before` (ISO instant); returns how many. */
export async function deleteDoctorRunsBefore(db: Db, before: string): Promise<number> {
  const result = await withTransparencyTables(db)
    .deleteFrom('doctor_runs')
    .where('checked_at', '<', before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
