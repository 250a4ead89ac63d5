import type { Lang } from '../core/i18n/index.ts';
import { renderStandaloneHtml } from './html.tsx';
import { toMarkdown } from './markdown.ts';
import { buildPolicyDocument } from './policy.document.ts';
import { buildRecordDocument } from './record.document.ts';
import type { PolicyInput } from './version.ts';

/** The formats the policy is published in. */
export const POLICY_FORMATS = ['html', 'md'] as const;
/** `html` (a standalone page) or `md` (CommonMark). */
export type PolicyFormat = (typeof POLICY_FORMATS)[number];

/**
 * Renders the privacy policy of a declaration: `md` as CommonMark text, `html` as a complete
 * standalone page. Both come from one {@link buildPolicyDocument} model, so they say exactly the
 * same. `publishedOn` (`YYYY-MM-DD`) is the "Stand" shown with the version; pass the date this
 * version was first published (policy.service.ts). Pure and deterministic.
 */
export function renderPolicy(
  config: PolicyInput,
  lang: Lang,
  format: PolicyFormat,
  publishedOn?: string,
): string {
  const doc = buildPolicyDocument(config, lang, publishedOn);
  return format === 'md' ? toMarkdown(doc) : renderStandaloneHtml(doc);
}

/**
 * Renders the record of processing activities (Art. 30 GDPR) as Markdown for the board (the web
 * page shows the same model as HTML). Pure and deterministic.
 */
export function renderRecord(config: PolicyInput, lang: Lang, publishedOn?: string): string {
  return toMarkdown(buildRecordDocument(config, lang, publishedOn));
}
