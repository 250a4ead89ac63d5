import { z } from 'zod';
import { DATA_CATEGORIES } from '../core/config/vocabulary.ts';

/**
 * The contract of one entry in the register of disclosures (issue 13 part 2): the facts of a
 * request from an authority and of the club's answer, in closed vocabularies wherever possible
 * so that the yearly figures can be counted and nothing identifying slips into free text. The
 * only free text is the legal basis the authority cited.
 */

/** Who sent the request. */
export const AUTHORITY_KINDS = ['lawEnforcement', 'taxAuthority', 'court', 'other'] as const;
export type AuthorityKind = (typeof AUTHORITY_KINDS)[number];

/** What the request asked for. */
export const REQUEST_KINDS = ['subscriberData', 'trafficData', 'content', 'other'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

/** How the club answered. `disclosed` is the only outcome with data categories handed over. */
export const OUTCOMES = ['pending', 'disclosed', 'noDataHeld', 'refused'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Why the person concerned was not (yet) told. */
export const NOT_INFORMED_REASONS = [
  'legalBar',
  'notYet',
  'notIdentifiable',
  'nothingDisclosed',
] as const;
export type NotInformedReason = (typeof NOT_INFORMED_REASONS)[number];

const IsoDate = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'expected a date as YYYY-MM-DD' })
  .refine(
    (value) => {
      // zod runs this check after a failed format check too: an invalid Date must not throw.
      const date = new Date(`${value}T00:00:00Z`);
      return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
    },
    { error: 'is not a calendar date' },
  );

const optionalDate = z
  .union([z.literal(''), IsoDate])
  .nullable()
  .optional()
  .transform((value) => (value ? value : null));

/** One request and its answer, as the board enters it. */
export const DisclosureInput = z
  .strictObject({
    receivedOn: IsoDate,
    authorityKind: z.enum(AUTHORITY_KINDS),
    legalBasis: z.string().trim().min(1, { error: 'required' }).max(200),
    requested: z.array(z.enum(REQUEST_KINDS)).min(1, { error: 'choose at least one' }),
    formallyCorrect: z.boolean(),
    outcome: z.enum(OUTCOMES),
    handedOver: z.array(z.enum(DATA_CATEGORIES)).default([]),
    answeredOn: optionalDate,
    subjectInformedOn: optionalDate,
    notInformedReason: z
      .union([z.literal(''), z.enum(NOT_INFORMED_REASONS)])
      .nullable()
      .optional()
      .transform((value) => (value ? value : null)),
  })
  .superRefine(
    (input, context) => {
      const issue = (path: string, message: string) => {
        context.addIssue({ code: 'custom', path: [path], message });
      };
      if (input.outcome === 'disclosed' && input.handedOver.length === 0)
        issue('handedOver', 'a disclosure must name the categories of data handed over');
      if (input.outcome !== 'disclosed' && input.handedOver.length > 0)
        issue('handedOver', 'data categories are handed over only with the outcome "disclosed"');
      if (input.outcome !== 'pending' && !input.answeredOn)
        issue('answeredOn', 'an answered request needs the date of the answer');
      if (input.answeredOn && input.answeredOn < input.receivedOn)
        issue('answeredOn', 'is before the request was received');
      if (input.subjectInformedOn && input.notInformedReason)
        issue('notInformedReason', 'give either the date the person was told or why not, not both');
      if (!input.subjectInformedOn && !input.notInformedReason)
        issue('notInformedReason', 'give the date the person was told, or why not');
      if (input.subjectInformedOn && input.subjectInformedOn < input.receivedOn)
        issue('subjectInformedOn', 'is before the request was received');
      // Cross-field checks only once every field is valid (a list may be missing otherwise).
    },
    { when: (payload) => payload.issues.length === 0 },
  );
export type DisclosureInput = z.output<typeof DisclosureInput>;
