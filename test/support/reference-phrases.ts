/**
 * Guards treff's own wording: the reference privacy policy (in the project's shared notes, outside
 * the repository) supplies facts, never sentences. Its phrases are committed only as hashes
 * (`reference-phrases.sha256`), so the check runs in any clone without the reference's text.
 *
 * Regenerate after the reference changes:
 *   node --import tsx test/support/reference-phrases.ts ../shared/reference/datenschutzerklaerung.txt
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../../src/core/fs.ts';

/** Seven words in a row would be a copied phrase. */
export const PHRASE_WORDS = 7;

export const PHRASES_FILE = join(
  fileURLToPath(new URL('.', import.meta.url)),
  'reference-phrases.sha256',
);

function words(text: string): string[] {
  return text.match(/[\p{L}\p{N}@.-]+/gu) ?? [];
}

/** A phrase's hash: SHA-256 of its lower-cased words joined by single spaces, 16 hex digits. */
export function phraseHash(phrase: readonly string[]): string {
  return createHash('sha256').update(phrase.join(' ').toLowerCase()).digest('hex').slice(0, 16);
}

/**
 * The phrases of the reference that count as sentence material. A run of nouns only (a list of
 * field names such as "Nachname, Geburtsdatum, Straße, …") is a fact, not a sentence, so a run
 * counts only if at least three of its words are not capitalised (verbs, articles, adjectives).
 */
export function sentencePhrases(text: string): string[][] {
  const all = words(text);
  const phrases: string[][] = [];
  for (let i = 0; i + PHRASE_WORDS <= all.length; i += 1) {
    const run = all.slice(i, i + PHRASE_WORDS);
    if (run.filter((word) => /^\p{Ll}/u.test(word)).length >= 3) phrases.push(run);
  }
  return phrases;
}

/** Every run of seven words of `text` whose hash is one of `hashes`. */
export function copiedPhrases(text: string, hashes: ReadonlySet<string>): string[] {
  const all = words(text);
  const found: string[] = [];
  for (let i = 0; i + PHRASE_WORDS <= all.length; i += 1) {
    const run = all.slice(i, i + PHRASE_WORDS);
    if (hashes.has(phraseHash(run))) found.push(run.join(' '));
  }
  return found;
}

export async function referenceHashes(): Promise<Set<string>> {
  const lines = (await readFile(PHRASES_FILE, 'utf8')).split('\n');
  return new Set(lines.filter((line) => /^[0-9a-f]{16}$/.test(line)));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const source = process.argv[2];
  if (!source) throw new Error('usage: reference-phrases.ts <datenschutzerklaerung.txt>');
  const hashes = [...new Set(sentencePhrases(await readFile(source, 'utf8')).map(phraseHash))];
  await writeFileAtomic(PHRASES_FILE, `${hashes.sort().join('\n')}\n`);
  console.log(`${hashes.length} phrase hashes written to ${PHRASES_FILE}`);
}
