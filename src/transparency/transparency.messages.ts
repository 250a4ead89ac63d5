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
    'transparency.summary.allKept': 'Alle {count} Versprechen werden gerade eingehalten.',
    'transparency.summary.broken': '{red} von {count} Versprechen werden gerade nicht eingehalten.',
    'transparency.legend':
      'Der Balken zeigt das Alter des ältesten gespeicherten Elements, die gestrichelte Linie die versprochene Frist. Grün: eingehalten. Rot: nicht eingehalten.',
    'transparency.kept': 'eingehalten',
    'transparency.broken': 'nicht eingehalten',
    'transparency.oldest.none': 'Gerade ist nichts gespeichert.',
    'transparency.oldest.of': 'Ältestes gespeichertes Element: {age} alt (Frist: {limit}).',
    'transparency.oldest.age': 'Ältestes gespeichertes Element: {age} alt.',
    'transparency.items': 'Gespeicherte Dateien: {count}.',
    'transparency.deletion.ok': 'Löschung zuletzt am {at}, erfolgreich ({removed} gelöscht).',
    'transparency.deletion.failed': 'Löschung zuletzt am {at}: fehlgeschlagen.',
    'transparency.deletion.never': 'Die Löschung ist noch nie gelaufen.',
    'transparency.deletedBy.daemon': 'Gelöscht vom Dienst selbst.',
    'transparency.deletedBy.memory': 'Nur im Arbeitsspeicher, nie auf der Festplatte.',
    'transparency.deletedBy.browser': 'Nur im Browser der Person; sie löscht es selbst.',
    'transparency.deletedBy.request': 'Gespeichert bis zur Löschung auf Antrag.',
    'transparency.deletedBy.account': 'Gelöscht mit dem Account.',
    'transparency.deletedBy.job': 'Gelöscht vom Server nach Plan.',
    'transparency.doctor.ok':
      'Die Einstellungen der Dienste dahinter waren bei der Prüfung am {at} wie erklärt.',
    'transparency.doctor.broken':
      'Die Einstellungen der Dienste dahinter waren bei der Prüfung am {at} nicht wie erklärt.',
    'transparency.doctor.none': 'Keine aktuelle Prüfung der Einstellungen dahinter.',
    'transparency.reason.over': 'Ein Element ist älter als die Frist erlaubt.',
    'transparency.reason.late': 'Die Löschung ist länger als zwei ihrer Intervalle nicht gelaufen.',
    'transparency.reason.never': 'Die Löschung ist noch nie gelaufen.',
    'transparency.reason.failed':
      'Der letzte Löschlauf ist fehlgeschlagen oder fand zu alte Daten.',
    'transparency.reason.doctor':
      'Die Prüfung fand Einstellungen, die nicht der Erklärung entsprechen.',
    'transparency.generated':
      'Berechnet am {at} aus dem laufenden System, für die Datenschutzerklärung in Version {version}.',
    'transparency.doctorRan': 'Letzte Prüfung der Einstellungen: {at}.',
    'transparency.doctorNever': 'Die Einstellungen wurden noch nicht geprüft.',
    'transparency.policyLink': 'Datenschutzerklärung',
    'transparency.versionsLink': 'Versionen der Datenschutzerklärung',
    'transparency.adminLink.page': 'Dieselben Zahlen öffentlich: die Transparenzseite',
    'transparency.adminLink.json': 'als JSON',
  },
  en: {
    'transparency.title': 'Transparency: what we store and for how long',
    'transparency.intro':
      'Each line is a promise of our privacy policy. The server computes the figures itself from the live system; nobody types them in.',
    'transparency.period.untilRequest': 'until deleted on request',
    'transparency.period.lastN': 'the last {count}',
    'transparency.period.none': 'not stored',
    'transparency.period.endOfYear': '{period} after the end of the calendar year',
    'transparency.summary.allKept': 'All {count} promises are being kept right now.',
    'transparency.summary.broken': '{red} of {count} promises are not being kept right now.',
    'transparency.legend':
      'The bar shows the age of the oldest item stored, the dashed line the promised limit. Green: kept. Red: not kept.',
    'transparency.kept': 'kept',
    'transparency.broken': 'not kept',
    'transparency.oldest.none': 'Nothing is stored right now.',
    'transparency.oldest.of': 'Oldest item stored: {age} old (limit: {limit}).',
    'transparency.oldest.age': 'Oldest item stored: {age} old.',
    'transparency.items': 'Files stored: {count}.',
    'transparency.deletion.ok': 'Last deletion on {at}, successful ({removed} deleted).',
    'transparency.deletion.failed': 'Last deletion on {at}: failed.',
    'transparency.deletion.never': 'The deletion has never run.',
    'transparency.deletedBy.daemon': 'Deleted by the service itself.',
    'transparency.deletedBy.memory': 'In memory only, never on disk.',
    'transparency.deletedBy.browser': "Only in the person's browser; they delete it themselves.",
    'transparency.deletedBy.request': 'Stored until deleted on request.',
    'transparency.deletedBy.account': 'Deleted with the account.',
    'transparency.deletedBy.job': 'Deleted by the server on schedule.',
    'transparency.doctor.ok':
      'The settings of the services behind it were as declared when checked on {at}.',
    'transparency.doctor.broken':
      'The settings of the services behind it were not as declared when checked on {at}.',
    'transparency.doctor.none': 'No recent check of the settings behind it.',
    'transparency.reason.over': 'An item is older than the limit allows.',
    'transparency.reason.late': 'The deletion has not run for longer than two of its intervals.',
    'transparency.reason.never': 'The deletion has never run.',
    'transparency.reason.failed': 'The last deletion run failed or found data kept too long.',
    'transparency.reason.doctor': 'The check found settings that differ from the declaration.',
    'transparency.generated':
      'Computed on {at} from the live system, for version {version} of the privacy policy.',
    'transparency.doctorRan': 'Last check of the settings: {at}.',
    'transparency.doctorNever': 'The settings have not been checked yet.',
    'transparency.policyLink': 'Privacy policy',
    'transparency.versionsLink': 'Versions of the privacy policy',
    'transparency.adminLink.page': 'The same figures in public: the transparency page',
    'transparency.adminLink.json': 'as JSON',
  },
});
