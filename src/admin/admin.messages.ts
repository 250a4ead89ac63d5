import { defineMessages } from '../core/i18n/index.ts';

/**
 * The texts of the outbox and the list of web users.
 * German is authoritative; `defineMessages` makes a missing or extra English key a compile
 * error.
 */
export const adminMessages = defineMessages({
  de: {
    'outbox.title': 'Postausgang',
    'outbox.intro': 'Es ist kein SMTP-Server eingerichtet: treff legt ausgehende E-Mails hier ab.',
    'outbox.smtp':
      'Ausgehende E-Mails gehen über den SMTP-Server; hier liegen nur ältere Mails aus der Zeit ohne SMTP.',
    'outbox.date': 'Datum',
    'outbox.to': 'An',
    'outbox.subject': 'Betreff',
    'outbox.back': 'Zurück zum Postausgang',

    'users.title': 'Zugänge',
    'users.username': 'Benutzername',
    'users.name': 'Name',
    'users.roles': 'Rollen',
    'users.cli': 'Zugänge legst du mit „treff users add“ an.',

    'role.member': 'Mitglied',
    'role.board': 'Vorstand',
    'role.admin': 'Admin',
    'role.treasurer': 'Kasse',
  },
  en: {
    'outbox.title': 'Outbox',
    'outbox.intro': 'No SMTP server is configured: treff puts outgoing mail here.',
    'outbox.smtp':
      'Outgoing mail goes through the SMTP server; here are only older mails from the time without SMTP.',
    'outbox.date': 'Date',
    'outbox.to': 'To',
    'outbox.subject': 'Subject',
    'outbox.back': 'Back to the outbox',

    'users.title': 'Logins',
    'users.username': 'Username',
    'users.name': 'Name',
    'users.roles': 'Roles',
    'users.cli': 'Add logins with "treff users add".',

    'role.member': 'member',
    'role.board': 'board',
    'role.admin': 'admin',
    'role.treasurer': 'treasurer',
  },
});
