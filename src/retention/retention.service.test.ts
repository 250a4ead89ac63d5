import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { addUser, createTestApp, memberInput, type TestApp } from '../../test/support/app.ts';
import { TestClient } from '../../test/support/client.ts';
import { TEST_DIALECTS } from '../../test/support/db.ts';
import { CLI_ACTOR } from '../core/audit/index.ts';
import { withJobLock } from '../core/db/dialect.ts';
import {
  bookPayment,
  createMember,
  getMember,
  listMembers,
  setFee,
  updateMember,
} from '../members/index.ts';
import { compileRetention } from './rules.ts';
import { retentionStatus, runRetention } from './retention.service.ts';

const TREASURER = { includeRestricted: true };
const BOARD = { includeRestricted: false };

for (const dialect of TEST_DIALECTS) {
  describe(`retention engine (${dialect})`, () => {
    let t: TestApp;
    let root: string;
    const run = (only?: string, dryRun = false) => runRetention(t.deps, { only, dryRun, root });
    beforeEach(async () => {
      t = await createTestApp(dialect);
      root = await mkdtemp(join(tmpdir(), 'treff-retention-'));
    });
    afterEach(async () => {
      await t.close();
      await rm(root, { recursive: true, force: true });
    });

    async function formerMember(number: string, leftOn: string, owes = false) {
      const member = await createMember(
        t.deps,
        CLI_ACTOR,
        memberInput({
          memberNumber: number,
          email: `m${number}@example.org`,
          openpgpFingerprint: '0123456789ABCDEF0123456789ABCDEF01234567',
          joinedOn: '2024-01-01',
          leftOn: '',
        }),
      );
      await setFee(t.deps, CLI_ACTOR, BOARD, member.id, {
        amount: '5',
        intervalMonths: '12',
        validFrom: '2024-01-01',
      });
      await bookPayment(t.deps, CLI_ACTOR, BOARD, member.id, {
        bookedOn: '2024-01-05',
        amount: owes ? '5' : '15',
        reference: `Beitrag ${number}`,
      });
      await updateMember(
        t.deps,
        CLI_ACTOR,
        member.id,
        memberInput({
          memberNumber: number,
          email: `m${number}@example.org`,
          openpgpFingerprint: '0123456789ABCDEF0123456789ABCDEF01234567',
          joinedOn: '2024-01-01',
          leftOn,
        }),
      );
      return member.id;
    }

    test('the declaration compiles into jobs, with nothing it cannot carry out', () => {
      const compiled = compileRetention(t.deps.config);
      assert.deepEqual(compiled.problems, []);
      assert.ok(compiled.jobs.some((job) => job.name === 'membership.1'));
      assert.ok(
        compiled.statusOnly.some(
          (entry) => entry.activity.id === 'xmpp-room-history' && entry.keptBy === 'daemon',
        ),
      );
    });

    test('at the exit, contact data goes and the rest is restricted; nothing of current members is touched', async () => {
      const current = await createMember(
        t.deps,
        CLI_ACTOR,
        memberInput({ memberNumber: '1', email: 'current@example.org' }),
      );
      const gone = await formerMember('2', '2026-02-28');
      const leaving = await formerMember('3', '2026-03-02'); // the clock stands at 2026-03-01
      const outcomes = await run();
      assert.ok(
        outcomes.every((outcome) => outcome.status === 'ok'),
        JSON.stringify(outcomes),
      );
      const erased = await getMember(t.deps, TREASURER, gone);
      assert.deepEqual(
        [
          erased.birthDate,
          erased.street,
          erased.postcode,
          erased.city,
          erased.email,
          erased.phone,
          erased.openpgpFingerprint,
        ],
        [null, null, null, null, null, null, null],
      );
      assert.deepEqual(
        [erased.firstName, erased.lastName, erased.memberNumber, erased.joinedOn, erased.leftOn],
        ['Ada', 'Lovelace', '2', '2024-01-01', '2026-02-28'],
      );
      assert.ok(erased.restrictedAt);
      await assert.rejects(getMember(t.deps, BOARD, gone), 'restricted: not for the board');
      assert.equal((await listMembers(t.deps, BOARD, { status: 'all' })).total, 2);
      assert.equal((await getMember(t.deps, BOARD, current.id)).email, 'current@example.org');
      assert.equal((await getMember(t.deps, BOARD, leaving)).email, 'm3@example.org');
      const events = await t.deps.db
        .selectFrom('audit_events')
        .select(['event', 'fields'])
        .where('member_id', '=', gone)
        .where('event', '=', 'members.erasure.fields')
        .execute();
      assert.equal(events.length, 2);
      assert.doesNotMatch(JSON.stringify(events), /example\.org|Lovelace/);
      const again = await run();
      assert.equal(
        again.reduce((sum, outcome) => sum + outcome.removed, 0),
        0,
        'a second run removes nothing more',
      );
    });

    test('keeps the email of a former member who owes contributions, at most the declared three years', async () => {
      const owing = await formerMember('4', '2026-02-28', true);
      await run();
      const held = await getMember(t.deps, TREASURER, owing);
      assert.equal(held.email, 'm4@example.org');
      assert.equal(held.phone, null);
      assert.ok(held.restrictedAt);
      t.clock.set('2029-12-31T12:00:00Z');
      await run('membership.2');
      assert.equal((await getMember(t.deps, TREASURER, owing)).email, 'm4@example.org');
      t.clock.set('2030-01-01T12:00:00Z');
      await run('membership.2');
      assert.equal((await getMember(t.deps, TREASURER, owing)).email, null);
    });

    test('when the statutory period ends, the person goes and the bookings stay, unlinked', async () => {
      const gone = await formerMember('5', '2026-06-30');
      t.clock.set('2026-07-01T12:00:00Z');
      await run();
      // 8 years from the end of 2026: on 2034-12-31 still kept, on 2035-01-01 erased.
      t.clock.set('2034-12-31T12:00:00Z');
      await run();
      assert.ok(await getMember(t.deps, TREASURER, gone));
      t.clock.set('2035-01-01T12:00:00Z');
      const outcomes = await run();
      assert.equal(outcomes.find((outcome) => outcome.job === 'membership.3')?.removed, 1);
      await assert.rejects(getMember(t.deps, TREASURER, gone));
      const bookings = await t.deps.db
        .selectFrom('bookings')
        .select(['member_id', 'amount_cents', 'reference'])
        .execute();
      assert.deepEqual(bookings, [{ member_id: null, amount_cents: 1500, reference: '' }]);
      assert.equal((await t.deps.db.selectFrom('member_fees').select('id').execute()).length, 0);
      const events = await t.deps.db
        .selectFrom('audit_events')
        .select(['event', 'actor_id'])
        .where('member_id', '=', gone)
        .execute();
      assert.ok(events.some((event) => event.event === 'members.erasure.final'));
      assert.ok(events.some((event) => event.event === 'members.audit.anonymised'));
      assert.ok(
        events.every((event) => event.actor_id === null),
        'the audit trail keeps events, not who acted',
      );
      assert.equal(
        (await run()).reduce((sum, outcome) => sum + outcome.removed, 0),
        0,
      );
    });

    test('deletes login links after the declared day and expired sessions', async () => {
      await createMember(t.deps, CLI_ACTOR, memberInput({ email: 'ada@example.org' }));
      const client = new TestClient(t.app);
      await client.get('/login/member');
      await client.post('/login/member', { email: 'ada@example.org' });
      await t.settle();
      await client.login('vorstand', await addUser(t.deps, 'vorstand', ['board']));
      t.clock.advance(23 * 3_600_000);
      await run();
      assert.equal(
        (await t.deps.db.selectFrom('login_links').select('id').execute()).length,
        1,
        'younger than a day: kept',
      );
      assert.equal(
        (await t.deps.db.selectFrom('sessions').select('id').execute()).length,
        0,
        'the 12 h session has expired',
      );
      t.clock.advance(2 * 3_600_000);
      await run();
      assert.equal((await t.deps.db.selectFrom('login_links').select('id').execute()).length, 0);
    });

    test('deletes board sessions older than the declared 12 hours even when web.sessionTtl is longer', async () => {
      // A declaration that was never checked: config check refuses this since issue 11.
      t.deps.config.web.sessionTtl = 'P2D';
      const client = new TestClient(t.app);
      await client.login('vorstand', await addUser(t.deps, 'vorstand', ['board']));
      t.clock.advance(13 * 3_600_000);
      const outcomes = await run('board-logins.2');
      assert.equal(outcomes[0]?.removed, 1);
      assert.equal((await t.deps.db.selectFrom('sessions').select('id').execute()).length, 0);
      assert.notEqual((await client.get('/admin/members')).status, 200, 'the session ended');
    });

    test('the sessions jobs report their oldest kept session, so the proof measures its age', async () => {
      await createMember(t.deps, CLI_ACTOR, memberInput({ email: 'ada@example.org' }));
      const client = new TestClient(t.app);
      const loggedInAt = t.clock.now().toISOString();
      await client.login('vorstand', await addUser(t.deps, 'vorstand', ['board']));
      t.clock.advance(3_600_000);
      const outcomes = await run();
      assert.equal(outcomes.find((o) => o.job === 'board-logins.2')?.oldestKeptAt, loggedInAt);
      assert.equal(
        outcomes.find((o) => o.job === 'member-portal.2')?.oldestKeptAt,
        null,
        'a board session is not a member session',
      );
      const row = (await retentionStatus(t.deps)).find((r) => r.name === 'board-logins.2');
      assert.equal(row?.oldestAgeMs, 3_600_000);
      assert.equal(row?.limitMs, 12 * 3_600_000);
      assert.equal(row?.state, 'ok');
    });

    test('sweeps declared log files and upload directories under the root', async () => {
      const uploads = join(root, 'var/lib/prosody/upload');
      await mkdir(uploads, { recursive: true });
      await writeFile(join(uploads, 'fresh.png'), 'x');
      const { utimes } = await import('node:fs/promises');
      await writeFile(join(uploads, 'stale.png'), 'x');
      const stale = new Date(t.clock.now().getTime() - 25 * 3_600_000);
      await utimes(join(uploads, 'stale.png'), stale, stale);
      const fresh = new Date(t.clock.now().getTime() - 3_600_000);
      await utimes(join(uploads, 'fresh.png'), fresh, fresh);
      const web = join(root, 'var/log/treff');
      await mkdir(web, { recursive: true });
      await writeFile(join(web, 'web'), '2026-03-01T09:00:00Z /\n');
      await writeFile(join(web, 'web.1'), 'old\n');
      await utimes(
        join(web, 'web.1'),
        new Date('2026-02-10T00:00:00Z'),
        new Date('2026-02-10T00:00:00Z'),
      );
      const outcomes = await run();
      assert.equal(outcomes.find((o) => o.job === 'xmpp-uploads.1')?.removed, 1);
      assert.equal(outcomes.find((o) => o.job === 'website-logs.1')?.removed, 1);
      assert.equal(await readFile(join(web, 'web'), 'utf8'), '2026-03-01T09:00:00Z /\n');
    });

    test('deletes outbox and quarantine files after their declared periods (7 and 14 days)', async () => {
      const { utimes } = await import('node:fs/promises');
      const { outboxDir, quarantineDir } = t.deps.config.paths;
      const now = t.clock.now().getTime();
      const put = async (dir: string, name: string, ageDays: number) => {
        await mkdir(dir, { recursive: true });
        await writeFile(join(dir, name), 'x');
        const at = new Date(now - ageDays * 86_400_000);
        await utimes(join(dir, name), at, at);
      };
      await put(outboxDir, '20260220T100000Z-00000001.eml', 8);
      await put(outboxDir, '20260226T100000Z-00000002.eml', 3);
      await put(quarantineDir, '20260210T100000Z-00000003.eml', 15);
      await put(quarantineDir, '20260210T100000Z-00000003.json', 15);
      await put(quarantineDir, '20260220T100000Z-00000004.eml', 8);
      const outcomes = await run();
      assert.equal(outcomes.find((o) => o.job === 'outbox.1')?.removed, 1);
      assert.equal(outcomes.find((o) => o.job === 'mail-quarantine.1')?.removed, 2);
      assert.deepEqual(await readdir(outboxDir), ['20260226T100000Z-00000002.eml']);
      assert.deepEqual(await readdir(quarantineDir), ['20260220T100000Z-00000004.eml']);
    });

    test('the proof shows each rule with its last run, and turns red when something is kept too long', async () => {
      const before = await retentionStatus(t.deps);
      assert.ok(
        before.filter((row) => row.kind !== 'elsewhere').every((row) => row.state === 'never'),
      );
      await formerMember('6', '2026-02-28');
      await run();
      const after = await retentionStatus(t.deps);
      const contact = after.find((row) => row.name === 'membership.1');
      assert.equal(contact?.state, 'ok');
      assert.equal(contact?.removedTotal, 1);
      // Something the job could not delete (here: written straight into the database) shows red.
      await t.deps.db.updateTable('members').set({ phone: '+49 1' }).execute();
      await run('membership.1', true);
      await t.deps.db
        .insertInto('retention_runs')
        .values({
          id: 'x',
          job: 'membership.1',
          started_at: t.clock.now().toISOString(),
          finished_at: t.clock.now().toISOString(),
          dry_run: 0,
          status: 'ok',
          removed: 0,
          oldest_kept_at: '2026-02-28',
          message: null,
        })
        .execute();
      t.clock.advance(3 * 3_600_000);
      assert.equal(
        (await retentionStatus(t.deps)).find((row) => row.name === 'membership.1')?.state,
        'over',
      );
      t.clock.advance(48 * 3_600_000);
      assert.equal(
        (await retentionStatus(t.deps)).find((row) => row.name === 'website-logs.1')?.state,
        'late',
      );
    });

    test('runs a scheduled job in only one instance at a time', async () => {
      let concurrent = 0;
      let max = 0;
      // The job holding the lock runs until the other two have given up (or 5 s have passed),
      // so a slow machine cannot let one start after the first has finished.
      let release = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
        setTimeout(resolve, 5000).unref();
      });
      const work = async () => {
        concurrent++;
        max = Math.max(max, concurrent);
        await gate;
        concurrent--;
      };
      let gaveUp = 0;
      const runs = [1, 2, 3].map(() =>
        withJobLock(t.deps.db, t.deps.dialect, 'demo', work).then((ran) => {
          if (!ran && ++gaveUp === 2) release();
          return ran;
        }),
      );
      if (dialect === 'sqlite') release();
      const results = await Promise.all(runs);
      const skipped = results.filter((ran) => !ran).length;
      if (dialect === 'postgres') {
        assert.equal(max, 1);
        assert.equal(skipped, 2);
      } else {
        assert.equal(skipped, 0, 'SQLite has one process: nothing to skip');
      }
    });
  });
}
