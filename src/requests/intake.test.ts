import assert from 'node:assert/strict';
import { readdir, readFile, stat } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, test } from 'node:test';
import nodemailer from 'nodemailer';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { TEST_DIALECTS } from '../../test/support/db.ts';
import { DOMAIN, makeKey, SUBMISSION, withWks } from '../../test/support/keys.ts';
import {
  MEMBER_ACCOUNTS,
  memberWithKey,
  mimeSignedMail,
  plainMail,
} from '../../test/support/request-mail.ts';
import { startMailListener, type Intake } from '../core/mail/intake.ts';
import { listQuarantine, PARSE_LIMITS } from '../core/mail/quarantine.ts';
import { wksMailRoute } from '../keys/index.ts';
import { requestMailDir, requestsMailRoute, type RequestMailOutcome } from './intake.ts';
import { deleteMailFile, listRequests } from './requests.service.ts';

type Client = ReturnType<typeof nodemailer.createTransport>;
interface Delivered {
  accepted: unknown[];
  rejected: unknown[];
  rejectedErrors?: { responseCode?: number | undefined }[] | undefined;
}

/** The LMTP answer for the first recipient (nodemailer lists per-recipient errors). */
async function deliver(
  client: Client,
  raw: string | Buffer,
  from = 'sender@example.net',
  to = [MEMBER_ACCOUNTS],
): Promise<number> {
  try {
    const info = (await client.sendMail({ envelope: { from, to }, raw })) as Delivered;
    return info.rejectedErrors?.[0]?.responseCode ?? 250;
  } catch (error) {
    return (error as { responseCode?: number }).responseCode ?? 0;
  }
}

