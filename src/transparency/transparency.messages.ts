import { defineMessages } from '../core/i18n/index.ts';

/**
 * The texts of the transparency page and its CLI. German is authoritative; `defineMessages`
 * makes a missing or extra English key a compile error.
 */
export const transparencyMessages = defineMessages({
  de: {
    'transparency.title': 'Transparenz: was wir speichern und wie lange',
    'transparency.intro':
      'Jede Zeile ist ein Versprechen unserer Datenschutzerklärung. Die Zahlen berechnet der Server selbst aus dem laufenden System; niemand tippt sie ein.',
    'transparency.period.untilRequest': 'bis zur Löschung auf Antrag',
    'transparency.period.lastN': 'die letzten {count}',
    'transparency.period.none': 'nicht gespeichert',
    'transparency.period.endOfYear': '{period} nach Ende des Kalenderjahres',
  },
  en: {
    'transparency.title': 'Transparency: what we store and for how long',
    'transparency.intro':
      'Each line is a promise of our privacy policy. The server computes the figures itself from the live system; nobody types them in.',
    'transparency.period.untilRequest': 'until deleted on request',
    'transparency.period.lastN': 'the last {count}',
    'transparency.period.none': 'not stored',
    'transparency.period.endOfYear': '{period} after the end of the calendar year',
  },
});
