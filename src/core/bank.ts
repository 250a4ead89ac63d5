import { electronicFormatIBAN, isValidBIC, isValidIBAN, isSEPACountry } from 'ibantools';
import { validateCreditorID } from 'sepa';

/**
 * Bank identifiers as SEPA direct debit needs them, checked by well-kept libraries: IBAN (ISO
 * 13616 check digits and the country's length and format) and BIC (ISO 9362) by `ibantools`,
 * the creditor identifier (EPC262-08, ISO 7064 MOD 97-10 over the country, check digits and
 * national id) by `sepa`. Shared by the declaration (the club's own account) and the mandates.
 */

/** The IBAN without spaces, upper-cased (`DE89 3704 …` → `DE893704…`). */
export function normaliseIban(value: string): string {
  return electronicFormatIBAN(value) ?? value.replace(/\s+/g, '').toUpperCase();
}

/** Why `value` is not a usable SEPA IBAN, or null when it is. */
export function ibanProblem(value: string): string | null {
  const iban = normaliseIban(value);
  if (!isValidIBAN(iban)) return 'is not a valid IBAN (check digits, length or format)';
  if (!isSEPACountry(iban.slice(0, 2))) return 'is not an IBAN of a SEPA country';
  return null;
}

/** Why `value` is not a BIC, or null when it is (8 or 11 characters, ISO 9362). */
export function bicProblem(value: string): string | null {
  return isValidBIC(value.trim().toUpperCase())
    ? null
    : 'is not a valid BIC (8 or 11 characters, e.g. GENODEF1OSN)';
}

/** Why `value` is not a SEPA creditor identifier, or null when it is. */
export function creditorIdProblem(value: string): string | null {
  return validateCreditorID(value.replace(/\s+/g, '').toUpperCase())
    ? null
    : 'is not a valid SEPA creditor identifier (e.g. DE98ZZZ09999999999)';
}
