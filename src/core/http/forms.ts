import { AppError, type FieldIssue } from '../errors.ts';

/** Reads text fields of a parsed form body; files and missing fields become ''. */
export function formText<K extends string>(
  body: Record<string, unknown>,
  fields: readonly K[],
): Record<K, string> {
  const values = {} as Record<K, string>;
  for (const field of fields) {
    const value = body[field];
    values[field] = typeof value === 'string' ? value : '';
  }
  return values;
}

/** Reads an uploaded file field as bytes, or null when there is none. */
export async function formFile(
  body: Record<string, unknown>,
  field: string,
): Promise<{ name: string; bytes: Uint8Array } | null> {
  const value = body[field];
  if (typeof value !== 'object' || value === null || !('arrayBuffer' in value)) return null;
  const file = value as File;
  return { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
}

/**
 * The problems of a refused form action, for showing above the form: the error's field issues,
 * else its message. Internal errors and lost sessions are not the user's to fix and propagate.
 */
export function formProblems(error: unknown): readonly FieldIssue[] {
  if (!(error instanceof AppError) || error.kind === 'internal' || error.kind === 'unauthenticated')
    throw error;
  return error.issues.length > 0 ? error.issues : [{ path: '', message: error.message }];
}
