import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { EXAMPLE_CONFIG } from '../../test/support/app.ts';
import { parseConfig } from '../core/config/load.ts';
import { tlsPaths } from './declared.ts';
import { renderAll } from './render.ts';

async function rendered(tls: string) {
  const yaml = (await readFile(EXAMPLE_CONFIG, 'utf8')).replace(
    'dataDir: ./data',
    `dataDir: ./data\n${tls}`,
  );
  const config = parseConfig(yaml, '/etc/treff/treff.yaml');
  const files = renderAll(config);
  return {
    config,
    file: (path: string) => files.find((file) => file.path === path)?.content ?? '',
  };
}

test('without a tls setting, every daemon uses the Let’s Encrypt files of the website’s domain', async () => {
  const { config, file } = await rendered('');
  const live = '/etc/letsencrypt/live/chaostreff-osnabrueck.de';
  assert.deepEqual(tlsPaths(config), {
    certificate: `${live}/fullchain.pem`,
    key: `${live}/privkey.pem`,
  });
  assert.match(
    file('etc/nginx/conf.d/treff-website.conf'),
    new RegExp(`ssl_certificate ${live}/fullchain.pem;`),
  );
  assert.match(
    file('etc/postfix/treff/main.cf.treff'),
    new RegExp(`^smtpd_tls_key_file = ${live}/privkey.pem$`, 'm'),
  );
  assert.match(
    file('etc/dovecot/conf.d/99-treff.conf'),
    new RegExp(`^ssl_cert = <${live}/fullchain.pem$`, 'm'),
  );
  // Prosody cannot read /etc/letsencrypt as its user: its certs folder, filled by cert import.
  assert.match(file('etc/prosody/prosody.cfg.lua'), /^certificates = "certs"$/m);
  assert.doesNotMatch(file('etc/prosody/prosody.cfg.lua'), /^ssl = /m);
});

test('a declared certificate and key reach nginx, Postfix, Dovecot and Prosody, and nothing else', async () => {
  const { file } = await rendered(
    'tls:\n  certificate: /etc/ssl/club/chain.pem\n  key: /etc/ssl/club/key.pem',
  );
  const nginx = file('etc/nginx/conf.d/treff-website.conf');
  assert.match(
    nginx,
    /ssl_certificate \/etc\/ssl\/club\/chain\.pem;\n\s+ssl_certificate_key \/etc\/ssl\/club\/key\.pem;/,
  );
  const postfix = file('etc/postfix/treff/main.cf.treff');
  assert.match(postfix, /^smtpd_tls_cert_file = \/etc\/ssl\/club\/chain\.pem$/m);
  assert.match(postfix, /^smtpd_tls_key_file = \/etc\/ssl\/club\/key\.pem$/m);
  const dovecot = file('etc/dovecot/conf.d/99-treff.conf');
  assert.match(dovecot, /^ssl_cert = <\/etc\/ssl\/club\/chain\.pem$/m);
  assert.match(dovecot, /^ssl_key = <\/etc\/ssl\/club\/key\.pem$/m);
  assert.match(
    file('etc/prosody/prosody.cfg.lua'),
    /^ssl = \{ certificate = "\/etc\/ssl\/club\/chain\.pem"; key = "\/etc\/ssl\/club\/key\.pem" \}$/m,
  );
  for (const other of [
    'etc/nginx/conf.d/treff-website.conf',
    'etc/postfix/treff/main.cf.treff',
    'etc/dovecot/conf.d/99-treff.conf',
    'etc/prosody/prosody.cfg.lua',
  ])
    assert.doesNotMatch(file(other), /\/etc\/letsencrypt/, other);
});
