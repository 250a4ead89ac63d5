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
