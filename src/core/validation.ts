import { z } from 'zod';
import { ValidationError, type FieldIssue } from './errors.ts';

/**
 * One place that turns zod's issues into short English messages with a dotted path
 * (`services.xmpp.muc.history: expected a whole number`), used for the declaration, forms, CSV
 * rows and CLI flags alike.
 */
export const friendlyErrorMap: z.core.$ZodErrorMap = (issue) => {
  if (
    (issue.code === 'invalid_type' || issue.code === 'invalid_union') &&
    issue.input === undefined
  )
    return 'required';
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${describeType(issue.expected)}`;
    case 'too_small':
      return describeBound('at least', issue.origin, issue.minimum, issue.inclusive);
    case 'too_big':
      return describeBound('at most', issue.origin, issue.maximum, issue.inclusive);
    case 'invalid_value':
      return `expected one of: ${issue.values.map(String).join(', ')}`;
    case 'invalid_format':
      return describeFormat(issue.format);
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}`;
    case 'invalid_union':
      return 'matches none of the allowed forms';
    default:
      return undefined;
  }
};

function describeType(expected: string): string {
  switch (expected) {
    case 'int':
      return 'a whole number';
    case 'number':
      return 'a number';
    case 'string':
      return 'text';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'object':
      return 'a mapping of keys to values';
    default:
      return expected;
  }
}

function describeBound(
  word: string,
  origin: string,
  bound: number | bigint | Date,
  inclusive: boolean | undefined,
): string {
  const value = Number(bound);
  if (origin === 'string') {
    if (word === 'at least' && value === 1) return 'must not be empty';
    return `must be ${word} ${value} characters long`;
  }
  if (origin === 'array' || origin === 'set') {
    if (word === 'at least' && value === 1) return 'must list at least one entry';
    return `must list ${word} ${value} entries`;
  }
  if (inclusive === false)
    return `must be ${word === 'at least' ? 'greater' : 'less'} than ${value}`;
  return `must be ${word} ${value}`;
}

function describeFormat(format: string): string {
  switch (format) {
    case 'email':
      return 'expected an email address';
    case 'url':
      return 'expected a URL';
    case 'date':
      return 'expected a date as YYYY-MM-DD';
    default:
      return 'has the wrong format';
  }
}

/** Converts zod issues into {@link FieldIssue}s, one per unknown key, paths joined with dots. */
export function issuesFromZod(
  error: z.ZodError,
  prefix: readonly PropertyKey[] = [],
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const issue of error.issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        issues.push({ path: joinPath([...path, key]), message: 'unknown key' });
      }
      continue;
    }
    issues.push({ path: joinPath(path), message: issue.message });
  }
  return issues;
}

/** Joins a zod path into `a.b.3.c`. */
export function joinPath(path: readonly PropertyKey[]): string {
  return path.map((part) => String(part)).join('.');
}

/**
 * Parses `input` with `schema` and the friendly messages; on failure throws a
 * {@link ValidationError} listing every issue.
 */
export function parseOrThrow<T extends z.ZodType>(
  schema: T,
  input: unknown,
  code = 'validation_failed',
  message = 'The input is not valid.',
): z.output<T> {
  const result = schema.safeParse(input, { error: friendlyErrorMap });
  if (!result.success) throw new ValidationError(code, message, issuesFromZod(result.error));
  return result.data;
}

// Control (Cc) and format (Cf) characters, line and paragraph separators: NUL ends a C string,
// CR/LF split a record in every line-based file a daemon reads, and bidi overrides (U+202A–202E,
// U+2066–2069) make a name display as something else. Zero-width (non-)joiners stay: Persian
// and Indic names and emoji sequences need them.
const CONTROL_CHARACTER = /(?!\u200C|\u200D)[\p{Cc}\p{Cf}\u2028\u2029]/u;
const CONTROL_CHARACTER_EXCEPT_LINES = /(?!\u200C|\u200D|\t|\n|\r)[\p{Cc}\p{Cf}\u2028\u2029]/u;

/**
 * The first control or format character in `value` (see above), or null. With `multiline`,
 * tab, CR and LF are allowed.
 */
export function findControlCharacter(
  value: string,
  options: { multiline?: boolean } = {},
): string | null {
  const match = (options.multiline ? CONTROL_CHARACTER_EXCEPT_LINES : CONTROL_CHARACTER).exec(
    value,
  );
  return match ? match[0] : null;
}

/** `U+202E`: how an invisible character is named in a message. */
export function codePoint(character: string): string {
  return `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The message for a refused control character, naming its code point. */
export function controlCharacterMessage(character: string): string {
  return `must not contain control characters (found ${codePoint(character)})`;
}

/**
 * Trimmed text without control or format characters (one line unless `multiline`); the issue
 * names the code point. Chain `.min()`, `.max()` after it as with `z.string()`.
 */
export function plainText(options: { multiline?: boolean } = {}) {
  return z
    .string()
    .trim()
    .check((context) => {
      const found = findControlCharacter(context.value, options);
      if (found !== null)
        context.issues.push({
          code: 'custom',
          input: context.value,
          message: controlCharacterMessage(found),
        });
    });
}
