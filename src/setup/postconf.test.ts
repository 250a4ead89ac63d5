import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyPostconf, parsePostconfLines } from './postconf.ts';

test('sets a value in place with its continuation lines, drops later definitions, appends new ones', () => {
  const main = [
    '# Debian main.cf',
    'smtpd_relay_restrictions = permit_mynetworks',
    '    permit_sasl_authenticated defer_unauth_destination',
    'myhostname = host.example',
    'smtpd_relay_restrictions = reject',
    '',
  ].join('\n');
  const next = applyPostconf(main, [
    ['smtpd_relay_restrictions', 'permit_mynetworks, reject_unauth_destination'],
    ['debug_peer_list', ''],
  ]);
  assert.equal(
    next,
    [
      '# Debian main.cf',
      'smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination',
      'myhostname = host.example',
      'debug_peer_list =',
      '',
    ].join('\n'),
  );
});

test('leaves a setting that has the value already as it is written', () => {
  const main = 'smtpd_tls_loglevel =   0\nmyhostname = a\n';
  assert.equal(applyPostconf(main, [['smtpd_tls_loglevel', '0']]), main);
});

test('reads the settings of main.cf.treff, skipping comments', () => {
  assert.deepEqual(
    parsePostconfLines(
      '# x = y\nvirtual_transport = lmtp:unix:private/dovecot-lmtp\ndebug_peer_list =\n',
    ),
    [
      ['virtual_transport', 'lmtp:unix:private/dovecot-lmtp'],
      ['debug_peer_list', ''],
    ],
  );
});
