import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classifyRequest, detectLanguage, type ClassifiedKind } from './classify.ts';

/** Real-looking phrasings: [subject, body, kind, language]. */
const CASES: [string, string, ClassifiedKind, 'de' | 'en'][] = [
  [
    'Konto',
    'Hallo, ich möchte bitte ein Konto beantragen. Viele Grüße, Ada',
    'account.create',
    'de',
  ],
  [
    'Antrag Mailkonto',
    'Liebe Leute, könnt ihr mir einen Zugang einrichten? Danke!',
    'account.create',
    'de',
  ],
  ['', 'Ich hätte gern eine Mail-Adresse beim Verein, geht das?', 'account.create', 'de'],
  [
    'Account request',
    'Hi, I would like to request an account. Thanks, Bob',
    'account.create',
    'en',
  ],
  ['new account', 'Please set up a mail account for me.', 'account.create', 'en'],
  ['Konto löschen', 'Bitte löscht mein Konto, ich brauche es nicht mehr.', 'account.delete', 'de'],
  ['', 'Hallo, bitte mein Mailkonto zum Monatsende schließen.', 'account.delete', 'de'],
  ['Delete my account', 'Please delete my account, thank you.', 'account.delete', 'en'],
  ['', 'Hi, could you close my mailbox? I have moved on.', 'account.delete', 'en'],
  ['Schlüssel', 'Bitte meinen PGP-Schlüssel im WKD veröffentlichen.', 'key.publish', 'de'],
  ['', 'Könnt ihr meinen Schlüssel hinterlegen? Fingerprint anbei.', 'key.publish', 'de'],
  [
    'Publish my key',
    'Please publish my OpenPGP key in the web key directory.',
    'key.publish',
    'en',
  ],
  ['', 'Hello, I would like to upload my GPG key.', 'key.publish', 'en'],
  ['Schlüssel entfernen', 'Bitte entfernt meinen alten Schlüssel aus dem WKD.', 'key.remove', 'de'],
  ['', 'Ich habe meinen Key widerrufen, bitte löschen.', 'key.remove', 'de'],
  ['Remove key', 'Please remove my key from the directory, it is compromised.', 'key.remove', 'en'],
  ['', 'I want to withdraw my PGP key.', 'key.remove', 'en'],
  [
    'Auskunft',
    'Sehr geehrte Damen und Herren, ich bitte um Auskunft über meine Daten.',
    'access',
    'de',
  ],
  ['Anfrage nach Art. 15 DSGVO', 'Hiermit mache ich mein Recht geltend.', 'access', 'de'],
  ['', 'Welche personenbezogenen Daten habt ihr über mich gespeichert?', 'access', 'de'],
  [
    'Subject access request',
    'Under Article 15 GDPR please send me a copy of my data.',
    'access',
    'en',
  ],
  ['', 'What personal data do you hold about me?', 'access', 'en'],
  [
    'Berichtigung',
    'Meine Adresse ist falsch eingetragen, bitte berichtigen.',
    'rectification',
    'de',
  ],
  [
    'Umzug',
    'Hallo, meine Anschrift hat sich geändert: Neue Adresse ist Hauptstr. 1.',
    'rectification',
    'de',
  ],
  [
    'Rectification',
    'My name is misspelled in your records, please correct my entry.',
    'rectification',
    'en',
  ],
  ['', 'Please update my address, I moved.', 'rectification', 'en'],
  [
    'Löschung meiner Daten',
    'Ich verlange die Löschung meiner Daten nach Art. 17 DSGVO.',
    'erasure',
    'de',
  ],
  ['', 'Bitte löschen Sie alle meine personenbezogenen Daten.', 'erasure', 'de'],
  ['Erasure request', 'Please erase my personal data.', 'erasure', 'en'],
  ['', 'I am exercising my right to be forgotten.', 'erasure', 'en'],
  [
    'Einschränkung',
    'Ich beantrage die Einschränkung der Verarbeitung meiner Daten.',
    'restriction',
    'de',
  ],
  ['', 'Please restrict the processing of my data while you check.', 'restriction', 'en'],
  ['Widerspruch', 'Ich widerspreche der Veröffentlichung meines Namens.', 'objection', 'de'],
  ['', 'I object to the use of my photo on your website.', 'objection', 'en'],
  ['Frage', 'Wann ist das nächste Treffen?', 'other', 'de'],
  ['Hello', 'Is the space open on Friday?', 'other', 'en'],
  ['', '', 'other', 'de'],
  [
    'Re: Konto',
    '> Bitte löscht mein Konto\nDanke, hat sich erledigt. Wann ist das Treffen?',
    'other',
    'de',
  ],
];

describe('classifying informal requests', () => {
  for (const [subject, body, kind, lang] of CASES)
    test(`reads "${subject || body.slice(0, 40)}" as ${kind} (${lang})`, () => {
      assert.equal(classifyRequest(subject, body), kind);
      assert.equal(detectLanguage(subject, body), lang);
    });

  test('calls a mail naming two kinds equally strongly other, for the board', () => {
    assert.equal(
      classifyRequest('', 'Ich möchte Auskunft und widerspreche der Verarbeitung.'),
      'other',
    );
  });

  test('ignores text after the signature separator', () => {
    assert.equal(
      classifyRequest('Hallo', 'Wann trefft ihr euch?\n-- \nKonto löschen: siehe Website'),
      'other',
    );
  });
});
