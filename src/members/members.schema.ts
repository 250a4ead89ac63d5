import { z } from 'zod';
import { plainText } from '../core/validation.ts';

/**
 * The member registry's contracts: exactly the fields the declaration lists for the membership
 * activity (first and last name, birth date, street, postcode, city, email, phone, OpenPGP
 * fingerprint, member number, join and exit date). Used by the forms, the CSV import and the CLI.
 */

/** `YYYY-MM-DD` that is a real calendar date. */
export const IsoDate = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'expected a date as YYYY-MM-DD' })
  .refine(isCalendarDate, { error: 'is not a calendar date' });

const optionalText = (max: number) =>
  plainText()
    .max(max)
    .transform((value) => (value === '' ? null : value))
    .nullable()
    .optional()
    .transform((value) => value ?? null);

const optionalDate = z
  .union([z.literal(''), IsoDate])
  .nullable()
  .optional()
  .transform((value) => (value ? value : null));

/** A member number ("Chaos-Nr."): letters, digits and `. _ / -`, up to 32 characters. */
export const MemberNumber = z
  .string()
  .trim()
  .min(1)
  .max(32)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, { error: 'use letters, digits and . _ / - only' });

/**
 * An OpenPGP fingerprint, written with or without spaces: 40 hex digits for a v4 key
 * (RFC 4880 §12.2), 64 for a v6 key (RFC 9580 §5.5.4). Stored upper-case without spaces.
 */
export const OpenPgpFingerprint = z
  .string()
  .transform((value) => value.replace(/\s+/g, '').replace(/^0x/i, '').toUpperCase())
  .refine((value) => /^[0-9A-F]{40}$/.test(value) || /^[0-9A-F]{64}$/.test(value), {
    error: 'expected an OpenPGP fingerprint: 40 hex digits (v4 key) or 64 (v6 key)',
  });

const optionalFingerprint = z
  .union([z.literal(''), OpenPgpFingerprint])
  .nullable()
  .optional()
  .transform((value) => (value ? value : null));

const optionalEmail = z
  .union([z.literal(''), z.string().trim().toLowerCase().pipe(z.email())])
  .nullable()
  .optional()
  .transform((value) => (value ? value : null));

const optionalPhone = z
  .union([
    z.literal(''),
    z
      .string()
      .trim()
      .regex(/^\+?[0-9][0-9 ()/.-]{2,30}$/, {
        error: 'expected a phone number such as +49 541 123456',
      }),
  ])
  .nullable()
  .optional()
  .transform((value) => (value ? value : null));

/** The registry fields of one member, as a form, a CSV row or the CLI gives them. */
export const MemberInput = z
  .strictObject({
    memberNumber: MemberNumber,
    firstName: plainText().min(1).max(100),
    lastName: plainText().min(1).max(100),
    birthDate: optionalDate,
    street: optionalText(200),
    postcode: optionalText(16),
    city: optionalText(100),
    email: optionalEmail,
    phone: optionalPhone,
    openpgpFingerprint: optionalFingerprint,
    joinedOn: IsoDate,
    leftOn: optionalDate,
  })
  .superRefine((member, context) => {
    if (member.leftOn && member.leftOn < member.joinedOn) {
      context.addIssue({
        code: 'custom',
        path: ['leftOn'],
        message: 'must not be before the join date',
      });
    }
    if (member.birthDate && member.birthDate >= member.joinedOn) {
      context.addIssue({
        code: 'custom',
        path: ['birthDate'],
        message: 'must be before the join date',
      });
    }
  });
export type MemberInput = z.input<typeof MemberInput>;
export type MemberFields = z.output<typeof MemberInput>;

/** The field names of {@link MemberInput}, in form and CSV order. */
export const MEMBER_FIELDS = [
  'memberNumber',
  'firstName',
  'lastName',
  'birthDate',
  'street',
  'postcode',
  'city',
  'email',
  'phone',
  'openpgpFingerprint',
  'joinedOn',
  'leftOn',
] as const satisfies readonly (keyof MemberFields)[];
export type MemberField = (typeof MEMBER_FIELDS)[number];

/** A member as the registry returns it. */
export interface Member extends MemberFields {
  id: string;
  restrictedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** The member list's query: `page` is a whole number from 1 to 100,000; absent or empty is 1. */
export const MemberListQuery = z.object({
  page: z
    .union([z.undefined(), z.literal('')])
    .transform(() => 1)
    .or(z.coerce.number().int().min(1).max(100_000)),
});

/** Which members a list shows. `restricted` is for the treasurer only. */
export const MemberStatusFilter = z.enum(['active', 'left', 'all', 'restricted']).default('active');
export type MemberStatusFilter = z.output<typeof MemberStatusFilter>;

/** A fee: amount in cents per interval of months, from a date on. */
export const FeeInput = z.strictObject({
  amount: z.string().trim().min(1),
  intervalMonths: z.coerce
    .number()
    .refine((value) => [1, 3, 6, 12].includes(value), { error: 'expected 1, 3, 6 or 12 months' }),
  validFrom: IsoDate,
});

/** A payment booked by hand. */
export const PaymentInput = z.strictObject({
  bookedOn: IsoDate,
  amount: z.string().trim().min(1),
  reference: plainText().min(1).max(300),
});

function isCalendarDate(value: string): boolean {
  const [year, month, day] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    year >= 1900
  );
}
