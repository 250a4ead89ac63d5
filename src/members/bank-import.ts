import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import {
  MAX_CSV_ROWS,
  startLine,
  TOO_MANY_ROWS_MESSAGE,
  strayQuoteMessage,
  UNCLOSED_QUOTE_MESSAGE,
  unclosedQuoteLine,
} from '../core/csv.ts';
import { controlCharacterMessage, findControlCharacter } from '../core/validation.ts';
import type { LineIssue } from './members.csv.ts';
import { parseAmount } from './money.ts';

/**
 * Bank statement CSV files as German banks export them: a few lines of account information,
 * then a header line, semicolons, comma decimals, dates as DD.MM.YYYY, often Windows-1252.
 * The board maps columns once per file; treff guesses a mapping to start from.
 */
export interface BankMapping {
  delimiter: ';' | ',' | '\t';
  /** 1-based line of the header. */
  headerLine: number;
  decimal: ',' | '.';
  dateColumn: string;
  amountColumn: string;
  referenceColumn: string;
  /** Optional: the payer's name, shown to help assigning by hand. */
  counterpartyColumn: string;
  /** Optional: a column that holds the member number itself. */
  memberNumberColumn: string;
}

/** One parsed statement line. */
export interface StatementRow {
  line: number;
  bookedOn: string;
  amountCents: number;
  reference: string;
  counterparty: string | null;
  memberNumber: string | null;
  /** Identifies the row across imports, so a file imported twice books nothing twice. */
  fingerprint: string;
  /** Where the row stands in its file when a line number says little (CAMT: statement and entry). */
  source?: string;
  /** Why the row must go to the review queue whatever its reference says (CAMT). */
  review?: 'reversal' | 'currency';
  /** The row's currency when the file names one (CAMT); CSV rows are in the ledger's currency. */
  currency?: string;
}

