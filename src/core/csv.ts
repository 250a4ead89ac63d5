/**
 * The most data rows one CSV upload may have (member list or bank statement). Twice the rows of
 * a large club's year of bank lines; a longer file is refused with a clear issue before it is
 * parsed to the end, so its size bounds the work and the memory of one request.
 */
export const MAX_CSV_ROWS = 20_000;

/** The issue for a file with more than {@link MAX_CSV_ROWS} data rows. */
export const TOO_MANY_ROWS_MESSAGE = `the file has more than ${MAX_CSV_ROWS.toLocaleString('en')} rows: split it into several files`;

/**
 * The line a CSV record starts on. csv-parse reports the line a record *ends* on, and a quoted
 * field may span lines; people want to hear where the record begins.
 */
export function startLine(record: readonly string[], endLine: number): number {
  return endLine - record.reduce((count, field) => count + (field.match(/\n/g)?.length ?? 0), 0);
}

/**
 * The line whose quote is still open at the end of a file (csv-parse only reports the last
 * line): quotes toggle the state, and the last line that opened one without closing it is
 * where the stray quote is. Lines before `fromLine` (1-based) are not CSV and are skipped.
 */
export function unclosedQuoteLine(text: string, fromLine = 1): number {
  let open = false;
  let openedAt = fromLine;
  text.split('\n').forEach((content, index) => {
    if (index + 1 < fromLine) return;
    for (const character of content) {
      if (character !== '"') continue;
      open = !open;
      if (open) openedAt = index + 1;
    }
  });
  return openedAt;
}

/** The issue for a quote that is never closed (reported at {@link unclosedQuoteLine}). */
export const UNCLOSED_QUOTE_MESSAGE =
  'a quote opened in this line is never closed (a stray quote?)';

/** The issue for a field that a stray quote made run over the following lines. */
export function strayQuoteMessage(field: string): string {
  const lines = (field.match(/\n/g)?.length ?? 0) + 1;
  return `a quote opened here runs over ${lines} lines and swallows the rows there (a stray quote?)`;
}
