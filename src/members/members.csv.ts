import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { FieldIssue } from '../core/errors.ts';
import {
  MAX_CSV_ROWS,
  startLine,
  TOO_MANY_ROWS_MESSAGE,
  strayQuoteMessage,
  UNCLOSED_QUOTE_MESSAGE,
  unclosedQuoteLine,
} from '../core/csv.ts';
import { friendlyErrorMap } from '../core/validation.ts';
import { MemberInput, type Member, type MemberField, type MemberFields } from './members.schema.ts';

/**
 * The member CSV format (documented in the README): UTF-8, comma-separated (semicolons are
 * accepted on import, as spreadsheet programs in German locales write them), one header line,
 * ISO dates. The columns may come in any order; unknown or missing columns are an error.
 */
export const MEMBER_CSV_COLUMNS = [
  'member_number',
  'first_name',
  'last_name',
  'birth_date',
  'street',
  'postcode',
  'city',
  'email',
  'phone',
  'openpgp_fingerprint',
  'joined_on',
  'left_on',
] as const;
type CsvColumn = (typeof MEMBER_CSV_COLUMNS)[number];

const FIELD_OF: Record<CsvColumn, MemberField> = {
  member_number: 'memberNumber',
  first_name: 'firstName',
  last_name: 'lastName',
  birth_date: 'birthDate',
  street: 'street',
  postcode: 'postcode',
  city: 'city',
  email: 'email',
  phone: 'phone',
  openpgp_fingerprint: 'openpgpFingerprint',
  joined_on: 'joinedOn',
  left_on: 'leftOn',
};
const COLUMN_OF = Object.fromEntries(
  Object.entries(FIELD_OF).map(([column, field]) => [field, column]),
) as Record<MemberField, CsvColumn>;

/** A problem in one line of a CSV file. */
export interface LineIssue extends FieldIssue {
  line: number;
}

/** One valid row of a member CSV with its line number. */
export interface ParsedMemberRow {
  line: number;
  fields: MemberFields;
}

/**
 * Parses and validates a member CSV. Returns every valid row and every problem, each problem
 * with its line number and column (`line 4: email: expected an email address`); the caller
 * writes nothing unless `issues` is empty.
 */
export function parseMemberCsv(text: string): { rows: ParsedMemberRow[]; issues: LineIssue[] } {
  const source = text.replace(/^\uFEFF/, '');
  const firstLine = source.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',';
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(source, {
      delimiter,
      // The header, the allowed rows and one more, which is how a longer file is recognised.
      to: MAX_CSV_ROWS + 2,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    if ((error as { code?: string }).code === 'CSV_QUOTE_NOT_CLOSED') {
      return {
        rows: [],
        issues: [{ line: unclosedQuoteLine(source), path: '', message: UNCLOSED_QUOTE_MESSAGE }],
      };
    }
    const line = (error as { lines?: number }).lines ?? 1;
    return {
      rows: [],
      issues: [{ line, path: '', message: `not valid CSV: ${(error as Error).message}` }],
    };
  }
  const header = records[0];
  if (!header) return { rows: [], issues: [{ line: 1, path: '', message: 'the file is empty' }] };
  const columns = header.record.map((name) => name.trim().toLowerCase());
  const headerIssues: LineIssue[] = [];
  for (const name of columns) {
    if (!(MEMBER_CSV_COLUMNS as readonly string[]).includes(name)) {
      headerIssues.push({
        line: header.info.lines,
        path: name || '(empty)',
        message: 'unknown column',
      });
    }
  }
  for (const name of MEMBER_CSV_COLUMNS) {
    if (!columns.includes(name))
      headerIssues.push({ line: header.info.lines, path: name, message: 'column missing' });
  }
  if (new Set(columns).size !== columns.length) {
    headerIssues.push({ line: header.info.lines, path: '', message: 'a column appears twice' });
  }
  if (headerIssues.length > 0) return { rows: [], issues: headerIssues };

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
  const rows: ParsedMemberRow[] = [];
  const issues: LineIssue[] = [];
  const seenNumbers = new Map<string, number>();
  for (const { record, info } of records.slice(1)) {
    const line = startLine(record, info.lines);
    if (record.length !== columns.length) {
      issues.push({
        line,
        path: '',
        message: `expected ${columns.length} fields, found ${record.length}`,
      });
      continue;
    }
    // No member field holds a line break: a field that does was opened by a stray quote and
    // swallowed the rows after it.
    const merged = record.findIndex((value) => value.includes('\n'));
    if (merged !== -1) {
      issues.push({
        line,
        path: columns[merged] ?? '',
        message: strayQuoteMessage(record[merged] ?? ''),
      });
      continue;
    }
    const input: Record<string, string> = {};
    columns.forEach((column, index) => {
      input[FIELD_OF[column as CsvColumn]] = unescapeCell(record[index] ?? '');
    });
    const result = MemberInput.safeParse(input, { error: friendlyErrorMap });
    if (!result.success) {
      for (const issue of result.error.issues) {
        const field = issue.path[0] as MemberField | undefined;
        issues.push({ line, path: field ? COLUMN_OF[field] : '', message: issue.message });
      }
      continue;
    }
    const previous = seenNumbers.get(result.data.memberNumber);
    if (previous !== undefined) {
      issues.push({ line, path: 'member_number', message: `duplicate of line ${previous}` });
      continue;
    }
    seenNumbers.set(result.data.memberNumber, line);
    rows.push({ line, fields: result.data });
  }
  return { rows, issues };
}

/** Writes members as CSV in the documented format. */
export function formatMemberCsv(members: readonly Member[]): string {
  return stringify(
    members.map((member) =>
      MEMBER_CSV_COLUMNS.map((column) => escapeCell(member[FIELD_OF[column]] ?? '')),
    ),
    { header: true, columns: [...MEMBER_CSV_COLUMNS], record_delimiter: '\r\n' },
  );
}

/**
 * Guards spreadsheet users against formula injection (OWASP "CSV Injection"): a cell starting
 * with = @ TAB CR, or with + or - followed by anything but a number, gets a leading apostrophe.
 * A value that already starts with apostrophes before one of those characters gets one more,
 * so the import, which removes exactly one, gives it back: export and import round-trip.
 */
export function escapeCell(value: string): string {
  if (
    /^[=@\t\r]/.test(value) ||
    (/^[+-]/.test(value) && !/^[+-][0-9 ()/.-]*$/.test(value)) ||
    ESCAPED.test(value)
  )
    return `'${value}`;
  return value;
}

const ESCAPED = /^'+[=@\t\r+-]/;

function unescapeCell(value: string): string {
  return ESCAPED.test(value) ? value.slice(1) : value;
}
