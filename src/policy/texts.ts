import type { Lang } from '../core/i18n/index.ts';
import type { Inline } from './document.ts';
import { de, type PolicyTextKey } from './texts.de.ts';
import { en } from './texts.en.ts';

export type { PolicyTextKey };

/** A value for a placeholder: text, a number, or inline runs such as a link. */
export type Param = string | number | Inline | readonly Inline[];

/**
 * Fills a policy template. `text` returns a plain string (every parameter must be plain);
 * `inline` returns inline runs, so a placeholder can become a link without any markup in the
 * template.
 */
export interface PolicyTexts {
  text(key: PolicyTextKey, params?: Readonly<Record<string, string | number>>): string;
  inline(key: PolicyTextKey, params?: Readonly<Record<string, Param>>): Inline[];
}

const catalogues: Record<Lang, Record<PolicyTextKey, string>> = { de, en };

/** The policy templates of `lang`. An unknown placeholder is left as written (tests catch it). */
export function policyTexts(lang: Lang): PolicyTexts {
  const catalogue = catalogues[lang];
  return {
    text: (key, params = {}) =>
      catalogue[key].replace(/\{(\w+)\}/g, (whole, name: string) =>
        name in params ? String(params[name]) : whole,
      ),
    inline: (key, params = {}) => {
      const runs: Inline[] = [];
      const parts = catalogue[key].split(/(\{\w+\})/);
      for (const part of parts) {
        const name = /^\{(\w+)\}$/.exec(part)?.[1];
        const value = name === undefined ? undefined : params[name];
        if (value === undefined) {
          if (part) runs.push(part);
        } else if (typeof value === 'number') {
          runs.push(String(value));
        } else if (isInlineList(value)) {
          runs.push(...value);
        } else {
          runs.push(value);
        }
      }
      return mergeStrings(runs);
    },
  };
}

function isInlineList(value: Param): value is readonly Inline[] {
  return Array.isArray(value);
}

/** Joins adjacent plain runs, so serialisers and tests see whole sentences. */
function mergeStrings(runs: readonly Inline[]): Inline[] {
  const merged: Inline[] = [];
  for (const run of runs) {
    const last = merged.at(-1);
    if (typeof run === 'string' && typeof last === 'string') merged[merged.length - 1] = last + run;
    else merged.push(run);
  }
  return merged;
}
