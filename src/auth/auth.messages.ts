import { defineMessages } from '../core/i18n/index.ts';

/**
 * The texts of the web and member logins, the login-link mail and its audit event.
 * German is authoritative; `defineMessages` makes a missing or extra English key a compile
 * error.
 */
export const authMessages = defineMessages({
  de: {
    'login.title': 'Anmelden',
    'login.username': 'Benutzername',
    'login.password': 'Passwort',
    'login.submit': 'Anmelden',
    'login.failed': 'Benutzername oder Passwort stimmen nicht.',
    'login.throttled':
      'Zu viele fehlgeschlagene Anmeldungen. Bitte versuche es in {seconds} s noch einmal.',
    'login.memberHint': 'Du bist Mitglied und möchtest deine Daten sehen?',
    'login.memberLink': 'Anmeldelink per E-Mail anfordern',

    'memberLogin.title': 'Anmeldung für Mitglieder',
    'memberLogin.intro':
      'Gib die E-Mail-Adresse ein, die der Verein von dir gespeichert hat. Wir schicken dir einen Anmeldelink, der einmal und nur kurze Zeit gilt.',
    'memberLogin.email': 'E-Mail-Adresse',
    'memberLogin.submit': 'Link anfordern',
    'memberLogin.sent':
      'Wenn diese Adresse bei uns eingetragen ist, ist ein Anmeldelink unterwegs. Schau in dein Postfach.',
    'memberLogin.confirm': 'Mit diesem Link meldest du dich im Mitgliederbereich an.',
    'memberLogin.confirmButton': 'Jetzt anmelden',
    'memberLogin.linkInvalid': 'Dieser Anmeldelink ist abgelaufen oder wurde schon benutzt.',
    'memberLogin.again': 'Neuen Link anfordern',

    'mail.loginLink.subject': 'Dein Anmeldelink für {club}',
    'mail.loginLink.body':
      'Hallo {name},\n\nmit diesem Link meldest du dich im Mitgliederbereich von {club} an:\n\n{link}\n\nDer Link gilt {minutes} Minuten und nur einmal. Wenn du ihn nicht angefordert hast, kannst du diese E-Mail ignorieren.\n',

    'event.auth.member.logged_in': 'im Mitgliederbereich angemeldet',
  },
  en: {
    'login.title': 'Log in',
    'login.username': 'Username',
    'login.password': 'Password',
    'login.submit': 'Log in',
    'login.failed': 'Username or password is wrong.',
    'login.throttled': 'Too many failed logins. Please try again in {seconds} s.',
    'login.memberHint': 'Are you a member and want to see your data?',
    'login.memberLink': 'Request a login link by email',

    'memberLogin.title': 'Member login',
    'memberLogin.intro':
      'Enter the email address the club has on record for you. We will send you a login link that works once and only for a short time.',
    'memberLogin.email': 'Email address',
    'memberLogin.submit': 'Send link',
    'memberLogin.sent':
      'If this address is registered with us, a login link is on its way. Check your inbox.',
    'memberLogin.confirm': 'This link logs you in to the member portal.',
    'memberLogin.confirmButton': 'Log in now',
    'memberLogin.linkInvalid': 'This login link has expired or has been used already.',
    'memberLogin.again': 'Request a new link',

    'mail.loginLink.subject': 'Your login link for {club}',
    'mail.loginLink.body':
      'Hello {name},\n\nthis link logs you in to the member portal of {club}:\n\n{link}\n\nThe link works once and for {minutes} minutes. If you did not ask for it, you can ignore this email.\n',

    'event.auth.member.logged_in': 'logged in to the portal',
  },
});
