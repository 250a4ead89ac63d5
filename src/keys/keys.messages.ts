import { defineMessages } from '../core/i18n/index.ts';

/**
 * The texts of the Web Key Directory: key pages, key errors, the challenge mail and the audit
 * events.
 * German is authoritative; `defineMessages` makes a missing or extra English key a compile
 * error.
 */
export const keysMessages = defineMessages({
  de: {
    'event.keys.key.published': 'OpenPGP-Schlüssel veröffentlicht',
    'event.keys.key.removed': 'OpenPGP-Schlüssel entfernt',
    'event.keys.publication.requested': 'Veröffentlichung eines OpenPGP-Schlüssels beantragt',
    'event.keys.publication.lapsed': 'Antrag auf Veröffentlichung verfallen',
    'event.keys.publication.dropped': 'Antrag auf Veröffentlichung verworfen',

    'keys.my.title': 'Mein OpenPGP-Schlüssel',
    'keys.my.intro':
      'Im Web Key Directory (WKD) des Vereins finden Mailprogramme wie Thunderbird oder GnuPG deinen öffentlichen Schlüssel zu deiner Vereinsadresse {address} von selbst. Veröffentlicht wird nur die Benutzerkennung mit dieser Adresse: keine anderen Adressen, keine Fotos, keine Beglaubigungen anderer.',
    'keys.my.noAddress':
      'Schlüssel werden für die Mail-Adresse deines Mitglieder-Accounts veröffentlicht. Dafür brauchst du einen aktiven Account mit E-Mail.',
    'keys.my.published': 'Veröffentlicht',
    'keys.my.upload': 'Schlüssel hochladen',
    'keys.my.replace': 'Neuen Schlüssel hochladen (ersetzt den veröffentlichten)',
    'keys.my.remove': 'Schlüssel entfernen',
    'keys.my.removeConfirm': 'Ja, meinen Schlüssel aus dem Web Key Directory entfernen.',
    'keys.my.removedNotice': 'Dein Schlüssel ist aus dem Web Key Directory entfernt.',
    'keys.my.publishedNotice': 'Dein Schlüssel ist veröffentlicht.',
    'keys.my.recordFingerprint':
      'Den Fingerabdruck auch in meinen Mitgliedsdaten speichern (freiwillig, jederzeit widerrufbar).',
    'keys.my.wks': 'Mit GnuPG geht es auch per Mail (Web Key Service):',
    'keys.my.deletion':
      'Dein Schlüssel wird entfernt, sobald du es hier verlangst, deine Mitgliedschaft oder dein Account endet oder der Schlüssel abläuft oder widerrufen wird.',
    'keys.address': 'Adresse',
    'keys.member': 'Mitglied',
    'keys.fingerprint': 'Fingerabdruck',
    'keys.publishedAt': 'Veröffentlicht am',
    'keys.validity': 'Gültigkeit',
    'keys.expiresOn': 'läuft am {date} ab',
    'keys.neverExpires': 'ohne Ablaufdatum',
    'keys.actions': 'Aktionen',
    'keys.keyLabel': 'Öffentlicher Schlüssel (Text)',
    'keys.keyHelp': 'Exportieren mit: gpg --export --armor {address}',
    'keys.fileLabel': 'oder als Datei',
    'keys.check': 'Prüfen und weiter',
    'keys.pendingTitle': 'Zeig, dass der Schlüssel dir gehört',
    'keys.pendingText':
      'Der folgende Code ist mit deinem Schlüssel verschlüsselt. Entschlüssele ihn und gib ihn unten ein, zum Beispiel: Block in challenge.asc speichern, dann gpg --decrypt challenge.asc.',
    'keys.mailed':
      'Wir haben ihn auch an {address} geschickt; viele Mailprogramme entschlüsseln ihn von selbst.',
    'keys.pendingUntil': 'Der Code gilt bis {date}.',
    'keys.code': 'Entschlüsselter Code',
    'keys.confirm': 'Veröffentlichen',
    'keys.revokedRemoved':
      'Der Schlüssel ist widerrufen. Der veröffentlichte Schlüssel wurde aus dem Web Key Directory entfernt.',
    'keys.fingerprintRecorded': 'Der Fingerabdruck steht jetzt in den Mitgliedsdaten.',
    'keys.source.portal': 'Mitgliederbereich',
    'keys.source.admin': 'Admin',
    'keys.source.wks': 'Web Key Service',
    'keys.source.cli': 'Kommandozeile',
    'keys.admin.title': 'OpenPGP-Schlüssel (Web Key Directory)',
    'keys.admin.none': 'Es ist noch kein Schlüssel veröffentlicht.',
    'keys.admin.remove': 'Entfernen',
    'keys.admin.removeConfirm': 'Ja, auf Wunsch des Mitglieds entfernen.',
    'keys.admin.removed': 'Der Schlüssel ist entfernt.',
    'keys.admin.published': 'Der Schlüssel ist veröffentlicht.',
    'keys.admin.waiting': 'Wartende Anträge',
    'keys.admin.until': 'Gültig bis',
    'keys.admin.recordFingerprint':
      'Das Mitglied willigt ein, den Fingerabdruck in den Mitgliedsdaten zu speichern.',
    'keys.admin.publishTitle': 'Auf Wunsch eines Mitglieds veröffentlichen',
    'keys.admin.publishText':
      'Dieselben Prüfungen wie im Mitgliederbereich. Der Code geht verschlüsselt an die Vereinsadresse des Mitglieds; es bestätigt ihn im Mitgliederbereich oder nennt ihn dir.',
    'keys.error.key_malformed':
      'Das ist kein lesbarer öffentlicher OpenPGP-Schlüssel. Exportiere ihn mit gpg --export --armor und lade den ganzen Block hoch.',
    'keys.error.key_too_large': 'Der Schlüssel ist zu groß (höchstens 64 KiB).',
    'keys.error.key_multiple':
      'Bitte genau einen Schlüssel hochladen: das Web Key Directory liefert einen Schlüssel pro Adresse.',
    'keys.error.key_secret':
      'Das ist ein geheimer (privater) Schlüssel. Gib ihn niemals weiter! Exportiere nur den öffentlichen Schlüssel: gpg --export --armor ADRESSE.',
    'keys.error.key_not_v4':
      'Nur Schlüssel der Version 4 können veröffentlicht werden; GnuPG 2.2 und 2.4 können neuere nicht lesen.',
    'keys.error.key_revoked': 'Der Schlüssel ist widerrufen.',
    'keys.error.key_expired':
      'Der Schlüssel ist abgelaufen. Verlängere ihn (gpg --quick-set-expire) und lade ihn neu hoch.',
    'keys.error.key_invalid': 'Der Schlüssel ist nicht gültig signiert.',
    'keys.error.key_algorithm_rejected':
      'Der Schlüssel nutzt ein Verfahren oder eine Schlüssellänge, die nicht mehr als sicher gilt (DSA, ElGamal, RSA unter 2048 Bit). Erzeuge bitte einen neuen, z. B. mit gpg --quick-gen-key ADRESSE future-default.',
    'keys.error.key_uid_mismatch':
      'Der Schlüssel hat keine Benutzerkennung mit deiner Vereinsadresse. Füge sie hinzu (gpg --quick-add-uid) und lade ihn neu hoch.',
    'keys.error.key_uid_invalid':
      'Die Benutzerkennung mit deiner Vereinsadresse ist widerrufen, abgelaufen oder nicht gültig signiert.',
    'keys.error.key_no_encryption':
      'Der Schlüssel hat keinen gültigen Unterschlüssel zum Verschlüsseln; niemand könnte dir damit schreiben.',
    'keys.error.code_wrong': 'Dieser Code stimmt nicht.',
    'keys.error.code_attempts_exceeded':
      'Zu viele falsche Codes: der Antrag ist verworfen. Lade den Schlüssel bitte neu hoch.',
    'keys.error.publication_not_found':
      'Es wartet kein Schlüssel auf Veröffentlichung, oder der Antrag ist abgelaufen. Lade den Schlüssel bitte neu hoch.',
    'keys.error.account_not_active':
      'Schlüssel werden für die Adresse eines aktiven Mitglieder-Accounts veröffentlicht; einen solchen gibt es hier nicht.',
    'keys.error.member_not_active': 'Nur aktive Mitglieder können einen Schlüssel veröffentlichen.',
    'keys.error.club_address_missing':
      'Der Verein hat keine Mail-Adressen unter seiner WKD-Domain.',

    'mail.keyChallenge.subject': '{club}: Bestätige deinen OpenPGP-Schlüssel',
    'mail.keyChallenge.code':
      'Dein Code für die Veröffentlichung deines OpenPGP-Schlüssels bei {club}:\n\n{code}\n\nGib ihn im Mitgliederbereich ein. Er gilt nur einmal.\n',
    'mail.keyChallenge.body':
      'Hallo {name},\n\ndu möchtest deinen OpenPGP-Schlüssel im Web Key Directory des Vereins veröffentlichen. Unten steht ein Code, der mit diesem Schlüssel verschlüsselt ist. Entschlüssele ihn (viele Mailprogramme tun das von selbst, sonst mit gpg --decrypt) und gib ihn hier ein:\n\n{link}\n\nWenn du das nicht warst, kannst du diese E-Mail ignorieren: ohne den Code wird nichts veröffentlicht.\n\n{challenge}\n',
  },
  en: {
    'event.keys.key.published': 'OpenPGP key published',
    'event.keys.key.removed': 'OpenPGP key removed',
    'event.keys.publication.requested': 'publication of an OpenPGP key requested',
    'event.keys.publication.lapsed': 'key publication request lapsed',
    'event.keys.publication.dropped': 'key publication request dropped',

    'keys.my.title': 'My OpenPGP key',
    'keys.my.intro':
      "In the club's Web Key Directory (WKD), mail software such as Thunderbird or GnuPG finds your public key for your club address {address} on its own. Only the user ID with this address is published: no other addresses, no photos, no certifications by others.",
    'keys.my.noAddress':
      'Keys are published for the mail address of your member account. For that you need an active account with mail.',
    'keys.my.published': 'Published',
    'keys.my.upload': 'Upload your key',
    'keys.my.replace': 'Upload a new key (replaces the published one)',
    'keys.my.remove': 'Remove key',
    'keys.my.removeConfirm': 'Yes, remove my key from the Web Key Directory.',
    'keys.my.removedNotice': 'Your key has been removed from the Web Key Directory.',
    'keys.my.publishedNotice': 'Your key is published.',
    'keys.my.recordFingerprint':
      'Also store the fingerprint in my member data (optional, you can withdraw this at any time).',
    'keys.my.wks': 'With GnuPG it also works by mail (Web Key Service):',
    'keys.my.deletion':
      'Your key is removed as soon as you ask for it here, when your membership or your account ends, or when the key expires or is revoked.',
    'keys.address': 'Address',
    'keys.member': 'Member',
    'keys.fingerprint': 'Fingerprint',
    'keys.publishedAt': 'Published on',
    'keys.validity': 'Validity',
    'keys.expiresOn': 'expires on {date}',
    'keys.neverExpires': 'no expiry date',
    'keys.actions': 'Actions',
    'keys.keyLabel': 'Public key (text)',
    'keys.keyHelp': 'Export it with: gpg --export --armor {address}',
    'keys.fileLabel': 'or as a file',
    'keys.check': 'Check and continue',
    'keys.pendingTitle': 'Show that the key is yours',
    'keys.pendingText':
      'The code below is encrypted to your key. Decrypt it and enter it below, for example: save the block as challenge.asc, then run gpg --decrypt challenge.asc.',
    'keys.mailed': 'We also sent it to {address}; many mail programs decrypt it on their own.',
    'keys.pendingUntil': 'The code works until {date}.',
    'keys.code': 'Decrypted code',
    'keys.confirm': 'Publish',
    'keys.revokedRemoved':
      'The key is revoked. The published key has been removed from the Web Key Directory.',
    'keys.fingerprintRecorded': 'The fingerprint is now in the member data.',
    'keys.source.portal': 'member portal',
    'keys.source.admin': 'admin',
    'keys.source.wks': 'Web Key Service',
    'keys.source.cli': 'command line',
    'keys.admin.title': 'OpenPGP keys (Web Key Directory)',
    'keys.admin.none': 'No key is published yet.',
    'keys.admin.remove': 'Remove',
    'keys.admin.removeConfirm': "Yes, remove it at the member's request.",
    'keys.admin.removed': 'The key has been removed.',
    'keys.admin.published': 'The key is published.',
    'keys.admin.waiting': 'Waiting requests',
    'keys.admin.until': 'Valid until',
    'keys.admin.recordFingerprint':
      'The member agrees to store the fingerprint in the member data.',
    'keys.admin.publishTitle': "Publish at a member's request",
    'keys.admin.publishText':
      "The same checks as in the member portal. The code goes encrypted to the member's club address; they confirm it in the portal or tell it to you.",
    'keys.error.key_malformed':
      'This is not a readable OpenPGP public key. Export it with gpg --export --armor and upload the whole block.',
    'keys.error.key_too_large': 'The key is too large (at most 64 KiB).',
    'keys.error.key_multiple':
      'Please upload exactly one key: the Web Key Directory serves one key per address.',
    'keys.error.key_secret':
      'This is a secret (private) key. Never give it away! Export only the public key: gpg --export --armor ADDRESS.',
    'keys.error.key_not_v4':
      'Only version 4 keys can be published; GnuPG 2.2 and 2.4 cannot read newer ones.',
    'keys.error.key_revoked': 'The key is revoked.',
    'keys.error.key_expired':
      'The key has expired. Extend it (gpg --quick-set-expire) and upload it again.',
    'keys.error.key_invalid': 'The key is not validly signed.',
    'keys.error.key_algorithm_rejected':
      'The key uses an algorithm or size no longer considered safe (DSA, ElGamal, RSA below 2048 bits). Please create a new one, for example with gpg --quick-gen-key ADDRESS future-default.',
    'keys.error.key_uid_mismatch':
      'The key has no user ID with your club address. Add it (gpg --quick-add-uid) and upload it again.',
    'keys.error.key_uid_invalid':
      'The user ID with your club address is revoked, expired or not validly signed.',
    'keys.error.key_no_encryption':
      'The key has no valid encryption subkey; nobody could write to you with it.',
    'keys.error.code_wrong': 'This code is not right.',
    'keys.error.code_attempts_exceeded':
      'Too many wrong codes: the request was dropped. Please upload the key again.',
    'keys.error.publication_not_found':
      'No key is waiting for publication, or the request has lapsed. Please upload the key again.',
    'keys.error.account_not_active':
      'Keys are published for the address of an active member account, and there is none here.',
    'keys.error.member_not_active': 'Only active members can publish a key.',
    'keys.error.club_address_missing': 'The club has no mail addresses under its WKD domain.',

    'mail.keyChallenge.subject': '{club}: confirm your OpenPGP key',
    'mail.keyChallenge.code':
      'Your code for publishing your OpenPGP key at {club}:\n\n{code}\n\nEnter it in the member portal. It works once.\n',
    'mail.keyChallenge.body':
      "Hello {name},\n\nyou want to publish your OpenPGP key in the club's Web Key Directory. Below is a code encrypted to that key. Decrypt it (many mail programs do this on their own, otherwise use gpg --decrypt) and enter it here:\n\n{link}\n\nIf this was not you, ignore this mail: without the code nothing is published.\n\n{challenge}\n",
  },
});
