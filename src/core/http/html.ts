import type { Child } from 'hono/jsx';

/**
 * Renders a page component to a complete HTML document. Hono JSX escapes every text and
 * attribute; the only markup added here unescaped is the fixed doctype.
 */
export async function renderDocument(page: Child): Promise<string> {
  const rendered = await Promise.resolve(page as string | Promise<string>);
  return `<!doctype html>${rendered}`;
}
