import type { Activity } from '../core/config/schema.ts';
import type { DisclosureRecipient, LegalBasis, Recipient } from '../core/config/vocabulary.ts';
import { formatDate, type Lang } from '../core/i18n/index.ts';
import {
  paragraph,
  type Block,
  type Fact,
  type Inline,
  type PolicyDocument,
  type Section,
  type Text,
} from './document.ts';
import { capitalise, wording, type Wording } from './wording.ts';
import { policyVersion, type PolicyInput } from './version.ts';

/** The services an activity may belong to, in the order their sections appear by default. */
const SERVICES = [
  'website',
  'jitsi',
  'mail',
  'xmpp',
  'shell',
  'wkd',
  'members',
  'portal',
] as const satisfies readonly Activity['service'][];
type Service = Activity['service'];

/** Recipients outside the club that receive data only because a law requires it. */
const LEGAL_RECIPIENTS = ['taxAuthority', 'lawEnforcement'] as const satisfies Recipient[];

/**
 * The authorities a legal disclosure may go to: the declared `transparency.disclosureRecipients`
 * when there are any (the disclosure register enforces the same list), else the legal
 * recipients the activities name.
 */
function disclosureRecipients(input: PolicyInput): readonly DisclosureRecipient[] {
  if (input.transparency) return input.transparency.disclosureRecipients;
  return LEGAL_RECIPIENTS.filter((recipient) =>
    input.activities.some((activity) => activity.recipients.includes(recipient)),
  );
}

/** A mailto link showing the address. */
export function mailLink(address: string): Inline {
  return { text: address, href: `mailto:${address}` };
}

/**
 * Builds the privacy policy (Art. 13 GDPR) of a declaration as a document model, in the outline
 * of notes/privacy-declaration.md §3: edition, overview, controller, privacy contact, one
 * subsection per processing activity grouped by service (with the service's own facts), the
 * rights with the Art. 21 objection in a separate notice whenever an activity rests on
 * Art. 6(1)(e) or (f), withdrawal of consent whenever one rests on (a), the complaint, no
 * automated decisions and how changes show.
 *
 * Every fact comes from `input`; the sentences come from texts.de.ts / texts.en.ts. Pure and
 * deterministic: the same input, language and date give the same document. `publishedOn`
 * (`YYYY-MM-DD`) is the "Stand"; without it the header shows only the version.
 */
export function buildPolicyDocument(
  input: PolicyInput,
  lang: Lang,
  publishedOn?: string,
): PolicyDocument {
  const w = wording(input, lang);
  const { p } = w;
  return {
    lang,
    title: p.text('title'),
    meta: [editionLine(w, policyVersion(input), publishedOn), [p.text('meta.authoritative')]],
    sections: [
      overviewSection(input, w),
      controllerSection(input, w),
      contactSection(input, w),
      processingSection(input, w),
      ...rightsSections(input, w),
      {
        id: 'complaint',
        title: p.text('complaint.title'),
        blocks: complaintBlocks(input, w),
        sections: [],
      },
      {
        id: 'automated',
        title: p.text('automated.title'),
        blocks: [paragraph(p.text('automated.text'))],
        sections: [],
      },
      {
        id: 'changes',
        title: p.text('changes.title'),
        blocks: [paragraph(p.text('changes.text'))],
        sections: [],
      },
    ],
  };
}

/** "Stand: 01.03.2026 · Version 3f2a…", or only the version when no date is known. */
export function editionLine(w: Wording, version: string, publishedOn?: string): Text {
  return publishedOn
    ? [w.p.text('meta.edition', { date: formatDate(publishedOn, w.lang), version })]
    : [w.p.text('meta.version', { version })];
}

/** The services in the order of their first activity, then configured services without one. */
function serviceOrder(input: PolicyInput, w: Wording): Service[] {
  const order: Service[] = [];
  for (const activity of input.activities) {
    if (!order.includes(activity.service)) order.push(activity.service);
  }
  for (const service of SERVICES) {
    const configured = serviceFacts(input, w, service).length > 0;
    if (configured && !order.includes(service)) order.push(service);
  }
  return order;
}

function usesBasis(input: PolicyInput, ...bases: LegalBasis[]): Activity[] {
  return input.activities.filter((activity) =>
    activity.legalBasis.some((entry) => bases.includes(entry.basis)),
  );
}

