import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { EXAMPLE_CONFIG } from '../../test/support/app.ts';
import { parseConfig } from '../core/config/load.ts';
import { logRetention, uploadExpirySeconds } from './declared.ts';
import { jsString, logrotatePath, nginxString, nginxToken, systemdPath } from './formats.ts';
import { renderJournald, rotation } from './logs/logs.render.ts';
import { prosodyHostDir, uploadCleanerMinutes, uploadDir } from './prosody/prosody.render.ts';
import { renderAll } from './render.ts';

async function config(edit: (yaml: string) => string = (yaml) => yaml) {
  return parseConfig(edit(await readFile(EXAMPLE_CONFIG, 'utf8')), '/etc/treff/treff.yaml');
}

test('derives log retention, rotation and the upload cleaner from the declaration', async () => {
  const example = await config();
  assert.deepEqual(logRetention(example), {
    text: 'P10D',
    ms: 864_000_000,
    days: 10,
    activityId: 'website-logs',
  });
  assert.deepEqual(rotation(10), { rotate: 8, maxage: 9 });
  assert.deepEqual(rotation(1), { rotate: 0, maxage: 1 });
  assert.equal(uploadExpirySeconds(example), 86_400);
  assert.equal(uploadCleanerMinutes(86_400), 1434);
  assert.equal(uploadCleanerMinutes(60), 0);
  assert.equal(
    prosodyHostDir('upload.chaostreff-osnabrueck.de'),
    'upload%2echaostreff%2dosnabrueck%2ede',
  );
  assert.equal(uploadDir('upload.x.de'), '/var/lib/prosody/upload%2ex%2ede/http_file_share');
  const hours = await config((yaml) => yaml.replaceAll('keep: P10D', 'keep: PT36H'));
  assert.match(renderJournald(hours), /MaxRetentionSec=129600s\nMaxFileSec=1day/);
});

test('renders nothing for services that are not declared', async () => {
  const bare = await config((yaml) => yaml.replace(/\n {2}jitsi:\n(?: {4}.*\n| {6}.*\n)+/, '\n'));
  const paths = renderAll(bare).map((file) => file.path);
  assert.ok(!paths.some((path) => /jitsi|turnserver|coturn/.test(path)), paths.join('\n'));
  assert.ok(paths.includes('etc/nginx/conf.d/treff-website.conf'));
});

test('refuses values a format cannot hold', () => {
  assert.equal(nginxToken('example.org'), 'example.org');
  assert.throws(() => nginxToken('a;b'));
  assert.throws(() => nginxToken('$host'));
  assert.equal(nginxString(`a "b"`), '"a \\"b\\""');
  assert.throws(() => nginxString('$x'));
  assert.equal(jsString("it's"), '"it\'s"');
  assert.equal(systemdPath('/var/lib/prosody/a%2eb'), '/var/lib/prosody/a%%2eb');
  assert.throws(() => systemdPath('/a b'));
  assert.throws(() => logrotatePath('relative/path'));
  assert.throws(() => logrotatePath('/a b'));
});
