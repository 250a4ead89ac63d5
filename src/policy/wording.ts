import type { Activity, RetentionRule, Store } from '../core/config/schema.ts';
import type { DataCategory, Subject } from '../core/config/vocabulary.ts';
import { parseDuration, type Duration } from '../core/duration.ts';
import {
  formatDuration,
  translator,
  type Lang,
  type MessageKeysOf,
  type Translate,
} from '../core/i18n/index.ts';
import { policyMessages } from './policy.messages.ts';
import { policyTexts, type PolicyTexts } from './texts.ts';
import type { PolicyInput } from './version.ts';

// One list formatter per language, made once: Intl objects hold native memory (core/i18n).
const LIST_FORMATS: Record<Lang, Intl.ListFormat> = {
  de: new Intl.ListFormat('de', { type: 'conjunction' }),
  en: new Intl.ListFormat('en', { type: 'conjunction' }),
};

/**
 * The phrases both the policy and the record use, in one language: vocabulary labels from
 * policy.messages.ts (with the club's own name for the member number) and sentences from the
 * policy templates. Pure; holds nothing but the config and the language.
 */
export interface Wording {
  readonly lang: Lang;
  /** The shared vocabulary labels (`data.*`, `basis.*`, `recipient.*`, `subject.*`). */
  readonly t: Translate<MessageKeysOf<typeof policyMessages>>;
  /** The policy's own sentence templates. */
  readonly p: PolicyTexts;
  /** "a, b and c" in the language. */
  list(items: readonly string[]): string;
  /** The label of one data category; the member number carries the club's name for it. */
  data(category: DataCategory): string;
  /** The labels of several data categories as one list. */
  dataList(categories: readonly DataCategory[]): string;
  subjects(subjects: readonly Subject[]): string;
  /** A duration such as `PT24H` in words ("24 Stunden"). */
  duration(text: string): string;
  /** Each legal basis of an activity in words, with its law, data and interest. */
  legalBases(activity: Activity): string[];
  /** Who receives the activity's data, or the "no other recipients" phrase. */
  recipients(activity: Activity): string;
  /** Every retention stage of the activity, one sentence each. */
  retention(activity: Activity): string[];
  /** Where a store keeps its data, for the record. */
  store(store: Store): string;
}

/** Builds the {@link Wording} of `lang` for a declaration. */
export function wording(input: PolicyInput, lang: Lang): Wording {
  const t = translator(lang, policyMessages);
  const p = policyTexts(lang);
  const list = (items: readonly string[]) => LIST_FORMATS[lang].format(items);
  const data = (category: DataCategory) =>
    category === 'memberNumber' ? input.members.numberLabel[lang] : t(`data.${category}`);
  const dataList = (categories: readonly DataCategory[]) => list(categories.map(data));

  const describeRule = (rule: RetentionRule, store: Store): string => {
    const action = p.text(`action.${rule.then}`);
    let phrase: string;
    if (rule.untilRequest) {
      // Data in the person's browser or home directory is deleted by the person, not by us.
      phrase =
        store.kind === 'client-device'
          ? p.text('retention.onDevice')
          : store.kind === 'home-directory'
            ? p.text('retention.inHome')
            : p.text('retention.untilRequest', { action });
    } else if (rule.keepCount !== undefined) {
      phrase = p.text('retention.keepCount', { count: rule.keepCount, action });
    } else {
      const duration = parseDuration(rule.keep ?? 'P0D');
      const yearEnd = rule.roundUp === 'endOfYear';
      if (!duration || isZero(duration)) {
        if (store.kind === 'memory' && rule.from === 'created' && !yearEnd) {
          phrase = p.text('retention.transient');
        } else if (yearEnd) {
          phrase = p.text('retention.immediateYearEnd', {
            action,
            clause: p.text(`event.clause.${rule.from}`),
          });
        } else {
          phrase = p.text('retention.immediate', { action, at: p.text(`event.at.${rule.from}`) });
        }
      } else if (yearEnd) {
        phrase = p.text('retention.keepYearEnd', {
          duration: formatDuration(duration, lang),
          clause: p.text(`event.clause.${rule.from}`),
          action,
        });
      } else {
        phrase = p.text('retention.keep', {
          duration: formatDuration(duration, lang),
          event: p.text(`event.after.${rule.from}`),
          action,
        });
      }
    }
    if (rule.holdWhileOwed) {
      const hold = parseDuration(rule.holdWhileOwed);
      phrase = p.text('retention.holdWhileOwed', {
        rule: phrase,
        duration: hold ? formatDuration(hold, lang) : rule.holdWhileOwed,
        basis: rule.basis ?? '§§ 195, 199 BGB',
      });
    } else if (rule.basis) {
      phrase = p.text('retention.withDuty', { rule: phrase, basis: rule.basis });
    }
    return rule.data
      ? p.text('retention.forData', { data: capitalise(dataList(rule.data)), rule: phrase })
      : capitalise(phrase);
  };

  return {
    lang,
    t,
    p,
    list,
    data,
    dataList,
    subjects: (subjects) => list(subjects.map((subject) => t(`subject.${subject}`))),
    duration: (text) => {
      const duration = parseDuration(text);
      return duration ? formatDuration(duration, lang) : text;
    },
    legalBases: (activity) =>
      activity.legalBasis.map((entry) => {
        let phrase = t(`basis.${entry.basis}`);
        if (entry.law) phrase = p.text('basis.withLaw', { basis: phrase, law: entry.law });
        if (entry.data)
          phrase = p.text('basis.forData', { basis: phrase, data: dataList(entry.data) });
        if (entry.interest) {
          phrase = p.text('basis.withInterest', { basis: phrase, interest: entry.interest[lang] });
        }
        return capitalise(phrase);
      }),
    recipients: (activity) =>
      activity.recipients.length === 0
        ? p.text('activity.recipients.none')
        : list(activity.recipients.map((recipient) => t(`recipient.${recipient}`))),
    retention: (activity) => activity.retention.map((rule) => describeRule(rule, activity.store)),
    store: (store) => {
      switch (store.kind) {
        case 'database':
          return p.text('store.database', { table: store.table });
        case 'journald':
          return p.text('store.journald', { units: list(store.units) });
        case 'file-log':
        case 'directory':
        case 'maildir':
        case 'home-directory':
          return p.text(`store.${store.kind}`, { path: store.path });
        case 'memory':
        case 'client-device':
          return p.text(`store.${store.kind}`);
      }
    },
  };
}

function isZero(duration: Duration): boolean {
  return Object.values(duration).every((value) => value === 0);
}

/** Upper-cases the first letter, for a phrase that starts a line of its own. */
export function capitalise(text: string): string {
  return text.charAt(0).toLocaleUpperCase() + text.slice(1);
}
