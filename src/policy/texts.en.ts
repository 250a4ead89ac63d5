import type { PolicyTextKey } from './texts.de.ts';

/**
 * The English sentence templates. The type makes the compiler refuse a missing or an extra key,
 * so both languages always have the same templates; each must carry the same facts and the same
 * placeholders as its German original (a test checks the placeholders).
 */
export const en: Record<PolicyTextKey, string> = {
  title: 'Privacy policy',
  'meta.edition': 'As of {date} · version {version}',
  'meta.version': 'Version {version}',
  'meta.authoritative':
    'This is a translation of our German privacy policy. Only the German version is binding.',

  quoted: '“{text}”',
  'overview.title': 'In brief',
  'overview.minimal':
    'We collect only the data our services really need, and we delete it as soon as we no longer need it.',
  'overview.selfHosted': 'We administer the server and every service on it entirely ourselves.',
  'overview.noTracking':
    'Our website sets no cookies and uses no tools that analyse or follow your behaviour (tracking).',
  'overview.websiteStorage':
    'Our website stores information in your browser; the section {section} says exactly what.',
  'overview.deviceStorage':
    'Only these services store anything in your browser: {services}. The respective section has the details.',
  'overview.passwords': 'We never store passwords in plain text, only as a hash.',
  'overview.disclosure':
    'We do not sell data and we do not pass it on. The only exception: where a law obliges us, we transmit data to {recipients}.',
  'overview.noDisclosure': 'We do not sell data and we do not pass it on to third parties.',
  'overview.noTransfer':
    'We transfer no data to countries outside the European Union (third countries).',
  'overview.tableIntro':
    'The table lists every processing activity; its section further down has the details.',
  'overview.table.activity': 'Processing',
  'overview.table.subjects': 'Whom it concerns',
  'overview.table.basis': 'Legal basis',

  'controller.title': 'Controller',
  'controller.intro': 'The controller responsible for processing your data under the GDPR is:',
  'controller.name': 'Club',
  'controller.address': 'Address',
  'controller.register': 'Register entry',
  'controller.representedBy': 'Represented by',
  'controller.email': 'Email',
  'controller.website': 'Website',

  'contact.title': 'Privacy contact',
  'contact.text': 'Please send questions about privacy and requests about your rights to {email}.',
  'contact.noDpo': 'We have not appointed a data protection officer.',
  'contact.dpo': 'Our data protection officer is {name}, reachable at {email}.',

  'processing.title': 'Which data we process and why',
  'processing.intro':
    'For each processing activity this section says which data we process, for what purpose, on which legal basis, who receives it, how long we keep it and how you can have it deleted.',

  'service.website': 'Website',
  'service.jitsi': 'Video conferences',
  'service.mail': 'Email',
  'service.xmpp': 'Jabber (XMPP)',
  'service.shell': 'Login shell',
  'service.wkd': 'OpenPGP keys (Web Key Directory)',
  'service.members': 'Membership and club',
  'service.portal': 'Logging in on this website',

  'activity.data': 'Data',
  'activity.subjects': 'People concerned',
  'activity.purposes': 'Purposes',
  'activity.basis': 'Legal basis',
  'activity.recipients': 'Who receives the data',
  'activity.recipients.none': 'no other recipients',
  'activity.retention': 'How long we keep it',
  'activity.deletion': 'Deletion',
  'activity.provision': 'Required or optional',
  'activity.passwordHash':
    'We do not store your password in plain text, only as a hash from which it cannot be recovered.',
  'activity.sessionCookie':
    'After you log in we set a single cookie that identifies your session; it ends with the session.',

  'basis.withLaw': '{basis} under {law}',
  'basis.withInterest': '{basis}; our interest: {interest}',
  'basis.forData': '{basis}, for {data}',

  'provision.optional':
    'Optional. If you do not provide this data, the only consequence is that you cannot use this service.',
  'provision.contract': 'Without this data we cannot offer the membership or the service.',

  'deletion.automatic':
    'The data is deleted automatically as stated; you need not do anything. You can ask for earlier deletion by email to {email}, unless a law requires us to keep the data.',
  'deletion.onRequest': 'Ask for deletion by an informal email to {email}.',

  'retention.forData': '{data}: {rule}',
  'retention.withDuty': '{rule} (retention duty under {basis})',
  'retention.holdWhileOwed':
    '{rule}; while contributions are still owed, we keep it to collect them, at most {duration} after the end of the calendar year of the exit (limitation, {basis})',
  'retention.keep': 'kept until {duration} after {event}, then {action}',
  'retention.keepYearEnd':
    'kept until {duration} after the end of the calendar year in which {clause}, then {action}',
  'retention.immediate': '{action} {at}',
  'retention.immediateYearEnd': '{action} at the end of the calendar year in which {clause}',
  'retention.transient': 'held in memory only while being transmitted, and never stored',
  'retention.keepCount': 'only the latest {count} kept, older ones {action} automatically',
  'retention.untilRequest': 'kept until you ask for deletion, then {action}',
  'retention.onDevice': 'stay in your browser until you delete them there',
  'retention.inHome': 'stay in your home directory until you delete them yourself',

  'event.after.created': 'collection',
  'event.after.membership.ended': 'the end of the membership',
  'event.after.account.closed': 'the account is closed',
  'event.after.consent.withdrawn': 'consent is withdrawn',
  'event.after.bookingYear.ended': 'the end of the booking year',
  'event.after.request.closed': 'the closing of the request',
  'event.after.mandate.ended':
    'the end of the direct debit mandate (revocation, lapse after 36 months without a collection, or exit; at the earliest the last collection)',
  'event.at.created': 'right after processing',
  'event.at.membership.ended': 'when the membership ends',
  'event.at.account.closed': 'when the account is closed',
  'event.at.consent.withdrawn': 'when consent is withdrawn',
  'event.at.bookingYear.ended': 'at the end of the booking year',
  'event.at.request.closed': 'when the request is closed',
  'event.at.mandate.ended': 'when the direct debit mandate ends',
  'event.clause.created': 'they were collected',
  'event.clause.membership.ended': 'the membership ends',
  'event.clause.account.closed': 'the account is closed',
  'event.clause.consent.withdrawn': 'consent is withdrawn',
  'event.clause.bookingYear.ended': 'the booking year ends',
  'event.clause.request.closed': 'the request is closed',
  'event.clause.mandate.ended': 'the direct debit mandate ends',

  'action.delete': 'deleted',
  'action.restrict': 'blocked and used only for the retention duty',
  'action.anonymise': 'anonymised',

  'legalRecipient.taxAuthority': 'tax authorities',
  'legalRecipient.lawEnforcement': 'law enforcement authorities',
  'legalRecipient.court': 'courts',

  'website.log':
    'When you visit our website {domain}, the web server writes only these details into its log: {fields}.',
  'website.noCookies':
    'The website sets no cookies, stores nothing in your browser and includes no tools for analysis or tracking.',
  'website.osm':
    'We show where we meet not with an embedded map but with a plain link to OpenStreetMap: {link}. Only when you follow the link does your browser open the OpenStreetMap website, where its own privacy policy applies.',

  'jitsi.intro': 'For video conferences we run Jitsi Meet at {domain}.',
  'jitsi.encryption':
    'Jitsi Meet transmits audio and video encrypted with WebRTC (DTLS and SRTP). Conferences with several people are nevertheless not end-to-end encrypted: on our conference server the data is decrypted, so we as the operator could see it.',
  'jitsi.selfHost':
    'If you do not want to trust us with this, you can also run Jitsi Meet yourself.',
  'jitsi.noLogging':
    'The conference server records nothing and logs nothing about you or your conferences, not even your IP address.',
  'jitsi.stun':
    'So that participants behind a router (NAT) can still be connected directly, your browser asks a STUN server for its public IP address. We use our own STUN server at {host} (port {port}) for this, not a third-party one.',
  'jitsi.storage':
    "Jitsi Meet keeps these details in your browser's local storage (a kind of cookie): {items}. This makes the client easier to use; you can clear the storage in your browser at any time.",

  'mail.intro': 'With a member account you use our mail server for {domain} via {protocols}.',
  'mail.remoteServer':
    "When our SMTP server hands an email over to another mail server, it also logs that server's IP address.",

  'xmpp.intro': 'Our Jabber server (XMPP) runs at {domain}.',
  'xmpp.history':
    'In the chat rooms at {domain} the server keeps only the latest {count} messages and shows them to everyone who enters the room; it deletes all older ones automatically.',
  'xmpp.noHistory': 'The chat rooms at {domain} keep no messages.',
  'xmpp.upload':
    'The server puts long messages and images into a temporary store at {domain} and deletes them there automatically {duration} after the upload.',
  'xmpp.direct':
    'The server does not store messages between two people, neither in an archive nor for later delivery when someone is offline.',

  'shell.intro': 'With a member account you can log in to the login shell at {host}.',
  'shell.historyOptIn':
    'You decide yourself whether your commands are stored as a shell history: it is written only if you turn it on.',
  'shell.historyOff': 'No shell history is stored.',

  'wkd.intro':
    "In the Web Key Directory (WKD) at {domain} we publish a member's public OpenPGP key only at the member's request, made by an informal email to {email}.",
  'wkd.clubUid': 'The key must carry your club email address (…@{domain}) as an identity.',
  'wkd.removal': 'To have the key removed, likewise send an informal email to {email}.',

  'accounts.request':
    'Member accounts are for members only. We set up an account only when you request it by an informal email to {email} or in the member portal.',
  'accounts.services': 'With the account you use {services}.',
  'accountService.shell': 'the login shell',
  'accountService.mail': 'the mail server ({protocols})',
  'accountService.xmpp': 'the Jabber server',

  'rights.title': 'Your rights',
  'rights.intro': 'You have these rights regarding your data:',
  'rights.access': 'Access: you learn which data we have stored about you (Art. 15 GDPR).',
  'rights.accessPortal':
    'Members can see their stored data themselves at any time in the member portal and download it there.',
  'rights.rectification':
    'Rectification: we correct wrong data and complete incomplete data (Art. 16 GDPR).',
  'rights.erasure':
    'Erasure: we delete your data unless a law requires us to keep it (Art. 17 GDPR).',
  'rights.restriction':
    'Restriction: you can ask us to process your data only in a restricted way (Art. 18 GDPR).',
  'rights.portability':
    'Data portability: data you gave us and that we process with your consent or for a contract, you receive in a common, machine-readable format (Art. 20 GDPR).',
  'rights.how': 'Just write to us at {email}. We answer within one month (Art. 12(3) GDPR).',

  'objection.title': 'Your right to object (Art. 21 GDPR)',
  'objection.f':
    'Where we process data on the basis of a legitimate interest (Art. 6(1)(f) GDPR), you can object at any time on grounds relating to your particular situation.',
  'objection.e':
    'Where we process data in the public interest (Art. 6(1)(e) GDPR), you can object at any time on grounds relating to your particular situation.',
  'objection.ef':
    'Where we process data on the basis of a legitimate interest or in the public interest (Art. 6(1)(f) or (e) GDPR), you can object at any time on grounds relating to your particular situation.',
  'objection.activities': 'This concerns: {activities}.',
  'objection.effect':
    'After an objection we no longer process this data, unless we can show compelling legitimate grounds that override your interests, rights and freedoms, or we need the data to establish, exercise or defend legal claims.',
  'objection.how': 'An objection needs no form; an email to {email} is enough.',

  'withdrawal.title': 'Withdrawing consent',
  'withdrawal.text':
    'You can withdraw a consent at any time with effect for the future (Art. 7(3) GDPR). This concerns: {activities}. Processing up to the withdrawal remains lawful.',

  'complaint.title': 'Complaint to the supervisory authority',
  'complaint.text':
    'You can complain to a data protection supervisory authority if you think we process your data unlawfully (Art. 77 GDPR). The authority responsible for us is: {name}, {address}, on the web at {url}.',
  'complaint.email': 'You can also reach the authority by email at {email}.',

  'automated.title': 'No automated decisions',
  'automated.text':
    'We make no decisions based solely on automated processing and we do not build profiles (Art. 22 GDPR).',

  'changes.title': 'Changes',
  'changes.text':
    'This policy is generated from the privacy declaration of our server. When the declaration changes, the version and date at the top change too.',

  'record.download': 'Download as Markdown',
  'record.link': 'Record of processing activities (for the board and admins)',
  'record.title': 'Record of processing activities (Art. 30(1) GDPR)',
  'record.intro':
    'For the board, generated from the same declaration as the privacy policy. The record is not published; the supervisory authority may request it (Art. 30(4) GDPR).',
  'record.controller.title': 'Controller',
  'record.name': 'Name',
  'record.address': 'Address',
  'record.email': 'Email',
  'record.website': 'Website',
  'record.register': 'Register entry',
  'record.representative': 'Represented by',
  'record.dpo': 'Data protection officer',
  'record.dpo.none': 'not appointed',
  'record.privacyContact': 'Privacy contact',
  'record.authority': 'Competent supervisory authority',
  'record.activities.title': 'Processing activities',
  'record.activity.title': '{number}. {title}',
  'record.id': 'Identifier in the declaration',
  'record.contact': 'Contact',
  'record.purposes': 'Purposes of the processing',
  'record.basis': 'Legal basis',
  'record.subjects': 'Categories of data subjects',
  'record.data': 'Categories of personal data',
  'record.special': 'Special categories (Art. 9 GDPR)',
  'record.none': 'none',
  'record.recipients': 'Categories of recipients',
  'record.transfers': 'Transfers to third countries',
  'record.erasure': 'Time limits for erasure',
  'record.store': 'Where it is stored',
  'record.deletion': 'Erasure on request',
  'record.optional': 'Data optional',
  'record.yes': 'yes',
  'record.no': 'no',
  'record.tom.title': 'Technical and organisational measures (Art. 32 GDPR)',
  'record.tom.intro': 'The declaration implies these measures:',
  'record.tom.selfHosted': 'The club alone administers the server and its services.',
  'record.tom.roles':
    'Access to the member administration only after login and by role (board, treasurer, admins).',
  'record.tom.passwords': 'Passwords are stored only as hashes.',
  'record.tom.retention':
    'For every processing activity the declaration fixes how long the data is kept and how it is deleted.',
  'record.tom.noTransfer': 'No transfers to third countries.',
  'record.tom.more':
    'Further measures (physical access to the server, backups, updates, disk encryption) are documented separately by the board.',

  'store.database': 'treff database, table {table}',
  'store.file-log': 'log file {path}',
  'store.journald': 'system journal (journald) of {units}',
  'store.directory': 'directory {path}',
  'store.maildir': 'mailboxes (Maildir) under {path}',
  'store.home-directory': 'home directories under {path}',
  'store.memory': 'in memory only',
  'store.client-device': "in the data subject's browser, not on our server",
};
