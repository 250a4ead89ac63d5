import type { Duration } from '../duration.ts';

/** The languages of every user-facing text; German is authoritative. */
export const LANGS = ['de', 'en'] as const;
export type Lang = (typeof LANGS)[number];

/**
 * The key of every text. Core names none: the composition root (src/messages.ts) fills this
 * interface by declaration merging with the keys of all catalogues it merges, so `t('x.y')` is
 * checked everywhere without core knowing a module's words.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface MessageKeys {}

/** A key of the merged catalogue (see {@link MessageKeys}). */
export type MessageKey = Extract<keyof MessageKeys, string>;

/** One catalogue: the same keys with a text in every language. Placeholders are `{name}`. */
export type Catalogue<K extends string = MessageKey> = {
  readonly [L in Lang]: Readonly<Record<K, string>>;
};

/** The keys of a catalogue (of all of them, for a union of catalogues). */
export type MessageKeysOf<C extends Catalogue<string>> =
  C extends Catalogue<string> ? keyof C['de'] & string : never;

/** Translates a key, filling `{name}` placeholders from `params`. */
export interface Translate<K extends string = MessageKey> {
  (key: K, params?: Record<string, string | number>): string;
  /** True when `key` has a text (for keys built at run time, such as audit event names). */
  has(key: string): key is K;
}

/**
 * Declares a module's texts, German first. The keys are inferred from the German texts and the
 * English ones must have exactly these keys: a missing or extra key is a compile error.
 */
export function defineMessages<const K extends string>(catalogue: {
  de: Record<K, string>;
  en: Record<NoInfer<K>, string>;
}): Catalogue<K> {
  return catalogue;
}

/**
 * Merges catalogues into one (for the composition root). Throws when two define the same key,
 * so a key has exactly one owner.
 */
export function mergeMessages<const C extends readonly Catalogue<string>[]>(
  ...catalogues: C
): Catalogue<MessageKeysOf<C[number]>> {
  const merged: Record<Lang, Record<string, string>> = { de: {}, en: {} };
  for (const catalogue of catalogues) {
    for (const lang of LANGS) {
      for (const [key, text] of Object.entries(catalogue[lang])) {
        if (Object.hasOwn(merged[lang], key))
          throw new Error(`message key ${key} is defined twice`);
        merged[lang][key] = text;
      }
    }
  }
  return merged as Catalogue<MessageKeysOf<C[number]>>;
}

/** Returns the translator of `catalogue` for `lang`. */
export function translator<K extends string>(lang: Lang, catalogue: Catalogue<K>): Translate<K> {
  const texts = catalogue[lang];
  const translate = (key: K, params?: Record<string, string | number>): string => {
    const template = texts[key];
    if (!params) return template;
    return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
      name in params ? String(params[name]) : whole,
    );
  };
  return Object.assign(translate, {
    has: (key: string): key is K => Object.hasOwn(texts, key),
  });
}

/** True when `value` names a supported language. */
export function isLang(value: unknown): value is Lang {
  return value === 'de' || value === 'en';
}

/**
 * Picks the language from an Accept-Language header (RFC 9110 §12.5.4): the supported language
 * with the highest q-value, else `fallback`.
 */
export function negotiateLang(header: string | undefined, fallback: Lang): Lang {
  if (!header) return fallback;
  let best: { lang: Lang; q: number } | null = null;
  for (const part of header.split(',')) {
    const [tag, ...params] = part.trim().split(';');
    const primary = tag?.trim().toLowerCase().split('-')[0];
    if (!isLang(primary)) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (Number.isFinite(q) && q > 0 && (!best || q > best.q)) best = { lang: primary, q };
  }
  return best?.lang ?? fallback;
}

// Intl formatters hold ICU objects in native memory that V8's garbage collector does not see;
// creating them per call grew a busy server by megabytes a request. So each is made once.
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let formatter = formatters.get(key) as T | undefined;
  if (!formatter) {
    formatter = make();
    formatters.set(key, formatter);
  }
  return formatter;
}

const LOCALE: Record<Lang, string> = { de: 'de-DE', en: 'en-GB' };

/** Formats integer cents as money in the language's style (`12,50 €`, `€12.50`). */
export function formatMoney(cents: number, currency: string, lang: Lang): string {
  return cached(
    `money:${lang}:${currency}`,
    () => new Intl.NumberFormat(LOCALE[lang], { style: 'currency', currency }),
  ).format(cents / 100);
}

/** Formats a `YYYY-MM-DD` date for people (`01.03.2026`, `1 Mar 2026`). */
export function formatDate(date: string | null, lang: Lang): string {
  if (!date) return '–';
  const [year, month, day] = date.slice(0, 10).split('-').map(Number) as [number, number, number];
  const formatter = cached(
    `date:${lang}`,
    () =>
      new Intl.DateTimeFormat(LOCALE[lang], {
        timeZone: 'UTC',
        year: 'numeric',
        month: lang === 'de' ? '2-digit' : 'short',
        day: '2-digit',
      }),
  );
  return formatter.format(new Date(Date.UTC(year, month - 1, day)));
}

/** Formats an instant in the club's time zone, to the minute. */
export function formatDateTime(iso: string, lang: Lang, timeZone: string): string {
  const formatter = cached(
    `datetime:${lang}:${timeZone}`,
    () =>
      new Intl.DateTimeFormat(LOCALE[lang], { timeZone, dateStyle: 'medium', timeStyle: 'short' }),
  );
  return formatter.format(new Date(iso));
}

/** Says an ISO 8601 duration in words (`P10D` → "10 Tage" / "10 days"). */
export function formatDuration(duration: Duration, lang: Lang): string {
  const units: [number, string, string, string, string][] = [
    [duration.years, 'Jahr', 'Jahre', 'year', 'years'],
    [duration.months, 'Monat', 'Monate', 'month', 'months'],
    [duration.weeks, 'Woche', 'Wochen', 'week', 'weeks'],
    [duration.days, 'Tag', 'Tage', 'day', 'days'],
    [duration.hours, 'Stunde', 'Stunden', 'hour', 'hours'],
    [duration.minutes, 'Minute', 'Minuten', 'minute', 'minutes'],
    [duration.seconds, 'Sekunde', 'Sekunden', 'second', 'seconds'],
  ];
  const parts = units
    .filter(([count]) => count > 0)
    .map(([count, deOne, deMany, enOne, enMany]) =>
      lang === 'de'
        ? `${count} ${count === 1 ? deOne : deMany}`
        : `${count} ${count === 1 ? enOne : enMany}`,
    );
  if (parts.length === 0) return lang === 'de' ? 'keine Zeit' : 'no time';
  const last = parts.pop() as string;
  return parts.length === 0 ? last : `${parts.join(', ')} ${lang === 'de' ? 'und' : 'and'} ${last}`;
}
