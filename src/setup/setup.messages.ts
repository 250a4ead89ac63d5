import { defineMessages } from '../core/i18n/index.ts';

/** The texts of `treff setup`. German is authoritative; each check says what is wrong and the fix. */
export const setupMessages = defineMessages({
  de: {
    'setup.status.changed': 'geändert:',
    'setup.status.unchanged': 'unverändert:',
    'setup.status.skipped': 'übersprungen:',
    'setup.level.ok': 'ok',
    'setup.level.warn': 'Warnung',
    'setup.level.fail': 'FEHLER',
    'setup.level.skipped': 'übersprungen',
    'setup.check.skipped': 'übersprungen (--skip-check)',
    'setup.check.os.unsupported':
      'gefunden: {found}. treff setup läuft auf Debian 12 oder 13. Installieren Sie Debian 13 (trixie) oder überspringen Sie die Prüfung mit --skip-check os.',
    'setup.check.os.node':
      '{found} mit Node.js {node}: treff braucht mindestens 20.19 (Debian 12 bringt 18). Nehmen Sie Debian 13 oder installieren Sie ein neueres Node.js.',
    'setup.check.os.ok': '{found}',
    'setup.check.memory.unknown': 'Arbeitsspeicher nicht lesbar (/proc/meminfo fehlt).',
    'setup.check.memory.low':
      '{mib} MiB Arbeitsspeicher: empfohlen ist mindestens 1 GiB. Es läuft, aber ohne Reserve; ein größerer Server oder Swap hilft.',
    'setup.check.memory.ok': '{mib} MiB Arbeitsspeicher',
    'setup.check.ports.busy':
      'Port {port}/{proto} ist belegt von {process}. Beenden oder deinstallieren Sie diesen Dienst, oder überspringen Sie die Prüfung mit --skip-check ports.',
    'setup.check.ports.ours': 'Port {port}/{proto} hält schon {process} (von treff verwaltet).',
    'setup.check.ports.ok': '{count} Ports frei oder schon bei den eigenen Diensten',
    'setup.check.dns.noMx':
      'kein MX-Eintrag für {name}. Legen Sie an: {name}. IN MX 10 {name}. und {name}. IN A {address}',
    'setup.check.dns.missing':
      'kein {record}-Eintrag für {name}. Legen Sie an: {name}. IN A {address} (und AAAA für IPv6).',
    'setup.check.dns.elsewhere':
      '{name} ({record}) zeigt auf {found}, dieser Server hat {mine}. Korrigieren Sie den Eintrag; hinter NAT: --skip-check dns.',
    'setup.check.dns.ok': '{name} ({record}) zeigt auf diesen Server',
    'setup.preflight.failed':
      'Die Vorprüfung ist fehlgeschlagen ({checks}); nichts wurde geändert. Beheben Sie das Genannte oder überspringen Sie eine Prüfung mit --skip-check NAME.',
    'setup.packages.jitsi':
      'Jitsi Meet ist nicht in Debian: treff installiert es nicht (Paketquelle download.jitsi.org). Seine Dateien werden erzeugt; die Jitsi-Schritte laufen, sobald jitsi-meet installiert ist.',
    'setup.admin.created': 'Erste Admin-Anmeldung (wird nur dieses eine Mal gezeigt): {login}',
    'setup.configs.debian':
      'ersetzt die unveränderte Debian-Datei {path} (Paket {pkg}); Sicherung wird angelegt',
    'setup.configs.foreign':
      '{count} Dateien gibt es schon, und treff hat sie nicht geschrieben (auch keine unveränderte Debian-Datei). Nichts wurde geändert. Mit --force werden sie ersetzt; jede wird vorher gesichert.',
    'setup.declaration.differs':
      '{path} gibt es schon, mit anderem Inhalt. Lassen Sie --config/--domain weg, um sie zu behalten (treff setup liest sie dann), oder ersetzen Sie sie mit --force (mit Sicherung).',
    'setup.tls.missing':
      'Kein Zertifikat unter {path}. Wählen Sie --tls certbot (mit --acme-email), --tls existing (mit --cert und --key) oder --tls self-signed (nur für Tests).',
    'setup.tls.openssl': 'openssl konnte kein Zertifikat erzeugen: {error}',
    'setup.tls.certbotPath':
      'certbot schreibt nach {live}/, die Erklärung nennt aber {path}. Setzen Sie tls.certificate und tls.key dorthin oder nehmen Sie --tls existing.',
    'setup.tls.certbotNoSystemd':
      'certbot braucht ein laufendes nginx auf Port 80, und hier läuft kein systemd. Nehmen Sie --tls existing oder --tls self-signed und holen Sie das Zertifikat später.',
    'setup.tls.certbotFailed':
      'certbot hat kein Zertifikat für {names} bekommen. Prüfen Sie, dass jeder Name per DNS auf diesen Server zeigt und Port 80 von außen erreichbar ist:\n  {output}',
    'setup.jitsi.accounts':
      'Jitsi: die Konten focus und jvb in /etc/prosody-jitsi legen Sie einmal von Hand an (README, Abschnitt zur Installation).',
    'setup.start.noSystemd':
      'Starten übersprungen: systemd läuft hier nicht (chroot oder Container). Die Dienste sind aktiviert und starten beim nächsten Boot.',
    'setup.start.notAsked': 'Starten übersprungen (--no-start); die Dienste sind aktiviert.',
    'setup.summary.changed': 'Fertig; Änderungen siehe oben.',
    'setup.summary.wouldChange':
      'Probelauf: die Zeilen oben würden sich ändern; geändert wurde nichts.',
    'setup.summary.nothing': 'Nichts geändert: alles war schon wie erklärt.',
    'setup.summary.backups': 'Sicherungen der ersetzten Dateien: {dir}',
    'setup.doctor.dryRun': 'doctor: im Probelauf übersprungen',
    'setup.doctor.summary':
      'doctor: {broken} gebrochene Versprechen, {warnings} Warnungen, {ok} Prüfungen bestanden, {skipped} übersprungen',
    'setup.command.failed': '{command} ist fehlgeschlagen (Code {code}):\n  {output}',
    'setup.diff.failed': 'diff für {path} ging nicht: {error}',
    'setup.flags.noDeclaration':
      'Keine Erklärung: geben Sie --config DATEI an, oder --domain und --admin-mail, um eine aus dem Beispiel zu erzeugen.',
    'setup.flags.configUnreadable': '--config {file}: nicht lesbar ({error})',
    'setup.flags.needYes':
      'treff setup ändert das System. Unbeaufsichtigt mit --yes bestätigen, oder erst mit --dry-run ansehen.',
    'setup.flags.invalid': 'Ungültige Angaben:',
  },
  en: {
    'setup.status.changed': 'changed:',
    'setup.status.unchanged': 'unchanged:',
    'setup.status.skipped': 'skipped:',
    'setup.level.ok': 'ok',
    'setup.level.warn': 'warning',
    'setup.level.fail': 'FAIL',
    'setup.level.skipped': 'skipped',
    'setup.check.skipped': 'skipped (--skip-check)',
    'setup.check.os.unsupported':
      'found: {found}. treff setup runs on Debian 12 or 13. Install Debian 13 (trixie), or skip this check with --skip-check os.',
    'setup.check.os.node':
      '{found} with Node.js {node}: treff needs at least 20.19 (Debian 12 ships 18). Use Debian 13 or install a newer Node.js.',
    'setup.check.os.ok': '{found}',
    'setup.check.memory.unknown': 'cannot read the memory size (/proc/meminfo is missing).',
    'setup.check.memory.low':
      '{mib} MiB of memory: at least 1 GiB is recommended. It runs, with nothing to spare; a larger server or swap helps.',
    'setup.check.memory.ok': '{mib} MiB of memory',
    'setup.check.ports.busy':
      'port {port}/{proto} is held by {process}. Stop or remove that service, or skip this check with --skip-check ports.',
    'setup.check.ports.ours':
      'port {port}/{proto} is held by {process} already (managed by treff).',
    'setup.check.ports.ok': '{count} ports free or held by treff’s own daemons',
    'setup.check.dns.noMx':
      'no MX record for {name}. Add: {name}. IN MX 10 {name}. and {name}. IN A {address}',
    'setup.check.dns.missing':
      'no {record} record for {name}. Add: {name}. IN A {address} (and AAAA for IPv6).',
    'setup.check.dns.elsewhere':
      '{name} ({record}) points to {found}, this machine has {mine}. Fix the record; behind NAT: --skip-check dns.',
    'setup.check.dns.ok': '{name} ({record}) points to this machine',
    'setup.preflight.failed':
      'The preflight failed ({checks}); nothing was changed. Fix what is named above, or skip a check with --skip-check NAME.',
    'setup.packages.jitsi':
      'Jitsi Meet is not in Debian: treff does not install it (its repository is download.jitsi.org). Its files are rendered; the Jitsi steps run once jitsi-meet is installed.',
    'setup.admin.created': 'First admin login (shown this once only): {login}',
    'setup.configs.debian':
      'replaces the unmodified Debian file {path} (package {pkg}); a backup is kept',
    'setup.configs.foreign':
      '{count} files exist that treff did not write (nor are they unmodified Debian files). Nothing was changed. With --force they are replaced; each is backed up first.',
    'setup.declaration.differs':
      '{path} exists with other content. Leave out --config/--domain to keep it (treff setup then reads it), or replace it with --force (a backup is kept).',
    'setup.tls.missing':
      'No certificate at {path}. Choose --tls certbot (with --acme-email), --tls existing (with --cert and --key) or --tls self-signed (for tests only).',
    'setup.tls.openssl': 'openssl could not make a certificate: {error}',
    'setup.tls.certbotPath':
      'certbot writes to {live}/, but the declaration names {path}. Point tls.certificate and tls.key there, or use --tls existing.',
    'setup.tls.certbotNoSystemd':
      'certbot needs nginx running on port 80, and systemd does not run here. Use --tls existing or --tls self-signed and get the certificate later.',
    'setup.tls.certbotFailed':
      'certbot got no certificate for {names}. Check that every name points to this machine in DNS and that port 80 is reachable from outside:\n  {output}',
    'setup.jitsi.accounts':
      'Jitsi: create the focus and jvb accounts in /etc/prosody-jitsi once by hand (README, the install section).',
    'setup.start.noSystemd':
      'Starting skipped: systemd is not running here (a chroot or container). The services are enabled and start at the next boot.',
    'setup.start.notAsked': 'Starting skipped (--no-start); the services are enabled.',
    'setup.summary.changed': 'Done; the changes are listed above.',
    'setup.summary.wouldChange': 'Dry run: the lines above would change; nothing was changed.',
    'setup.summary.nothing': 'Nothing changed: everything was as declared already.',
    'setup.summary.backups': 'Backups of the replaced files: {dir}',
    'setup.doctor.dryRun': 'doctor: skipped in a dry run',
    'setup.doctor.summary':
      'doctor: {broken} promises broken, {warnings} warnings, {ok} checks passed, {skipped} skipped',
    'setup.command.failed': '{command} failed (code {code}):\n  {output}',
    'setup.diff.failed': 'diff of {path} failed: {error}',
    'setup.flags.noDeclaration':
      'No declaration: give --config FILE, or --domain and --admin-mail to create one from the example.',
    'setup.flags.configUnreadable': '--config {file}: cannot read it ({error})',
    'setup.flags.needYes':
      'treff setup changes this system. Confirm with --yes to run unattended, or look first with --dry-run.',
    'setup.flags.invalid': 'Invalid flags:',
  },
});
