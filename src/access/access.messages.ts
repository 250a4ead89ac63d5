import { defineMessages } from '../core/i18n/index.ts';

/**
 * The texts of the Art. 15 report and the member portal.
 * German is authoritative; `defineMessages` makes a missing or extra English key a compile
 * error.
 */
export const accessMessages = defineMessages({
  de: {
    'portal.account': 'Mein Mitglieder-Account (Shell, E-Mail, Jabber)',

    'access.wkdKeys': 'OpenPGP-Schlüssel im Web Key Directory',
    'access.wkdPublished': 'veröffentlicht',
    'access.wkdPending': 'wartet auf Bestätigung',
    'access.title': 'Auskunft über gespeicherte Daten',
    'access.intro':
      'Alles, was {controller} über dich in treff gespeichert hat (Art. 15 DSGVO), Stand {when}.',
    'access.download': 'Als JSON herunterladen (Art. 20 DSGVO)',
    'access.registry': 'Mitgliederverzeichnis',
    'access.restricted':
      'Die Verarbeitung dieser Daten ist eingeschränkt; sie werden nur für gesetzliche Aufbewahrungspflichten gespeichert.',
    'access.balance': 'Fällig: {due}, gezahlt: {paid}, Saldo: {balance}.',
    'access.bankTransfers': 'Überweisungen aus Kontoauszügen',
    'access.mandates': 'SEPA-Lastschriftmandate und Einzüge',
    'access.mandate':
      'Mandat {reference}, unterschrieben am {signedOn}, Konto {iban} ({holder}), {sequence}, letzter Einzug {lastCollected}, widerrufen {revoked}',
    'access.debit': 'Einzug am {dueOn}: {amount}, Vorabankündigung: {notice}',
    'access.invitations': 'Einladungen zur Mitgliederversammlung',
    'access.invitation': '{title} ({startsAt}): {channel}, {status}, {at}',
    'access.paymentReminders':
      'Zahlungserinnerungen (Datum, Stufe, Betrag, ältester offener Beitrag)',
    'access.loginLinks': 'Anmeldelinks',
    'access.linkUsed': 'benutzt {when}',
    'access.events': 'Protokoll der Änderungen',
    'access.processing': 'Zwecke, Rechtsgrundlagen und Speicherdauer',
    'access.data': 'Daten',
    'access.purposes': 'Zwecke',
    'access.legalBasis': 'Rechtsgrundlage',
    'access.recipients': 'Empfänger',
    'access.retention': 'Speicherdauer',
    'access.none': 'keine',
    'access.rights':
      'Du kannst Berichtigung, Löschung oder Einschränkung verlangen und der Verarbeitung widersprechen. Schreib dazu an {contact}. Du kannst dich auch bei einer Datenschutz-Aufsichtsbehörde beschweren.',

    'portal.title': 'Mitgliederbereich',
    'portal.hello': 'Hallo {name}!',
    'portal.intro': 'Hier siehst du alles, was der Verein über dich gespeichert hat.',
    'portal.viewData': 'Meine gespeicherten Daten ansehen',
    'portal.downloadData': 'Meine Daten als JSON herunterladen',
    'portal.correction': 'Stimmt etwas nicht? Schreib dem Vorstand, dann wird es berichtigt.',
    'portal.keys': 'Mein OpenPGP-Schlüssel im Web Key Directory',
  },
  en: {
    'portal.account': 'My member account (shell, mail, Jabber)',

    'access.wkdKeys': 'OpenPGP keys in the Web Key Directory',
    'access.wkdPublished': 'published',
    'access.wkdPending': 'waiting for confirmation',
    'access.title': 'Your stored data',
    'access.intro':
      'Everything {controller} has stored about you in treff (Art. 15 GDPR), as of {when}.',
    'access.download': 'Download as JSON (Art. 20 GDPR)',
    'access.registry': 'Member registry',
    'access.restricted':
      'Processing of this data is restricted; it is kept only for statutory retention duties.',
    'access.balance': 'Due: {due}, paid: {paid}, balance: {balance}.',
    'access.bankTransfers': 'Transfers from bank statements',
    'access.mandates': 'SEPA direct debit mandates and collections',
    'access.mandate':
      'Mandate {reference}, signed on {signedOn}, account {iban} ({holder}), {sequence}, last collection {lastCollected}, revoked {revoked}',
    'access.debit': 'Collection on {dueOn}: {amount}, pre-notification: {notice}',
    'access.invitations': 'Invitations to the general assembly',
    'access.invitation': '{title} ({startsAt}): {channel}, {status}, {at}',
    'access.paymentReminders': 'Payment reminders (date, stage, amount, oldest unpaid fee)',
    'access.loginLinks': 'Login links',
    'access.linkUsed': 'used {when}',
    'access.events': 'Log of changes',
    'access.processing': 'Purposes, legal bases and retention',
    'access.data': 'Data',
    'access.purposes': 'Purposes',
    'access.legalBasis': 'Legal basis',
    'access.recipients': 'Recipients',
    'access.retention': 'Retention',
    'access.none': 'none',
    'access.rights':
      'You may ask for rectification, erasure or restriction and object to the processing. Write to {contact}. You may also complain to a data protection supervisory authority.',

    'portal.title': 'Member portal',
    'portal.hello': 'Hello {name}!',
    'portal.intro': 'Here you see everything the club has stored about you.',
    'portal.viewData': 'View my stored data',
    'portal.downloadData': 'Download my data as JSON',
    'portal.correction': 'Something wrong? Write to the board and it will be corrected.',
    'portal.keys': 'My OpenPGP key in the Web Key Directory',
  },
});
