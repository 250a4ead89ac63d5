import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { TEST_DIALECTS } from '../../test/support/db.ts';
import { runRetention } from './index.ts';
import { MAIL_RUN_KEEP_DAYS, startMailRun } from '../core/mail/runs.ts';

for (const dialect of TEST_DIALECTS) {
  describe(`mail runs (${dialect})`, () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await createTestApp(dialect);
    });
    afterEach(() => t.close());

    const subjects = async () =>
      (await t.deps.db.selectFrom('mail_runs').select('subject').orderBy('subject').execute()).map(
        (row) => row.subject,
      );

    test(`an ended run goes with the retention run ${MAIL_RUN_KEEP_DAYS} days after it ended`, async () => {
      const run = (subject: string) =>
        startMailRun(
          t.deps,
          { subject, startedBy: 'user:board', name: subject, foreground: true },
          () => Promise.resolve(),
        );
      await run('assembly:old');
      t.clock.advance((MAIL_RUN_KEEP_DAYS - 1) * 86_400_000);
      await run('assembly:recent');
      await runRetention(t.deps, { dryRun: false, scope: 'treff' });
      assert.deepEqual(await subjects(), ['assembly:old', 'assembly:recent'], 'both still shown');
      t.clock.advance(2 * 86_400_000);
      await runRetention(t.deps, { dryRun: false, scope: 'treff' });
      assert.deepEqual(await subjects(), ['assembly:recent']);
    });
  });
}
