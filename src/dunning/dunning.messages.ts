import { defineMessages } from '../core/i18n/index.ts';

/**
 * Texts of the payment reminders: the board's pages and the mails. A mail text takes
 * {name}, {number}, {amount}, {dueDates}, {oldestDue}, {limitationDate}, {payTo} and {club};
 * a stage's own `subject`/`text` in the declaration replaces treff's.
 */
export const dunningMessages = defineMessages({
  de: {
    'dunning.title': 'Zahlungserinnerungen',
    'dunning.intro':
      'Wer mit Beiträgen im Rückstand ist und welche Erinnerung als Nächstes fällig ist. Nichts wird versandt, bevor der Vorstand die Liste freigibt; jede Stufe geht je offenem Beitrag nur einmal hinaus.',
    'dunning.notConfigured':
      'Die Erklärung nennt keine Mahnstufen (members.reminders). Ohne sie versendet treff keine Erinnerungen.',
    'dunning.none': 'Gerade ist keine Erinnerung fällig.',
    'dunning.member': 'Mitglied',
    'dunning.stage': 'Stufe',
    'dunning.arrears': 'offen',
    'dunning.oldest': 'ältester offener Beitrag',
    'dunning.limitation': 'verjährt mit Ablauf des',
    'dunning.channel': 'Versand',
    'dunning.channel.encrypted': 'verschlüsselt (OpenPGP)',
    'dunning.channel.plain': 'unverschlüsselt',
    'dunning.channel.none': 'keine E-Mail-Adresse – bitte per Brief',
    'dunning.mailPreview': 'Text der E-Mail',
    'dunning.claims': 'Offene Beiträge',
    'dunning.approve': '{count} Erinnerungen freigeben und versenden',
    'dunning.waiting': '{count} weitere Rückstände, deren nächste Stufe noch nicht fällig ist.',
    'dunning.waitingRow': '{name}: {stage} ab {date}',
    'dunning.run.title': 'Versand der Erinnerungen',
    'dunning.run.progress':
      '{done} von {total} bearbeitet: {sent} versandt, {skipped} übersprungen, {failed} fehlgeschlagen',
    'dunning.run.running': 'Der Versand läuft; diese Seite aktualisiert sich selbst.',
    'dunning.run.done': 'Fertig.',
    'dunning.run.back': 'Zurück zu den Zahlungserinnerungen',
    'dunning.history': 'Versandte Erinnerungen',
    'dunning.stage.friendly': 'Freundliche Erinnerung',
    'dunning.stage.first': '1. Mahnung',
    'dunning.stage.second': '2. Mahnung',
    'dunning.mail.friendly.subject': 'Freundliche Erinnerung: offener Mitgliedsbeitrag bei {club}',
    'dunning.mail.friendly.text':
      'Hallo {name},\n\nvielleicht ist es im Alltag untergegangen: Für deine Mitgliedschaft bei {club} (Nr. {number}) sind noch {amount} offen, fällig seit {dueDates}.\n\nBitte überweise den Betrag an:\n{payTo}\n\nHast du schon gezahlt, betrachte diese E-Mail als gegenstandslos. Fragen? Antworte einfach.\n\nViele Grüße\nder Vorstand',
    'dunning.mail.first.subject': '1. Mahnung: offener Mitgliedsbeitrag bei {club}',
    'dunning.mail.first.text':
      'Hallo {name},\n\nfür deine Mitgliedschaft bei {club} (Nr. {number}) sind trotz unserer Erinnerung noch {amount} offen (fällig seit {dueDates}).\n\nBitte überweise den Betrag in den nächsten 14 Tagen an:\n{payTo}\n\nWenn es gerade finanziell schwierig ist, sprich uns an – wir finden eine Lösung.\n\nViele Grüße\nder Vorstand',
    'dunning.mail.second.subject': '2. Mahnung: offener Mitgliedsbeitrag bei {club}',
    'dunning.mail.second.text':
      'Hallo {name},\n\nfür deine Mitgliedschaft bei {club} (Nr. {number}) sind weiterhin {amount} offen (fällig seit {dueDates}). Der älteste offene Beitrag verjährt mit Ablauf des {limitationDate}.\n\nBitte überweise den Betrag an:\n{payTo}\n\noder melde dich beim Vorstand. Nach der Satzung kann ein langer Beitragsrückstand zum Ausschluss führen.\n\nViele Grüße\nder Vorstand',
    'dunning.mail.generic.subject': 'Erinnerung: offener Mitgliedsbeitrag bei {club}',
    'dunning.mail.generic.text':
      'Hallo {name},\n\nfür deine Mitgliedschaft bei {club} (Nr. {number}) sind noch {amount} offen (fällig seit {dueDates}).\n\nBitte überweise den Betrag an:\n{payTo}\n\nViele Grüße\nder Vorstand',
  },
  en: {
    'dunning.title': 'Payment reminders',
    'dunning.intro':
      'Who is behind with fees and which reminder is due next. Nothing is sent before the board approves the list; each stage goes out once per unpaid fee.',
    'dunning.notConfigured':
      'The declaration names no reminder stages (members.reminders). Without them treff sends no reminders.',
    'dunning.none': 'No reminder is due right now.',
    'dunning.member': 'Member',
    'dunning.stage': 'Stage',
    'dunning.arrears': 'owed',
    'dunning.oldest': 'oldest unpaid fee',
    'dunning.limitation': 'time-barred after',
    'dunning.channel': 'Sent',
    'dunning.channel.encrypted': 'encrypted (OpenPGP)',
    'dunning.channel.plain': 'unencrypted',
    'dunning.channel.none': 'no mail address – please send a letter',
    'dunning.mailPreview': 'Text of the mail',
    'dunning.claims': 'Unpaid fees',
    'dunning.approve': 'Approve and send {count} reminders',
    'dunning.waiting': '{count} more in arrears whose next stage is not due yet.',
    'dunning.waitingRow': '{name}: {stage} from {date}',
    'dunning.run.title': 'Sending the reminders',
    'dunning.run.progress':
      '{done} of {total} handled: {sent} sent, {skipped} skipped, {failed} failed',
    'dunning.run.running': 'Sending; this page refreshes itself.',
    'dunning.run.done': 'Done.',
    'dunning.run.back': 'Back to the payment reminders',
    'dunning.history': 'Reminders sent',
    'dunning.stage.friendly': 'Friendly reminder',
    'dunning.stage.first': 'First notice',
    'dunning.stage.second': 'Second notice',
    'dunning.mail.friendly.subject': 'Friendly reminder: membership fee owed to {club}',
    'dunning.mail.friendly.text':
      'Hello {name},\n\nit may have slipped your mind: {amount} are still owed for your membership of {club} (no. {number}), due since {dueDates}.\n\nPlease transfer the amount to:\n{payTo}\n\nIf you have paid already, please ignore this mail. Questions? Just reply.\n\nBest regards\nthe board',
    'dunning.mail.first.subject': 'First notice: membership fee owed to {club}',
    'dunning.mail.first.text':
      'Hello {name},\n\ndespite our reminder, {amount} are still owed for your membership of {club} (no. {number}), due since {dueDates}.\n\nPlease transfer the amount within 14 days to:\n{payTo}\n\nIf money is tight right now, talk to us – we will find a way.\n\nBest regards\nthe board',
    'dunning.mail.second.subject': 'Second notice: membership fee owed to {club}',
    'dunning.mail.second.text':
      'Hello {name},\n\n{amount} are still owed for your membership of {club} (no. {number}), due since {dueDates}. The oldest unpaid fee becomes time-barred after {limitationDate}.\n\nPlease transfer the amount to:\n{payTo}\n\nor contact the board. Under the statutes, long arrears can lead to expulsion.\n\nBest regards\nthe board',
    'dunning.mail.generic.subject': 'Reminder: membership fee owed to {club}',
    'dunning.mail.generic.text':
      'Hello {name},\n\n{amount} are still owed for your membership of {club} (no. {number}), due since {dueDates}.\n\nPlease transfer the amount to:\n{payTo}\n\nBest regards\nthe board',
  },
});