function overviewSection(input: PolicyInput, w: Wording): Section {
  const { p, t, lang } = w;
  const points: Text[] = [[p.text('overview.minimal')], [p.text('overview.selfHosted')]];

  // The website stores nothing on the device unless the declaration says so (TDDDG § 25).
  const onDevice = input.activities.filter((activity) => activity.store.kind === 'client-device');
  const websiteOnDevice = onDevice.some((activity) => activity.service === 'website');
  points.push([
    websiteOnDevice
      ? p.text('overview.websiteStorage', {
          section: p.text('quoted', { text: p.text('service.website') }),
        })
      : p.text('overview.noTracking'),
  ]);
  const otherServices = [
    ...new Set(onDevice.filter((a) => a.service !== 'website').map((a) => a.service)),
  ];
  if (otherServices.length > 0) {
    points.push([
      p.text('overview.deviceStorage', {
        services: w.list(
          otherServices.map((service) => p.text('quoted', { text: p.text(`service.${service}`) })),
        ),
      }),
    ]);
  }
  if (input.activities.some((activity) => activity.data.includes('passwordHash'))) {
    points.push([p.text('overview.passwords')]);
  }
  const legal = disclosureRecipients(input);
  points.push([
    legal.length > 0
      ? p.text('overview.disclosure', {
          recipients: w.list(legal.map((recipient) => p.text(`legalRecipient.${recipient}`))),
        })
      : p.text('overview.noDisclosure'),
  ]);
  points.push([p.text('overview.noTransfer')]);

  return {
    id: 'overview',
    title: p.text('overview.title'),
    blocks: [
      { kind: 'list', items: points },
      paragraph(p.text('overview.tableIntro')),
      {
        kind: 'table',
        head: [
          p.text('overview.table.activity'),
          p.text('overview.table.subjects'),
          p.text('overview.table.basis'),
        ],
        rows: input.activities.map((activity) => [
          [activity.title[lang]],
          [capitalise(w.subjects(activity.subjects))],
          [
            [...new Set(activity.legalBasis.map((entry) => entry.basis))]
              .map((basis) => capitalise(t(`basis.${basis}`)))
              .join('; '),
          ],
        ]),
      },
    ],
    sections: [],
  };
}

function controllerSection(input: PolicyInput, w: Wording): Section {
  const { club } = input;
  const { p, lang } = w;
  const address = [club.address.street, `${club.address.postcode} ${club.address.city}`];
  if (club.address.country !== 'DE') address.push(club.address.country);
  const facts: Fact[] = [
    { term: p.text('controller.name'), values: [[club.name]] },
    { term: p.text('controller.address'), values: [[address.join(', ')]] },
  ];
  if (club.register) facts.push({ term: p.text('controller.register'), values: [[club.register]] });
  if (club.representedBy) {
    facts.push({ term: p.text('controller.representedBy'), values: [[club.representedBy[lang]]] });
  }
  facts.push({ term: p.text('controller.email'), values: [[mailLink(club.contacts.board)]] });
  if (club.website) {
    facts.push({
      term: p.text('controller.website'),
      values: [[{ text: club.website, href: club.website }]],
    });
  }
  return {
    id: 'controller',
    title: p.text('controller.title'),
    blocks: [paragraph(p.text('controller.intro')), { kind: 'facts', facts }],
    sections: [],
  };
}

function contactSection(input: PolicyInput, w: Wording): Section {
  const { p } = w;
  const dpo = input.club.dataProtectionOfficer;
  return {
    id: 'contact',
    title: p.text('contact.title'),
    blocks: [
      paragraph(...p.inline('contact.text', { email: mailLink(input.club.contacts.privacy) })),
      dpo.appointed
        ? paragraph(...p.inline('contact.dpo', { name: dpo.name, email: mailLink(dpo.email) }))
        : paragraph(p.text('contact.noDpo')),
    ],
    sections: [],
  };
}

function processingSection(input: PolicyInput, w: Wording): Section {
  const { p } = w;
  return {
    id: 'processing',
    title: p.text('processing.title'),
    blocks: [paragraph(p.text('processing.intro'))],
    sections: serviceOrder(input, w).map((service) => ({
      id: `service-${service}`,
      title: p.text(`service.${service}`),
      blocks: serviceFacts(input, w, service).map((text) => ({ kind: 'paragraph', text })),
      sections: input.activities
        .filter((activity) => activity.service === service)
        .map((activity) => activitySection(input, w, activity)),
    })),
  };
}

