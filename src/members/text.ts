/** Printable ASCII in single-spaced words: text that folding only lower-cases. */
const PLAIN_ASCII = /^[\x21-\x7e]+(?: [\x21-\x7e]+)*$/;

/**
 * Text normalisation for search and ordering, identical on SQLite and PostgreSQL because it
 * happens here and not in SQL: lower case, accents stripped, and German umlauts also in their
 * two-letter spelling, so "Müller", "muller" and "mueller" all find the same member.
 */
export function foldText(value: string): string {
  // Printable ASCII in single-spaced words (most numbers, emails, many names) has no accents,
  // no ß and nothing NFKD changes: lower case is all (a fifth of an import's time otherwise).
  return PLAIN_ASCII.test(value) ? value.toLowerCase() : foldFully(value);
}

/** {@link foldText} without its shortcut for plain ASCII (exported for the test of it). */
export function foldFully(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/ß/g, 'ss')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

function germanTransliteration(value: string): string {
  return value
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/Ä/g, 'Ae')
    .replace(/Ö/g, 'Oe')
    .replace(/Ü/g, 'Ue');
}

/** Both spellings of a value, folded. */
export function searchVariants(value: string): string[] {
  const plain = foldText(value);
  if (PLAIN_ASCII.test(value)) return [plain];
  const transliterated = foldText(germanTransliteration(value));
  return plain === transliterated ? [plain] : [plain, transliterated];
}

/** The words of a search query, folded; empty words dropped. */
export function queryWords(query: string): string[] {
  return foldText(query)
    .split(' ')
    .filter((word) => word.length > 0)
    .slice(0, 8);
}

/** Escapes `%`, `_` and `\` for a LIKE pattern with `ESCAPE '\'`. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (char) => `\\${char}`);
}
