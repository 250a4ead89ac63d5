import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manualClock } from '../clock.ts';
import { maskLinkTokens, outboxMailer } from './mailer.ts';

test('masks the token of login and password links, and keeps hosts and short paths readable', () => {
  const token = 'Xy3_-abcdefghijklmnopqrstuvwxyz0123456789AB';
  const text =
    `Log in: https://verein.example/login/link/${token}\n` +
    `Password: http://127.0.0.1:8080/account/password/${token}?x=${token}\n` +
    'Keys: https://a-very-long-subdomain-name.chaostreff-osnabrueck.de/me/keys\n';
  assert.equal(
    maskLinkTokens(text),
    'Log in: https://verein.example/login/link/••••••\n' +
      'Password: http://127.0.0.1:8080/account/password/••••••?x=••••••\n' +
      'Keys: https://a-very-long-subdomain-name.chaostreff-osnabrueck.de/me/keys\n',
  );
});

test('writes the extra header fields of a mail into the outbox file (RFC 3834 marks)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'treff-outbox-'));
  try {
    const mailer = outboxMailer({ from: 'treff@verein.example', dir, clock: manualClock() });
    await mailer.send({
      to: 'ada@example.org',
      subject: 'Antwort',
      text: 'Hallo',
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    const [name] = await readdir(dir);
    const source = await readFile(join(dir, name ?? ''), 'utf8');
    assert.match(source, /^Auto-Submitted: auto-replied$/m);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('sends an encrypted mail as OpenPGP/MIME (RFC 3156) and never its plain text', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'treff-outbox-'));
  try {
    const mailer = outboxMailer({ from: 'treff@verein.example', dir, clock: manualClock() });
    const armored = '-----BEGIN PGP MESSAGE-----\n\nwV4DAAAAAAAAAAA=\n-----END PGP MESSAGE-----\n';
    await mailer.send({
      to: 'ada@example.org',
      subject: 'Zahlungserinnerung für März',
      text: 'SECRET-PLAINTEXT',
      headers: { 'Auto-Submitted': 'auto-generated' },
      encrypted: armored,
    });
    const [name] = await readdir(dir);
    const source = await readFile(join(dir, name ?? ''), 'utf8');
    assert.match(
      source,
      /^Content-Type: multipart\/encrypted; protocol="application\/pgp-encrypted";/m,
    );
    assert.match(
      source,
      /^Content-Type: application\/pgp-encrypted\r?\n[\s\S]*?\r?\n\r?\nVersion: 1/m,
    );
    assert.ok(source.includes('-----BEGIN PGP MESSAGE-----'));
    assert.match(source, /^Subject: =\?UTF-8\?Q\?Zahlungserinnerung_f=C3=BCr_M=C3=A4rz\?=$/m);
    assert.match(source, /^Auto-Submitted: auto-generated$/m);
    assert.doesNotMatch(source, /SECRET-PLAINTEXT/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
