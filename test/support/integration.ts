import { accessSync, constants } from 'node:fs';

/**
 * Whether an external tool an integration test needs (a browser, a database server) is here.
 * Returns a skip reason when it is missing, or undefined when it can be used. With
 * TREFF_REQUIRE_INTEGRATION=1 (as in CI) a missing tool throws instead: there a skipped test
 * would hide a broken install step behind a green run.
 */
export function requireTool(
  path: string,
  what: string,
  mode: number = constants.X_OK,
): string | undefined {
  try {
    accessSync(path, mode);
    return undefined;
  } catch {
    const reason = `${what} is missing: no executable at ${path}`;
    if (process.env['TREFF_REQUIRE_INTEGRATION'] === '1') {
      throw new Error(`${reason} (TREFF_REQUIRE_INTEGRATION=1 forbids skipping)`);
    }
    return reason;
  }
}
