import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { createLogger } from '../log.ts';
import { smtpMailer, type MailDeliveryError } from './mailer.ts';

const ADDRESS = 'ada.lovelace@example.org';

// A real SMTP server on a random loopback port that refuses every recipient the way Postfix
// does, repeating the address in its reply.
const server = new SMTPServer({
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onRcptTo(address, _session, callback) {
    const error = new Error(
      `5.1.1 <${address.address}>: Recipient address rejected: User unknown`,
    ) as Error & { responseCode: number };
    error.responseCode = 550;
    callback(error);
  },
});
let port = 0;
before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.server.address() as { port: number }).port;
});
after(
  () =>
    new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    }),
);

test('an SMTP refusal is logged with its reply code, Message-ID and ref, never the address', async () => {
  const mailer = smtpMailer({ from: 'treff@example.org', host: '127.0.0.1', port, secure: false });
  let lines = '';
  const log = createLogger({
    level: 'info',
    destination: new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines += chunk.toString();
        callback();
      },
    }),
  });
  const error = await mailer
    .send({ to: ADDRESS, subject: 'Login', text: 'link', ref: 'member-42' })
    .then(
      () => assert.fail('the server refuses every recipient'),
      (caught: unknown) => caught,
    );
  // What the web frame does with an unhandled error: log it with the err serializer.
  log.error({ err: error, errorId: 'e1' }, 'unhandled error');
  assert.match(lines, /"responseCode":550/);
  assert.match(lines, /member-42/);
  assert.doesNotMatch(lines, /lovelace/i);
  const refusal = error as MailDeliveryError;
  assert.equal(refusal.code, 'mail_refused');
  assert.equal(refusal.command, 'RCPT TO');
  assert.equal(refusal.responseCode, 550);
  assert.equal(refusal.status, '5.1.1');
  assert.equal(refusal.ref, 'member-42');
  assert.match(refusal.messageId ?? '', /^<[0-9a-f]{24}@example\.org>$/);
});