/** What the declaration's `services` entry says about a service, one paragraph each. */
function serviceFacts(input: PolicyInput, w: Wording, service: Service): Text[] {
  const { services, club } = input;
  const { p, lang } = w;
  const facts: Text[] = [];
  switch (service) {
    case 'website': {
      const website = services.website;
      if (!website) break;
      facts.push([
        p.text('website.log', { domain: website.domain, fields: w.dataList(website.logFields) }),
      ]);
      const websiteOnDevice = input.activities.some(
        (activity) => activity.service === 'website' && activity.store.kind === 'client-device',
      );
      if (!websiteOnDevice) facts.push([p.text('website.noCookies')]);
      if (website.location) {
        // A plain link: nothing loads from OpenStreetMap until the visitor follows it.
        facts.push(
          p.inline('website.osm', {
            link: { text: website.location.label[lang], href: website.location.osmLink },
          }),
        );
      }
      break;
    }
    case 'jitsi': {
      const jitsi = services.jitsi;
      if (!jitsi) break;
      facts.push([p.text('jitsi.intro', { domain: jitsi.domain })]);
      facts.push([p.text('jitsi.encryption'), ' ', p.text('jitsi.selfHost')]);
      // `logging` can only be "none": the schema refuses anything else.
      facts.push([p.text('jitsi.noLogging')]);
      facts.push([p.text('jitsi.stun', { host: jitsi.stun.host, port: jitsi.stun.port })]);
      if (jitsi.browserStorage.length > 0) {
        facts.push([p.text('jitsi.storage', { items: w.dataList(jitsi.browserStorage) })]);
      }
      break;
    }
    case 'mail': {
      const mail = services.mail;
      if (!mail) break;
      const protocols = mailProtocols(mail);
      if (protocols.length > 0) {
        facts.push([p.text('mail.intro', { domain: mail.domain, protocols: w.list(protocols) })]);
      }
      const logsRemote = input.activities.some(
        (activity) => activity.service === 'mail' && activity.data.includes('remoteServer'),
      );
      if (mail.smtp && logsRemote) facts.push([p.text('mail.remoteServer')]);
      break;
    }
    case 'xmpp': {
      const xmpp = services.xmpp;
      if (!xmpp) break;
      facts.push([p.text('xmpp.intro', { domain: xmpp.domain })]);
      facts.push([
        xmpp.muc.history > 0
          ? p.text('xmpp.history', { domain: xmpp.muc.domain, count: xmpp.muc.history })
          : p.text('xmpp.noHistory', { domain: xmpp.muc.domain }),
      ]);
      facts.push([
        p.text('xmpp.upload', {
          domain: xmpp.upload.domain,
          duration: w.duration(xmpp.upload.expireAfter),
        }),
      ]);
      // Archive and offline storage of one-to-one messages can only be off (schema literals).
      facts.push([p.text('xmpp.direct')]);
      break;
    }
    case 'shell': {
      const shell = services.shell;
      if (!shell) break;
      facts.push([p.text('shell.intro', { host: shell.host })]);
      facts.push([p.text(shell.history === 'opt-in' ? 'shell.historyOptIn' : 'shell.historyOff')]);
      break;
    }
    case 'wkd': {
      const wkd = services.wkd;
      if (!wkd) break;
      const email = mailLink(club.contacts.memberAccounts);
      facts.push(p.inline('wkd.intro', { domain: wkd.domain, email }));
      // `requireClubUid` can only be true: the schema refuses a key without the club address.
      facts.push([p.text('wkd.clubUid', { domain: wkd.domain })]);
      facts.push(p.inline('wkd.removal', { email }));
      break;
    }
    case 'members':
    case 'portal':
      break;
  }
  return facts;
}

function mailProtocols(mail: NonNullable<PolicyInput['services']['mail']>): string[] {
  return [...(mail.imap ? ['IMAP'] : []), ...(mail.smtp ? ['SMTP'] : [])];
}

/** The facts of one processing activity (Art. 13(1)(c)–(e), (2)(a), (2)(e) GDPR) and its notes. */
function activitySection(input: PolicyInput, w: Wording, activity: Activity): Section {
  const { p, lang } = w;
  const facts: Fact[] = [
    { term: p.text('activity.data'), values: [[capitalise(w.dataList(activity.data))]] },
    { term: p.text('activity.subjects'), values: [[capitalise(w.subjects(activity.subjects))]] },
    {
      term: p.text('activity.purposes'),
      values: activity.purposes.map((purpose) => [capitalise(purpose[lang])]),
    },
    { term: p.text('activity.basis'), values: w.legalBases(activity).map((line) => [line]) },
    { term: p.text('activity.recipients'), values: [[capitalise(w.recipients(activity))]] },
    { term: p.text('activity.retention'), values: w.retention(activity).map((line) => [line]) },
    { term: p.text('activity.deletion'), values: [deletionText(input, w, activity)] },
  ];
  const contract = activity.legalBasis.some((entry) => entry.basis === 'art6-1-b');
  if (activity.optional || contract) {
    facts.push({
      term: p.text('activity.provision'),
      values: [[p.text(activity.optional ? 'provision.optional' : 'provision.contract')]],
    });
  }
  return {
    id: `activity-${activity.id}`,
    title: activity.title[lang],
    blocks: [
      { kind: 'facts', facts },
      ...activityNotes(input, w, activity).map((text): Block => ({ kind: 'paragraph', text })),
    ],
    sections: [],
  };
}

