/**
 * Money as integer cents. Parsing accepts what people and German bank exports write:
 * `12,50`, `12.50`, `1.234,56`, `-5`, `+5,00 €`, `EUR 5.00`.
 */

/**
 * Parses an amount into cents. `decimal` says which separator marks the cents; with `auto` the
 * last of `,` and `.` followed by one or two digits is taken as the decimal mark.
 * Returns null when the text is not an amount.
 */
export function parseAmount(text: string, decimal: ',' | '.' | 'auto' = 'auto'): number | null {
  // `\u20ac` is €, escaped: a character beyond Latin-1 makes V8 hold the whole bundle (dist/main.js)
  // as two bytes per character (scripts/build.ts).
  let value = text.replace(/\s|\u20ac|EUR/gi, '');
  let sign = 1;
  if (value.startsWith('-')) {
    sign = -1;
    value = value.slice(1);
  } else if (value.startsWith('+')) {
    value = value.slice(1);
  }
  if (value.endsWith('-')) {
    // Some banks write debits as "12,50-".
    sign = -1;
    value = value.slice(0, -1);
  }
  if (!/^[0-9.,]+$/.test(value)) return null;
  let mark = decimal;
  if (mark === 'auto') {
    const match = /[.,](\d{1,2})$/.exec(value);
    mark = match ? (value.charAt(value.length - (match[1]?.length ?? 0) - 1) as ',' | '.') : ',';
  }
  const thousands = mark === ',' ? '.' : ',';
  const [whole, cents, extra] = value.split(mark);
  if (extra !== undefined || whole === undefined || whole === '') return null;
  const groups = whole.split(thousands);
  if (groups.length > 1 && !groups.slice(1).every((group) => /^\d{3}$/.test(group))) return null;
  const digits = groups.join('');
  if (!/^\d{1,9}$/.test(digits)) return null;
  if (cents !== undefined && !/^\d{1,2}$/.test(cents)) return null;
  return sign * (Number(digits) * 100 + Number((cents ?? '0').padEnd(2, '0')));
}

/** Formats cents as a plain decimal for CSV and JSON (`-12.50`). */
export function centsToDecimal(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const absolute = Math.abs(cents);
  return `${sign}${Math.floor(absolute / 100)}.${String(absolute % 100).padStart(2, '0')}`;
}
