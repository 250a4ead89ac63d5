import assert from 'node:assert/strict';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import nodemailer from 'nodemailer';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import {
  codeIn,
  decryptText,
  DOMAIN,
  makeKey,
  memberWithAccount,
  SUBMISSION,
  withWks,
  wksSubmissionMail,
} from '../../test/support/keys.ts';
import { confirmPublication, listKeys, requestPublication } from './keys.service.ts';
import { loadSubmissionKey } from './submission-key.ts';
import { PARSE_LIMITS } from '../core/mail/quarantine.ts';
import { INTAKE_MAX_BYTES, startIntake, startMailIntake, type Intake } from './intake.ts';
import { WKS_MAX_ADDRESSES_PER_SUBMISSION, type WksOutcome } from './wks.ts';

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

  /** A mail nested `depth` multiparts deep. */
  const nested = (depth: number) => {
    let head = `From: a@example.org\r\nTo: ${SUBMISSION}\r\nSubject: deep\r\nContent-Type: multipart/mixed; boundary="b0"\r\n\r\n`;
    let tail = '';
    for (let level = 1; level < depth; level++) {
      head += `--b${level - 1}\r\nContent-Type: multipart/mixed; boundary="b${level}"\r\n\r\n`;
      tail = `--b${level - 1}--\r\n${tail}`;
    }
    return `${head}--b${depth - 1}\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b${depth - 1}--\r\n${tail}`;
  };

  test('quarantines mail over the parser limits with its reason, answers 250, and keeps serving', async () => {
    intake = await startIntake(
      { ...t.deps, rawMailer: { send: () => Promise.resolve() } },
      { host: '127.0.0.1', port: 0, protocol: 'lmtp' },
    );
    const client = nodemailer.createTransport({
      host: '127.0.0.1',
      port: intake.port,
      lmtp: true,
      ignoreTLS: true,
    });
    const envelope = { from: 'a@example.org', to: [SUBMISSION] };
    const mails: [string, string][] = [
      [`Subject: big\r\n\r\n${'x'.repeat(PARSE_LIMITS.maxBytes + 10)}\r\n`, 'too_big'],
      [nested(PARSE_LIMITS.maxParts + 5), 'too_many_parts'],
      [`Subject: ${'h'.repeat(PARSE_LIMITS.maxHeaderBytes + 10)}\r\n\r\nx\r\n`, 'header_too_big'],
    ];
    const dir = t.deps.config.paths.quarantineDir;
    for (const [raw, reason] of mails) {
      assert.equal(await replyCode(client.sendMail({ envelope, raw })), 250, reason);
      const names = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
      const sidecars = await Promise.all(
        names.map(async (name) => JSON.parse(await readFile(join(dir, name), 'utf8')) as unknown),
      );
      assert.ok(
        sidecars.some((side) => (side as { reason?: string }).reason === reason),
        `a sidecar with reason ${reason}`,
      );
    }
    const files = await readdir(dir);
    assert.equal(files.filter((name) => name.endsWith('.eml')).length, 3);
    for (const name of files) assert.equal((await stat(join(dir, name))).mode & 0o777, 0o600);
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    const kept = files.filter((name) => name.endsWith('.eml'));
    const sizes = await Promise.all(kept.map(async (name) => (await stat(join(dir, name))).size));
    assert.ok(
      sizes.some((size) => size > PARSE_LIMITS.maxBytes),
      'the big mail is kept whole',
    );
    // The listener still serves: an ordinary mail is read, not quarantined.
    assert.equal(
      await replyCode(
        client.sendMail({ envelope, raw: `From: a@example.org\r\nSubject: hi\r\n\r\nhi\r\n` }),
      ),
      250,
    );
    assert.equal((await readdir(dir)).filter((name) => name.endsWith('.eml')).length, 3);
  });

  /** The intake with the real WKS handler; returns a client and the mails it sent. */
  const startWks = async () => {
    const sent: string[] = [];
    intake = await startIntake(
      {
        ...t.deps,
        rawMailer: {
          send: (envelope) => {
            sent.push(envelope.to);
            return Promise.resolve();
          },
        },
      },
      { host: '127.0.0.1', port: 0, protocol: 'lmtp' },
    );
    const client = nodemailer.createTransport({
      host: '127.0.0.1',
      port: intake.port,
      lmtp: true,
      ignoreTLS: true,
    });
    const pair = await loadSubmissionKey(t.deps);
    assert.ok(pair);
    const submit = async (key: Awaited<ReturnType<typeof makeKey>>, from: string) =>
      replyCode(
        client.sendMail({
          envelope: { from, to: [SUBMISSION] },
          raw: await wksSubmissionMail(pair.binary, key, t.clock.now(), from),
        }),
      );
    return { sent, submit };
  };

  test(`mails at most ${WKS_MAX_ADDRESSES_PER_SUBMISSION} confirmation requests for a key with 20 club user IDs`, async () => {
    const names = Array.from({ length: 20 }, (_, index) => `m${index + 1}`);
    for (const [index, name] of names.entries())
      await memberWithAccount(t, name, String(100 + index));
    const key = await makeKey(
      names.map((name) => ({ email: `${name}@${DOMAIN}` })),
      t.clock.now(),
    );
    const { sent, submit } = await startWks();
    assert.equal(await submit(key, `m1@${DOMAIN}`), 250);
    assert.equal(sent.length, WKS_MAX_ADDRESSES_PER_SUBMISSION);
    assert.equal((await listKeys(t.deps, 'pending')).length, WKS_MAX_ADDRESSES_PER_SUBMISSION);
  });

  test("a submission does not replace the member's pending publication from the portal", async () => {
    const ada = `ada@${DOMAIN}`;
    const adaId = await memberWithAccount(t, 'ada');
    const own = await makeKey([{ email: ada }], t.clock.now());
    const member = { type: 'member' as const, id: adaId };
    const request = await requestPublication(t.deps, member, adaId, own.armored, 'portal');
    assert.equal(request.kind, 'pending');
    if (request.kind !== 'pending') return;
    const code = codeIn(await decryptText(request.challenge, own.privateKey, t.clock.now()));

    const { sent, submit } = await startWks();
    const forged = await makeKey([{ email: ada }], t.clock.now());
    assert.equal(await submit(forged, ada), 250);
    assert.deepEqual(sent, [], 'no confirmation request');
    const [pending] = await listKeys(t.deps, 'pending');
    assert.equal(pending?.key.fingerprint, own.publicKey.getFingerprint().toUpperCase());
    const published = await confirmPublication(t.deps, member, adaId, code, {
      recordFingerprint: false,
    });
    assert.equal(published.key.fingerprint, own.publicKey.getFingerprint().toUpperCase());
  });

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
