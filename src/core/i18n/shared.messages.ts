import { defineMessages } from './index.ts';

/**
 * The shared words of every page: navigation, footer, error pages, forms and the columns of an
 * audit history (core/audit). No module's own words belong here.
 * German is authoritative; `defineMessages` makes a missing or extra English key a compile
 * error.
 */
export const sharedMessages = defineMessages({
  de: {
    'nav.members': 'Mitglieder',
    'nav.contributions': 'Beiträge',
    'nav.reminders': 'Erinnerungen',
    'nav.outbox': 'Postausgang',
    'nav.me': 'Meine Daten',
    'nav.login': 'Anmelden',
    'nav.logout': 'Abmelden',

    'footer.noCookies':
      'Diese Website setzt keine Cookies, außer nach einer Anmeldung für die Dauer der Sitzung, und lädt nichts von fremden Servern.',
    'footer.privacy': 'Datenschutz',
    'footer.transparency': 'Transparenz',

    'error.title': 'Das hat nicht geklappt',
    'error.notFound.title': 'Nicht gefunden',
    'error.notFound.text': 'Diese Seite gibt es nicht.',
    'error.internal':
      'Ein interner Fehler ist aufgetreten (Kennung {id}). Bitte nenne diese Kennung den Admins.',
    'error.back': 'Zur Startseite',
    'error.code.csrf_failed':
      'Das Formular ist abgelaufen oder kam nicht von dieser Seite. Bitte lade die Seite neu und versuche es noch einmal.',
    'error.code.body_malformed': 'Die Formulardaten konnten nicht gelesen werden.',
    'error.code.body_too_large': 'Die Anfrage ist zu groß.',
    'error.code.query_invalid': 'Die Seitenzahl ist ungültig.',

    'nav.accounts': 'Accounts',
    'nav.retention': 'Löschung',
    'nav.requests': 'Anfragen',

    'form.save': 'Speichern',
    'form.cancel': 'Abbrechen',
    'form.required': '* Pflichtfeld',
    'form.hasProblems': 'Bitte korrigiere die markierten Felder.',

    'history.when': 'Wann',
    'history.what': 'Was',
    'history.fields': 'Felder',
    'history.who': 'Wer',
    'history.actor.user': 'Vorstand/Admin',
    'history.actor.member': 'Mitglied selbst',
    'history.actor.system': 'automatisch',
    'history.actor.cli': 'Kommandozeile',

    'nav.keys': 'Schlüssel',
    'nav.doctor': 'Doktor',
    'nav.disclosures': 'Auskunftsersuchen',
    'nav.dashboard': 'Zahlen',
  },
  en: {
    'nav.members': 'Members',
    'nav.contributions': 'Contributions',
    'nav.reminders': 'Reminders',
    'nav.outbox': 'Outbox',
    'nav.me': 'My data',
    'nav.login': 'Log in',
    'nav.logout': 'Log out',

    'footer.noCookies':
      'This site sets no cookies, except one for the duration of a session after you log in, and loads nothing from other servers.',
    'footer.privacy': 'Privacy',
    'footer.transparency': 'Transparency',

    'error.title': 'That did not work',
    'error.notFound.title': 'Not found',
    'error.notFound.text': 'There is no such page.',
    'error.internal': 'An internal error occurred (id {id}). Please tell the admins this id.',
    'error.back': 'To the start page',
    'error.code.csrf_failed':
      'The form has expired or was not sent from this site. Please reload the page and try again.',
    'error.code.body_malformed': 'The form data could not be read.',
    'error.code.body_too_large': 'The request is too large.',
    'error.code.query_invalid': 'The page number is not valid.',

    'nav.accounts': 'Accounts',
    'nav.retention': 'Deletion',
    'nav.requests': 'Requests',

    'form.save': 'Save',
    'form.cancel': 'Cancel',
    'form.required': '* required',
    'form.hasProblems': 'Please correct the marked fields.',

    'history.when': 'When',
    'history.what': 'What',
    'history.fields': 'Fields',
    'history.who': 'Who',
    'history.actor.user': 'board/admin',
    'history.actor.member': 'the member',
    'history.actor.system': 'automatic',
    'history.actor.cli': 'command line',

    'nav.keys': 'Keys',
    'nav.doctor': 'Doctor',
    'nav.disclosures': 'Disclosure requests',
    'nav.dashboard': 'Figures',
  },
});
