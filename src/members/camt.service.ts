import type { Actor } from '../core/audit/index.ts';
import type { Deps } from '../core/deps.ts';
import { parseCamt, type CamtStatement } from './camt.ts';
import {
  commitStatementRows,
  previewStatementRows,
  statementInvalid,
  type BankImportResult,
  type ImportProgress,
  type PreviewRow,
} from './contributions.service.ts';

/** A CAMT.053 file read and matched, before booking. */
export interface CamtPreview {
  version: string;
  statements: number;
  skippedUnbooked: number;
  rows: PreviewRow[];
}

/**
 * Reads a CAMT.053 file, writing nothing.
 * @throws ValidationError `statement_invalid` naming each unreadable entry.
 */
export function readCamt(deps: Pick<Deps, 'config'>, xml: string): CamtStatement {
  const statement = parseCamt(xml, deps.config.members.currency);
  if (statement.issues.length > 0) throw statementInvalid(statement.issues);
  return statement;
}

/**
 * Reads a CAMT.053 file and matches every transfer, writing nothing.
 * @throws ValidationError `statement_invalid` naming each unreadable entry
 *   (`statement <id>, entry <n> (<AcctSvcrRef>)`).
 */
export async function previewCamtImport(
  deps: Pick<Deps, 'db' | 'config'>,
  xml: string,
): Promise<CamtPreview> {
  const statement = readCamt(deps, xml);
  return {
    version: statement.version,
    statements: statement.statements,
    skippedUnbooked: statement.skippedUnbooked,
    rows: await previewStatementRows(deps, statement.rows),
  };
}

/**
 * Books a CAMT.053 file like a CSV statement: all or nothing, every transfer at most once over
 * all imports (by the bank's entry reference), reversals and other currencies to the review
 * queue.
 * @throws ValidationError `statement_invalid` (nothing written).
 */
export async function commitCamtImport(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  actor: Actor,
  fileName: string,
  xml: string,
  onProgress?: ImportProgress,
): Promise<BankImportResult> {
  return commitStatementRows(deps, actor, fileName, readCamt(deps, xml).rows, onProgress);
}
