import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseDocument, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { z } from 'zod';
import { formatIssues } from '../errors.ts';
import { ConfigError, loadConfig, parseConfig } from './load.ts';
import { TreffConfig } from './schema.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const EXAMPLE = join(ROOT, 'examples', 'chaostreff-osnabrueck', 'treff.yaml');

function problems(yaml: string): string[] {
  try {
    parseConfig(yaml, '/srv/club/treff.yaml');
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return formatIssues(error.issues);
  }
  assert.fail('the declaration was accepted');
}

test('the example club declaration is valid and declares every service of the reference policy', async () => {
  const config = await loadConfig(EXAMPLE);
  assert.equal(config.club.name, 'Chaostreff Osnabrück e.V.');
  assert.equal(config.club.contacts.memberAccounts, 'member-accounts@chaostreff-osnabrueck.de');
  assert.deepEqual(Object.keys(config.services).sort(), [
    'jitsi',
    'mail',
    'shell',
    'website',
    'wkd',
    'xmpp',
  ]);
  assert.equal(config.services.xmpp?.muc.history, 10);
  assert.equal(config.services.xmpp?.upload.expireAfter, 'PT24H');
  assert.deepEqual(config.services.website?.logFields, [
    'ip',
    'time',
    'operatingSystem',
    'browser',
    'referer',
    'page',
  ]);
  assert.equal(config.services.jitsi?.stun.host, 'meet.osna.social');
  const logs = config.activities.filter((activity) => activity.id.endsWith('logs'));
  assert.ok(logs.length >= 4);
  for (const activity of logs) assert.equal(activity.retention[0]?.keep, 'P10D', activity.id);
});

test('resolves relative paths against the folder of the file', () => {
  const yaml = EXAMPLE_HEAD;
  const config = parseConfig(yaml, '/srv/club/treff.yaml');
  assert.equal(config.dataDir, '/srv/club/data');
  assert.equal(config.database.url, 'sqlite:/srv/club/data/treff.db');
  assert.equal(config.paths.outboxDir, '/srv/club/data/outbox');
  assert.equal(config.publicUrl, 'http://127.0.0.1:8080');
});

test('TREFF_DATABASE_URL overrides the declared database', () => {
  const config = parseConfig(EXAMPLE_HEAD, '/srv/club/treff.yaml', {
    TREFF_DATABASE_URL: 'postgres://treff@db/treff',
  });
  assert.equal(config.database.url, 'postgres://treff@db/treff');
});

test('lists every problem with its path, not just the first', async () => {
  const yaml = (await readFile(EXAMPLE, 'utf8'))
    .replace('history: 10', 'history: ten')
    .replace('expireAfter: PT24H', 'expireAfter: 24 hours')
    .replace('privacy: datenschutz@chaostreff-osnabrueck.de', 'privacy: datenschutz')
    .replace('logging: none', 'logging: full\n    colour: blue');
  assert.deepEqual(problems(yaml), [
    'club.contacts.privacy: expected an email address',
    'services.jitsi.logging: expected one of: none',
    'services.jitsi.colour: unknown key',
    'services.xmpp.muc.history: expected a whole number',
    'services.xmpp.upload.expireAfter: expected an ISO 8601 duration such as P10D, PT24H or P8Y',
  ]);
});

test('refuses an activity without a retention rule, a store or a legal basis', async () => {
  const yaml = (await readFile(EXAMPLE, 'utf8')).replace(
    / {2}- id: website-logs[\s\S]*?(?=\n {2}- id: videoconference\n)/,
    `  - id: website-logs
    service: website
    title: { de: Website, en: Website }
    subjects: [visitors]
    data: [ip]
    purposes: [{ de: Sicherheit, en: Security }]
`,
  );
  assert.deepEqual(problems(yaml), [
    'activities.0.legalBasis: required',
    'activities.0.store: required',
    'activities.0.retention: required',
  ]);
});