for (const dialect of TEST_DIALECTS) {
  describe(`requests by mail over LMTP (${dialect})`, () => {
    let t: TestApp;
    let intake: Intake | undefined;
    let outcomes: RequestMailOutcome[];
    let wksMails: number;
    let client: Client;
    beforeEach(async () => {
      t = await createTestApp(dialect, { configEdit: withWks });
      outcomes = [];
      wksMails = 0;
      const wks = wksMailRoute(
        { ...t.deps, rawMailer: { send: () => Promise.resolve() } },
        {
          handle: () => {
            wksMails++;
            return Promise.resolve({ kind: 'ignored', reason: 'not_wks' });
          },
        },
      );
      assert.ok(wks);
      intake = await startMailListener(t.deps, {
        host: '127.0.0.1',
        port: 0,
        protocol: 'lmtp',
        routes: [wks, requestsMailRoute(t.deps, (outcome) => outcomes.push(outcome))],
      });
      client = nodemailer.createTransport({
        host: '127.0.0.1',
        port: intake.port,
        lmtp: true,
        ignoreTLS: true,
      });
    });
    afterEach(async () => {
      await intake?.close();
      intake = undefined;
      await t.close();
    });

    test('dispatches by recipient: the submission address to keys, member-accounts to requests, others refused', async () => {
      const info = (await client.sendMail({
        envelope: {
          from: 'a@example.net',
          to: [SUBMISSION, MEMBER_ACCOUNTS.toUpperCase(), `root@${DOMAIN}`],
        },
        raw: plainMail('a@example.net', 'Auskunft', 'Ich bitte um Auskunft nach Art. 15 DSGVO.'),
      })) as Delivered;
      assert.deepEqual(info.rejected, [`root@${DOMAIN}`]);
      assert.equal(wksMails, 1);
      assert.equal(outcomes.length, 1);
      assert.equal(outcomes[0]?.kind, 'access');
    });

    test('keeps the mail durably (0600 in 0700) and records its request before answering 250', async () => {
      const ada = await memberWithKey(t, 'ada', '1');
      const raw = await mimeSignedMail(
        ada.key.privateKey,
        ada.email,
        'Delete my account',
        'Please delete my account.',
        t.clock.now(),
      );
      assert.equal(await deliver(client, raw, ada.email), 250);
      const [outcome] = outcomes;
      assert.ok(outcome);
      assert.equal(outcome.identity, 'signed');
      assert.equal(outcome.kind, 'account.delete');
      assert.equal(outcome.lang, 'en');
      assert.equal((await stat(outcome.mailFile)).mode & 0o777, 0o600);
      assert.equal((await stat(requestMailDir(t.deps.config))).mode & 0o777, 0o700);
      assert.match(await readFile(outcome.mailFile, 'utf8'), /Please delete my account/);
      const [request] = await listRequests(t.deps);
      assert.equal(request?.id, outcome.requestId);
      assert.equal(request?.state, 'open');
      assert.equal(request?.memberId, ada.memberId);
      assert.equal(request?.mailFile, outcome.mailFile);
    });

    test('deleting the raw mail of a closed request deletes its sidecar too', async () => {
      assert.equal(
        await deliver(client, plainMail('a@example.net', 'Auskunft', 'Auskunft bitte.')),
        250,
      );
      const [outcome] = outcomes;
      assert.ok(outcome);
      const sidecar = outcome.mailFile.replace(/\.eml$/, '.json');
      await stat(sidecar);
      assert.equal(await deleteMailFile(t.deps, outcome.requestId, outcome.mailFile), true);
      await assert.rejects(stat(outcome.mailFile));
      await assert.rejects(stat(sidecar));
    });

    test('marks a null-sender mail as auto-submitted, so it is never answered', async () => {
      assert.equal(
        await deliver(client, plainMail('MAILER-DAEMON@example.net', 'Undelivered', 'x'), ''),
        250,
      );
      assert.equal(outcomes[0]?.autoSubmitted, true);
      assert.equal((await listRequests(t.deps))[0]?.autoSubmitted, true);
    });

    test('a corpus of hostile and broken mails each ends quarantined or as a request with its reason, and the listener keeps serving', async () => {
      await memberWithKey(t, 'ada', '1');
      const stranger = await makeKey([{ email: `ada@${DOMAIN}` }], t.clock.now());
      let nested = `From: a@example.net\r\nSubject: deep\r\nContent-Type: multipart/mixed; boundary="b0"\r\n\r\n`;
      let tail = '';
      for (let level = 1; level < PARSE_LIMITS.maxParts + 5; level++) {
        nested += `--b${level - 1}\r\nContent-Type: multipart/mixed; boundary="b${level}"\r\n\r\n`;
        tail = `--b${level - 1}--\r\n${tail}`;
      }
      nested += `--b${PARSE_LIMITS.maxParts + 4}\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b${PARSE_LIMITS.maxParts + 4}--\r\n${tail}`;
      // 100 MiB of zeros, 100 KiB gzipped: stored as it came, never unpacked.
      const bomb = gzipSync(Buffer.alloc(100 * 1024 * 1024), { level: 9 })
        .toString('base64')
        .replace(/.{76}/g, '$&\r\n');
      const corpus: [string, string | Buffer, 'request' | 'quarantine', string][] = [
        [
          'no boundary parameter',
          'From: a@example.net\r\nSubject: x\r\nContent-Type: multipart/mixed\r\n\r\n--x\r\nhello\r\n',
          'request',
          'from_unknown',
        ],
        [
          'unclosed multipart',
          'From: a@example.net\r\nSubject: x\r\nContent-Type: multipart/mixed; boundary="q"\r\n\r\n--q\r\nContent-Type: text/plain\r\n\r\nKonto loeschen bitte\r\n--q\r\nContent-Type: text/plain\r\n\r\n',
          'request',
          'from_unknown',
        ],
        [
          'unknown charset',
          'From: a@example.net\r\nSubject: x\r\nContent-Type: text/plain; charset=x-klingon-42\r\n\r\n\xff\xfe\x00Auskunft\r\n',
          'request',
          'from_unknown',
        ],
        [
          '8-bit headers',
          Buffer.concat([
            Buffer.from(
              'From: J\xf6rg <joerg@example.net>\r\nSubject: L\xf6schung meiner Daten\r\n',
              'latin1',
            ),
            Buffer.from('Content-Type: text/plain\r\n\r\nBitte.\r\n'),
          ]),
          'request',
          'from_unknown',
        ],
        ['empty mail', '\r\n', 'request', 'from_unknown'],
        [
          'binary garbage',
          Buffer.from(
            Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256).filter(
              (b) => b !== 10 && b !== 13 && b !== 46,
            ),
          ),
          'request',
          'from_unknown',
        ],
        [
          'huge',
          `From: a@example.net\r\nSubject: big\r\n\r\n${'x'.repeat(PARSE_LIMITS.maxBytes + 10)}\r\n`,
          'quarantine',
          'too_big',
        ],
        ['nested multiparts', nested, 'quarantine', 'too_many_parts'],
        [
          'oversized header',
          `From: a@example.net\r\nSubject: ${'h'.repeat(PARSE_LIMITS.maxHeaderBytes + 10)}\r\n\r\nx\r\n`,
          'quarantine',
          'header_too_big',
        ],
        [
          'zip bomb attachment',
          `From: a@example.net\r\nSubject: Auskunft\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="z"\r\n\r\n--z\r\nContent-Type: text/plain\r\n\r\nAuskunft bitte\r\n--z\r\nContent-Type: application/gzip; name="daten.gz"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename="daten.gz"\r\n\r\n${bomb}\r\n--z--\r\n`,
          'request',
          'from_unknown',
        ],
        [
          'signature by the wrong key',
          await mimeSignedMail(
            stranger.privateKey,
            'ada@example.org',
            'Konto',
            'Bitte mein Konto loeschen.',
            t.clock.now(),
          ),
          'request',
          'signature_unknown_key',
        ],
        [
          'unreadable signature',
          'From: ada@example.org\r\nSubject: x\r\n\r\n-----BEGIN PGP SIGNED MESSAGE-----\r\nHash: SHA256\r\n\r\nKonto loeschen\r\n-----BEGIN PGP SIGNATURE-----\r\n\r\nnot base64 at all!!\r\n-----END PGP SIGNATURE-----\r\n',
          'request',
          'signature_unreadable',
        ],
      ];
      const rssBefore = process.memoryUsage().rss;
      for (const [name, raw, expected, reason] of corpus) {
        const requestsBefore = outcomes.length;
        const quarantinedBefore = new Set(
          (await listQuarantine(t.deps.config.paths.quarantineDir)).map((entry) => entry.id),
        );
        assert.equal(await deliver(client, raw), 250, name);
        const quarantine = await listQuarantine(t.deps.config.paths.quarantineDir);
        if (expected === 'request') {
          assert.equal(outcomes.length, requestsBefore + 1, `${name}: recorded`);
          assert.equal(outcomes.at(-1)?.identityReason, reason, name);
          const side = JSON.parse(
            await readFile(outcomes.at(-1)?.mailFile.replace(/\.eml$/, '.json') ?? '', 'utf8'),
          ) as { identityReason: string };
          assert.equal(side.identityReason, reason, `${name}: reason kept beside the mail`);
        } else {
          const added = quarantine.filter((entry) => !quarantinedBefore.has(entry.id));
          assert.equal(added.length, 1, `${name}: quarantined`);
          assert.equal(added[0]?.reason, reason, name);
          assert.equal(added[0]?.recipient, MEMBER_ACCOUNTS);
        }
      }
      assert.ok(
        process.memoryUsage().rss - rssBefore < 64 * 1024 * 1024,
        'the zip bomb was never unpacked',
      );
      const bombMail = outcomes.find(
        (o) => o.kind === 'access' && o.identityReason === 'from_unknown' && o.mailFile,
      );
      assert.ok(bombMail);
      // Nothing lost: every mail is a request or in the quarantine.
      const kept = (await readdir(requestMailDir(t.deps.config))).filter((n) => n.endsWith('.eml'));
      assert.equal(
        kept.length + (await listQuarantine(t.deps.config.paths.quarantineDir)).length,
        corpus.length,
      );
      assert.equal(
        (await listRequests(t.deps)).length,
        corpus.filter((c) => c[2] === 'request').length,
      );
      for (const request of await listRequests(t.deps))
        assert.notEqual(request.state, 'open', 'none verified');
      // And the listener still serves.
      assert.equal(
        await deliver(client, plainMail('b@example.net', 'Widerspruch', 'Ich widerspreche.')),
        250,
      );
      assert.equal(outcomes.at(-1)?.kind, 'objection');
    });
  });
}
