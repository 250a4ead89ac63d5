import { defineMessages } from '../core/i18n/index.ts';

/**
 * The texts of treff doctor in the web interface.
 * German is authoritative; `defineMessages` makes a missing or extra English key a compile
 * error.
 */
export const servicesMessages = defineMessages({
  de: {
    'doctor.title': 'Versprechen der Datenschutzerklärung prüfen',
    'doctor.intro':
      'treff doctor vergleicht die Konfiguration der Dienste (journald, logrotate, Prosody, Jitsi Meet, coturn, nginx, sshd, Dovecot, Postfix) und was sie hinterlassen haben mit der Erklärung in treff.yaml. Jede rote Zeile nennt das Versprechen, die Datei, die Einstellung und die Abhilfe.',
    'doctor.allKept': 'Alle geprüften Versprechen werden gehalten.',
    'doctor.broken': '{count} Versprechen gebrochen ({findings} Befunde).',
    'doctor.counts': '{warnings} Hinweise, {ok} Prüfungen bestanden, {skipped} nicht prüfbar.',
    'doctor.checkedAt': 'Geprüft am {time}, Verzeichnisbaum {root}.',
    'doctor.passed': 'Bestandene Prüfungen ({count})',
    'doctor.cli':
      'Als Webserver-Benutzer kann treff manche Dateien nicht lesen; vollständig prüft „sudo treff doctor“ auf der Kommandozeile (Exit-Code 1 bei einem gebrochenen Versprechen).',
    'doctor.promise': 'Versprechen',
    'doctor.where': 'Datei und Einstellung',
    'doctor.found': 'Gefunden',
    'doctor.expected': 'Erwartet',
    'doctor.fix': 'Abhilfe',
    'doctor.severity.error': 'gebrochen',
    'doctor.severity.warning': 'Hinweis',
    'doctor.severity.skipped': 'nicht prüfbar',
    'doctor.severity.ok': 'gehalten',
  },
  en: {
    'doctor.title': 'Check the promises of the privacy policy',
    'doctor.intro':
      "treff doctor compares the services' configuration (journald, logrotate, Prosody, Jitsi Meet, coturn, nginx, sshd, Dovecot, Postfix) and what they left behind with the declaration in treff.yaml. Every red line names the promise, the file, the setting and the fix.",
    'doctor.allKept': 'Every promise checked is kept.',
    'doctor.broken': '{count} promises broken ({findings} findings).',
    'doctor.counts': '{warnings} warnings, {ok} checks passed, {skipped} could not be checked.',
    'doctor.checkedAt': 'Checked at {time}, file tree {root}.',
    'doctor.passed': 'Checks passed ({count})',
    'doctor.cli':
      'As the web server\'s user, treff cannot read some files; "sudo treff doctor" on the command line checks everything (exit code 1 on a broken promise).',
    'doctor.promise': 'Promise',
    'doctor.where': 'File and setting',
    'doctor.found': 'Found',
    'doctor.expected': 'Expected',
    'doctor.fix': 'Fix',
    'doctor.severity.error': 'broken',
    'doctor.severity.warning': 'warning',
    'doctor.severity.skipped': 'not checked',
    'doctor.severity.ok': 'kept',
  },
});
