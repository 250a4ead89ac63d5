import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './app.ts';

/** The example club that collects its fees by SEPA direct debit. */
export const DIRECT_DEBIT_CONFIG = join(ROOT, 'examples', 'hackspace-musterstadt', 'treff.yaml');

/** The official ISO 20022 schema of pain.008.001.08 (test/fixtures/iso20022/README.md). */
export const PAIN_008_XSD = join(ROOT, 'test', 'fixtures', 'iso20022', 'pain.008.001.08.xsd');

/** The direct debit example's YAML, for `createTestApp(…, { configEdit: () => yaml })`. */
export function directDebitYaml(): Promise<string> {
  return readFile(DIRECT_DEBIT_CONFIG, 'utf8');
}

/**
 * Validates `xml` against the official XSD with Debian's xmllint (libxml2-utils): the real
 * validator, no re-implementation. Returns xmllint's verdict and messages.
 */
export async function validatePain008(
  xml: string,
  dir: string,
): Promise<{ valid: boolean; output: string }> {
  const file = join(dir, 'collection.xml');
  await writeFile(file, xml);
  try {
    const { stderr } = await promisify(execFile)('xmllint', [
      '--noout',
      '--schema',
      PAIN_008_XSD,
      file,
    ]);
    return { valid: true, output: stderr };
  } catch (error) {
    return { valid: false, output: String((error as { stderr?: string }).stderr ?? error) };
  }
}
