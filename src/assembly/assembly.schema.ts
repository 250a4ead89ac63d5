import { z } from 'zod';
import { plainText } from '../core/validation.ts';

/** Presence, hybrid (§ 32 Abs. 2 S. 1 BGB) or purely virtual (S. 2: needs a members' resolution). */
export const MODES = ['presence', 'hybrid', 'virtual'] as const;
export type Mode = (typeof MODES)[number];

const optionalText = (max: number) =>
  plainText({ multiline: true })
    .max(max, { error: `at most ${max} characters` })
    .transform((value) => (value === '' ? null : value));

/** An invitation as the board writes it. */
export const InvitationInput = z
  .strictObject({
    title: plainText().min(1, { error: 'required' }).max(200, { error: 'at most 200 characters' }),
    startsAt: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, { error: 'expected a date and time' }),
    mode: z.enum(MODES, { error: 'expected presence, hybrid or virtual' }),
    place: optionalText(500),
    onlineAccess: optionalText(1000),
    virtualResolution: optionalText(500),
    agenda: plainText({ multiline: true })
      .min(1, { error: 'required' })
      .max(20_000, { error: 'at most 20,000 characters' }),
  })
  .superRefine((input, context) => {
    const need = (path: 'place' | 'onlineAccess' | 'virtualResolution', message: string) => {
      if (input[path] === null) context.addIssue({ code: 'custom', path: [path], message });
    };
    if (input.mode !== 'virtual') need('place', 'required: where the assembly meets');
    if (input.mode !== 'presence')
      need(
        'onlineAccess',
        'required: how members take part and exercise their rights electronically (§ 32 Abs. 2 BGB)',
      );
    if (input.mode === 'virtual')
      need(
        'virtualResolution',
        "required: a purely virtual assembly needs a members' resolution (§ 32 Abs. 2 S. 2 BGB); name it",
      );
  });
export type InvitationInput = z.output<typeof InvitationInput>;

/** The form's fields, in order. */
export const INVITATION_FIELDS = [
  'title',
  'startsAt',
  'mode',
  'place',
  'onlineAccess',
  'virtualResolution',
  'agenda',
] as const;
