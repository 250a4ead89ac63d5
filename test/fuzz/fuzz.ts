import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import fc from 'fast-check';
import { AppError } from '../../src/core/errors.ts';

/**
 * The fuzz harness shared by every target under test/fuzz/ (README "Fuzzing"). A target first
 * replays its committed corpus (test/fuzz/corpus/<target>/, valid samples, nasty inputs and
 * every regression found so far), then runs fast-check with a fixed seed for its share of the
 * total budget `TREFF_FUZZ_SECONDS` (default 20 s for the whole set). Each input must finish
 * within `TREFF_FUZZ_INPUT_MS` (default 2 s): a slower input counts as a hang.
 */

const CORPUS = join(dirname(fileURLToPath(import.meta.url)), 'corpus');

/** Total fuzz budget in seconds for all targets together. */
export const FUZZ_SECONDS = positive(process.env['TREFF_FUZZ_SECONDS'], 20);
/** The fast-check seed; fixed by default so a failure in CI reproduces locally. */
export const FUZZ_SEED = Math.trunc(positive(process.env['TREFF_FUZZ_SEED'], 20261203));
/** Upper bound for one input; parsers here take milliseconds, so this is a hang. */
export const INPUT_MS = positive(process.env['TREFF_FUZZ_INPUT_MS'], 2000);

/**
 * Each target's share of the budget. The shares add up to 1; the HTTP and mail targets get
 * more because one run does far more work (a database, OpenPGP).
 */
export const SHARES = {
  'member-csv': 0.08,
  'bank-csv': 0.08,
  'treff-yaml': 0.08,
  'openpgp-key': 0.1,
  'wks-mail': 0.14,
  'requests-mail': 0,
  'http-forms': 0.36,
  'daemon-config': 0.16,
} as const;
/** A fuzz target's name: its corpus folder and its budget share. */
export type Target = keyof typeof SHARES;

function positive(text: string | undefined, fallback: number): number {
  const value = Number(text);
  return text !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

/** One committed corpus file. */
export interface Seed {
  name: string;
  bytes: Buffer;
}

/** The corpus of a target (file name order), or of a sub-folder of it. */
export function corpus(target: Target | `${Target}/${string}`): Seed[] {
  const dir = join(CORPUS, target);
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name)
    .sort()
    .map((name) => ({ name, bytes: readFileSync(join(dir, name)) }));
}

/** Pieces that break parsers: quotes, NULs, BOMs, line ends, lone surrogates, armor, boundaries. */
export const NASTY = [
  '"',
  "'",
  '""',
  '"\n',
  '\0',
  '\uFEFF',
  '\r',
  '\n',
  '\r\n',
  '\n\n',
  ';',
  ',',
  '\t',
  '\\',
  '=',
  '=?utf-8?B?',
  '%',
  '&',
  '#',
  '{',
  '}',
  '[',
  ']',
  ':',
  ': ',
  '--',
  '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n',
  '-----END PGP PUBLIC KEY BLOCK-----\n',
  '-----BEGIN PGP MESSAGE-----\n\n',
  'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n',
  '\ud800',
  '\u2028',
  '\u202e',
  '\x1b[2J',
  '\uFFFD',
  'ä',
  '💥',
  '-1',
  '1e309',
  '99999999999999999999',
  'NaN',
  '__proto__',
  'constructor',
  'x'.repeat(70_000),
  '"'.repeat(5000),
  '\n'.repeat(5000),
  '('.repeat(2000),
] as const;

/** A short string from every corner: nasty pieces, binary, graphemes. */
export const piece: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 40 }) },
);

type Edit =
  | { op: 'insert'; at: number; text: string }
  | { op: 'delete'; at: number; length: number }
  | { op: 'replace'; at: number; length: number; text: string }
  | { op: 'repeat'; at: number; length: number; times: number }
  | { op: 'truncate'; at: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: piece }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.nat(200) }),
  fc.record({
    op: fc.constant('replace' as const),
    at: fc.nat(),
    length: fc.nat(20),
    text: piece,
  }),
  fc.record({
    op: fc.constant('repeat' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 200 }),
    times: fc.integer({ min: 2, max: 50 }),
  }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
);

