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
