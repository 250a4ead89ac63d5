import { chmod } from 'node:fs/promises';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import { AppError } from '../errors.ts';
import { ensurePrivateFile, PRIVATE_FILE_MODE } from '../fs.ts';
import { migrations } from './migrations/index.ts';
import type { DB } from './schema.ts';

/** The query builder over treff's database; a transaction has the same type. */
export type Db = Kysely<DB>;
export type Dialect = 'sqlite' | 'postgres';

/** An open database: the query builder, which dialect it speaks, and how to close it. */
export interface DatabaseHandle {
  db: Db;
  dialect: Dialect;
  /** The PostgreSQL schema the tables live in, when not the default. */
  pgSchema?: string;
  close(): Promise<void>;
}

/**
 * Opens the database named by `url`: `sqlite:PATH` (created 0600 in a 0700 folder if missing;
 * SQLite gives `-wal` and `-shm` the database file's mode, and wider modes are tightened) or
 * `postgres://…`. SQLite runs with WAL, foreign keys on, `synchronous=FULL` (a committed
 * registry change survives a power cut), `secure_delete` (deleted rows are zeroed) and a busy
 * timeout for the CLI running beside the server.
 * `pgSchema` puts every table into one PostgreSQL schema (tests use one schema per test).
 */
export async function openDatabase(
  url: string,
  options: { pgSchema?: string } = {},
): Promise<DatabaseHandle> {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    // The registry and every password hash: created private before SQLite opens it, since
    // SQLite itself creates files with 0644 minus the umask.
    if (path !== ':memory:') await ensurePrivateFile(path);
    const sqlite = new SQLite(path);
    sqlite.pragma('journal_mode = WAL');
    if (path !== ':memory:') await tightenSidecars(path);
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('busy_timeout = 5000');
    // Deleted rows are overwritten with zeros instead of staying readable in free pages: an
    // erased member's name must not survive in treff.db (issue 11 §3; notes/round-2.md §6.2).
    sqlite.pragma('secure_delete = ON');
    // better-sqlite3 builds SQLite with a 16 MiB page cache per connection; a club's registry
    // fits in far less, and the kernel's page cache holds the file anyway. 4 MiB saves 12 MiB of
    // resident memory after load; SQLite's own 2 MiB made the member list slower (bench/registry.ts).
    sqlite.pragma('cache_size = -4000');
    const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) });
    return { db, dialect: 'sqlite', close: () => db.destroy() };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    // Loaded only for PostgreSQL: the driver adds ~14 MB to every SQLite installation otherwise.
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({
      connectionString: url,
      max: 10,
      ...(options.pgSchema ? { options: `-c search_path=${options.pgSchema}` } : {}),
    });
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      dialect: 'postgres',
      ...(options.pgSchema ? { pgSchema: options.pgSchema } : {}),
      close: () => db.destroy(),
    };
  }
  throw new AppError(
    'validation',
    'database_url_invalid',
    'database.url must start with sqlite: or postgres://',
  );
}

/** Tightens `-wal` and `-shm` left with a wider mode by an older treff. */
async function tightenSidecars(path: string): Promise<void> {
  for (const suffix of ['-wal', '-shm']) {
    await chmod(`${path}${suffix}`, PRIVATE_FILE_MODE).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    });
  }
}

/**
 * Applies every pending migration. Idempotent: a second call changes nothing. Pass the handle's
 * `pgSchema` when the tables live in a schema of their own.
 * Returns the names of the migrations it applied.
 */
export async function migrateToLatest(db: Db, pgSchema?: string): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    // Kysely looks for its bookkeeping tables in any schema unless told which one: with one
    // schema per test on one server, another test's tables would be found instead of ours.
    ...(pgSchema ? { migrationTableSchema: pgSchema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    throw new AppError(
      'internal',
      'migration_failed',
      `Database migration failed: ${error instanceof Error ? error.message : 'unknown error'}`,
      {
        cause: error,
      },
    );
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
