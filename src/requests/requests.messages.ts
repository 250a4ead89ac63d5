import { defineMessages } from '../core/i18n/index.ts';

/**
 * The texts of the request ledger: answers to requesters, reminders to the board, the admin
 * pages. German is authoritative; `defineMessages` makes a missing or extra English key a
 * compile error.
 */
export const requestsMessages = defineMessages({
  de: {
    'requests.kind.account.create': 'Account anlegen',
    'requests.kind.account.delete': 'Account löschen',
    'requests.kind.key.publish': 'Schlüssel veröffentlichen',
    'requests.kind.key.remove': 'Schlüssel entfernen',
    'requests.kind.access': 'Auskunft (Art. 15)',
    'requests.kind.rectification': 'Berichtigung (Art. 16)',
    'requests.kind.erasure': 'Löschung (Art. 17)',
    'requests.kind.restriction': 'Einschränkung (Art. 18)',
    'requests.kind.objection': 'Widerspruch (Art. 21)',
    'requests.kind.other': 'Sonstiges',
  },
  en: {
    'requests.kind.account.create': 'Create account',
    'requests.kind.account.delete': 'Delete account',
    'requests.kind.key.publish': 'Publish key',
    'requests.kind.key.remove': 'Remove key',
    'requests.kind.access': 'Access (Art. 15)',
    'requests.kind.rectification': 'Rectification (Art. 16)',
    'requests.kind.erasure': 'Erasure (Art. 17)',
    'requests.kind.restriction': 'Restriction (Art. 18)',
    'requests.kind.objection': 'Objection (Art. 21)',
    'requests.kind.other': 'Other',
  },
});
