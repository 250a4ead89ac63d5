/**
 * The document model of the privacy policy and the Art. 30 record: sections of paragraphs,
 * lists, term/value facts, tables and one highlighted notice (the Art. 21 objection box).
 *
 * The builders produce this model once from the declaration; the Markdown and HTML serialisers
 * only change the notation, so both formats carry exactly the same words.
 */

/** A run of text: plain, or a link with its visible text. Text is unescaped; serialisers escape it. */
export type Inline = string | { readonly text: string; readonly href: string };

/** A sequence of inline runs forming one sentence or paragraph. */
export type Text = readonly Inline[];

/** One term with one or more values (a value per retention stage, for example). */
export interface Fact {
  readonly term: string;
  readonly values: readonly Text[];
}

/** A block of content inside a section. */
export type Block =
  | { readonly kind: 'paragraph'; readonly text: Text }
  | { readonly kind: 'list'; readonly items: readonly Text[] }
  | { readonly kind: 'facts'; readonly facts: readonly Fact[] }
  | {
      readonly kind: 'table';
      readonly head: readonly string[];
      readonly rows: readonly (readonly Text[])[];
    }
  /** Set apart from the text around it (Art. 21(4) GDPR wants the objection right so). */
  | { readonly kind: 'notice'; readonly title: string; readonly blocks: readonly Block[] };

/** A titled section; nested sections are one heading level deeper. */
export interface Section {
  /** A stable anchor, unique within the document. */
  readonly id: string;
  readonly title: string;
  readonly blocks: readonly Block[];
  readonly sections: readonly Section[];
}

/** A whole document: its title, lines under the title (edition, language) and its sections. */
export interface PolicyDocument {
  readonly lang: 'de' | 'en';
  readonly title: string;
  readonly meta: readonly Text[];
  readonly sections: readonly Section[];
}

/** Shorthand for a paragraph block. */
export function paragraph(...text: Inline[]): Block {
  return { kind: 'paragraph', text };
}
