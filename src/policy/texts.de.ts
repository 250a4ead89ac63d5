/**
 * The sentence templates of the privacy policy and the Art. 30 record, in German. German is
 * authoritative: texts.en.ts must have exactly these keys (the compiler checks it) and say the
 * same. Placeholders are `{name}`; the builder fills them with facts from the declaration, so no
 * template names a club, a domain, a number or a period of its own.
 *
 * These are treff's own texts, written for the declaration's structure; the reference policy of
 * the example club supplied facts only.
 */
export const de = {
  title: 'Datenschutzerklärung',
  'meta.edition': 'Stand: {date} · Version {version}',
  'meta.version': 'Version {version}',
  'meta.authoritative':
    'Diese Erklärung gibt es auch auf Englisch. Verbindlich ist die deutsche Fassung.',

  quoted: '„{text}“',
  'overview.title': 'Das Wichtigste in Kürze',
  'overview.minimal':
    'Wir erheben nur die Daten, die wir für unsere Dienste wirklich brauchen, und löschen sie, sobald wir sie nicht mehr brauchen.',
  'overview.selfHosted':
    'Den Server und alle Dienste darauf administrieren ausschließlich wir selbst.',
  'overview.noTracking':
    'Unsere Website setzt keine Cookies und verwendet keine Werkzeuge, die Ihr Verhalten analysieren oder verfolgen (Tracking).',
  'overview.websiteStorage':
    'Unsere Website legt Angaben in Ihrem Browser ab; was genau, steht im Abschnitt {section}.',
  'overview.deviceStorage':
    'Etwas in Ihrem Browser speichern nur diese Dienste: {services}. Einzelheiten stehen im jeweiligen Abschnitt.',
  'overview.passwords': 'Passwörter speichern wir nie im Klartext, sondern nur als Hashwert.',
  'overview.disclosure':
    'Wir verkaufen keine Daten und geben sie nicht weiter. Die einzige Ausnahme: Wenn ein Gesetz uns dazu verpflichtet, übermitteln wir Daten an {recipients}.',
  'overview.noDisclosure': 'Wir verkaufen keine Daten und geben sie nicht an Dritte weiter.',
  'overview.noTransfer':
    'Wir übermitteln keine Daten in Länder außerhalb der Europäischen Union (Drittländer).',
  'overview.tableIntro':
    'Die Tabelle nennt jede Verarbeitung; Einzelheiten stehen weiter unten im jeweiligen Abschnitt.',
  'overview.table.activity': 'Verarbeitung',
  'overview.table.subjects': 'Wen sie betrifft',
  'overview.table.basis': 'Rechtsgrundlage',

  'controller.title': 'Verantwortlicher',
  'controller.intro': 'Verantwortlich für die Verarbeitung Ihrer Daten nach der DSGVO ist:',
  'controller.name': 'Verein',
  'controller.address': 'Anschrift',
  'controller.register': 'Registereintrag',
  'controller.representedBy': 'Vertreten durch',
  'controller.email': 'E-Mail',
  'controller.website': 'Website',

  'contact.title': 'Datenschutzkontakt',
  'contact.text':
    'Fragen zum Datenschutz und Anträge zu Ihren Rechten schicken Sie bitte an {email}.',
  'contact.noDpo': 'Einen Datenschutzbeauftragten haben wir nicht benannt.',
  'contact.dpo': 'Unser Datenschutzbeauftragter ist {name}, erreichbar unter {email}.',

  'processing.title': 'Welche Daten wir wofür verarbeiten',
  'processing.intro':
    'Zu jeder Verarbeitung steht hier, welche Daten wir verarbeiten, wozu, auf welcher Rechtsgrundlage, wer sie erhält, wie lange wir sie speichern und wie Sie sie löschen lassen können.',

  'service.website': 'Website',
  'service.jitsi': 'Videokonferenzen',
  'service.mail': 'E-Mail',
  'service.xmpp': 'Jabber (XMPP)',
  'service.shell': 'Login-Shell',
  'service.wkd': 'OpenPGP-Schlüssel (Web Key Directory)',
  'service.members': 'Mitgliedschaft und Verein',
  'service.portal': 'Anmeldung auf dieser Website',

  'activity.data': 'Daten',
  'activity.subjects': 'Betroffene Personen',
  'activity.purposes': 'Zwecke',
  'activity.basis': 'Rechtsgrundlage',
  'activity.recipients': 'Wer die Daten erhält',
  'activity.recipients.none': 'keine weiteren Empfänger',
  'activity.retention': 'Speicherdauer',
  'activity.deletion': 'Löschung',
  'activity.provision': 'Pflicht oder freiwillig',
  'activity.passwordHash':
    'Ihr Passwort speichern wir nicht im Klartext, sondern nur als Hashwert, aus dem es sich nicht zurückrechnen lässt.',
  'activity.sessionCookie':
    'Nach der Anmeldung setzen wir ein einziges Cookie, das Ihre Sitzung kennzeichnet; es endet mit der Sitzung.',

  'basis.withLaw': '{basis} aus {law}',
  'basis.withInterest': '{basis}; unser Interesse: {interest}',
  'basis.forData': '{basis}, für {data}',

  'provision.optional':
    'Freiwillig. Wenn Sie diese Angaben nicht machen, können Sie nur diesen Dienst nicht nutzen.',
  'provision.contract':
    'Ohne diese Angaben können wir die Mitgliedschaft oder den Dienst nicht anbieten.',

  'deletion.automatic':
    'Die Daten werden wie angegeben automatisch gelöscht; Sie müssen nichts tun. Eine frühere Löschung können Sie per E-Mail an {email} verlangen, soweit uns kein Gesetz die Aufbewahrung vorschreibt.',
  'deletion.onRequest': 'Die Löschung verlangen Sie formlos per E-Mail an {email}.',

  'retention.forData': '{data}: {rule}',
  'retention.withDuty': '{rule} (Aufbewahrungspflicht nach {basis})',
  'retention.holdWhileOwed':
    '{rule}; solange noch Beiträge offen sind, bewahren wir sie auf, um sie einzufordern, höchstens {duration} nach dem Ende des Kalenderjahres des Austritts (Verjährung, {basis})',
  'retention.keep': 'gespeichert bis {duration} nach {event}, danach {action}',
  'retention.keepYearEnd':
    'gespeichert bis {duration} nach dem Ende des Kalenderjahres, in dem {clause}, danach {action}',
  'retention.immediate': '{at} {action}',
  'retention.immediateYearEnd': 'am Ende des Kalenderjahres {action}, in dem {clause}',
  'retention.transient':
    'nur während der Übertragung im Arbeitsspeicher gehalten und nicht gespeichert',
  'retention.keepCount': 'nur die letzten {count} gespeichert, ältere automatisch {action}',
  'retention.untilRequest': 'gespeichert, bis Sie die Löschung verlangen, dann {action}',
  'retention.onDevice': 'bleiben in Ihrem Browser, bis Sie sie dort löschen',
  'retention.inHome': 'bleiben in Ihrem Home-Verzeichnis, bis Sie sie selbst löschen',

  'event.after.created': 'der Erhebung',
  'event.after.membership.ended': 'dem Ende der Mitgliedschaft',
  'event.after.account.closed': 'der Schließung des Accounts',
  'event.after.consent.withdrawn': 'dem Widerruf der Einwilligung',
  'event.after.bookingYear.ended': 'dem Ende des Buchungsjahres',
  'event.after.request.closed': 'dem Abschluss der Anfrage',
  'event.after.mandate.ended':
    'dem Ende des Lastschriftmandats (Widerruf, Verfall nach 36 Monaten ohne Einzug oder Austritt, frühestens dem letzten Einzug)',
  'event.at.created': 'sofort nach der Verarbeitung',
  'event.at.membership.ended': 'mit dem Ende der Mitgliedschaft',
  'event.at.account.closed': 'mit der Schließung des Accounts',
  'event.at.consent.withdrawn': 'mit dem Widerruf der Einwilligung',
  'event.at.bookingYear.ended': 'mit dem Ende des Buchungsjahres',
  'event.at.request.closed': 'mit dem Abschluss der Anfrage',
  'event.at.mandate.ended': 'mit dem Ende des Lastschriftmandats',
  'event.clause.created': 'sie erhoben wurden',
  'event.clause.membership.ended': 'die Mitgliedschaft endet',
  'event.clause.account.closed': 'der Account geschlossen wird',
  'event.clause.consent.withdrawn': 'die Einwilligung widerrufen wird',
  'event.clause.bookingYear.ended': 'das Buchungsjahr endet',
  'event.clause.request.closed': 'die Anfrage abgeschlossen ist',
  'event.clause.mandate.ended': 'das Lastschriftmandat endet',

  'action.delete': 'gelöscht',
  'action.restrict': 'gesperrt und nur noch für die Aufbewahrungspflicht verwendet',
  'action.anonymise': 'anonymisiert',

  'legalRecipient.taxAuthority': 'Finanzbehörden',
  'legalRecipient.lawEnforcement': 'Strafverfolgungsbehörden',
  'legalRecipient.court': 'Gerichte',

  'website.log':
    'Wenn Sie unsere Website {domain} aufrufen, schreibt der Webserver nur diese Angaben in sein Protokoll: {fields}.',
  'website.noCookies':
    'Die Website setzt keine Cookies, legt nichts in Ihrem Browser ab und bindet keine Werkzeuge zur Analyse oder zum Tracking ein.',
  'website.osm':
    'Wo wir uns treffen, zeigen wir nicht mit einer eingebetteten Karte, sondern mit einem einfachen Link auf OpenStreetMap: {link}. Erst wenn Sie dem Link folgen, ruft Ihr Browser die Website von OpenStreetMap auf; dort gilt deren Datenschutzerklärung.',

  'jitsi.intro': 'Für Videokonferenzen betreiben wir Jitsi Meet unter {domain}.',
  'jitsi.encryption':
    'Audio und Video überträgt Jitsi Meet mit WebRTC verschlüsselt (DTLS und SRTP). Konferenzen mit mehreren Personen sind damit aber nicht Ende-zu-Ende-verschlüsselt: Auf unserem Konferenzserver liegen die Daten entschlüsselt vor, sodass wir als Betreiber sie einsehen könnten.',
  'jitsi.selfHost': 'Wer uns dabei nicht vertrauen möchte, kann Jitsi Meet auch selbst betreiben.',
  'jitsi.noLogging':
    'Der Konferenzserver zeichnet nichts auf und protokolliert nichts über Sie oder Ihre Konferenzen, nicht einmal Ihre IP-Adresse.',
  'jitsi.stun':
    'Damit Teilnehmende auch hinter einem Router (NAT) direkt miteinander verbunden werden können, fragt Ihr Browser bei einem STUN-Server nach seiner öffentlichen IP-Adresse. Dafür nutzen wir einen eigenen STUN-Server auf {host} (Port {port}), keinen fremden.',
  'jitsi.storage':
    'Jitsi Meet legt im lokalen Speicher Ihres Browsers (local storage, eine Art Cookie) diese Angaben ab: {items}. Das erleichtert die Bedienung; Sie können den Speicher jederzeit in Ihrem Browser leeren.',

  'mail.intro':
    'Mit einem Mitglieder-Account nutzen Sie unseren Mailserver für {domain} über {protocols}.',
  'mail.remoteServer':
    'Wenn unser SMTP-Server eine E-Mail an einen anderen Mailserver übergibt, protokolliert er auch dessen IP-Adresse.',

  'xmpp.intro': 'Unser Jabber-Server (XMPP) läuft unter {domain}.',
  'xmpp.history':
    'In den Chaträumen unter {domain} bewahrt der Server nur die letzten {count} Nachrichten auf und zeigt sie jedem, der den Raum betritt; alle älteren löscht er automatisch.',
  'xmpp.noHistory': 'Die Chaträume unter {domain} bewahren keine Nachrichten auf.',
  'xmpp.upload':
    'Lange Nachrichten und Bilder legt der Server in einer Zwischenablage unter {domain} ab und löscht sie dort {duration} nach dem Hochladen automatisch.',
  'xmpp.direct':
    'Nachrichten zwischen zwei Personen speichert der Server nicht, weder in einem Archiv noch zur späteren Zustellung, wenn jemand offline ist.',

  'shell.intro':
    'Mit einem Mitglieder-Account können Sie sich an der Login-Shell auf {host} anmelden.',
  'shell.historyOptIn':
    'Ob Ihre Befehle als Shell-Historie gespeichert werden, entscheiden Sie selbst: Sie wird nur geschrieben, wenn Sie sie einschalten.',
  'shell.historyOff': 'Eine Shell-Historie wird nicht gespeichert.',

  'wkd.intro':
    'Im Web Key Directory (WKD) unter {domain} veröffentlichen wir den öffentlichen OpenPGP-Schlüssel eines Mitglieds nur auf dessen Antrag, den Sie formlos per E-Mail an {email} stellen.',
  'wkd.clubUid':
    'Voraussetzung ist, dass der Schlüssel Ihre Vereins-E-Mail-Adresse (…@{domain}) als Identität trägt.',
  'wkd.removal': 'Entfernen lassen Sie den Schlüssel ebenso mit einer formlosen E-Mail an {email}.',

  'accounts.request':
    'Mitglieder-Accounts gibt es nur für Mitglieder. Wir richten einen Account erst ein, wenn Sie ihn mit einer formlosen E-Mail an {email} oder im Mitgliederbereich beantragen.',
  'accounts.services': 'Mit dem Account nutzen Sie {services}.',
  'accountService.shell': 'die Login-Shell',
  'accountService.mail': 'den Mailserver ({protocols})',
  'accountService.xmpp': 'den Jabber-Server',

  'rights.title': 'Ihre Rechte',
  'rights.intro': 'Sie haben uns gegenüber diese Rechte an Ihren Daten:',
  'rights.access':
    'Auskunft: Sie erfahren, welche Daten wir über Sie gespeichert haben (Art. 15 DSGVO).',
  'rights.accessPortal':
    'Mitglieder sehen ihre gespeicherten Daten jederzeit selbst im Mitgliederbereich und können sie dort herunterladen.',
  'rights.rectification':
    'Berichtigung: Falsche Daten korrigieren wir, unvollständige ergänzen wir (Art. 16 DSGVO).',
  'rights.erasure':
    'Löschung: Wir löschen Ihre Daten, soweit kein Gesetz uns die Aufbewahrung vorschreibt (Art. 17 DSGVO).',
  'rights.restriction':
    'Einschränkung: Sie können verlangen, dass wir Ihre Daten nur noch eingeschränkt verarbeiten (Art. 18 DSGVO).',
  'rights.portability':
    'Datenübertragbarkeit: Daten, die Sie uns gegeben haben und die wir mit Ihrer Einwilligung oder für einen Vertrag verarbeiten, erhalten Sie in einem gängigen, maschinenlesbaren Format (Art. 20 DSGVO).',
  'rights.how':
    'Schreiben Sie uns dazu formlos an {email}. Wir antworten innerhalb eines Monats (Art. 12 Abs. 3 DSGVO).',

  'objection.title': 'Ihr Widerspruchsrecht (Art. 21 DSGVO)',
  'objection.f':
    'Wo wir Daten auf Grund eines berechtigten Interesses verarbeiten (Art. 6 Abs. 1 lit. f DSGVO), können Sie jederzeit widersprechen, wenn Gründe aus Ihrer besonderen Situation dafür sprechen.',
  'objection.e':
    'Wo wir Daten im öffentlichen Interesse verarbeiten (Art. 6 Abs. 1 lit. e DSGVO), können Sie jederzeit widersprechen, wenn Gründe aus Ihrer besonderen Situation dafür sprechen.',
  'objection.ef':
    'Wo wir Daten auf Grund eines berechtigten Interesses oder im öffentlichen Interesse verarbeiten (Art. 6 Abs. 1 lit. f oder e DSGVO), können Sie jederzeit widersprechen, wenn Gründe aus Ihrer besonderen Situation dafür sprechen.',
  'objection.activities': 'Das betrifft: {activities}.',
  'objection.effect':
    'Nach einem Widerspruch verarbeiten wir diese Daten nicht mehr, es sei denn, wir können zwingende schutzwürdige Gründe nachweisen, die Ihre Interessen, Rechte und Freiheiten überwiegen, oder wir brauchen die Daten, um Rechtsansprüche geltend zu machen, auszuüben oder zu verteidigen.',
  'objection.how': 'Ein Widerspruch ist formlos möglich; eine E-Mail an {email} genügt.',

  'withdrawal.title': 'Widerruf einer Einwilligung',
  'withdrawal.text':
    'Eine Einwilligung können Sie jederzeit mit Wirkung für die Zukunft widerrufen (Art. 7 Abs. 3 DSGVO). Das betrifft: {activities}. Was wir bis zum Widerruf verarbeitet haben, bleibt rechtmäßig.',

  'complaint.title': 'Beschwerde bei der Aufsichtsbehörde',
  'complaint.text':
    'Sie können sich bei einer Datenschutz-Aufsichtsbehörde beschweren, wenn Sie meinen, dass wir Ihre Daten nicht rechtmäßig verarbeiten (Art. 77 DSGVO). Für uns zuständig ist: {name}, {address}, im Internet unter {url}.',
  'complaint.email': 'Die Behörde erreichen Sie auch per E-Mail an {email}.',

  'automated.title': 'Keine automatisierten Entscheidungen',
  'automated.text':
    'Wir treffen keine Entscheidungen, die allein auf automatisierter Verarbeitung beruhen, und bilden keine Profile (Art. 22 DSGVO).',

  'changes.title': 'Änderungen',
  'changes.text':
    'Diese Erklärung entsteht aus der Datenschutz-Deklaration unseres Servers. Ändert sich die Deklaration, ändern sich auch Version und Stand oben.',

  'record.download': 'Als Markdown herunterladen',
  'record.link': 'Verzeichnis von Verarbeitungstätigkeiten (für Vorstand und Admins)',
  'record.title': 'Verzeichnis von Verarbeitungstätigkeiten (Art. 30 Abs. 1 DSGVO)',
  'record.intro':
    'Für den Vorstand, erzeugt aus derselben Deklaration wie die Datenschutzerklärung. Das Verzeichnis wird nicht veröffentlicht; die Aufsichtsbehörde kann es anfordern (Art. 30 Abs. 4 DSGVO).',
  'record.controller.title': 'Angaben zum Verantwortlichen',
  'record.name': 'Name',
  'record.address': 'Anschrift',
  'record.email': 'E-Mail',
  'record.website': 'Website',
  'record.register': 'Registereintrag',
  'record.representative': 'Vertreten durch',
  'record.dpo': 'Datenschutzbeauftragter',
  'record.dpo.none': 'nicht benannt',
  'record.privacyContact': 'Ansprechpartner für den Datenschutz',
  'record.authority': 'Zuständige Aufsichtsbehörde',
  'record.activities.title': 'Verarbeitungstätigkeiten',
  'record.activity.title': '{number}. {title}',
  'record.id': 'Kennung in der Deklaration',
  'record.contact': 'Ansprechpartner',
  'record.purposes': 'Zwecke der Verarbeitung',
  'record.basis': 'Rechtsgrundlage',
  'record.subjects': 'Kategorien betroffener Personen',
  'record.data': 'Kategorien personenbezogener Daten',
  'record.special': 'Besondere Kategorien (Art. 9 DSGVO)',
  'record.none': 'keine',
  'record.recipients': 'Kategorien von Empfängern',
  'record.transfers': 'Übermittlung in Drittländer',
  'record.erasure': 'Fristen für die Löschung',
  'record.store': 'Speicherort',
  'record.deletion': 'Löschung auf Antrag',
  'record.optional': 'Angaben freiwillig',
  'record.yes': 'ja',
  'record.no': 'nein',
  'record.tom.title': 'Technische und organisatorische Maßnahmen (Art. 32 DSGVO)',
  'record.tom.intro': 'Aus der Deklaration ergeben sich diese Maßnahmen:',
  'record.tom.selfHosted': 'Server und Dienste administriert ausschließlich der Verein selbst.',
  'record.tom.roles':
    'Zugang zur Mitgliederverwaltung nur nach Anmeldung und nach Rolle (Vorstand, Kasse, Admins).',
  'record.tom.passwords': 'Passwörter werden nur als Hashwert gespeichert.',
  'record.tom.retention':
    'Für jede Verarbeitung legt die Deklaration fest, wie lange die Daten gespeichert und wie sie gelöscht werden.',
  'record.tom.noTransfer': 'Keine Übermittlung in Drittländer.',
  'record.tom.more':
    'Weitere Maßnahmen (Zutritt zum Server, Datensicherung, Updates, Verschlüsselung der Datenträger) dokumentiert der Vorstand gesondert.',

  'store.database': 'Datenbank von treff, Tabelle {table}',
  'store.file-log': 'Protokolldatei {path}',
  'store.journald': 'Systemprotokoll (journald) von {units}',
  'store.directory': 'Verzeichnis {path}',
  'store.maildir': 'Postfächer (Maildir) unter {path}',
  'store.home-directory': 'Home-Verzeichnisse unter {path}',
  'store.memory': 'nur im Arbeitsspeicher',
  'store.client-device': 'im Browser der betroffenen Person, nicht auf unserem Server',
} as const;

/** The key of a policy sentence template. */
export type PolicyTextKey = keyof typeof de;
