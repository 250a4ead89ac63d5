import { z } from 'zod';
import { bicProblem, ibanProblem, normaliseIban } from '../core/bank.ts';
import { plainText } from '../core/validation.ts';

/** A date as `YYYY-MM-DD`. */
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'expected a date (YYYY-MM-DD)' });

/** Characters the SEPA rulebook allows in a mandate reference (no spaces, at most 35). */
const MANDATE_REFERENCE = /^[A-Za-z0-9+?/\-:().,']{1,35}$/;

const checked = (problem: (value: string) => string | null) =>
  z
    .string()
    .trim()
    .superRefine((value, context) => {
      const message = problem(value);
      if (message) context.addIssue({ code: 'custom', message });
    });

/** A new mandate as the board enters it from the signed form. */
export const MandateInput = z.strictObject({
  memberNumber: z.string().trim().min(1, { error: 'required' }),
  iban: checked(ibanProblem).transform(normaliseIban),
  bic: z
    .string()
    .trim()
    .transform((value) => value.toUpperCase())
    .superRefine((value, context) => {
      const message = value === '' ? null : bicProblem(value);
      if (message) context.addIssue({ code: 'custom', message });
    })
    .transform((value) => (value === '' ? null : value)),
  holder: plainText().min(1, { error: 'required' }).max(70, { error: 'at most 70 characters' }),
  reference: z.string().trim().regex(MANDATE_REFERENCE, {
    error: "expected 1 to 35 of A–Z, a–z, 0–9 and + ? / - : ( ) . , ' (no spaces)",
  }),
  signedOn: IsoDate,
  sequence: z.enum(['FRST', 'RCUR'], { error: 'expected FRST or RCUR' }),
});
export type MandateInput = z.output<typeof MandateInput>;

/** A collection run: its due date. */
export const CollectionInput = z.strictObject({ dueOn: IsoDate });

/** The fields of the mandate form, in order. */
export const MANDATE_FIELDS = [
  'memberNumber',
  'holder',
  'iban',
  'bic',
  'reference',
  'signedOn',
  'sequence',
] as const;