/** How to have the data deleted: the declaration's words, else derived from the rules. */
export function deletionText(input: PolicyInput, w: Wording, activity: Activity): Text {
  if (activity.deletion) return [activity.deletion[w.lang]];
  const email = mailLink(input.club.contacts.privacy);
  const automatic = activity.retention.every((rule) => !rule.untilRequest);
  return w.p.inline(automatic ? 'deletion.automatic' : 'deletion.onRequest', { email });
}

/** Facts that follow from the data an activity holds or the store it uses. */
function activityNotes(input: PolicyInput, w: Wording, activity: Activity): Text[] {
  const { p } = w;
  const notes: Text[] = [];
  if (activity.store.kind === 'database' && activity.store.table === 'accounts') {
    notes.push(
      p.inline('accounts.request', { email: mailLink(input.club.contacts.memberAccounts) }),
    );
    const services: string[] = [];
    if (input.services.shell) services.push(p.text('accountService.shell'));
    if (input.services.mail && mailProtocols(input.services.mail).length > 0) {
      services.push(
        p.text('accountService.mail', { protocols: w.list(mailProtocols(input.services.mail)) }),
      );
    }
    if (input.services.xmpp) services.push(p.text('accountService.xmpp'));
    if (services.length > 0)
      notes.push([p.text('accounts.services', { services: w.list(services) })]);
  }
  if (activity.data.includes('passwordHash')) notes.push([p.text('activity.passwordHash')]);
  if (activity.data.includes('sessions')) notes.push([p.text('activity.sessionCookie')]);
  return notes;
}

function rightsSections(input: PolicyInput, w: Wording): Section[] {
  const { p, lang } = w;
  const email = mailLink(input.club.contacts.privacy);
  const titles = (activities: Activity[]) =>
    w.list(activities.map((activity) => activity.title[lang]));

  const rights: Text[] = [[p.text('rights.access')]];
  const portal = input.activities.some(
    (activity) => activity.service === 'portal' && activity.subjects.includes('members'),
  );
  if (portal) rights.push([p.text('rights.accessPortal')]);
  rights.push([p.text('rights.rectification')], [p.text('rights.erasure')]);
  rights.push([p.text('rights.restriction')]);
  // Art. 20(1)(a): portability only for data processed on consent or for a contract.
  if (usesBasis(input, 'art6-1-a', 'art6-1-b').length > 0) {
    rights.push([p.text('rights.portability')]);
  }
  const blocks: Block[] = [
    paragraph(p.text('rights.intro')),
    { kind: 'list', items: rights },
    paragraph(...p.inline('rights.how', { email })),
  ];

  // Art. 21(4): the right to object is shown apart from everything else.
  const objectable = usesBasis(input, 'art6-1-e', 'art6-1-f');
  if (objectable.length > 0) {
    const e = usesBasis(input, 'art6-1-e').length > 0;
    const f = usesBasis(input, 'art6-1-f').length > 0;
    blocks.push({
      kind: 'notice',
      title: p.text('objection.title'),
      blocks: [
        paragraph(p.text(e && f ? 'objection.ef' : e ? 'objection.e' : 'objection.f')),
        paragraph(p.text('objection.activities', { activities: titles(objectable) })),
        paragraph(p.text('objection.effect')),
        paragraph(...p.inline('objection.how', { email })),
      ],
    });
  }

  const sections: Section[] = [
    { id: 'rights', title: p.text('rights.title'), blocks, sections: [] },
  ];
  // Art. 7(3), Art. 13(2)(c): only where some activity rests on consent.
  const consent = usesBasis(input, 'art6-1-a');
  if (consent.length > 0) {
    sections.push({
      id: 'withdrawal',
      title: p.text('withdrawal.title'),
      blocks: [
        paragraph(p.text('withdrawal.text', { activities: titles(consent) })),
        paragraph(...p.inline('rights.how', { email })),
      ],
      sections: [],
    });
  }
  return sections;
}

function complaintBlocks(input: PolicyInput, w: Wording): Block[] {
  const authority = input.club.supervisoryAuthority;
  const blocks: Block[] = [
    paragraph(
      ...w.p.inline('complaint.text', {
        name: authority.name,
        address: authority.address,
        url: { text: authority.url, href: authority.url },
      }),
    ),
  ];
  if (authority.email) {
    blocks.push(paragraph(...w.p.inline('complaint.email', { email: mailLink(authority.email) })));
  }
  return blocks;
}
