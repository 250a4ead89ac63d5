/**
 * The line a CSV record starts on. csv-parse reports the line a record *ends* on, and a quoted
 * field may span lines; people want to hear where the record begins.
 */
export function startLine(record: readonly string[], endLine: number): number {
  return endLine - record.reduce((count, field) => count + (field.match(/\n/g)?.length ?? 0), 0);
}
