import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { EXAMPLE_CONFIG } from '../../../test/support/app.ts';
import { parseConfig } from '../../core/config/load.ts';
import { logFormatText, renderNginxPrivacy, renderNginxWebsite } from './nginx.render.ts';

async function config(edit: (yaml: string) => string = (yaml) => yaml) {
  return parseConfig(edit(await readFile(EXAMPLE_CONFIG, 'utf8')), '/etc/treff/treff.yaml');
}

test('generates the log format from exactly the declared website fields, in their order', async () => {
  assert.equal(
    logFormatText(['ip', 'time', 'operatingSystem', 'browser', 'referer', 'page']),
    '$remote_addr [$time_iso8601] "$treff_os" "$treff_browser" "$treff_referer" "$treff_page"',
  );
  const fewer = await config((yaml) =>
    yaml.replace(
      'logFields: [ip, time, operatingSystem, browser, referer, page]',
      'logFields: [time, page]',
    ),
  );
  const text = renderNginxPrivacy(fewer);
  assert.match(
    text,
    /log_format treff_privacy escape=default '\[\$time_iso8601\] "\$treff_page"';/,
  );
  assert.doesNotMatch(text, /http_user_agent|remote_addr/);
  assert.match(text, /^access_log off;$/m);
});

test('sends the website through the treff web server with its own headers once', async () => {
  const text = renderNginxWebsite(await config());
  assert.match(text, /proxy_pass http:\/\/127\.0\.0\.1:8080;/);
  assert.match(text, /access_log \/var\/log\/treff\/web treff_privacy;/);
  assert.equal(text.match(/proxy_hide_header Content-Security-Policy;/g)?.length, 1);
});

test('serves the WKD from the export only when one is declared, otherwise proxies it to treff', async () => {
  assert.doesNotMatch(renderNginxWebsite(await config()), /openpgpkey/);
  const text = renderNginxWebsite(
    await config((yaml) =>
      yaml.replace(
        'requireClubUid: true',
        'requireClubUid: true\n    exportDir: /var/lib/treff-wkd',
      ),
    ),
  );
  const wkd = text.slice(text.indexOf('location ^~ /.well-known/openpgpkey/'));
  assert.match(wkd, /^ {8}root \/var\/lib\/treff-wkd\/current;$/m);
  assert.match(wkd, /default_type application\/octet-stream;/);
  assert.match(wkd, /default_type "text\/plain; charset=utf-8";/);
  assert.match(wkd, /add_header Access-Control-Allow-Origin "\*" always;/);
  // Files only: a directory is a 404, never a redirect or an index.
  assert.equal(wkd.match(/try_files \$uri =404;/g)?.length, 2);
  assert.doesNotMatch(wkd, /autoindex on|proxy_pass[^\n]*\n[^}]*openpgpkey/);
  // The rest of the site is still treff's.
  assert.ok(
    text.indexOf('location ^~ /.well-known/openpgpkey/') < text.lastIndexOf('location / {'),
  );
});
