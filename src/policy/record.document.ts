import type { Lang } from '../core/i18n/index.ts';
import { paragraph, type Fact, type PolicyDocument, type Section, type Text } from './document.ts';
import { deletionText, editionLine, mailLink } from './policy.document.ts';
import { policyVersion, type PolicyInput } from './version.ts';
import { capitalise, wording, type Wording } from './wording.ts';

/**
 * Builds the record of processing activities (Art. 30(1) GDPR) for the board, shaped after the
 * DSK model form for controllers: a controller sheet, then per activity its name, purposes,
 * legal basis, categories of data subjects and of personal data, recipients, third-country
 * transfers ("none": the vocabulary has no foreign recipient), erasure periods, where the data
 * is stored and how deletion is requested; then the technical and organisational measures the
 * declaration implies.
 *
 * Built from the same {@link PolicyInput} and phrases as the policy, so record and policy cannot
 * disagree. Pure and deterministic; `publishedOn` as for the policy.
 */
export function buildRecordDocument(
  input: PolicyInput,
  lang: Lang,
  publishedOn?: string,
): PolicyDocument {
  const w = wording(input, lang);
  const { p } = w;
  return {
    lang,
    title: p.text('record.title'),
    meta: [editionLine(w, policyVersion(input), publishedOn), [p.text('record.intro')]],
    sections: [
      controllerSheet(input, w),
      {
        id: 'activities',
        title: p.text('record.activities.title'),
        blocks: [],
        sections: input.activities.map((activity, index): Section => {
          const facts: Fact[] = [
            { term: p.text('record.id'), values: [[activity.id]] },
            { term: p.text('record.contact'), values: [[mailLink(input.club.contacts.privacy)]] },
            {
              term: p.text('record.purposes'),
              values: activity.purposes.map((purpose) => [capitalise(purpose[lang])]),
            },
            { term: p.text('record.basis'), values: w.legalBases(activity).map((line) => [line]) },
            {
              term: p.text('record.subjects'),
              values: [[capitalise(w.subjects(activity.subjects))]],
            },
            { term: p.text('record.data'), values: [[capitalise(w.dataList(activity.data))]] },
            // The vocabulary has no Art. 9 category; one would need its own label and basis.
            { term: p.text('record.special'), values: [[capitalise(p.text('record.none'))]] },
            {
              term: p.text('record.recipients'),
              values: [
                [
                  activity.recipients.length === 0
                    ? capitalise(p.text('record.none'))
                    : capitalise(w.recipients(activity)),
                ],
              ],
            },
            { term: p.text('record.transfers'), values: [[capitalise(p.text('record.none'))]] },
            { term: p.text('record.erasure'), values: w.retention(activity).map((line) => [line]) },
            { term: p.text('record.store'), values: [[capitalise(w.store(activity.store))]] },
            { term: p.text('record.deletion'), values: [deletionText(input, w, activity)] },
            {
              term: p.text('record.optional'),
              values: [[capitalise(p.text(activity.optional ? 'record.yes' : 'record.no'))]],
            },
          ];
          return {
            id: `activity-${activity.id}`,
            title: p.text('record.activity.title', {
              number: index + 1,
              title: activity.title[lang],
            }),
            blocks: [{ kind: 'facts', facts }],
            sections: [],
          };
        }),
      },
      measuresSection(input, w),
    ],
  };
}

function controllerSheet(input: PolicyInput, w: Wording): Section {
  const { club } = input;
  const { p, lang } = w;
  const address = [club.address.street, `${club.address.postcode} ${club.address.city}`];
  if (club.address.country !== 'DE') address.push(club.address.country);
  const dpo = club.dataProtectionOfficer;
  const authority = club.supervisoryAuthority;
  const facts: Fact[] = [
    { term: p.text('record.name'), values: [[club.name]] },
    { term: p.text('record.address'), values: [[address.join(', ')]] },
    { term: p.text('record.email'), values: [[mailLink(club.contacts.board)]] },
  ];
  if (club.website) {
    facts.push({
      term: p.text('record.website'),
      values: [[{ text: club.website, href: club.website }]],
    });
  }
  if (club.register) facts.push({ term: p.text('record.register'), values: [[club.register]] });
  if (club.representedBy) {
    facts.push({
      term: p.text('record.representative'),
      values: [[club.representedBy[lang]]],
    });
  }
  facts.push({
    term: p.text('record.dpo'),
    values: [
      dpo.appointed
        ? [`${dpo.name}, `, mailLink(dpo.email)]
        : [capitalise(p.text('record.dpo.none'))],
    ],
  });
  facts.push({
    term: p.text('record.privacyContact'),
    values: [[mailLink(club.contacts.privacy)]],
  });
  const authorityText: Text = [
    `${authority.name}, ${authority.address}, `,
    { text: authority.url, href: authority.url },
    ...(authority.email ? [', ', mailLink(authority.email)] : []),
  ];
  facts.push({ term: p.text('record.authority'), values: [authorityText] });
  return {
    id: 'controller',
    title: p.text('record.controller.title'),
    blocks: [{ kind: 'facts', facts }],
    sections: [],
  };
}

function measuresSection(input: PolicyInput, w: Wording): Section {
  const { p } = w;
  const measures: Text[] = [[p.text('record.tom.selfHosted')], [p.text('record.tom.roles')]];
  if (input.activities.some((activity) => activity.data.includes('passwordHash'))) {
    measures.push([p.text('record.tom.passwords')]);
  }
  measures.push([p.text('record.tom.retention')], [p.text('record.tom.noTransfer')]);
  return {
    id: 'measures',
    title: p.text('record.tom.title'),
    blocks: [
      paragraph(p.text('record.tom.intro')),
      { kind: 'list', items: measures },
      paragraph(p.text('record.tom.more')),
    ],
    sections: [],
  };
}
