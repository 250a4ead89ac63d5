import { defineMessages } from '../core/i18n/index.ts';

/**
 * The texts of the public start page.
 * German is authoritative; `defineMessages` makes a missing or extra English key a compile
 * error.
 */
export const siteMessages = defineMessages({
  de: {
    'site.title': 'Start',
    'site.intro':
      'Willkommen! Hier findest du die Dienste des Vereins und den Zugang zum Mitgliederbereich.',
    'site.jitsi': 'Videokonferenzen',
    'site.members': 'Für Mitglieder',
    'site.memberLogin': 'Anmeldelink für Mitglieder anfordern',
    'site.boardLogin': 'Anmeldung für Vorstand und Admins',
    'site.contact': 'Kontakt',
    'site.privacyContact': 'Datenschutz',
  },
  en: {
    'site.title': 'Start',
    'site.intro': "Welcome! Here you find the club's services and the way into the member portal.",
    'site.jitsi': 'Video conferences',
    'site.members': 'For members',
    'site.memberLogin': 'Request a login link (members)',
    'site.boardLogin': 'Log in (board and admins)',
    'site.contact': 'Contact',
    'site.privacyContact': 'Privacy',
  },
});
