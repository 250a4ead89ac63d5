import { spawn } from 'node:child_process';
import { sql } from 'kysely';
import type { Db } from '../core/db/database.ts';
import { AppError } from '../core/errors.ts';
import { toNumber } from '../core/db/dialect.ts';

/**
 * The database side of backup and restore, both dialects in one place: SQLite is copied with
 * `VACUUM INTO` (a consistent copy with no free pages, so no bytes of rows deleted before it;
 * notes/round-2.md §6.2), PostgreSQL with `pg_dump` of treff's tables (a logical dump: no dead
 * tuples, no WAL) and loaded again with `psql`.
 */

/** Writes a consistent copy of the SQLite database to `path` (which must not exist). */
export async function copySqlite(db: Db, path: string): Promise<void> {
  await sql`vacuum into ${path}`.execute(db);
}

/** How many rows the registry, the accounts and the web logins hold (an empty database: 0). */
export async function countPeople(db: Db): Promise<number> {
  const count = async (table: 'members' | 'accounts' | 'users') =>
    toNumber(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirst()
      )?.n,
    );
  return (await count('members')) + (await count('accounts')) + (await count('users'));
}

/** The schema treff's PostgreSQL tables live in. */
export async function currentSchema(db: Db): Promise<string> {
  const { rows } = await sql<{ name: string }>`select current_schema() as name`.execute(db);
  const name = rows[0]?.name;
  if (!name)
    throw new AppError('internal', 'backup_no_schema', 'PostgreSQL has no current schema.');
  return name;
}

/** The tables of `schema` (PostgreSQL). */
export async function tablesOf(db: Db, schema: string): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select tablename as name from pg_tables where schemaname = ${schema} order by tablename
  `.execute(db);
  return rows.map((row) => row.name);
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * The connection URL without its password, and the password for `PGPASSWORD`: an argument is
 * readable by every local user in /proc/PID/cmdline, the environment only by the owner.
 */
function connection(url: string): { url: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  if (!parsed.password) return { url, env: process.env };
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  return { url: parsed.toString(), env: { ...process.env, PGPASSWORD: password } };
}

function run(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  input?: Uint8Array,
): Promise<{ stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => {
      reject(
        new AppError(
          'internal',
          'backup_tool_missing',
          `${command} could not be started (${(error as NodeJS.ErrnoException).code ?? error.message}); install the PostgreSQL client of the server's version`,
        ),
      );
    });
    child.on('close', (code) => {
      const stderr = Buffer.concat(err).toString('utf8');
      if (code === 0) resolve({ stdout: Buffer.concat(out), stderr });
      else
        reject(
          new AppError(
            'internal',
            'backup_tool_failed',
            `${command} failed: ${stderr.trim().split('\n')[0] ?? `exit code ${String(code)}`}`,
          ),
        );
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

/**
 * Dumps the tables of `schema` as plain SQL with `pg_dump` (which must match the server's
 * major version). Only the tables (`-t schema.*`), so the dump loads into an existing schema.
 */
export async function dumpPostgres(url: string, schema: string): Promise<Buffer> {
  const target = connection(url);
  const { stdout } = await run(
    'pg_dump',
    [
      '--no-owner',
      '--no-privileges',
      '--table',
      `"${schema.replaceAll('"', '""')}".*`,
      '--dbname',
      target.url,
    ],
    target.env,
  );
  return stdout;
}

/**
 * Replaces the tables `drop` of `schema` with a dump made by {@link dumpPostgres}: one `psql`
 * transaction drops them and loads the dump, stopping at the first error, so a failed load
 * leaves the database as it was.
 */
export async function replaceWithDump(
  url: string,
  schema: string,
  drop: readonly string[],
  dump: Uint8Array,
): Promise<void> {
  const drops = drop
    .map((table) => `drop table if exists ${ident(schema)}.${ident(table)} cascade;\n`)
    .join('');
  const target = connection(url);
  await run(
    'psql',
    [
      '--no-psqlrc',
      '--quiet',
      '--single-transaction',
      '-v',
      'ON_ERROR_STOP=1',
      '--dbname',
      target.url,
    ],
    target.env,
    Buffer.concat([Buffer.from(`set client_min_messages = warning;\n${drops}`), dump]),
  );
}