function apply(text: string, edits: readonly Edit[]): string {
  let out = text;
  for (const change of edits) {
    const at = out.length === 0 ? 0 : change.at % (out.length + 1);
    switch (change.op) {
      case 'insert':
        out = out.slice(0, at) + change.text + out.slice(at);
        break;
      case 'delete':
        out = out.slice(0, at) + out.slice(at + change.length);
        break;
      case 'replace':
        out = out.slice(0, at) + change.text + out.slice(at + change.length);
        break;
      case 'repeat':
        out =
          out.slice(0, at) + out.slice(at, at + change.length).repeat(change.times) + out.slice(at);
        break;
      case 'truncate':
        out = out.slice(0, at);
        break;
    }
  }
  return out;
}

/**
 * Mutations of the seeds: one to eight edits (insert, delete, replace with a nasty piece,
 * repeat a slice, truncate) applied to one seed of at most 16 KiB. Works on any string,
 * including latin1 strings that stand for bytes.
 */
export function mutated(seeds: readonly string[]): fc.Arbitrary<string> {
  // Huge seeds are replayed as they are; mutating them only costs time.
  const small = seeds.filter((seed) => seed.length <= 16 * 1024);
  const base = small.length > 0 ? small : seeds;
  if (base.length === 0) throw new Error('mutated() needs at least one seed');
  return fc
    .tuple(fc.constantFrom(...base), fc.array(edit, { minLength: 1, maxLength: 8 }))
    .map(([seed, edits]) => apply(seed, edits));
}

/** True for the errors a parser may throw on bad input: the project's typed, non-internal ones. */
export function isTypedError(error: unknown): boolean {
  return error instanceof AppError && error.kind !== 'internal';
}

/** Runs `body`; a typed error counts as a refusal, anything else is rethrown. */
export async function refusesOrReturns<T>(body: () => T | Promise<T>): Promise<T | AppError> {
  try {
    return await body();
  } catch (error) {
    if (isTypedError(error)) return error as AppError;
    throw error;
  }
}

/** Fails when `body` takes longer than {@link INPUT_MS} (a sync parser cannot be interrupted). */
async function bounded(body: () => unknown): Promise<void> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.resolve().then(body),
      new Promise((_, reject) => {
        timer = setTimeout(() => {
          reject(new Error(`hang: no result after ${INPUT_MS} ms`));
        }, INPUT_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
  const took = performance.now() - started;
  if (took > INPUT_MS) throw new Error(`hang: the input took ${Math.round(took)} ms`);
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : fc.stringify(value);
  return text.length > 2000 ? `${text.slice(0, 2000)}… (${text.length} characters)` : text;
}

/**
 * Replays `seeds` through `property`, then runs it on `arbitrary` for the target's share of
 * {@link FUZZ_SECONDS} with {@link FUZZ_SEED}. The property fails by throwing (an assertion,
 * or a non-typed error from the parser) or by taking longer than {@link INPUT_MS}. Reports
 * the number of runs; on failure names the shrunk input, to be committed to the corpus.
 * `share` overrides the target's share (for a target split into several properties).
 */
export async function fuzz<T>(
  t: TestContext,
  target: Target,
  options: {
    seeds: readonly { name: string; input: T }[];
    arbitrary: fc.Arbitrary<T>;
    property: (input: T) => unknown;
    share?: number;
    label?: string;
  },
): Promise<number> {
  const label = options.label ? `${target}/${options.label}` : target;
  for (const seed of options.seeds) {
    try {
      await bounded(() => options.property(seed.input));
    } catch (error) {
      throw new Error(`${label}: corpus file ${seed.name} fails: ${String(error)}`, {
        cause: error,
      });
    }
  }
  const budget = FUZZ_SECONDS * 1000 * (options.share ?? SHARES[target]);
  const started = performance.now();
  const details = await fc.check<[T]>(
    fc.asyncProperty(options.arbitrary, (input) => bounded(() => options.property(input))),
    {
      seed: FUZZ_SEED,
      numRuns: 10_000_000,
      plugins: [fc.interruptAfterTimeLimit(Math.max(1, budget))],
      endOnFailure: false,
    },
  );
  const took = Math.round(performance.now() - started);
  t.diagnostic(
    `${label}: ${options.seeds.length} corpus files, ${details.numRuns} generated runs in ${took} ms (seed ${FUZZ_SEED})`,
  );
  if (details.failed) {
    const counterexample = details.counterexample?.[0];
    throw new Error(
      `${label} failed after ${details.numRuns} runs (seed ${FUZZ_SEED}, path "${details.counterexamplePath ?? ''}"): ` +
        `${String(details.errorInstance)}\ninput: ${show(counterexample)}\n` +
        `Commit this input to test/fuzz/corpus/${target}/ as a regression once fixed.`,
      { cause: details.errorInstance },
    );
  }
  return details.numRuns;
}
