import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { createTestApp, memberInput, type TestApp } from '../../test/support/app.ts';
import { TEST_DIALECTS } from '../../test/support/db.ts';
import { CLI_ACTOR } from '../core/audit/index.ts';
import { ConflictError, NotFoundError, ValidationError } from '../core/errors.ts';
import { markMemberRestricted } from './members.repo.ts';
import {
  createMember,
  exportMembers,
  getMember,
  getMemberHistory,
  importMembers,
  listMembers,
  updateMember,
} from './members.service.ts';

const HEADER =
  'member_number,first_name,last_name,birth_date,street,postcode,city,email,phone,openpgp_fingerprint,joined_on,left_on';
const BOARD = { includeRestricted: false };
const TREASURER = { includeRestricted: true };

for (const dialect of TEST_DIALECTS) {
  describe(`member registry (${dialect})`, () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await createTestApp(dialect);
    });
    afterEach(() => t.close());

    test('creates a member and audits it with ids only', async () => {
      const member = await createMember(t.deps, CLI_ACTOR, memberInput());
      assert.equal(member.memberNumber, '42');
      assert.equal(member.city, 'Osnabrück');
      const rows = await t.deps.db.selectFrom('audit_events').selectAll().execute();
      assert.deepEqual(
        rows.map((row) => [row.event, row.member_id]),
        [['members.member.created', member.id]],
      );
      assert.doesNotMatch(JSON.stringify(rows), /Ada|Lovelace|ada@example|Osnabr/);
    });

    test('refuses a duplicate member number, also of a restricted former member', async () => {
      const first = await createMember(t.deps, CLI_ACTOR, memberInput());
      await assert.rejects(
        createMember(t.deps, CLI_ACTOR, memberInput({ firstName: 'Other' })),
        (error: unknown) => {
          assert.ok(error instanceof ConflictError);
          assert.equal(error.code, 'member_number_taken');
          return true;
        },
      );
      await markMemberRestricted(t.deps.db, first.id, new Date().toISOString());
      await assert.rejects(createMember(t.deps, CLI_ACTOR, memberInput()), ConflictError);
      assert.equal((await t.deps.db.selectFrom('members').select('id').execute()).length, 1);
    });

    test('names every invalid field and writes nothing', async () => {
      await assert.rejects(
        createMember(
          t.deps,
          CLI_ACTOR,
          memberInput({
            email: 'nope',
            openpgpFingerprint: '1234',
            joinedOn: '2024-02-30',
            lastName: '',
          }),
        ),
        (error: unknown) => {
          assert.ok(error instanceof ValidationError);
          assert.deepEqual(error.issues.map((issue) => issue.path).sort(), [
            'email',
            'joinedOn',
            'lastName',
            'openpgpFingerprint',
          ]);
          return true;
        },
      );
      assert.equal((await t.deps.db.selectFrom('members').select('id').execute()).length, 0);
      assert.equal((await t.deps.db.selectFrom('audit_events').select('id').execute()).length, 0);
    });

    test('refuses control characters in every free-text field and names the field', async () => {
      const cases: [string, string][] = [
        ['firstName', 'Ada\u0000'],
        ['lastName', 'Love\u202Elace'],
        ['street', 'Weg 1\nroot::0:0::/:/bin/sh'],
        ['postcode', '49\u2066074'],
        ['city', 'Osna\rbrück'],
      ];
      for (const [field, value] of cases) {
        await assert.rejects(
          createMember(t.deps, CLI_ACTOR, memberInput({ [field]: value })),
          (error: unknown) => {
            assert.ok(error instanceof ValidationError, field);
            assert.deepEqual(
              error.issues.map((issue) => issue.path),
              [field],
            );
            assert.match(error.issues[0]?.message ?? '', /control characters \(found U\+/);
            return true;
          },
        );
      }
      const member = await createMember(t.deps, CLI_ACTOR, memberInput({ firstName: 'Zoë' }));
      await assert.rejects(
        updateMember(t.deps, CLI_ACTOR, member.id, memberInput({ lastName: 'Love\u2028lace' })),
        ValidationError,
      );
      assert.equal((await t.deps.db.selectFrom('members').select('id').execute()).length, 1);
    });

    test('records which fields changed, and that the membership ended', async () => {
      const member = await createMember(t.deps, CLI_ACTOR, memberInput());
      await updateMember(
        t.deps,
        CLI_ACTOR,
        member.id,
        memberInput({ phone: '', city: 'Bramsche', leftOn: '2026-02-28' }),
      );
      const history = await getMemberHistory(t.deps, member.id);
      assert.deepEqual(
        history.map((event) => [event.event, event.fields]),
        [
          ['members.member.created', []],
          ['members.member.updated', ['city', 'phone', 'leftOn']],
          ['members.membership.ended', []],
        ],
      );
      const unchanged = await updateMember(
        t.deps,
        CLI_ACTOR,
        member.id,
        memberInput({ phone: '', city: 'Bramsche', leftOn: '2026-02-28' }),
      );
      assert.equal(unchanged.city, 'Bramsche');
      assert.equal((await getMemberHistory(t.deps, member.id)).length, 3);
    });

    test('finds members by folded name, number, email and city, and filters by status', async () => {
      await createMember(
        t.deps,
        CLI_ACTOR,
        memberInput({
          memberNumber: '1',
          firstName: 'Jörg',
          lastName: 'Müller',
          email: 'j@example.org',
        }),
      );
      await createMember(
        t.deps,
        CLI_ACTOR,
        memberInput({
          memberNumber: '2',
          firstName: 'Grace',
          lastName: 'Hopper',
          city: 'Bramsche',
          email: 'grace@example.org',
        }),
      );
      await createMember(
        t.deps,
        CLI_ACTOR,
        memberInput({
          memberNumber: '3',
          firstName: 'Alan',
          lastName: 'Turing',
          leftOn: '2026-01-31',
          email: '',
        }),
      );
      const names = async (query: { search?: string; status?: string }) =>
        (await listMembers(t.deps, BOARD, query)).members.map((member) => member.lastName);
      assert.deepEqual(await names({ search: 'mueller' }), ['Müller']);
      assert.deepEqual(await names({ search: 'MULLER jorg' }), ['Müller']);
      assert.deepEqual(await names({ search: 'bramsche' }), ['Hopper']);
      assert.deepEqual(await names({ search: 'grace@' }), ['Hopper']);
      assert.deepEqual(await names({ search: '%' }), []);
      assert.deepEqual(await names({}), ['Hopper', 'Müller']);
      assert.deepEqual(await names({ status: 'left' }), ['Turing']);
      assert.deepEqual(await names({ status: 'all' }), ['Hopper', 'Müller', 'Turing']);
    });

    test('hides restricted former members from everyone but the treasurer', async () => {
      const member = await createMember(t.deps, CLI_ACTOR, memberInput({ leftOn: '2025-12-31' }));
      await markMemberRestricted(t.deps.db, member.id, new Date().toISOString());
      assert.equal((await listMembers(t.deps, BOARD, { status: 'all' })).total, 0);
      assert.equal((await listMembers(t.deps, BOARD, { status: 'restricted' })).total, 0);
      assert.equal((await listMembers(t.deps, TREASURER, { status: 'restricted' })).total, 1);
      await assert.rejects(getMember(t.deps, BOARD, member.id), NotFoundError);
      assert.equal((await getMember(t.deps, TREASURER, member.id)).id, member.id);
      assert.equal(await exportMembers(t.deps, CLI_ACTOR, 'all'), `${HEADER}\r\n`);
    });

    test('a CSV with one bad row imports nothing and names the row', async () => {
      const csv = `${HEADER}\n1,Ada,Lovelace,,,,,,,,2024-01-01,\n2,Alan,Turing,,,,,alan@,,,2024-01-01,\n3,Grace,Hopper,,,,,,,,2024-01-01,\n`;
      await assert.rejects(
        importMembers(t.deps, CLI_ACTOR, csv, { dryRun: false }),
        (error: unknown) => {
          assert.ok(error instanceof ValidationError);
          assert.equal(error.code, 'csv_invalid');
          assert.deepEqual(error.issues, [
            { path: 'line 3: email', message: 'expected an email address' },
          ]);
          return true;
        },
      );
      assert.equal((await t.deps.db.selectFrom('members').select('id').execute()).length, 0);
    });

    test('a dry run reports and writes nothing; the import then writes every row', async () => {
      await createMember(t.deps, CLI_ACTOR, memberInput({ memberNumber: '9' }));
      const clash = `${HEADER}\n9,Dup,Licate,,,,,,,,2024-01-01,\n`;
      assert.deepEqual((await importMembers(t.deps, CLI_ACTOR, clash, { dryRun: true })).issues, [
        { line: 2, path: 'member_number', message: '9 is already taken' },
      ]);
      const csv = `${HEADER}\n1,Ada,Lovelace,,,,,,,,2024-01-01,\n2,Alan,Turing,,,,,,,,2024-01-01,2025-06-30\n`;
      assert.deepEqual(await importMembers(t.deps, CLI_ACTOR, csv, { dryRun: true }), {
        dryRun: true,
        count: 2,
        issues: [],
      });
      assert.equal((await listMembers(t.deps, BOARD, { status: 'all' })).total, 1);
      assert.equal((await importMembers(t.deps, CLI_ACTOR, csv, { dryRun: false })).count, 2);
      assert.equal((await listMembers(t.deps, BOARD, { status: 'all' })).total, 3);
      const events = await t.deps.db
        .selectFrom('audit_events')
        .select('event')
        .where('event', 'like', 'members.%')
        .execute();
      assert.equal(events.filter((e) => e.event === 'members.membership.ended').length, 1);
      assert.equal(events.filter((e) => e.event === 'members.csv.imported').length, 1);
    });

    test('exports what it imports', async () => {
      const csv = `${HEADER}\r\n1,Ada,Lovelace,1990-12-10,Weg 1,49074,Osnabrück,ada@example.org,+49 541 1,0123456789ABCDEF0123456789ABCDEF01234567,2024-01-01,\r\n2,Käthe,"Müller, geb. Schmidt",,,,,,,,2024-01-01,2025-06-30\r\n`;
      await importMembers(t.deps, CLI_ACTOR, csv, { dryRun: false });
      assert.equal(await exportMembers(t.deps, CLI_ACTOR, 'all'), csv);
      assert.equal((await exportMembers(t.deps, CLI_ACTOR, 'left')).split('\r\n').length, 3);
    });
  });
}
