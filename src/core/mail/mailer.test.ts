import assert from 'node:assert/strict';
import { test } from 'node:test';
import { maskLinkTokens } from './mailer.ts';

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
