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
    'users.status': 'Status',
    'users.active': 'aktiv',
    'users.disabled': 'gesperrt',
    'users.actions': 'Aktionen',
    'users.disable': 'Sperren',
    'users.disableConfirm': 'Ja, sperren und alle Sitzungen beenden.',
    'users.enable': 'Entsperren',
    'users.delete': 'Löschen',
    'users.deleteConfirm': 'Ja, das Amt ist beendet: Zugang löschen.',
    'users.disabledNotice': 'Der Zugang {username} ist gesperrt, seine Sitzungen sind beendet.',
    'users.enabledNotice': 'Der Zugang {username} kann sich wieder anmelden.',
    'users.deletedNotice': 'Der Zugang {username} ist gelöscht.',
    'users.confirmMissing': 'Bitte bestätige die Aktion mit dem Häkchen.',
    'users.lastAdmin':
      '{username} ist der letzte Admin-Zugang, der sich anmelden kann: lege zuerst einen weiteren Admin an.',

    'role.member': 'Mitglied',
    'role.board': 'Vorstand',
    'role.admin': 'Admin',
    'role.treasurer': 'Kasse',
    'outbox.masked':
      'Einmal-Links sind unkenntlich gemacht (••••••): nur ihre Empfänger dürfen sie benutzen. Mit mail.smtp erhalten Mitglieder sie direkt.',
    'outbox.demo':
      'Demo (treff demo): Einmal-Links werden vollständig gezeigt, damit du den Mitgliederbereich ausprobieren kannst. treff serve macht sie unkenntlich.',
    'outbox.quarantineLink': 'Eingegangene E-Mails in Quarantäne',
    'quarantine.title': 'E-Mail-Quarantäne',
    'quarantine.intro':
      'Eingegangene E-Mails, die treff nicht lesen konnte (zu groß, zu viele MIME-Teile, kaputt). Sie wurden angenommen, nicht beantwortet, und bleiben als Datei bis zum Ende der erklärten Aufbewahrungsfrist.',
    'quarantine.empty': 'Keine E-Mails in Quarantäne.',
    'quarantine.received': 'Eingegangen',
    'quarantine.reason': 'Grund',
    'quarantine.bytes': 'Größe (Bytes)',
    'quarantine.recipient': 'Empfänger',
    'quarantine.file': 'Datei',
    'quarantine.reason.too_big': 'zu groß zum Lesen',
    'quarantine.reason.too_many_parts': 'zu viele oder zu tief verschachtelte MIME-Teile',
    'quarantine.reason.header_too_big': 'Kopfzeilen zu groß',
    'quarantine.reason.broken_mime': 'kaputtes MIME',
    'quarantine.reason.unknown': 'unbekannt (keine Begleitdatei)',
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
    'users.status': 'Status',
    'users.active': 'active',
    'users.disabled': 'disabled',
    'users.actions': 'Actions',
    'users.disable': 'Disable',
    'users.disableConfirm': 'Yes, disable it and end all its sessions.',
    'users.enable': 'Enable',
    'users.delete': 'Delete',
    'users.deleteConfirm': 'Yes, the office has ended: delete the login.',
    'users.disabledNotice': 'The login {username} is disabled; its sessions have ended.',
    'users.enabledNotice': 'The login {username} can log in again.',
    'users.deletedNotice': 'The login {username} is deleted.',
    'users.confirmMissing': 'Please tick the box to confirm.',
    'users.lastAdmin':
      '{username} is the last admin login that can log in: add another admin first.',

    'role.member': 'member',
    'role.board': 'board',
    'role.admin': 'admin',
    'role.treasurer': 'treasurer',
    'outbox.masked':
      'One-time links are masked (••••••): only their recipient may use them. With mail.smtp set, members receive them directly.',
    'outbox.demo':
      'Demo (treff demo): one-time links are shown in full so that you can try the member portal. treff serve masks them.',
    'outbox.quarantineLink': 'Incoming mail in quarantine',
    'quarantine.title': 'Mail quarantine',
    'quarantine.intro':
      'Incoming mail that treff could not read (too big, too many MIME parts, broken). It was accepted, not answered, and is kept as a file until the declared retention period ends.',
    'quarantine.empty': 'No mail in quarantine.',
    'quarantine.received': 'Received',
    'quarantine.reason': 'Reason',
    'quarantine.bytes': 'Size (bytes)',
    'quarantine.recipient': 'Recipient',
    'quarantine.file': 'File',
    'quarantine.reason.too_big': 'too big to read',
    'quarantine.reason.too_many_parts': 'too many or too deeply nested MIME parts',
    'quarantine.reason.header_too_big': 'header too big',
    'quarantine.reason.broken_mime': 'broken MIME',
    'quarantine.reason.unknown': 'unknown (no sidecar file)',
  },
});
