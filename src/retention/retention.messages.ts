import { defineMessages } from '../core/i18n/index.ts';

/**
 * The texts of the deletion proof and the erasure record.
 * German is authoritative; `defineMessages` makes a missing or extra English key a compile
 * error.
 */
export const retentionMessages = defineMessages({
  de: {
    'proof.title': 'Löschung mit Nachweis',
    'proof.intro':
      'Jede Speicherfrist der Erklärung ist hier eine Regel: wann ihr Job zuletzt lief, wie viel er gelöscht hat und wie alt das älteste noch gespeicherte Element ist. Rot heißt: etwas liegt länger als erklärt.',
    'proof.chart':
      'Alter des ältesten gespeicherten Elements je Speicher, gemessen an seiner Frist',
    'proof.limit': 'Frist',
    'proof.rule': 'Regel',
    'proof.period': 'Frist',
    'proof.lastRun': 'Letzter Lauf',
    'proof.removed': 'Gelöscht',
    'proof.oldest': 'Ältestes Element',
    'proof.state': 'Zustand',
    'proof.never': 'noch nie',
    'proof.atOnce': 'sofort',
    'proof.days': '{n} Tage',
    'proof.hours': '{n} Stunden',
    'proof.state.ok': 'in Ordnung',
    'proof.state.over': 'zu alt',
    'proof.state.late': 'Job läuft nicht',
    'proof.state.never': 'noch nie gelaufen',
    'proof.state.error': 'Fehler',
    'proof.keptBy.daemon': 'vom Dienst selbst (siehe treff doctor)',
    'proof.keptBy.memory': 'nur im Arbeitsspeicher',
    'proof.keptBy.browser': 'im Browser der Person',
    'proof.keptBy.request': 'bis zur Löschung auf Antrag',
    'proof.keptBy.account': 'mit dem Account gelöscht',

    'erasure.title': 'Löschprotokoll',
    'erasure.intro':
      'Was von der Person mit der Kennung {id} wann gelöscht wurde. Das Protokoll nennt nur Zeitpunkte und Datenarten, keine Inhalte.',
    'erasure.none': 'Zu dieser Kennung gibt es keine Löschschritte.',
    'erasure.footer': 'Erstellt von treff aus dem Änderungsprotokoll.',
    'erasure.event.members.membership.ended': 'Mitgliedschaft beendet',
    'erasure.event.members.erasure.fields': 'Daten gelöscht, Rest eingeschränkt (Art. 18 DSGVO)',
    'erasure.event.members.erasure.final':
      'restliche Daten nach Ablauf der Aufbewahrungsfrist gelöscht; Buchungen bleiben ohne Personenbezug',
    'erasure.event.members.audit.anonymised': 'Änderungsprotokoll anonymisiert',
  },
  en: {
    'proof.title': 'Deletion with proof',
    'proof.intro':
      'Every retention period of the declaration is a rule here: when its job last ran, how much it deleted and how old the oldest item still kept is. Red means: something is kept longer than declared.',
    'proof.chart': 'Age of the oldest item kept per store, against its period',
    'proof.limit': 'period',
    'proof.rule': 'Rule',
    'proof.period': 'Period',
    'proof.lastRun': 'Last run',
    'proof.removed': 'Deleted',
    'proof.oldest': 'Oldest item',
    'proof.state': 'State',
    'proof.never': 'never',
    'proof.atOnce': 'at once',
    'proof.days': '{n} days',
    'proof.hours': '{n} hours',
    'proof.state.ok': 'fine',
    'proof.state.over': 'too old',
    'proof.state.late': 'job not running',
    'proof.state.never': 'never run',
    'proof.state.error': 'error',
    'proof.keptBy.daemon': 'by the service itself (see treff doctor)',
    'proof.keptBy.memory': 'in memory only',
    'proof.keptBy.browser': "in the person's browser",
    'proof.keptBy.request': 'until deleted on request',
    'proof.keptBy.account': 'deleted with the account',

    'erasure.title': 'Erasure record',
    'erasure.intro':
      'What was erased of the person with the id {id}, and when. The record names only times and kinds of data, no contents.',
    'erasure.none': 'There are no erasure steps for this id.',
    'erasure.footer': 'Made by treff from the audit log.',
    'erasure.event.members.membership.ended': 'membership ended',
    'erasure.event.members.erasure.fields': 'data erased, the rest restricted (Art. 18 GDPR)',
    'erasure.event.members.erasure.final':
      'remaining data erased when the retention period ended; bookings stay without the person',
    'erasure.event.members.audit.anonymised': 'audit log anonymised',
  },
});
