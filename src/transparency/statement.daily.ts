import { withJobLock } from '../core/db/dialect.ts';
import type { Deps } from '../core/deps.ts';
import { startScheduler } from '../core/jobs.ts';
import { currentDeclaration } from './declaration.service.ts';
import { disclosureCounts, type DisclosureCounts } from './disclosures.service.ts';
import type { TransparencyFigures } from './figures.ts';
import { sha256Hex, writeDailyStatement, type WrittenStatement } from './statement.service.ts';
import { transparencyFigures } from './transparency.service.ts';

/** What a statement signs: the page's figures, the register's yearly counts, the board's declaration. */
export interface StatementFigures {
  page: TransparencyFigures;
  disclosures: DisclosureCounts;
  /** The newest board declaration, by its hash and dates (the text is published beside it). */
  boardDeclaration: {
    sha256: string;
    fingerprint: string;
    signedAt: string;
    expiresOn: string;
    expired: boolean;
  } | null;
}

type StatementDeps = Pick<Deps, 'db' | 'clock' | 'config' | 'messages' | 'secret'>;

/** The figures of today's statement, computed now. */
export async function statementFigures(deps: StatementDeps): Promise<StatementFigures> {
  const [page, disclosures, declaration] = await Promise.all([
    transparencyFigures(deps),
    disclosureCounts(deps),
    currentDeclaration(deps),
  ]);
  return {
    page,
    disclosures,
    boardDeclaration: declaration
      ? {
          sha256: sha256Hex(Buffer.from(declaration.armored)),
          fingerprint: declaration.fingerprint,
          signedAt: declaration.signedAt,
          expiresOn: declaration.expiresOn,
          expired: declaration.expired,
        }
      : null,
  };
}

/** Writes and signs today's statement unless it exists (idempotent per day). */
export function writeTodaysStatement(deps: StatementDeps): Promise<WrittenStatement> {
  return writeDailyStatement(deps, () => statementFigures(deps));
}

/**
 * Inside `treff serve`: checks every hour whether today's statement exists and writes it if
 * not, so it appears within an hour of midnight (club time) and after a restart; with several
 * instances on PostgreSQL only one writes at a time. Does nothing without a signing address.
 * Returns a function that stops the timer.
 */
export function startStatementScheduler(
  deps: Deps,
  options: { firstDelayMs?: number } = {},
): () => void {
  if (!deps.config.transparency) return () => undefined;
  return startScheduler(
    [
      {
        name: 'transparency.statement',
        intervalMs: 3_600_000,
        run: async () => {
          await withJobLock(deps.db, deps.dialect, 'transparency.statement', async () => {
            const written = await writeTodaysStatement(deps);
            if (written.created)
              deps.log.info(
                { event: 'transparency.statement.written', date: written.date },
                'signed statement written',
              );
          });
        },
      },
    ],
    {
      log: deps.log,
      firstDelayMs: options.firstDelayMs ?? 20_000,
    },
  );
}