/** Decodes an uploaded file: UTF-8 when it is valid UTF-8, else Windows-1252 (older bank exports). */
export function decodeStatement(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

// Header names German and international banks use, most specific first.
const HEADER_HINTS = {
  date: [
    /^buchungstag/i,
    /^buchungsdatum/i,
    /^(datum|date|booking date)/i,
    /^(valuta|wertstellung)/i,
  ],
  amount: [/^betrag/i, /betrag/i, /^amount/i, /umsatz/i],
  reference: [/verwendungszweck/i, /^(reference|purpose|remittance)/i, /zweck/i, /buchungstext/i],
  counterparty: [
    /zahlungspflichtige|auftraggeber/i,
    /beg(ü|ue)nstigter/i,
    /^name/i,
    /empf(ä|ae)nger|payer|counterparty/i,
  ],
  memberNumber: [/mitgliedsnummer|mitglieds-?nr|member.?number|chaos.?nr/i],
};

/** Guesses delimiter, header line, decimal mark and columns, and returns the header's columns. */
export function guessMapping(text: string): { mapping: BankMapping; columns: string[] } {
  const lines = text.split(/\r?\n/).slice(0, 30);
  const counts = { ';': 0, ',': 0, '\t': 0 };
  for (const line of lines) {
    counts[';'] += line.split(';').length - 1;
    counts[','] += line.split(',').length - 1;
    counts['\t'] += line.split('\t').length - 1;
  }
  const delimiter = (Object.entries(counts).sort((a, b) => b[1] - a[1])[0]?.[0] ??
    ';') as BankMapping['delimiter'];
  let headerLine =
    lines.findIndex((line) =>
      line
        .split(delimiter)
        .some((cell) => HEADER_HINTS.date.some((hint) => hint.test(cell.replace(/"/g, '').trim()))),
    ) + 1;
  if (headerLine === 0) headerLine = 1;
  const columns = headerColumns(text, delimiter, headerLine);
  const pick = (hints: RegExp[], exclude: string[] = []) => {
    for (const hint of hints) {
      const column = columns.find((name) => hint.test(name) && !exclude.includes(name));
      if (column) return column;
    }
    return '';
  };
  const dateColumn = pick(HEADER_HINTS.date);
  const amountColumn = pick(HEADER_HINTS.amount);
  const referenceColumn = pick(HEADER_HINTS.reference);
  return {
    columns,
    mapping: {
      delimiter,
      headerLine,
      decimal: delimiter === ';' ? ',' : '.',
      dateColumn,
      amountColumn,
      referenceColumn,
      counterpartyColumn: pick(HEADER_HINTS.counterparty, [referenceColumn]),
      memberNumberColumn: pick(HEADER_HINTS.memberNumber),
    },
  };
}

/** The column names of the header line (empty when the file has fewer lines). */
export function headerColumns(
  text: string,
  delimiter: BankMapping['delimiter'],
  headerLine: number,
): string[] {
  // Only the header line: a broken quote further down is the statement's problem, reported
  // with its line when the rows are read, not an error while columns are guessed.
  try {
    const records = readRecords(text, delimiter, headerLine, headerLine);
    return (records[0]?.record ?? []).map((cell) => cell.trim());
  } catch {
    return [];
  }
}

function readRecords(
  text: string,
  delimiter: string,
  headerLine: number,
  toLine?: number,
  toRecord?: number,
) {
  return parse(text, {
    delimiter,
    from_line: headerLine,
    ...(toLine === undefined ? {} : { to_line: toLine }),
    ...(toRecord === undefined ? {} : { to: toRecord }),
    info: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
  }) as unknown as { record: string[]; info: { lines: number } }[];
}

// A legitimate multi-line field (a reference split over two lines) holds text; one that holds
// a quote character (csv-parse's relaxed reading keeps a quote it could not close) or the
// delimiter on a later line holds other rows.
function swallowsRows(value: string, delimiter: string): boolean {
  if (!value.includes('\n')) return false;
  return (
    value.includes('"') ||
    value
      .split('\n')
      .slice(1)
      .some((part) => part.includes(delimiter))
  );
}

/** Parses `DD.MM.YYYY`, `DD.MM.YY` or `YYYY-MM-DD`; null otherwise. */
export function parseStatementDate(value: string): string | null {
  const text = value.trim();
  let year: number;
  let month: number;
  let day: number;
  let match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (match) {
    [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  } else {
    match = /^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})$/.exec(text);
    if (!match) return null;
    day = Number(match[1]);
    month = Number(match[2]);
    year = Number(match[3]);
    if (year < 100) year += 2000;
  }
  const date = new Date(Date.UTC(year, month - 1, day));
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day
  )
    return null;
  return date.toISOString().slice(0, 10);
}

/**
 * Reads the statement rows with a mapping. Every unreadable row is reported with its line and
 * reason; the caller books nothing while there are issues.
 */
export function parseStatement(
  text: string,
  mapping: BankMapping,
): { rows: StatementRow[]; issues: LineIssue[] } {
  const issues: LineIssue[] = [];
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // The header, the allowed rows and one more, which is how a longer file is recognised.
    records = readRecords(text, mapping.delimiter, mapping.headerLine, undefined, MAX_CSV_ROWS + 2);
  } catch (error) {
    if ((error as { code?: string }).code === 'CSV_QUOTE_NOT_CLOSED') {
      const line = unclosedQuoteLine(text, mapping.headerLine);
      return {
        rows: [],
        issues: [
          {
            line,
            path: '',
            message: UNCLOSED_QUOTE_MESSAGE,
          },
        ],
      };
    }
    return {
      rows: [],
      issues: [
        {
          line: (error as { lines?: number }).lines ?? 0,
          path: '',
          message: `not valid CSV: ${(error as Error).message}`,
        },
      ],
    };
  }
  const header = (records[0]?.record ?? []).map((cell) => cell.trim());
  const index = (name: string, label: string, required: boolean): number => {
    if (!name) {
      if (required)
        issues.push({ line: mapping.headerLine, path: label, message: 'no column chosen' });
      return -1;
    }
    const position = header.indexOf(name);
    if (position === -1)
      issues.push({
        line: mapping.headerLine,
        path: label,
        message: `no column "${name}" in the header`,
      });
    return position;
  };
  const dateAt = index(mapping.dateColumn, 'date', true);
  const amountAt = index(mapping.amountColumn, 'amount', true);
  const referenceAt = index(mapping.referenceColumn, 'reference', true);
  const counterpartyAt = index(mapping.counterpartyColumn, 'counterparty', false);
  const numberAt = index(mapping.memberNumberColumn, 'memberNumber', false);
  if (issues.length > 0) return { rows: [], issues };

  const extra = records[MAX_CSV_ROWS + 1];
  if (extra) {
    return {
      rows: [],
      issues: [
        {
          line: startLine(extra.record, extra.info.lines),
          path: '',
          message: TOO_MANY_ROWS_MESSAGE,
        },
      ],
    };
  }
  const rows: StatementRow[] = [];
  const occurrences = new Map<string, number>();
  for (const { record, info } of records.slice(1)) {
    const line = startLine(record, info.lines);
    const cell = (at: number) => (at >= 0 ? (record[at] ?? '').trim() : '');
    if (record.every((value) => value.trim() === '')) continue;
    const merged = record.findIndex((value) => swallowsRows(value, mapping.delimiter));
    if (merged !== -1) {
      // A stray quote made one field of this line run into the next lines: those rows would
      // vanish into a reference. Refuse the file rather than book less than it says.
      issues.push({
        line,
        path: header[merged] ?? `column ${merged + 1}`,
        message: strayQuoteMessage(record[merged] ?? ''),
      });
      continue;
    }
    const control = [referenceAt, counterpartyAt, numberAt].find(
      (at) => at >= 0 && findControlCharacter(cell(at), { multiline: true }) !== null,
    );
    if (control !== undefined) {
      issues.push({
        line,
        path: header[control] ?? '',
        message: controlCharacterMessage(
          findControlCharacter(cell(control), { multiline: true }) ?? '',
        ),
      });
      continue;
    }
    const bookedOn = parseStatementDate(cell(dateAt));
    const amountCents = parseAmount(cell(amountAt), mapping.decimal);
    if (!bookedOn) issues.push({ line, path: 'date', message: `"${cell(dateAt)}" is not a date` });
    if (amountCents === null)
      issues.push({ line, path: 'amount', message: `"${cell(amountAt)}" is not an amount` });
    if (!bookedOn || amountCents === null) continue;
    const reference = cell(referenceAt).replace(/\s+/g, ' ');
    const counterparty = cell(counterpartyAt) || null;
    const key = [bookedOn, amountCents, reference, counterparty ?? ''].join('\u0000');
    const occurrence = (occurrences.get(key) ?? 0) + 1;
    occurrences.set(key, occurrence);
    rows.push({
      line,
      bookedOn,
      amountCents,
      reference,
      counterparty,
      memberNumber: cell(numberAt) || null,
      // Two identical transfers on one day are two rows: the occurrence count keeps them apart.
      fingerprint: createHash('sha256').update(`${key}\u0000${occurrence}`).digest('hex'),
    });
  }
  return { rows, issues };
}

/** How a statement row was matched to a member, or why not. */
export type MatchResult =
  | { status: 'matched'; memberId: string; memberNumber: string; by: 'column' | 'reference' }
  | {
      status: 'unmatched';
      reason: 'none' | 'unknown' | 'ambiguous' | 'reversal' | 'currency';
      candidates: string[];
    };

const NUMBER_AFTER_KEYWORD =
  /(?:chaos[\s-]*nr|mitglied\w*|member(?:\s*(?:no|number))?|nr|no|nummer)\.?\s*[:#]?\s*([A-Za-z0-9][A-Za-z0-9._/-]*)/gi;
const TOKEN = /[A-Za-z0-9][A-Za-z0-9._/-]*/g;

/**
 * Matches a statement row to a member: by the member-number column when mapped; else by a member
 * number after a keyword in the reference ("Chaos-Nr. 42", "Mitgliedsnr 42"); else by the only
 * word of the reference that is a member number. Several different candidates leave the row
 * unmatched for a person to decide.
 */
export function matchRow(
  row: Pick<StatementRow, 'reference' | 'memberNumber'>,
  members: ReadonlyMap<string, string>,
): MatchResult {
  if (row.memberNumber) {
    const memberId = members.get(row.memberNumber);
    return memberId
      ? { status: 'matched', memberId, memberNumber: row.memberNumber, by: 'column' }
      : { status: 'unmatched', reason: 'unknown', candidates: [row.memberNumber] };
  }
  const clean = (token: string) => token.replace(/[._/-]+$/, '');
  const known = (tokens: string[]) => [
    ...new Set(tokens.map(clean).filter((token) => members.has(token))),
  ];
  const afterKeyword = known(
    [...row.reference.matchAll(NUMBER_AFTER_KEYWORD)].map((m) => m[1] ?? ''),
  );
  const candidates =
    afterKeyword.length > 0 ? afterKeyword : known(row.reference.match(TOKEN) ?? []);
  const only = candidates[0];
  if (candidates.length === 1 && only !== undefined) {
    return {
      status: 'matched',
      memberId: members.get(only) ?? '',
      memberNumber: only,
      by: 'reference',
    };
  }
  return {
    status: 'unmatched',
    reason: candidates.length === 0 ? 'none' : 'ambiguous',
    candidates,
  };
}
