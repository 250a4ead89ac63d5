import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { addUser, createTestApp, memberInput, type TestApp } from '../support/app.ts';
import { memberPortalClient, TestClient } from '../support/client.ts';
import { CLI_ACTOR } from '../../src/core/audit/index.ts';
import { createMember } from '../../src/members/index.ts';
import { fuzz, piece } from './fuzz.ts';

/**
 * Every POST route of the app, as anonymous, member, board and admin, with forms of any field
 * names and values: the answer is never a 5xx. The routes come from the app itself, so a new
 * route is fuzzed without a change here.
 */

let t: TestApp;
const clients: Record<string, TestClient> = {};
let memberId = '';
let paths: string[] = [];

before(async () => {
  t = await createTestApp('sqlite');
  const member = await createMember(t.deps, CLI_ACTOR, memberInput({ email: 'ada@example.org' }));
  memberId = member.id;
  clients['anonymous'] = new TestClient(t.app);
  await clients['anonymous'].get('/login');
  clients['member'] = await memberPortalClient(t, 'ada@example.org');
  for (const role of ['board', 'admin'] as const) {
    const client = new TestClient(t.app);
    await client.login(role, await addUser(t.deps, role, [role]));
    clients[role] = client;
  }
  paths = [
    ...new Set(t.app.routes.filter((route) => route.method === 'POST').map((r) => r.path)),
  ].filter((path) => path !== '/logout');
});
after(() => t.close());

const FIELDS = [
  'username',
  'password',
  'email',
  'next',
  'memberNumber',
  'firstName',
  'lastName',
  'birthDate',
  'joinedOn',
  'leftOn',
  'amount',
  'bookedOn',
  'amountCents',
  'key',
  'code',
  'reason',
  'services',
  'sshKeys',
  'delimiter',
  'headerLine',
  'decimal',
  'dateColumn',
  'amountColumn',
  'referenceColumn',
  'text',
  'memberId',
  '_csrf',
];

const form = fc.dictionary(fc.oneof(fc.constantFrom(...FIELDS), piece), piece, { maxKeys: 8 });
const param = fc.oneof(fc.constant('MEMBER'), fc.constantFrom('x', '0', '..', '%00'), piece);

test('HTTP forms: no POST route answers 5xx to any form, for any role', async (ctx) => {
  assert.ok(paths.length > 20, `${paths.length} POST routes`);
  const roles = Object.keys(clients);
  await fuzz(ctx, 'http-forms', {
    seeds: paths.flatMap((path) =>
      roles.map((role) => ({
        name: `${role} ${path}`,
        input: { role, path, params: ['MEMBER'], fields: {} },
      })),
    ),
    arbitrary: fc.record({
      role: fc.constantFrom(...roles),
      path: fc.constantFrom(...paths),
      params: fc.array(param, { minLength: 2, maxLength: 2 }),
      fields: form,
    }),
    property: async ({ role, path, params, fields }) => {
      const client = clients[role];
      assert.ok(client);
      let index = 0;
      const url = path.replace(/:[A-Za-z]+/g, () => {
        const value = params[index++] ?? 'x';
        // encodeURIComponent refuses lone surrogates; a browser would send U+FFFD.
        const wellFormed = value.replace(/[\ud800-\udfff]/g, '\ufffd');
        return value === 'MEMBER' ? memberId : encodeURIComponent(wellFormed);
      });
      const response = await client.post(url, fields);
      await response.arrayBuffer();
      assert.ok(response.status < 500, `${role} POST ${url} answered ${response.status}`);
    },
  });
});
