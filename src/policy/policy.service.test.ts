import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { TEST_DIALECTS } from '../../test/support/db.ts';
import type { Config } from '../core/config/load.ts';
import { publishPolicyEdition } from './policy.service.ts';
import { renderPolicy } from './policy.ts';
import { canonicalJson, policyVersion } from './version.ts';

const DAY = 24 * 60 * 60 * 1000;

/** The example declaration with the web logs kept `keep` instead of ten days. */
function withWebLogRetention(config: Config, keep: string): Config {
  return {
    ...config,
    activities: config.activities.map((activity) =>
      activity.id === 'website-logs'
        ? { ...activity, retention: activity.retention.map((rule) => ({ ...rule, keep })) }
        : activity,
    ),
  };
}

describe('the policy version', () => {
  test('is the same for equal declarations whatever their key order', () => {
    assert.equal(
      canonicalJson({ b: 1, a: [2, { d: undefined, c: 3 }] }),
      '{"a":[2,{"c":3}],"b":1}',
    );
    assert.equal(canonicalJson({ a: 1, b: 2 }), canonicalJson({ b: 2, a: 1 }));
    assert.notEqual(canonicalJson([1, 2]), canonicalJson([2, 1]));
  });
});

for (const dialect of TEST_DIALECTS) {
  describe(`the policy version and its date (${dialect})`, () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await createTestApp(dialect);
    });
    afterEach(() => t.close());

    test('changes when a retention period changes, and only then', () => {
      const version = policyVersion(t.deps.config);
      assert.match(version, /^[0-9a-f]{12}$/);
      assert.notEqual(policyVersion(withWebLogRetention(t.deps.config, 'P7D')), version);
      assert.equal(policyVersion(withWebLogRetention(t.deps.config, 'P10D')), version);
      // Where the data lives, the web port and the mail relay are not part of the policy.
      const moved: Config = {
        ...t.deps.config,
        dataDir: '/srv/elsewhere',
        database: { url: 'postgres://treff@db/treff' },
        paths: {
          dataDir: '/srv/elsewhere',
          outboxDir: '/srv/x',
          secretFile: '/srv/y',
          quarantineDir: '/srv/q',
        },
        file: '/etc/treff/treff.yaml',
        web: { ...t.deps.config.web, port: 9999 },
      };
      assert.equal(policyVersion(moved), version);
    });

    test('keeps the date of an unchanged declaration when rendered again later', async () => {
      const first = await publishPolicyEdition(t.deps);
      assert.deepEqual(first, { version: policyVersion(t.deps.config), publishedOn: '2026-03-01' });
      t.clock.advance(40 * DAY);
      assert.deepEqual(await publishPolicyEdition(t.deps), first);
      assert.match(
        renderPolicy(t.deps.config, 'de', 'md', first.publishedOn),
        /^Stand: 01\.03\.2026 · Version [0-9a-f]{12}$/m,
      );
    });

    test('dates a changed declaration on the day it is first published', async () => {
      const first = await publishPolicyEdition(t.deps);
      t.clock.advance(40 * DAY);
      const changed = { ...t.deps, config: withWebLogRetention(t.deps.config, 'P7D') };
      const second = await publishPolicyEdition(changed);
      assert.notEqual(second.version, first.version);
      assert.equal(second.publishedOn, '2026-04-10');
      t.clock.advance(DAY);
      assert.deepEqual(await publishPolicyEdition(changed), second);
      // The earlier version keeps its own date.
      assert.deepEqual(await publishPolicyEdition(t.deps), first);
    });

    test("takes the publication date in the club's time zone", async () => {
      // 23:30 UTC on 1 March is already 2 March in Osnabrück.
      t.clock.set('2026-03-01T23:30:00.000Z');
      assert.equal((await publishPolicyEdition(t.deps)).publishedOn, '2026-03-02');
    });

    test('agrees on one date when several requests publish a new version at once', async () => {
      const editions = await Promise.all(
        Array.from({ length: 5 }, () => publishPolicyEdition(t.deps)),
      );
      assert.equal(new Set(editions.map((edition) => edition.publishedOn)).size, 1);
    });
  });
}
