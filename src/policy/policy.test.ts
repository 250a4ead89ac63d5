import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { EXAMPLE_CONFIG } from '../../test/support/app.ts';
import {
  copiedPhrases,
  phraseHash,
  referenceHashes,
  sentencePhrases,
} from '../../test/support/reference-phrases.ts';
import { parseConfig, type Config } from '../core/config/load.ts';
import type { Activity } from '../core/config/schema.ts';
import { renderPolicy, renderRecord } from './policy.ts';
import { de } from './texts.de.ts';
import { en } from './texts.en.ts';

const config: Config = parseConfig(await readFile(EXAMPLE_CONFIG, 'utf8'), EXAMPLE_CONFIG);
const DATE = '2026-03-01';

/** The words of rendered Markdown without its markup: link targets, emphasis, markers, escapes. */
function markdownText(md: string): string {
  return md
    .replace(/\[((?:\\.|[^\]\\])*)\]\((?:<[^>]*>|[^)\s]*)\)/g, '$1')
    .replace(/\*\*/g, '')
    .replace(/^\| ?(?:--- \| ?)*--- \|$/gm, '')
    .replace(/^(?:#{1,6} |\s*- |> ?)/gm, '')
    .replace(/ ?\| ?/g, ' ')
    .replace(/\\([\\`*_[\]<>|#+\-.)])/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The visible words of rendered HTML (the body only). */
function htmlText(html: string): string {
  const body = /<body>([\s\S]*)<\/body>/.exec(html)?.[1] ?? html;
  return body
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The Markdown from the heading `title` (any level ≤ 4) up to the next heading of level ≤ 4. */
function markdownSection(md: string, title: string): string {
  const lines = md.split('\n');
  const start = lines.findIndex(
    (line) => /^#{1,4} /.test(line) && line.replace(/^#+ /, '').replace(/\\(.)/g, '$1') === title,
  );
  assert.ok(start >= 0, `no heading "${title}" in the Markdown`);
  const end = lines.findIndex((line, index) => index > start && /^#{1,4} /.test(line));
  return lines.slice(start + 1, end === -1 ? undefined : end).join('\n');
}

/** The HTML from the heading `title` up to the next h1–h4. */
function htmlSection(html: string, title: string): string {
  const escaped = title.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const start = html.search(
    new RegExp(`<h[1-4]>${escaped.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}</h[1-4]>`),
  );
  assert.ok(start >= 0, `no heading "${title}" in the HTML`);
  const rest = html.slice(start + 4);
  const end = rest.search(/<h[1-4]>/);
  return `<body>${end === -1 ? rest : rest.slice(0, end)}</body>`;
}

interface Fact {
  /** What the reference policy promises (datenschutzerklaerung.txt). */
  fact: string;
  /** The heading whose section must state it; the whole policy when absent. */
  section?: string;
  patterns: RegExp[];
}

/**
 * Every fact of the reference policy of Chaostreff Osnabrück e.V., as the German policy
 * rendered from the example declaration must state it. The wording is treff's own; the facts
 * (fields, periods, counts, addresses, hosts) must be there.
 */
const REFERENCE_FACTS: Fact[] = [
  {
    fact: 'only as much data as needed',
    patterns: [/nur die Daten, die wir für unsere Dienste wirklich brauchen/],
  },
  {
    fact: 'the server and all services are administered by the club itself',
    patterns: [/Den Server und alle Dienste darauf administrieren ausschließlich wir selbst/],
  },
  {
    fact: 'logs are read only by the club, to analyse errors and intrusion attempts',
    section: 'Aufruf der Website',
    patterns: [
      /Fehler und Einbruchsversuche in unseren Server erkennen und analysieren/,
      /Admins des Vereins/,
    ],
  },
  {
    fact: 'no cookies and no tracking tools on the website',
    patterns: [/Unsere Website setzt keine Cookies/, /Tracking/],
  },
  {
    fact: 'data is passed on only under a legal obligation, e.g. to law enforcement or tax authorities',
    patterns: [
      /Wenn ein Gesetz uns dazu verpflichtet, übermitteln wir Daten an Strafverfolgungsbehörden und Finanzbehörden\./,
    ],
  },
  {
    fact: 'passwords are stored only as hashes, never in plain text',
    patterns: [/Passwörter speichern wir nie im Klartext, sondern nur als Hashwert/],
  },
  {
    fact: 'the web server logs source IP, time stamp, OS, browser, referrer and page',
    section: 'Website',
    patterns: [
      /nur diese Angaben in sein Protokoll: IP-Adresse, Zeitstempel, Betriebssystem, Web-Browser, Referer-URL und aufgerufene Seite/,
    ],
  },
  {
    fact: 'the meeting place is a link to OpenStreetMap',
    section: 'Website',
    patterns: [/einfachen Link auf OpenStreetMap: Unser Stammtisch-Treffpunkt auf OpenStreetMap/],
  },
  {
    fact: 'web server logs are deleted after 10 days',
    section: 'Aufruf der Website',
    patterns: [/Gespeichert bis 10 Tage nach der Erhebung, danach gelöscht/],
  },
  {
    fact: 'Jitsi Meet transmits with WebRTC over DTLS and SRTP',
    section: 'Videokonferenzen',
    patterns: [/Jitsi Meet mit WebRTC verschlüsselt \(DTLS und SRTP\)/],
  },
  {
    fact: 'multi-party conferences are not end-to-end encrypted; the operator could see them',
    section: 'Videokonferenzen',
    patterns: [
      /Konferenzen mit mehreren Personen sind damit aber nicht Ende-zu-Ende-verschlüsselt/,
      /auf unserem Konferenzserver liegen die Daten entschlüsselt vor, sodass wir als Betreiber sie einsehen könnten/i,
    ],
  },
  {
    fact: 'Jitsi records and logs nothing, not even IP addresses',
    section: 'Videokonferenzen',
    patterns: [
      /zeichnet nichts auf und protokolliert nichts über Sie oder Ihre Konferenzen, nicht einmal Ihre IP-Adresse/,
    ],
  },
  {
    fact: 'Jitsi keeps recent conferences and the display name in local storage',
    section: 'Videokonferenzen',
    patterns: [
      /im lokalen Speicher Ihres Browsers \(local storage, eine Art Cookie\) diese Angaben ab: zuletzt besuchte Konferenzen, Anzeigename/,
    ],
  },
  {
    fact: 'an own STUN server on meet.osna.social tells clients their public IP address',
    section: 'Videokonferenzen',
    patterns: [
      /STUN-Server nach seiner öffentlichen IP-Adresse/,
      /eigenen STUN-Server auf meet\.osna\.social/,
    ],
  },
  {
    fact: 'who does not trust us can run their own Jitsi',
    section: 'Videokonferenzen',
    patterns: [/kann Jitsi Meet auch selbst betreiben/],
  },
  {
    fact: 'the registry holds name, birth date, address, mail, phone, GnuPG fingerprint, Chaos-Nr. and contributions',
    section: 'Mitgliederverwaltung und Beiträge',
    patterns: [
      /Chaos-Nr\., Vorname, Nachname, Geburtsdatum, Straße, PLZ, Ort, E-Mail-Adresse, Telefonnummer, GnuPG-Fingerabdruck/,
      /Beiträge und Zahlungen/,
    ],
  },
  {
    fact: "former members' data is deleted when the statutory period (8 years, § 147 AO) ends",
    section: 'Mitgliederverwaltung und Beiträge',
    patterns: [
      /Geburtsdatum, Straße, PLZ, Ort, Telefonnummer und GnuPG-Fingerabdruck: mit dem Ende der Mitgliedschaft gelöscht/,
      /E-Mail-Adresse: mit dem Ende der Mitgliedschaft gelöscht; solange noch Beiträge offen sind, [^;]*höchstens 3 Jahre/,
      /Chaos-Nr\., Vorname, Nachname[^:]*: gespeichert bis 8 Jahre nach dem Ende des Kalenderjahres, in dem die Mitgliedschaft endet, danach gelöscht \(Aufbewahrungspflicht nach § 147/,
    ],
  },
  {
    fact: 'member accounts only for members, requested by informal mail to member-accounts@',
    section: 'Mitglieder-Accounts (Login-Shell, E-Mail, Jabber)',
    patterns: [
      /Mitglieder-Accounts gibt es nur für Mitglieder/,
      /erst ein, wenn Sie ihn mit einer formlosen E-Mail an member-accounts@chaostreff-osnabrueck\.de (oder im Mitgliederbereich )?beantragen/,
    ],
  },
  {
    fact: 'an account holds username, first and last name and password (as a hash)',
    section: 'Mitglieder-Accounts (Login-Shell, E-Mail, Jabber)',
    patterns: [/Benutzername, Vorname, Nachname und Passwort-Hashwert/, /nur als Hashwert/],
  },
  {
    fact: 'an account gives login shell, IMAP/SMTP and Jabber',
    section: 'Mitglieder-Accounts (Login-Shell, E-Mail, Jabber)',
    patterns: [/die Login-Shell, den Mailserver \(IMAP und SMTP\) und den Jabber-Server/],
  },
  {
    fact: 'an account is deleted on an informal mail to member-accounts@',
    section: 'Mitglieder-Accounts (Login-Shell, E-Mail, Jabber)',
    patterns: [
      /Account wird auf formlose E-Mail an member-accounts@chaostreff-osnabrueck\.de gelöscht/,
    ],
  },
  {
    fact: 'shell logins log source IP, login and logout time and username',
    section: 'Anmeldungen an der Login-Shell',
    patterns: [/IP-Adresse, Zeitpunkt der Anmeldung, Zeitpunkt der Abmeldung und Benutzername/],
  },
  {
    fact: 'every user decides whether a shell history is kept',
    section: 'Login-Shell',
    patterns: [
      /Shell-Historie gespeichert werden, entscheiden Sie selbst/,
      /nur geschrieben, wenn Sie sie einschalten/,
    ],
  },
  {
    fact: 'IMAP/SMTP log source IP, time stamp and username, SMTP also the contacted server',
    section: 'Protokolle des IMAP- und SMTP-Servers',
    patterns: [
      /IP-Adresse, Zeitstempel, Benutzername, IP-Adresse des Ziel-Mailservers und Absender- und Empfängeradressen/,
    ],
  },
  {
    fact: "SMTP logs the contacted server's IP address",
    section: 'E-Mail',
    patterns: [
      /SMTP-Server eine E-Mail an einen anderen Mailserver übergibt, protokolliert er auch dessen IP-Adresse/,
    ],
  },
  {
    fact: 'the Jabber server logs every login and logout',
    section: 'An- und Abmeldungen am Jabber-Server',
    patterns: [/Zeitpunkt der Anmeldung, Zeitpunkt der Abmeldung/],
  },
  {
    fact: 'chat rooms keep the last ten messages and offer them on entering; the rest is deleted',
    section: 'Jabber (XMPP)',
    patterns: [
      /nur die letzten (10|zehn) Nachrichten auf und zeigt sie jedem, der den Raum betritt; alle älteren löscht er automatisch/,
    ],
  },
  {
    fact: 'long messages and images go to a temporary store deleted after 24 hours',
    section: 'Jabber (XMPP)',
    patterns: [
      /Lange Nachrichten und Bilder .*?Zwischenablage .*?24 Stunden nach dem Hochladen automatisch/,
    ],
  },
  {
    fact: 'no messages of one-to-one chats are stored',
    section: 'Jabber (XMPP)',
    patterns: [/Nachrichten zwischen zwei Personen speichert der Server nicht/],
  },
  {
    fact: 'the logs of all services are deleted after 10 days',
    section: 'Protokolle aller weiteren Dienste',
    patterns: [/Gespeichert bis 10 Tage nach der Erhebung, danach gelöscht/],
  },
  {
    fact: 'a key goes into the WKD on informal mail, if it carries the club address',
    section: 'OpenPGP-Schlüssel (Web Key Directory)',
    patterns: [
      /nur auf dessen Antrag, den Sie formlos per E-Mail an member-accounts@chaostreff-osnabrueck\.de stellen/,
      /Vereins-E-Mail-Adresse \(…@chaostreff-osnabrueck\.de\) als Identität/,
    ],
  },
  {
    fact: 'a key is removed from the WKD on informal mail',
    section: 'OpenPGP-Schlüssel (Web Key Directory)',
    patterns: [
      /Entfernen lassen Sie den Schlüssel ebenso mit einer formlosen E-Mail an member-accounts@chaostreff-osnabrueck\.de/,
    ],
  },
];

describe('the German privacy policy of the example club', () => {
  const md = renderPolicy(config, 'de', 'md', DATE);
  const html = renderPolicy(config, 'de', 'html', DATE);
  const texts = { Markdown: markdownText(md), HTML: htmlText(html) };

  for (const { fact, section, patterns } of REFERENCE_FACTS) {
    test(`states that ${fact}`, () => {
      const inFormat = {
        Markdown: section ? markdownText(markdownSection(md, section)) : texts.Markdown,
        HTML: section ? htmlText(htmlSection(html, section)) : texts.HTML,
      };
      for (const [format, text] of Object.entries(inFormat)) {
        for (const pattern of patterns)
          assert.match(text, pattern, `${format}, ${section ?? 'policy'}`);
      }
    });
  }

  test('links the OpenStreetMap location plainly and embeds nothing', () => {
    const osm = 'https://www.openstreetmap.org/#map=17/52.27264/8.04980';
    assert.ok(md.includes(`](${osm})`));
    assert.ok(html.includes(`href="${osm}"`));
    assert.doesNotMatch(html, /<(iframe|img|script|link|object|embed)\b/);
  });

  test('says the same in Markdown and in HTML, in both languages', () => {
    const words = (text: string) => text.match(/[\p{L}\p{N}@§…]+/gu) ?? [];
    for (const lang of ['de', 'en'] as const) {
      const markdown = markdownText(renderPolicy(config, lang, 'md', DATE));
      const page = renderPolicy(config, lang, 'html', DATE).replace(/<title>[^<]*<\/title>/, '');
      assert.deepEqual(words(markdown), words(htmlText(page)), lang);
    }
  });

  test('names the controller, the privacy contact, the missing DPO and the authority', () => {
    for (const pattern of [
      /Verein Chaostreff Osnabrück e\.V\. Anschrift Musterstraße 1, 49074 Osnabrück Vertreten durch den Vorstand nach § 26 BGB/,
      /datenschutz@chaostreff-osnabrueck\.de/,
      /Einen Datenschutzbeauftragten haben wir nicht benannt/,
      /Die Landesbeauftragte für den Datenschutz Niedersachsen, Prinzenstraße 5, 30159 Hannover, im Internet unter https:\/\/www\.lfd\.niedersachsen\.de/,
      /Art\. 77 DSGVO/,
      /Stand: 01\.03\.2026 · Version [0-9a-f]{12}/,
      /keine Entscheidungen, die allein auf automatisierter Verarbeitung beruhen/,
    ]) {
      assert.match(texts.HTML, pattern);
    }
  });

  test('fills every placeholder', () => {
    for (const output of [
      md,
      html,
      renderPolicy(config, 'en', 'md', DATE),
      renderRecord(config, 'de'),
    ]) {
      assert.doesNotMatch(output, /\{\w+\}/);
    }
  });

  test('copies no sentence of the reference policy', async () => {
    // The reference's phrases are committed as hashes only (test/support/reference-phrases.ts).
    const hashes = await referenceHashes();
    assert.ok(hashes.size > 100, `only ${hashes.size} reference phrase hashes`);
    assert.deepEqual(copiedPhrases(texts.Markdown, hashes), []);
    // The check bites: a phrase of the rendered text itself is found once its hash is listed.
    const own = sentencePhrases(texts.Markdown)[40];
    assert.ok(own);
    assert.deepEqual(copiedPhrases(texts.Markdown, new Set([phraseHash(own)])), [own.join(' ')]);
  });
});

describe('the English privacy policy', () => {
  const germanText = markdownText(renderPolicy(config, 'de', 'md', DATE));
  const englishText = markdownText(renderPolicy(config, 'en', 'md', DATE));

  test('carries every number, address and host of the German one', () => {
    const facts = (text: string) =>
      new Set(
        text
          // The date is written per language (01.03.2026, 01 Mar 2026).
          .replace(/\d{2}\.\d{2}\.\d{4}/g, '')
          .match(/[\w.+-]+@[\w.-]+\w|https?:\/\/\S+\w|\b(?:[a-z0-9-]+\.)+[a-z]{2,}\b|\d+/g),
      );
    const english = facts(englishText);
    for (const fact of facts(germanText))
      assert.ok(english.has(fact), `missing in English: ${fact}`);
  });

  test('states the periods and counts in English words', () => {
    for (const pattern of [
      /Kept until 10 days after collection, then deleted/,
      /kept until 8 years after the end of the calendar year in which the membership ends, then deleted \(retention duty under § 147/,
      /keeps only the latest 10 messages/,
      /deletes them there automatically 24 hours after the upload/,
      /not end-to-end encrypted/,
      /own STUN server at meet\.osna\.social/,
      /Chaos no\., first name, last name/,
      /As of 01 Mar 2026 · version [0-9a-f]{12}/,
      /Only the German version is binding/,
    ]) {
      assert.match(englishText, pattern);
    }
  });
});

describe('the objection and consent notices', () => {
  const withBases = (map: (activity: Activity) => Activity['legalBasis']): Config => ({
    ...config,
    activities: config.activities.map((activity) => ({ ...activity, legalBasis: map(activity) })),
  });
  const noLegitimateInterest = withBases((activity) =>
    activity.legalBasis.map((entry) =>
      entry.basis === 'art6-1-f' ? { basis: 'art6-1-b' } : entry,
    ),
  );

  test('shows the Art. 21 objection box set apart when an activity rests on legitimate interests', () => {
    const md = renderPolicy(config, 'de', 'md', DATE);
    assert.match(md, /^> \*\*Ihr Widerspruchsrecht \(Art\. 21 DSGVO\)\*\*$/m);
    assert.match(md, /^> Das betrifft: Aufruf der Website, /m);
    assert.match(
      renderPolicy(config, 'de', 'html', DATE),
      /<article class="notice" role="note"><header><strong>Ihr Widerspruchsrecht/,
    );
    assert.match(
      renderPolicy(config, 'en', 'md', DATE),
      /^> \*\*Your right to object \(Art\. 21 GDPR\)\*\*$/m,
    );
  });

  test('leaves the objection box out when no activity rests on legitimate or public interests', () => {
    for (const lang of ['de', 'en'] as const) {
      for (const format of ['md', 'html'] as const) {
        const output = renderPolicy(noLegitimateInterest, lang, format, DATE);
        assert.doesNotMatch(output, /Widerspruchsrecht|right to object|notice/);
      }
    }
  });

  test('shows the box for a public-interest activity too, naming only that basis', () => {
    const publicInterest = withBases((activity) =>
      activity.id === 'website-logs'
        ? [{ basis: 'art6-1-e' }]
        : activity.legalBasis.map((entry) =>
            entry.basis === 'art6-1-f' ? { basis: 'art6-1-b' } : entry,
          ),
    );
    const text = markdownText(renderPolicy(publicInterest, 'de', 'md', DATE));
    assert.match(
      text,
      /Ihr Widerspruchsrecht \(Art\. 21 DSGVO\) Wo wir Daten im öffentlichen Interesse verarbeiten/,
    );
    assert.match(text, /Das betrifft: Aufruf der Website\./);
  });

  test('offers the withdrawal of consent only where an activity rests on consent', () => {
    assert.match(
      markdownText(renderPolicy(config, 'de', 'md', DATE)),
      /Widerruf einer Einwilligung .*?Das betrifft: Shell-Historie \(freiwillig\) und Öffentliche OpenPGP-Schlüssel im Web Key Directory/,
    );
    const noConsent = withBases((activity) =>
      activity.legalBasis.map((entry) =>
        entry.basis === 'art6-1-a' ? { basis: 'art6-1-b' } : entry,
      ),
    );
    assert.doesNotMatch(renderPolicy(noConsent, 'de', 'md', DATE), /Widerruf|Art\. 7 Abs\. 3/);
  });

  test('names an appointed data protection officer', () => {
    const withDpo: Config = {
      ...config,
      club: {
        ...config.club,
        dataProtectionOfficer: { appointed: true, name: 'Erika Muster', email: 'dsb@example.org' },
      },
    };
    const text = markdownText(renderPolicy(withDpo, 'de', 'md', DATE));
    assert.match(
      text,
      /Unser Datenschutzbeauftragter ist Erika Muster, erreichbar unter dsb@example\.org/,
    );
    assert.doesNotMatch(text, /nicht benannt/);
  });
});

describe('text from the declaration', () => {
  test('never turns into markup in Markdown or HTML', () => {
    const tricky: Config = {
      ...config,
      activities: config.activities.map((activity, index) =>
        index === 0
          ? {
              ...activity,
              purposes: [
                { de: '1. *fett* [x](http://evil.example) <script>|', en: '# <b>x</b>' },
                { de: 'zweiter Zweck', en: 'second purpose' },
              ],
            }
          : activity,
      ),
    };
    const md = renderPolicy(tricky, 'de', 'md', DATE);
    // Several purposes make a nested list, where "1." would start an ordered list.
    assert.ok(md.includes('  - 1\\. \\*fett\\* \\[x\\](http://evil.example) \\<script\\>\\|\n'));
    assert.ok(renderPolicy(tricky, 'en', 'md', DATE).includes('  - \\# \\<b\\>x\\</b\\>\n'));
    const html = renderPolicy(tricky, 'de', 'html', DATE);
    assert.ok(html.includes('1. *fett* [x](http://evil.example) &lt;script&gt;|'));
    assert.doesNotMatch(html, /<script/);
  });
});

describe('the recipients of a legal disclosure', () => {
  const disclosure = (input: Config, lang: 'de' | 'en') => {
    const text = markdownText(renderPolicy(input, lang, 'md', DATE));
    const pattern =
      lang === 'de'
        ? /Wenn ein Gesetz uns dazu verpflichtet, übermitteln wir Daten an ([^.]+)\./
        : /where a law obliges us, we transmit data to ([^.]+)\./;
    return pattern.exec(text)?.[1];
  };

  test('are law-enforcement and tax authorities only, as declared, in German and English', () => {
    assert.deepEqual(config.transparency?.disclosureRecipients, ['lawEnforcement', 'taxAuthority']);
    assert.equal(disclosure(config, 'de'), 'Strafverfolgungsbehörden und Finanzbehörden');
    assert.equal(disclosure(config, 'en'), 'law enforcement authorities and tax authorities');
  });

  test('come from the declaration, not from a fixed list', () => {
    const only = (recipients: ('lawEnforcement' | 'taxAuthority' | 'court')[]): Config => ({
      ...config,
      transparency: {
        signingAddress: 'transparency@chaostreff-osnabrueck.de',
        boardKeys: [],
        disclosureRecipients: recipients,
      },
    });
    assert.equal(disclosure(only(['taxAuthority']), 'de'), 'Finanzbehörden');
    assert.equal(disclosure(only(['taxAuthority']), 'en'), 'tax authorities');
    assert.equal(
      disclosure(only(['court', 'lawEnforcement']), 'en'),
      'courts and law enforcement authorities',
    );
  });

  test('are refused in an activity when the declaration leaves them out', async () => {
    const yaml = (await readFile(EXAMPLE_CONFIG, 'utf8')).replace(
      'disclosureRecipients: [lawEnforcement, taxAuthority]',
      'disclosureRecipients: [lawEnforcement]',
    );
    assert.throws(
      () => parseConfig(yaml, EXAMPLE_CONFIG),
      (error: { issues?: { path: string; message: string }[] }) =>
        error.issues?.some(
          (issue) =>
            /^activities\.\d+\.recipients\.2$/.test(issue.path) &&
            issue.message === '"taxAuthority" is not in transparency.disclosureRecipients',
        ) === true,
    );
  });
});

describe('the record of processing activities', () => {
  const record = renderRecord(config, 'de', DATE);

  test('has the controller sheet and every activity with the fields of the DSK model', () => {
    assert.match(
      record,
      /^# Verzeichnis von Verarbeitungstätigkeiten \(Art\. 30 Abs\. 1 DSGVO\)$/m,
    );
    assert.match(record, /^## Angaben zum Verantwortlichen$/m);
    assert.match(record, /- \*\*Vertreten durch:\*\* den Vorstand nach § 26 BGB/);
    assert.match(record, /- \*\*Datenschutzbeauftragter:\*\* Nicht benannt/);
    config.activities.forEach((activity, index) => {
      assert.ok(record.includes(`### ${index + 1}. ${activity.title.de}`), activity.id);
    });
    const membership = markdownSection(record, '4. Mitgliederverwaltung und Beiträge');
    for (const term of [
      'Zwecke der Verarbeitung',
      'Rechtsgrundlage',
      'Kategorien betroffener Personen',
      'Kategorien personenbezogener Daten',
      'Kategorien von Empfängern',
      'Übermittlung in Drittländer:** Keine',
      'Fristen für die Löschung',
      'Speicherort:** Datenbank von treff, Tabelle members',
    ]) {
      assert.ok(membership.includes(term), term);
    }
    assert.match(membership, /gespeichert bis 8 Jahre nach dem Ende des Kalenderjahres/);
    assert.match(record, /^## Technische und organisatorische Maßnahmen \(Art\. 32 DSGVO\)$/m);
  });

  test('exists in English with the same activities', () => {
    const english = renderRecord(config, 'en', DATE);
    assert.match(english, /^# Record of processing activities \(Art\. 30\(1\) GDPR\)$/m);
    assert.equal((english.match(/^### \d+\. /gm) ?? []).length, config.activities.length);
    assert.match(english, /Transfers to third countries:\*\* None/);
  });
});

describe('the policy templates', () => {
  test('have the same keys and placeholders in German and English, none empty', () => {
    assert.deepEqual(Object.keys(en).sort(), Object.keys(de).sort());
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(de) as (keyof typeof de)[]) {
      assert.ok(en[key].trim().length > 0, key);
      assert.deepEqual(placeholders(en[key]), placeholders(de[key]), key);
    }
  });
});
