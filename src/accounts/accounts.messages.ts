import { defineMessages } from '../core/i18n/index.ts';

/**
 * The texts of member accounts: the board's list, the member's account page and the mails.
 * German is authoritative; `defineMessages` makes a missing or extra English key a compile
 * error.
 */
export const accountsMessages = defineMessages({
  de: {
    'mail.accountRequested.subject': 'Ein Mitglied hat einen Account beantragt',
    'mail.accountRequested.body':
      'Ein Mitglied hat einen Mitglieder-Account beantragt. Bitte prüfe den Antrag:\n\n{link}\n',

    'mail.passwordLink.subject': 'Dein Mitglieder-Account bei {club}',
    'mail.passwordLink.body':
      'Hallo {name},\n\ndein Mitglieder-Account ist eingerichtet.\n\nBenutzername: {username}\nE-Mail-Adresse: {mail}\nJabber-Adresse: {xmpp}\n\nLege dein Passwort mit diesem Link fest (er gilt einmal und nur begrenzte Zeit):\n\n{link}\n\nDein Passwort verschicken wir nie per E-Mail.\n',

    'accounts.title': 'Mitglieder-Accounts',
    'accounts.username': 'Benutzername',
    'accounts.member': 'Mitglied',
    'accounts.status': 'Status',
    'accounts.services': 'Dienste',
    'accounts.actions': 'Aktionen',
    'accounts.service.shell': 'Login-Shell (SSH)',
    'accounts.service.mail': 'E-Mail (IMAP/SMTP)',
    'accounts.service.xmpp': 'Jabber (XMPP)',
    'accounts.status.requested': 'beantragt',
    'accounts.status.active': 'aktiv',
    'accounts.status.disabled': 'gesperrt',
    'accounts.noPassword': 'noch kein Passwort',
    'accounts.deleteAfter': 'wird gelöscht ab {date}',
    'accounts.saveServices': 'Dienste speichern',
    'accounts.approve': 'Freigeben',
    'accounts.sendLink': 'Passwort-Link senden',
    'accounts.disable': 'Sperren',
    'accounts.enable': 'Entsperren',
    'accounts.delete': 'Löschen',
    'accounts.deleteConfirm': 'Account samt Postfach, Home-Verzeichnis und Jabber-Daten löschen',
    'accounts.create': 'Account anlegen',
    'accounts.createButton': 'Anlegen und Passwort-Link senden',
    'accounts.created':
      'Der Account ist angelegt; das Mitglied hat einen Link zum Festlegen des Passworts bekommen.',
    'accounts.createdNoMail':
      'Erledigt. Das Mitglied hat keine E-Mail-Adresse im Verzeichnis: setze das Passwort mit „treff accounts set-password“.',
    'accounts.approved':
      'Der Account ist freigegeben; das Mitglied hat einen Link zum Festlegen des Passworts bekommen.',
    'accounts.linkSent': 'Ein neuer Passwort-Link ist unterwegs.',
    'accounts.disabled': 'Der Account ist auf allen Diensten gesperrt.',
    'accounts.enabled': 'Der Account ist wieder aktiv.',
    'accounts.servicesSaved': 'Die Dienste sind gespeichert.',
    'accounts.deleted': 'Der Account ist gelöscht.',

    'myAccount.title': 'Mein Mitglieder-Account',
    'myAccount.intro':
      'Mit einem Mitglieder-Account nutzt du die Login-Shell, E-Mail (IMAP/SMTP) und Jabber des Vereins. Der Vorstand gibt deinen Antrag frei.',
    'myAccount.wishedUsername': 'Gewünschter Benutzername',
    'myAccount.usernameRules': '2–32 Kleinbuchstaben, Ziffern, _ und -, am Anfang ein Buchstabe.',
    'myAccount.request': 'Account beantragen',
    'myAccount.requested': 'Dein Antrag ist eingegangen.',
    'myAccount.onlyMembers': 'Accounts gibt es nur für aktive Mitglieder.',
    'myAccount.waiting': 'Dein Antrag wartet auf die Freigabe.',
    'myAccount.mailAddress': 'E-Mail-Adresse',
    'myAccount.xmppAddress': 'Jabber-Adresse',
    'myAccount.setPassword': 'Passwort festlegen',
    'myAccount.changePassword': 'Passwort ändern',
    'myAccount.newPassword': 'Neues Passwort',
    'myAccount.currentPassword': 'Aktuelles Passwort',
    'myAccount.repeatPassword': 'Passwort wiederholen',
    'myAccount.passwordRules':
      'Mindestens 12 Zeichen, keine Steuerzeichen und keine Zeichen, die Jabber umschreiben würde (etwa Ligaturen oder besondere Leerzeichen). Es gilt für Shell, E-Mail und Jabber zugleich.',
    'myAccount.savePassword': 'Passwort speichern',
    'myAccount.passwordSet': 'Dein Passwort ist gespeichert. Es gilt sofort für alle Dienste.',
    'myAccount.linkInvalid':
      'Dieser Link ist abgelaufen oder wurde schon benutzt. Melde dich im Mitgliederbereich an, um dein Passwort zu setzen.',
    'myAccount.sshKeys': 'SSH-Schlüssel',
    'myAccount.sshKeysHelp':
      'Ein öffentlicher OpenSSH-Schlüssel pro Zeile, etwa „ssh-ed25519 AAAA… laptop“.',
    'myAccount.saveKeys': 'Schlüssel speichern',
    'myAccount.keysSaved': 'Deine SSH-Schlüssel sind gespeichert.',
    'myAccount.deletion':
      'Deinen Account löschen wir auf formlose E-Mail an die Account-Adresse des Vereins, spätestens nach Ende der Mitgliedschaft und der erklärten Frist.',
  },
  en: {
    'mail.accountRequested.subject': 'A member asked for an account',
    'mail.accountRequested.body':
      'A member asked for a member account. Please review the request:\n\n{link}\n',

    'mail.passwordLink.subject': 'Your member account at {club}',
    'mail.passwordLink.body':
      'Hello {name},\n\nyour member account is ready.\n\nUsername: {username}\nEmail address: {mail}\nJabber address: {xmpp}\n\nSet your password with this link (it works once and for a limited time):\n\n{link}\n\nWe never send your password by email.\n',

    'accounts.title': 'Member accounts',
    'accounts.username': 'Username',
    'accounts.member': 'Member',
    'accounts.status': 'Status',
    'accounts.services': 'Services',
    'accounts.actions': 'Actions',
    'accounts.service.shell': 'login shell (SSH)',
    'accounts.service.mail': 'mail (IMAP/SMTP)',
    'accounts.service.xmpp': 'Jabber (XMPP)',
    'accounts.status.requested': 'requested',
    'accounts.status.active': 'active',
    'accounts.status.disabled': 'disabled',
    'accounts.noPassword': 'no password yet',
    'accounts.deleteAfter': 'deleted from {date}',
    'accounts.saveServices': 'Save services',
    'accounts.approve': 'Approve',
    'accounts.sendLink': 'Send password link',
    'accounts.disable': 'Disable',
    'accounts.enable': 'Enable',
    'accounts.delete': 'Delete',
    'accounts.deleteConfirm': 'Delete the account with its mailbox, home directory and Jabber data',
    'accounts.create': 'Create an account',
    'accounts.createButton': 'Create and send password link',
    'accounts.created': 'The account is created; the member got a link to set the password.',
    'accounts.createdNoMail':
      'Done. The member has no email address in the registry: set the password with "treff accounts set-password".',
    'accounts.approved': 'The account is approved; the member got a link to set the password.',
    'accounts.linkSent': 'A new password link is on its way.',
    'accounts.disabled': 'The account is disabled on every service.',
    'accounts.enabled': 'The account is active again.',
    'accounts.servicesSaved': 'The services are saved.',
    'accounts.deleted': 'The account is deleted.',

    'myAccount.title': 'My member account',
    'myAccount.intro':
      "A member account lets you use the club's login shell, mail (IMAP/SMTP) and Jabber. The board approves your request.",
    'myAccount.wishedUsername': 'Username you would like',
    'myAccount.usernameRules': '2–32 lower-case letters, digits, _ and -, starting with a letter.',
    'myAccount.request': 'Request an account',
    'myAccount.requested': 'Your request has arrived.',
    'myAccount.onlyMembers': 'Accounts are for active members only.',
    'myAccount.waiting': 'Your request is waiting for approval.',
    'myAccount.mailAddress': 'Email address',
    'myAccount.xmppAddress': 'Jabber address',
    'myAccount.setPassword': 'Set your password',
    'myAccount.changePassword': 'Change your password',
    'myAccount.newPassword': 'New password',
    'myAccount.currentPassword': 'Current password',
    'myAccount.repeatPassword': 'Repeat the password',
    'myAccount.passwordRules':
      'At least 12 characters, no control characters and no characters Jabber would rewrite (such as ligatures or special spaces). It works for shell, mail and Jabber alike.',
    'myAccount.savePassword': 'Save password',
    'myAccount.passwordSet': 'Your password is saved. It works at once on every service.',
    'myAccount.linkInvalid':
      'This link has expired or has been used already. Log in to the member portal to set your password.',
    'myAccount.sshKeys': 'SSH keys',
    'myAccount.sshKeysHelp': 'One OpenSSH public key per line, such as "ssh-ed25519 AAAA… laptop".',
    'myAccount.saveKeys': 'Save keys',
    'myAccount.keysSaved': 'Your SSH keys are saved.',
    'myAccount.deletion':
      "We delete your account on an informal email to the club's account address, at the latest after your membership ends and the declared period has passed.",
  },
});