test('refuses a legitimate interest without the interest, and data a rule does not declare', async () => {
  const yaml = (await readFile(EXAMPLE, 'utf8'))
    .replace(
      /- basis: art6-1-f\n {8}interest:\n {10}de: ein sicherer und fehlerfreier Betrieb unseres Servers\n {10}en: running our server securely and without errors\n {4}recipients: \[admins\]\n {4}store:\n {6}kind: file-log/,
      '- basis: art6-1-f\n    recipients: [admins]\n    store:\n      kind: file-log',
    )
    .replace('- data: [birthDate, street,', '- data: [shellHistory, birthDate, street,');
  assert.deepEqual(problems(yaml), [
    'activities.0.legalBasis.0.interest: legitimate interests (art6-1-f) must name the interest',
    'activities.3.retention.0.data.0: "shellHistory" is not listed in this activity\'s data',
  ]);
});

test('refuses a declaration whose member registry stores an undeclared field', async () => {
  const document = parseDocument(await readFile(EXAMPLE, 'utf8'));
  const activities = document.get('activities') as YAMLSeq<YAMLMap>;
  const membership = activities.items.find((item) => item.get('id') === 'membership');
  assert.ok(membership);
  const data = membership.get('data') as YAMLSeq<Scalar<string>>;
  data.items = data.items.filter((item) => item.value !== 'birthDate');
  const firstRule = (membership.get('retention') as YAMLSeq<YAMLMap>).items[0];
  const ruleData = firstRule?.get('data') as YAMLSeq<Scalar<string>>;
  ruleData.items = ruleData.items.filter((item) => item.value !== 'birthDate');
  assert.deepEqual(problems(document.toString()), [
    'activities.3.data: the member registry stores birthDate, which this activity does not declare',
  ]);
});

test('refuses a service setting that keeps more than its activity declares', async () => {
  const yaml = (await readFile(EXAMPLE, 'utf8'))
    .replace('history: 10', 'history: 50')
    .replace('expireAfter: PT24H', 'expireAfter: P7D');
  const found = problems(yaml);
  assert.ok(
    found.includes(
      'services.xmpp.muc.history: keeps 50 messages, but the declaration promises at most 10',
    ),
    found.join('\n'),
  );
  assert.ok(
    found.includes(
      'services.xmpp.upload.expireAfter: keeps uploads for P7D, but the declaration promises PT24H',
    ),
    found.join('\n'),
  );
});

test('reports YAML syntax errors with line and column', () => {
  const [first] = problems('club:\n  name: "unterminated\n');
  assert.match(first ?? '', /^line \d+, column \d+: /);
});

test('reports a missing file in one line', async () => {
  await assert.rejects(
    loadConfig('/nonexistent/treff.yaml'),
    /Cannot read \/nonexistent\/treff.yaml: file not found/,
  );
});

test('the committed JSON Schema is the one the code generates', async () => {
  const committed = JSON.parse(
    await readFile(join(ROOT, 'schema', 'treff.schema.json'), 'utf8'),
  ) as unknown;
  assert.deepEqual(committed, z.toJSONSchema(TreffConfig, { io: 'input', unrepresentable: 'any' }));
});

const EXAMPLE_HEAD = `
club:
  name: Test e.V.
  domain: test.example
  address: { street: Weg 1, postcode: '12345', city: Stadt }
  contacts: { board: b@test.example, privacy: p@test.example, memberAccounts: m@test.example }
  supervisoryAuthority: { name: LfD, address: Straße 1, url: https://lfd.example }
mail: { from: treff@test.example }
services: {}
activities:
  - id: membership
    service: members
    title: { de: Mitglieder, en: Members }
    subjects: [members]
    data: [memberNumber, firstName, lastName, birthDate, street, postcode, city, email, phone,
           openpgpFingerprint, joinDate, exitDate, contributions]
    purposes: [{ de: Verwaltung, en: Administration }]
    legalBasis: [{ basis: art6-1-b }]
    store: { kind: database, table: members }
    retention: { keep: P8Y, from: membership.ended }
`;

