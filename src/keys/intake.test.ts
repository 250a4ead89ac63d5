import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import nodemailer from 'nodemailer';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { SUBMISSION, withWks } from '../../test/support/keys.ts';
import { INTAKE_MAX_BYTES, startIntake, startMailIntake, type Intake } from './intake.ts';
import type { WksOutcome } from './wks.ts';

/**
 * The reply code a delivery got: with LMTP nodemailer resolves and lists per-recipient errors,
 * with SMTP it rejects.
 */
async function replyCode(
  delivery: Promise<{ rejectedErrors?: { responseCode?: number | undefined }[] | undefined }>,
): Promise<number> {
  try {
    const info = await delivery;
    return info.rejectedErrors?.[0]?.responseCode ?? 250;
  } catch (error) {
    return (error as { responseCode?: number }).responseCode ?? 0;
  }
}

/** The intake listener with a real SMTP/LMTP client (nodemailer) on loopback. */
describe('mail intake', () => {
  let t: TestApp;
  let intake: Intake | undefined;
  let received: Buffer[];
  beforeEach(async () => {
    t = await createTestApp('sqlite', { configEdit: withWks });
    received = [];
  });
  afterEach(async () => {
    await intake?.close();
    intake = undefined;
    await t.close();
  });

  const start = async (
    protocol: 'lmtp' | 'smtp',
    handle: (raw: Buffer) => Promise<WksOutcome> = (raw) => {
      received.push(raw);
      return Promise.resolve({ kind: 'ignored', reason: 'not_wks' });
    },
  ) => {
    intake = await startIntake(
      { ...t.deps, rawMailer: { send: () => Promise.resolve() } },
      { host: '127.0.0.1', port: 0, protocol, handle },
    );
    return nodemailer.createTransport({
      host: '127.0.0.1',
      port: intake.port,
      lmtp: protocol === 'lmtp',
      ignoreTLS: true,
    });
  };

  for (const protocol of ['lmtp', 'smtp'] as const) {
    test(`takes mail for the submission address only, recipient by recipient (${protocol})`, async () => {
      const client = await start(protocol);
      const info = await client.sendMail({
        envelope: {
          from: 'ada@example.org',
          to: ['KEY-SUBMISSION@chaostreff-osnabrueck.de', 'root@chaostreff-osnabrueck.de'],
        },
        raw: `From: ada@example.org\r\nTo: ${SUBMISSION}\r\nSubject: hello\r\n\r\nbody\r\n`,
      });
      assert.deepEqual(info.accepted, ['KEY-SUBMISSION@chaostreff-osnabrueck.de']);
      assert.deepEqual(info.rejected, ['root@chaostreff-osnabrueck.de']);
      assert.equal(received.length, 1);
      assert.match(received[0]?.toString() ?? '', /Subject: hello/);
      assert.equal(
        await replyCode(
          client.sendMail({
            envelope: { from: 'a@example.org', to: ['other@example.org'] },
            raw: 'Subject: x\r\n\r\nx\r\n',
          }),
        ),
        550,
      );
    });
  }

  test('answers 451 when treff fails, so the MTA keeps the mail; 552 when it is too big', async () => {
    const client = await start('lmtp', () => Promise.reject(new Error('database down')));
    const envelope = { from: 'a@example.org', to: [SUBMISSION] };
    assert.equal(
      await replyCode(client.sendMail({ envelope, raw: 'Subject: x\r\n\r\nx\r\n' })),
      451,
    );
    assert.equal(
      await replyCode(
        client.sendMail({
          envelope,
          raw: `Subject: x\r\n\r\n${'x'.repeat(INTAKE_MAX_BYTES + 10)}\r\n`,
        }),
      ),
      552,
    );
  });

  test('starts from the declaration only when mail.intake and the submission address are set', async () => {
    assert.equal(await startMailIntake(t.deps), null);
    const configured = {
      ...t.deps,
      config: {
        ...t.deps.config,
        mail: {
          ...t.deps.config.mail,
          intake: { host: '127.0.0.1' as const, port: 0, protocol: 'lmtp' as const },
        },
      },
    };
    intake = (await startMailIntake(configured)) ?? undefined;
    assert.ok(intake && intake.port > 0);
  });
});