test('refuses a session that outlives the declared retention of sessions, naming both', async () => {
  const yaml = (await readFile(EXAMPLE, 'utf8')).replace('sessionTtl: PT12H', 'sessionTtl: P2D');
  assert.deepEqual(problems(yaml), [
    'web.sessionTtl: a session lasts P2D, but the activity member-portal promises to keep sessions at most PT12H',
  ]);
});

test('refuses an https publicUrl without trustProxy, which would leave the cookie without Secure', async () => {
  const yaml = (await readFile(EXAMPLE, 'utf8')).replace(
    '  port: 8080\n',
    '  port: 8080\n  publicUrl: https://treff.chaostreff-osnabrueck.de\n',
  );
  const [problem, ...more] = problems(yaml);
  assert.deepEqual(more, []);
  assert.match(problem ?? '', /^web\.trustProxy: must be true when publicUrl is https: .*Secure/);
  const behindProxy = yaml.replace('  port: 8080\n', '  port: 8080\n  trustProxy: true\n');
  assert.equal(
    parseConfig(behindProxy, '/srv/club/treff.yaml').publicUrl,
    'https://treff.chaostreff-osnabrueck.de',
  );
});

test('refuses zero lifetimes and periods beyond 30 years', async () => {
  const yaml = (await readFile(EXAMPLE, 'utf8'))
    .replace('sessionTtl: PT12H', 'sessionTtl: PT0S')
    .replace('loginLinkTtl: PT30M', 'loginLinkTtl: P0D')
    .replace('expireAfter: PT24H', 'expireAfter: PT0S')
    .replace('keep: P8Y', 'keep: P1000Y');
  assert.deepEqual(problems(yaml), [
    'web.sessionTtl: must be longer than zero: nothing could be used for a period of 0',
    'web.loginLinkTtl: must be longer than zero: nothing could be used for a period of 0',
    'services.xmpp.upload.expireAfter: must be longer than zero: nothing could be used for a period of 0',
    'activities.3.retention.2.keep: P1000Y is longer than P30Y, the longest period treff accepts (§ 197 BGB)',
  ]);
  // Zero is a promise for data (erased at exit, never stored), not a mistake.
  const config = await loadConfig(EXAMPLE);
  assert.ok(config.activities.some((a) => a.retention.some((rule) => rule.keep === 'PT0S')));
});

test('names a bad duration in a single retention rule instead of failing inside a cross-field check', async () => {
  const example = await readFile(EXAMPLE, 'utf8');
  assert.ok(example.includes('keep: PT24H'));
  const [problem, ...more] = problems(example.replace('keep: PT24H', 'keep: PT-1H'));
  assert.deepEqual(more, []);
  assert.match(
    problem ?? '',
    /^activities\.\d+\.retention\.keep: expected an ISO 8601 duration such as P10D, PT24H or P8Y$/,
  );
});

test('refuses a YAML alias bomb with a ConfigError', () => {
  const laughs = ['a: &a [x, x, x, x, x, x, x, x, x]'];
  for (const [name, previous] of [
    ['b', 'a'],
    ['c', 'b'],
    ['d', 'c'],
  ] as const)
    laughs.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]`);
  const issues = problems(`${laughs.join('\n')}\n`);
  assert.match(issues.join('\n'), /alias/i);
});

test('refuses a certificate, key or website directory that is not an absolute path', async () => {
  const yaml = (await readFile(EXAMPLE, 'utf8'))
    .replace(
      'dataDir: ./data',
      'dataDir: ./data\ntls:\n  certificate: certs/fullchain.pem\n  key: /etc/ssl/private/club key.pem',
    )
    .replace('    # root: /var/www/club\n', '    root: public\n');
  assert.ok(yaml.includes('    root: public\n'), "the example's commented website root is gone");
  const issues = problems(yaml);
  for (const path of ['tls.certificate', 'tls.key', 'services.website.root'])
    assert.ok(
      issues.some((issue) => issue.startsWith(`${path}: expected an absolute path`)),
      `${path}: ${issues.join('\n')}`,
    );
});
